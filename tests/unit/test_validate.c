#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fixture.h"
#include "codebook.h"
#include "validate.h"
#include "tests.h"

/* Validates page p of the fixture against a urlencoded body. */
static void
run(struct survey *s, size_t p, const char *body, struct answers *out,
    struct verrs *e)
{
	struct answers	 a;
	struct route	 r;
	struct form	 f;

	answers_init(&a);
	answers_set(&a, "Q1", "1", ANS_ANSWERED);
	answers_set(&a, "B1", "1", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(form_parse(&f, body, strlen(body)), FORM_OK);
	answers_init(out);
	memset(e, 0, sizeof(*e));
	validate_page(s, p, &r, &f, out, e);
	form_free(&f);
	route_free(&r);
	answers_free(&a);
}

static const char *
val(const struct answers *a, const char *var)
{
	const struct answer *an = answers_get(a, var);

	ck_assert_msg(an != NULL, "no row for %s", var);
	return (an->value ? an->value : "(null)");
}

static char
state(const struct answers *a, const char *var)
{
	const struct answer *an = answers_get(a, var);

	ck_assert_msg(an != NULL, "no row for %s", var);
	return (an->state);
}

static void
count_var(const struct item *it, const char *var, void *arg)
{
	(*(size_t *)arg)++;
}

START_TEST(validate_good_page)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 out;
	struct verrs	 e;

	run(s, 0, "Q1=9&G.a=1&G.b=9", &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(val(&out, "Q1"), "9");		/* Vet ikke: an answer */
	ck_assert_int_eq(state(&out, "Q1"), ANS_ANSWERED);
	ck_assert_str_eq(val(&out, "G.b"), "9");
	answers_free(&out);
	run(s, 0, "", &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(state(&out, "Q1"), ANS_SKIPPED);	/* never forced */
	ck_assert_int_eq(state(&out, "G.a"), ANS_SKIPPED);
	answers_free(&out);
	verrs_free(&e);
	survey_free(s);
}
END_TEST

START_TEST(validate_tampered_codes)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 out;
	struct verrs	 e;

	run(s, 0, "Q1=7&G.a=1&G.b=x", &out, &e);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_int_eq(e.v[0].code, VERR_OPTION);
	ck_assert_ptr_null(answers_get(&out, "Q1"));	/* not stored */
	ck_assert_str_eq(val(&out, "G.a"), "1");	/* valid row kept */
	ck_assert_ptr_null(answers_get(&out, "G.b"));
	answers_free(&out);
	verrs_free(&e);
	run(s, 0, "Q1=1%20OR%201=1", &out, &e);
	ck_assert_uint_eq(e.n, 1);
	answers_free(&out);
	verrs_free(&e);
	/* Codes are stored canonical, or refused: never as typed. */
	run(s, 0, "Q1=%2B01&G.a=+1&G.b=09", &out, &e);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_ptr_null(answers_get(&out, "Q1"));
	ck_assert_str_eq(val(&out, "G.b"), "9");
	answers_free(&out);
	verrs_free(&e);
	survey_free(s);
}
END_TEST

START_TEST(validate_multi)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 out;
	struct verrs	 e;

	run(s, 1, "Q2=1&M=1&M=8&M.other=Noe+annet", &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(val(&out, "M.1"), "1");
	ck_assert_str_eq(val(&out, "M.2"), "0");
	ck_assert_str_eq(val(&out, "M.8"), "1");
	ck_assert_str_eq(val(&out, "M.other"), "Noe annet");
	answers_free(&out);
	verrs_free(&e);
	run(s, 1, "M=1&M=9", &out, &e);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_int_eq(e.v[0].code, VERR_EXCLUSIVE);
	ck_assert_ptr_null(answers_get(&out, "M.1"));
	ck_assert_int_eq(state(&out, "Q2"), ANS_SKIPPED);
	answers_free(&out);
	verrs_free(&e);
	/* Text in "Annet" ticks it, also without JavaScript. */
	run(s, 1, "M=2&M.other=++Noe+", &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(val(&out, "M.8"), "1");
	ck_assert_str_eq(val(&out, "M.2"), "1");
	ck_assert_str_eq(val(&out, "M.other"), "Noe");
	answers_free(&out);
	verrs_free(&e);
	run(s, 1, "M=9&M.other=Noe", &out, &e);	/* Vet ikke and Annet */
	ck_assert_uint_eq(e.n, 1);
	ck_assert_int_eq(e.v[0].code, VERR_EXCLUSIVE);
	answers_free(&out);
	verrs_free(&e);
	run(s, 1, "M.other=+++", &out, &e);		/* blanks are nothing */
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(state(&out, "M.8"), ANS_SKIPPED);
	answers_free(&out);
	verrs_free(&e);
	run(s, 1, "M=1&M=1", &out, &e);		/* repeated is fine */
	ck_assert_uint_eq(e.n, 0);
	answers_free(&out);
	verrs_free(&e);
	survey_free(s);
}
END_TEST

START_TEST(validate_numbers_sums_text)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 out;
	struct verrs	 e;

	run(s, 2, "S1.x=60&S1.y=40&N=+44+&T=hei&P=99", &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(val(&out, "S1.x"), "60");
	ck_assert_str_eq(val(&out, "N"), "44");
	ck_assert_str_eq(val(&out, "T"), "hei");
	ck_assert_str_eq(val(&out, "P"), "99");
	answers_free(&out);
	verrs_free(&e);

	run(s, 2, "S1.x=60&S1.y=30&N=abc&T=abcdefghijk&P=11", &out, &e);
	ck_assert_uint_eq(e.n, 4);
	ck_assert_int_eq(e.v[0].code, VERR_SUM);
	ck_assert_int_eq(e.v[0].a, 100);
	ck_assert_int_eq(e.v[0].b, 90);
	ck_assert_int_eq(e.v[1].code, VERR_NUMBER);
	ck_assert_int_eq(e.v[2].code, VERR_TOOLONG);
	ck_assert_int_eq(e.v[2].a, 11);
	ck_assert_int_eq(e.v[3].code, VERR_OPTION);
	ck_assert_ptr_null(answers_get(&out, "S1.x"));
	answers_free(&out);
	verrs_free(&e);

	/* One field filled: the empty one counts as 0. */
	run(s, 2, "S1.x=100&S1.y=&N=90&T=%C3%A6%C3%A6%C3%A6%C3%A6%C3%A6%C3%A6"
	    "%C3%A6%C3%A6%C3%A6%C3%A6", &out, &e);
	ck_assert_uint_eq(e.n, 0);			/* 10 characters */
	ck_assert_str_eq(val(&out, "S1.y"), "0");
	answers_free(&out);
	verrs_free(&e);

	/* Each wrong sum field its own error, naming the field. */
	run(s, 2, "S1.x=-5&S1.y=105&N=14&N=15", &out, &e);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_int_eq(e.v[0].code, VERR_SUM_NUMBER);
	ck_assert_str_eq(e.v[0].row->key, "x");
	ck_assert_int_eq(e.v[1].code, VERR_SUM_NUMBER);
	ck_assert_str_eq(e.v[1].row->key, "y");
	ck_assert_int_eq(e.v[2].code, VERR_NUMBER);
	ck_assert_ptr_null(e.v[2].row);
	answers_free(&out);
	verrs_free(&e);

	run(s, 2, "N=99999999999999999999999", &out, &e);
	ck_assert_uint_eq(e.n, 1);
	answers_free(&out);
	verrs_free(&e);
	survey_free(s);
}
END_TEST

START_TEST(validate_hidden_items_skipped)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a, out;
	struct route	 r;
	struct form	 f;
	struct verrs	 e;

	answers_init(&a);
	answers_init(&out);
	memset(&e, 0, sizeof(e));
	answers_set(&a, "Q1", "2", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(form_parse(&f, "Q2=1&M=2", 8), FORM_OK);
	validate_page(s, 1, &r, &f, &out, &e);
	ck_assert_ptr_null(answers_get(&out, "Q2"));	/* not asked */
	ck_assert_str_eq(val(&out, "M.2"), "1");
	form_free(&f);
	route_free(&r);
	answers_free(&out);
	answers_free(&a);
	verrs_free(&e);
	survey_free(s);
}
END_TEST

/*
 * Contact items (recontact consent): an address is checked, and the
 * items have no variables, so the codebook and the exports never see
 * them.
 */
START_TEST(validate_contact_items)
{
	static const char	 src[] =
	    "survey t\nwave 2030\ntitle \"T\"\n"
	    "page p1 \"P\"\n"
	    "  text N contact name\n    text \"Navn\"\n"
	    "  text E contact email\n    text \"E-post\"\n"
	    "  text T contact phone\n    text \"Telefon\"\n";
	static const char *const bad[] = { "a", "@b.no", "a@b", "a@.no",
	    "a@b.no.", "a b@c.no", "a@b@c.no", "<a@b.no>" };
	struct survey	*s = parse_ok(src);
	struct answers	 out;
	struct verrs	 e;
	struct route	 r;
	struct form	 f;
	char		 body[64];
	size_t		 i, nvars = 0;

	ck_assert_int_eq(s->items[1].contact, CONTACT_EMAIL);
	item_vars(&s->items[0], count_var, &nvars);
	item_vars(&s->items[1], count_var, &nvars);
	ck_assert_uint_eq(nvars, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "N=Kari&E=%s&T=", bad[i]);
		answers_init(&out);
		memset(&e, 0, sizeof(e));
		route_eval(s, &out, &r);
		ck_assert_int_eq(form_parse(&f, body, strlen(body)), FORM_OK);
		validate_page(s, 0, &r, &f, &out, &e);
		ck_assert_msg(e.n == 1 && e.v[0].code == VERR_EMAIL,
		    "accepted %s", bad[i]);
		ck_assert_str_eq(val(&out, "N"), "Kari");
		form_free(&f);
		route_free(&r);
		answers_free(&out);
		verrs_free(&e);
	}
	answers_init(&out);
	memset(&e, 0, sizeof(e));
	route_eval(s, &out, &r);
	ck_assert_int_eq(form_parse(&f, "E=kari%40example.no", 19), FORM_OK);
	validate_page(s, 0, &r, &f, &out, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(val(&out, "E"), "kari@example.no");
	form_free(&f);
	route_free(&r);
	answers_free(&out);
	survey_free(s);
}
END_TEST

Suite *
suite_validate(void)
{
	Suite	*s = suite_create("validate");
	TCase	*tc = tcase_create("page");

	tcase_add_test(tc, validate_good_page);
	tcase_add_test(tc, validate_contact_items);
	tcase_add_test(tc, validate_tampered_codes);
	tcase_add_test(tc, validate_multi);
	tcase_add_test(tc, validate_numbers_sums_text);
	tcase_add_test(tc, validate_hidden_items_skipped);
	suite_add_tcase(s, tc);
	return (s);
}
