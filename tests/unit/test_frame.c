/* CSV, the frame files, and sampling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "frame.h"
#include "sample.h"
#include "tests.h"

struct rows {
	char	 out[2048];
};

static int
collect(const struct csv_record *r, void *arg)
{
	struct rows	*c = arg;
	size_t		 i, n = strlen(c->out);

	n += (size_t)snprintf(c->out + n, sizeof(c->out) - n, "%zu:", r->line);
	for (i = 0; i < r->n; i++)
		n += (size_t)snprintf(c->out + n, sizeof(c->out) - n, "[%s]",
		    r->f[i]);
	snprintf(c->out + n, sizeof(c->out) - n, "\n");
	return (1);
}

static const char *
csv(const char *src, char *err, size_t len)
{
	static struct rows	 c;

	memset(&c, 0, sizeof(c));
	if (!csv_parse(src, strlen(src), collect, &c, err, len))
		return (NULL);
	return (c.out);
}

START_TEST(test_csv_fields)
{
	char	 err[256];

	ck_assert_str_eq(csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n3,\n",
	    err, sizeof(err)), "1:[a][b]\n2:[x, y][say \"hi\"]\n4:[3][]\n");
	/* Excel in a Norwegian locale: BOM and semicolons. */
	ck_assert_str_eq(csv("\xef\xbb\xbfnavn;fylke\nBø;Nordland", err,
	    sizeof(err)), "1:[navn][fylke]\n2:[Bø][Nordland]\n");
	/* A line break inside quotes stays in the field. */
	ck_assert_str_eq(csv("a\n\"two\nlines\"\nb\n", err, sizeof(err)),
	    "1:[a]\n2:[two\nlines]\n4:[b]\n");
	ck_assert_ptr_null(csv("a\n\"open\n", err, sizeof(err)));
	ck_assert_str_eq(err, "line 2: a quoted field is not closed");
	ck_assert_ptr_null(csv("a\nx\"y\n", err, sizeof(err)));
	ck_assert_str_eq(err, "line 2: a quote inside an unquoted field: "
	    "quote the whole field");
	ck_assert_ptr_null(csv("a\n\xff\n", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not UTF-8"));
}
END_TEST

static char *
slurp(const char *path)
{
	char	*s;

	ck_assert_ptr_nonnull(s = buf_file(path));
	return (s);
}

START_TEST(test_frame_shipped_lists)
{
	struct frame	 fr;
	char		*src;
	size_t		 i, rhf = 0;

	src = slurp("data/kommuner-2020.csv");
	ck_assert(frame_read(FRAME_KOMMUNE, src, strlen(src), &fr));
	ck_assert_uint_eq(fr.n, 356);
	ck_assert_str_eq(fr.v[0].code, "0301");
	ck_assert_str_eq(fr.v[0].fylke, "Oslo");
	ck_assert_int_eq(fr.v[0].population, -1);
	frame_free(&fr);
	free(src);
	src = slurp("data/helseforetak.csv");
	ck_assert(frame_read(FRAME_HF, src, strlen(src), &fr));
	for (i = 0; i < fr.n; i++)
		if (strcmp(fr.v[i].kind, "rhf") == 0)
			rhf++;
	ck_assert_uint_eq(rhf, 4);
	ck_assert_str_eq(fr.v[1].parent, "Helse Sør-Øst RHF");
	frame_free(&fr);
	free(src);
}
END_TEST

START_TEST(test_frame_errors_by_line)
{
	struct frame	 fr;
	const char	*bad = "kommunenummer,navn,fylke,innbyggere,postmottak\n"
	    "0301,Oslo,Oslo,709037,postmottak@oslo.kommune.no\n"
	    "301,Kort,Oslo,,\n"
	    "0301,Igjen,Oslo,,\n"
	    "1103,Stavanger,Rogaland,mange,post@stavanger\n"
	    "1106,,Rogaland,,\n";

	ck_assert(!frame_read(FRAME_KOMMUNE, bad, strlen(bad), &fr));
	ck_assert_uint_eq(fr.nerr, 5);
	ck_assert_str_eq(fr.err[0], "line 3: kommunenummer '301' must be 4 "
	    "digits");
	ck_assert_str_eq(fr.err[1], "line 4: code '0301' is on an earlier line "
	    "too");
	ck_assert_str_eq(fr.err[2], "line 5: 'post@stavanger' is not an e-mail "
	    "address");
	ck_assert_str_eq(fr.err[3], "line 5: innbyggere 'mange' must be a whole "
	    "number");
	ck_assert_str_eq(fr.err[4], "line 6: the name (navn) is empty");
	frame_free(&fr);
	ck_assert(!frame_read(FRAME_HF, "code,navn\nx,y\n", 14, &fr));
	ck_assert_uint_eq(fr.nerr, 3);
	ck_assert_str_eq(fr.err[0], "line 1: the header has no column 'fylke'");
	ck_assert_str_eq(fr.err[1], "line 1: the header has no column 'rhf'");
	frame_free(&fr);
	ck_assert(!frame_read(FRAME_OFFICE, "", 0, &fr));
	ck_assert_str_eq(fr.err[0], "the file is empty");
	frame_free(&fr);
	ck_assert(frame_email_ok("post@ahus.no"));
	ck_assert(!frame_email_ok("a b@c.no"));
	ck_assert(!frame_email_ok("x@y"));
	ck_assert(!frame_email_ok("x@y.no\r\nBcc: z@w.no"));
}
END_TEST

#define NU	40

START_TEST(test_sample)
{
	struct sample_plan	 p;
	const char		*keys[NU], *codes[NU], *rkeys[NU], *rcodes[NU];
	char			 code[NU][8];
	int			 a[NU], b[NU], c[NU], r[NU];
	size_t			 i, k, sum = 0, taken;

	for (i = 0; i < NU; i++) {
		snprintf(code[i], sizeof(code[i]), "%04zu", i);
		codes[i] = code[i];
		keys[i] = i < 10 ? "A" : i < 25 ? "B" : "C";
	}
	ck_assert(!sample_plan(keys, NU, 0, &p));
	ck_assert(!sample_plan(keys, NU, NU + 1, &p));
	ck_assert(sample_plan(keys, NU, 10, &p));
	ck_assert_uint_eq(p.n, 3);
	for (k = 0; k < p.n; k++)
		sum += p.v[k].take;
	ck_assert_uint_eq(sum, 10);
	/* 10 x 10/40 = 2.5, 10 x 15/40 = 3.75, 3.75: 2, 4, 4 by remainder. */
	ck_assert_uint_eq(p.v[0].take, 2);
	ck_assert_uint_eq(p.v[1].take, 4);
	ck_assert_uint_eq(p.v[2].take, 4);
	sample_draw(&p, keys, codes, NU, 2021, a);
	sample_draw(&p, keys, codes, NU, 2021, b);
	sample_draw(&p, keys, codes, NU, 2022, c);
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	ck_assert(memcmp(a, c, sizeof(a)) != 0);
	for (k = 0; k < p.n; k++) {
		taken = 0;
		for (i = 0; i < NU; i++)
			if (a[i] && strcmp(keys[i], p.v[k].key) == 0)
				taken++;
		ck_assert_uint_eq(taken, p.v[k].take);
	}
	/* The order the units come in does not change the sample. */
	for (i = 0; i < NU; i++) {
		rkeys[i] = keys[NU - 1 - i];
		rcodes[i] = codes[NU - 1 - i];
	}
	sample_draw(&p, rkeys, rcodes, NU, 2021, r);
	for (i = 0; i < NU; i++)
		ck_assert_int_eq(r[NU - 1 - i], a[i]);
	sample_plan_free(&p);
	ck_assert_str_eq(sample_size_band(4999), "under 5000");
	ck_assert_str_eq(sample_size_band(50000), "50000+");
	ck_assert_str_eq(sample_size_band(-1), "ukjent");
}
END_TEST

START_TEST(test_csv_write)
{
	struct buf	 b;

	buf_init(&b);
	csv_field(&b, "plain", 0);
	csv_field(&b, "a,b", 0);
	csv_field(&b, "say \"hi\"", 0);
	csv_field(&b, "=HYPERLINK(\"x\")", 0);
	csv_field(&b, "-12", 0);
	csv_field(&b, "-", 0);
	csv_field(&b, NULL, 1);
	ck_assert_str_eq(buf_cstr(&b), "plain,\"a,b\",\"say \"\"hi\"\"\","
	    "\"'=HYPERLINK(\"\"x\"\")\",-12,'-,\r\n");
	buf_free(&b);
}
END_TEST

Suite *
suite_frame(void)
{
	Suite	*s = suite_create("frame");
	TCase	*tc = tcase_create("frame");

	tcase_add_test(tc, test_csv_fields);
	tcase_add_test(tc, test_frame_shipped_lists);
	tcase_add_test(tc, test_frame_errors_by_line);
	tcase_add_test(tc, test_sample);
	tcase_add_test(tc, test_csv_write);
	suite_add_tcase(s, tc);
	return (s);
}
