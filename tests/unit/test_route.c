#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "route.h"
#include "tests.h"

START_TEST(route_hides_and_shows)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a;
	struct route	 r;
	const struct item *q2 = survey_item(s, "Q2");
	const struct item *z = survey_item(s, "Z");

	answers_init(&a);
	route_eval(s, &a, &r);
	ck_assert_int_eq(r.item_vis[q2->index], 0);	/* Q1 unanswered */
	ck_assert_int_eq(r.page_vis[3], 0);		/* B1 not set */
	ck_assert_int_eq(r.page_vis[1], 1);		/* M is still asked */
	route_free(&r);

	answers_set(&a, "Q1", "1", ANS_ANSWERED);
	answers_set(&a, "B1", "1", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(r.item_vis[q2->index], 1);
	ck_assert_int_eq(r.page_vis[3], 1);
	ck_assert_int_eq(r.item_vis[z->index], 0);
	route_free(&r);

	/* "Vet ikke" is an answer, but not a Ja. */
	answers_set(&a, "Q1", "9", ANS_ANSWERED);
	answers_set(&a, "M.1", "1", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(r.item_vis[q2->index], 0);
	ck_assert_int_eq(r.item_vis[z->index], 1);	/* M any (1) */
	route_free(&r);

	/* Not-asked answers do not count in later conditions. */
	answers_set(&a, "M.1", "1", ANS_NOTASKED);
	answers_set(&a, "G.a", "2", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(r.item_vis[z->index], 1);	/* via G.a = 2 */
	route_free(&r);
	answers_set(&a, "G.a", "2", ANS_SKIPPED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(r.item_vis[z->index], 0);
	route_free(&r);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(route_navigation)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a;
	struct route	 r;
	size_t		 total, pos;

	answers_init(&a);
	route_eval(s, &a, &r);
	ck_assert_uint_eq(route_first(s, &r), 0);
	ck_assert_uint_eq(route_next(s, &r, 0), 1);
	ck_assert_uint_eq(route_next(s, &r, 2), 4);	/* p4 hidden: done */
	ck_assert_uint_eq(route_prev(s, &r, 2), 1);
	ck_assert_uint_eq(route_prev(s, &r, 0), 0);
	pos = route_position(s, &r, 2, &total);
	ck_assert_uint_eq(pos, 3);
	ck_assert_uint_eq(total, 3);
	route_free(&r);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(route_marks_stale_answers)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a, marks;
	struct route	 r;

	answers_init(&a);
	answers_init(&marks);
	answers_set(&a, "Q1", "2", ANS_ANSWERED);	/* changed from Ja */
	answers_set(&a, "Q2", "1", ANS_ANSWERED);	/* now stale */
	answers_set(&a, "G.a", "1", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_int_eq(route_mark_notasked(s, &r, &a, &marks), 1);
	ck_assert_uint_eq(marks.n, 1);
	ck_assert_str_eq(marks.v[0].var, "Q2");
	ck_assert_int_eq(marks.v[0].state, ANS_NOTASKED);
	ck_assert_str_eq(marks.v[0].value, "1");	/* value kept */
	route_free(&r);
	answers_free(&marks);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(route_finds_unvisited_pages)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a;
	struct route	 r;

	answers_init(&a);
	answers_set(&a, "Q1", "2", ANS_ANSWERED);
	answers_set(&a, "G.a", NULL, ANS_SKIPPED);	/* skipped = seen */
	answers_set(&a, "M.1", NULL, ANS_SKIPPED);
	answers_set(&a, "S1.x", "100", ANS_ANSWERED);
	answers_set(&a, "N", NULL, ANS_SKIPPED);
	answers_set(&a, "T", NULL, ANS_SKIPPED);
	answers_set(&a, "P", NULL, ANS_SKIPPED);
	route_eval(s, &a, &r);
	ck_assert_uint_eq(route_unvisited(s, &r, &a), s->npages);
	route_free(&r);
	/* Another tab says Ja: Q2 on page 2 is now asked and never seen. */
	answers_set(&a, "Q1", "1", ANS_ANSWERED);
	route_eval(s, &a, &r);
	ck_assert_uint_eq(route_unvisited(s, &r, &a), 1);
	route_free(&r);
	/* A not-asked row is not a visit either. */
	answers_set(&a, "Q2", "1", ANS_NOTASKED);
	route_eval(s, &a, &r);
	ck_assert_uint_eq(route_unvisited(s, &r, &a), 1);
	route_free(&r);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(route_and_binds_tighter_than_or)
{
	struct survey	*s = parse_ok("survey t\nwave 2021\ntitle \"T\"\n"
	    "page p \"P\"\nsingle A\n text \"a\"\n option 1 \"x\"\n option 2 \"y\"\n"
	    "single B\n text \"b\"\n option 1 \"x\"\n option 2 \"y\"\n"
	    "single C\n text \"c\"\n option 1 \"x\"\n option 2 \"y\"\n"
	    "page q \"Q\"\nsingle D\n text \"d\"\n option 1 \"x\"\n"
	    " if A = 1 or B = 1 and C = 1\n");
	const struct item *d = survey_item(s, "D");
	struct answers	 a;
	struct route	 r;
	static const char *cases[][4] = {
		/* A, B, C, D asked? */
		{ "1", "2", "2", "1" },
		{ "2", "1", "2", "0" },
		{ "2", "1", "1", "1" },
		{ "2", "2", "1", "0" },
	};
	size_t		 i;

	ck_assert_int_eq(d->cond->op, COND_OR);
	ck_assert_int_eq(d->cond->r->op, COND_AND);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		answers_init(&a);
		answers_set(&a, "A", cases[i][0], ANS_ANSWERED);
		answers_set(&a, "B", cases[i][1], ANS_ANSWERED);
		answers_set(&a, "C", cases[i][2], ANS_ANSWERED);
		route_eval(s, &a, &r);
		ck_assert_int_eq(r.item_vis[d->index], cases[i][3][0] - '0');
		route_free(&r);
		answers_free(&a);
	}
	survey_free(s);
}
END_TEST

/* A worker's memory of a response (web_rcache.c) is a deep copy. */
START_TEST(answers_copy_is_deep)
{
	struct answers	 a, b;

	answers_init(&a);
	answers_init(&b);
	answers_copy(&b, &a);
	ck_assert_uint_eq(b.n, 0);
	answers_set(&a, "Q1", "1", ANS_ANSWERED);
	answers_set(&a, "Q2", NULL, ANS_SKIPPED);
	answers_set(&a, "Q3", "tekst", ANS_INVALID);
	answers_copy(&b, &a);
	answers_set(&a, "Q1", "2", ANS_ANSWERED);
	answers_free(&a);
	ck_assert_uint_eq(b.n, 3);
	ck_assert_str_eq(answers_get(&b, "Q1")->value, "1");
	ck_assert_ptr_null(answers_get(&b, "Q2")->value);
	ck_assert_int_eq(answers_get(&b, "Q2")->state, ANS_SKIPPED);
	ck_assert_str_eq(answers_get(&b, "Q3")->value, "tekst");
	ck_assert_int_eq(answers_get(&b, "Q3")->state, ANS_INVALID);
	answers_set(&b, "Q4", "4", ANS_ANSWERED);
	ck_assert_uint_eq(b.n, 4);
	answers_free(&b);
}
END_TEST

Suite *
suite_route(void)
{
	Suite	*s = suite_create("route");
	TCase	*tc = tcase_create("conditions");

	tcase_add_test(tc, route_hides_and_shows);
	tcase_add_test(tc, route_navigation);
	tcase_add_test(tc, route_marks_stale_answers);
	tcase_add_test(tc, route_finds_unvisited_pages);
	tcase_add_test(tc, route_and_binds_tighter_than_or);
	tcase_add_test(tc, answers_copy_is_deep);
	suite_add_tcase(s, tc);
	return (s);
}
