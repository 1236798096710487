#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chart.h"
#include "route.h"
#include "synth.h"
#include "tests.h"

static struct survey *
survey_2021(void)
{
	struct def_errors	 err;
	struct survey		*s;

	s = def_parse_file("surveys/helsepersonell-2021/survey.svar", &err);
	ck_assert_ptr_nonnull(s);
	return (s);
}

static void
frame_file(const char *path, enum frame_kind k, struct frame *fr)
{
	char	*src = buf_file(path);

	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(frame_read(k, src, strlen(src), fr), 1);
	free(src);
}

static void
plan(struct synth *sy, const struct survey *s, uint64_t seed)
{
	struct synth_opts	 o;
	struct frame		 hf, kom;
	char			 err[128];

	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.year = 2090;
	o.responses = 150;
	o.units = 20;
	memset(&hf, 0, sizeof(hf));
	memset(&kom, 0, sizeof(kom));
	frame_file("data/helseforetak.csv", FRAME_HF, &hf);
	frame_file("data/kommuner-2020.csv", FRAME_KOMMUNE, &kom);
	ck_assert_int_eq(synth_plan(sy, s, &o, &hf, &kom, err, sizeof(err)), 1);
	frame_free(&hf);
	frame_free(&kom);
}

/* The same seed gives the same people, pages, times and answers. */
START_TEST(synth_same_seed_same_wave)
{
	struct survey		*s = survey_2021();
	struct synth		 a, b, c;
	struct synth_rows	 ra, rb;
	size_t			 i, k, differ = 0;

	plan(&a, s, 42);
	plan(&b, s, 42);
	plan(&c, s, 43);
	ck_assert_uint_eq(a.nr, b.nr);
	ck_assert_uint_eq(a.nu, b.nu);
	for (i = 0; i < a.nr; i++) {
		ck_assert_int_eq(a.r[i].status, b.r[i].status);
		ck_assert_int_eq(a.r[i].t_opened, b.r[i].t_opened);
		ck_assert_uint_eq(a.r[i].furthest, b.r[i].furthest);
		synth_answers(&a, i, &ra);
		synth_answers(&b, i, &rb);
		ck_assert_uint_eq(ra.a.n, rb.a.n);
		for (k = 0; k < ra.a.n; k++) {
			ck_assert_str_eq(ra.a.v[k].var, rb.a.v[k].var);
			ck_assert_int_eq(ra.a.v[k].state, rb.a.v[k].state);
			ck_assert_int_eq(ra.at[k], rb.at[k]);
		}
		synth_rows_free(&ra);
		synth_rows_free(&rb);
	}
	for (i = 0; i < a.nr && i < c.nr; i++)
		differ += a.r[i].t_opened != c.r[i].t_opened;
	ck_assert_uint_gt(differ, 0);
	synth_free(&a);
	synth_free(&b);
	synth_free(&c);
	survey_free(s);
}
END_TEST

/*
 * Routing holds: no counted answer to an item the answers themselves
 * do not ask; a completed response answered something on its last
 * page; times never run backwards from the opening.
 */
START_TEST(synth_answers_follow_routing)
{
	struct survey		*s = survey_2021();
	struct synth		 sy;
	struct synth_rows	 rr;
	struct route		 rt;
	const struct item	*it;
	size_t			 i, k, completed = 0;

	plan(&sy, s, 7);
	for (i = 0; i < sy.nr; i++) {
		synth_answers(&sy, i, &rr);
		route_eval(s, &rr.a, &rt);
		for (k = 0; k < rr.a.n; k++) {
			if (rr.a.v[k].state != ANS_ANSWERED ||
			    (it = var_item(s, rr.a.v[k].var)) == NULL)
				continue;
			ck_assert_msg(rt.item_vis[it->index], "%s answered "
			    "but not asked", rr.a.v[k].var);
			ck_assert_int_ge(rr.at[k], sy.r[i].t_created);
		}
		if (sy.r[i].status == 'c') {
			completed++;
			ck_assert_int_ge(sy.r[i].t_completed,
			    sy.r[i].t_opened);
			ck_assert_uint_eq(route_unvisited(s, &rt, &rr.a),
			    s->npages);
		}
		route_free(&rt);
		synth_rows_free(&rr);
	}
	ck_assert_uint_gt(completed, 50);
	synth_free(&sy);
	survey_free(s);
}
END_TEST

START_TEST(chart_lines_titled_with_a_line_each)
{
	static const long	 a[] = { 0, 2, 5 }, b[] = { 1, 1, 4 };
	static const char *const x[] = { "10-18", "10-19", "10-20" };
	struct chart_series	 s[2] = { { "hf", a }, { "kommune", b } };
	struct chart_mark	 m = { 1, "påminnelser 3" };
	struct buf		 out;
	const char		*t;

	buf_init(&out);
	ck_assert_int_eq(chart_lines(&out, "c", "Fremdrift & <tid>", "Linjer",
	    x, 3, s, 2, &m, 1), 1);
	t = buf_cstr(&out);
	ck_assert_ptr_nonnull(strstr(t, "<title id=\"c-title\">Fremdrift "
	    "&amp; &lt;tid&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(t, "<title>påminnelser 3</title>"));
	ck_assert_ptr_nonnull(strstr(t, ">hf 5</text>"));
	ck_assert_ptr_nonnull(strstr(t, ">kommune 4</text>"));
	ck_assert_ptr_nonnull(strstr(strstr(t, "<polyline") + 1,
	    "<polyline"));
	buf_free(&out);
}
END_TEST

Suite *
suite_synth(void)
{
	Suite	*s = suite_create("synth");
	TCase	*tc = tcase_create("synth");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, synth_same_seed_same_wave);
	tcase_add_test(tc, synth_answers_follow_routing);
	tcase_add_test(tc, chart_lines_titled_with_a_line_each);
	suite_add_tcase(s, tc);
	return (s);
}
