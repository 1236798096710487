/*
 * The results' statistics against values worked out by hand (the
 * arithmetic is in each comment), not against the code's own output.
 */
#include <math.h>

#include <string.h>

#include "codebook.h"
#include "stats.h"
#include "tests.h"

#define near(a, b, eps)	ck_assert_msg(fabs((a) - (b)) < (eps), \
	    "%s = %.9f, want %.9f", #a, (double)(a), (double)(b))

START_TEST(stats_prop_wald)
{
	struct stats_prop	 p;

	/* 40 of 100: 1.96 * sqrt(0.4 * 0.6 / 100) = 0.0960182 */
	ck_assert(stats_prop(40, 100, 0, &p));
	near(p.p, 0.4, 1e-12);
	near(p.moe, 0.0960182, 1e-6);
	near(p.lo, 0.4 - 0.0960182, 1e-6);
	near(p.hi, 0.4 + 0.0960182, 1e-6);
	/* A frame of 500: times sqrt(400 / 499) = 0.895323 -> 0.0859673 */
	ck_assert(stats_prop(40, 100, 500, &p));
	near(p.moe, 0.0859673, 1e-6);
	/* Everyone in the frame answered: no sampling error left. */
	ck_assert(stats_prop(40, 100, 100, &p));
	near(p.moe, 0, 1e-12);
	/* A frame smaller than the sample cannot be right: ignored. */
	ck_assert(stats_prop(40, 100, 50, &p));
	near(p.moe, 0.0960182, 1e-6);
	/* 0 of 20: no spread, interval clipped at 0. */
	ck_assert(stats_prop(0, 20, 0, &p));
	near(p.moe, 0, 1e-12);
	near(p.lo, 0, 1e-12);
	/* 1 of 2: moe 1.96 * 0.3536 = 0.693 clips both ends. */
	ck_assert(stats_prop(1, 2, 0, &p));
	near(p.lo, 0, 1e-12);
	near(p.hi, 1, 1e-12);
	ck_assert(!stats_prop(3, 0, 0, &p));
	ck_assert(!stats_prop(5, 4, 0, &p));
	ck_assert(!stats_prop(-1, 4, 0, &p));
}
END_TEST

START_TEST(stats_mean_0_10)
{
	struct stats_mean	 m;
	long			 c[11] = { 0 };

	/*
	 * 5, 5, 8, 8, 8, 10: mean 44 / 6 = 7.3333; squares about it
	 * 2 * 5.4444 + 3 * 0.4444 + 7.1111 = 19.3333, s^2 = 19.3333 / 5
	 * = 3.8667, s = 1.966384; moe 1.96 * 1.966384 / sqrt 6 = 1.573406.
	 */
	c[5] = 2;
	c[8] = 3;
	c[10] = 1;
	ck_assert(stats_mean(c, 11, 0, &m));
	ck_assert_int_eq(m.n, 6);
	near(m.mean, 7.333333, 1e-6);
	near(m.sd, 1.966384, 1e-6);
	near(m.moe, 1.573406, 1e-6);
	/* One answer: a mean, no spread. */
	long one[11] = { 0 };
	one[3] = 1;
	ck_assert(stats_mean(one, 11, 0, &m));
	near(m.mean, 3, 1e-12);
	near(m.moe, 0, 1e-12);
	long none[11] = { 0 };
	ck_assert(!stats_mean(none, 11, 0, &m));
}
END_TEST

START_TEST(stats_nps_interval)
{
	struct stats_nps	 s;
	long			 c[11] = { 0 };

	/*
	 * 0, 5, 5 | 7, 7, 7 | 9, 9, 10, 10: P = 0.4, D = 0.3, NPS 10.
	 * Var = (0.4 + 0.3 - 0.1^2) / 10 = 0.069, which is also the
	 * variance of the scores +1/0/-1 (0.69) over n; moe = 100 * 1.96
	 * * sqrt(0.069) = 51.484 points.
	 */
	c[0] = 1;
	c[5] = 2;
	c[7] = 3;
	c[9] = 2;
	c[10] = 2;
	ck_assert(stats_nps(c, 0, &s));
	ck_assert_int_eq(s.n, 10);
	ck_assert_int_eq(s.promoters, 4);
	ck_assert_int_eq(s.passives, 3);
	ck_assert_int_eq(s.detractors, 3);
	near(s.nps, 10, 1e-9);
	near(s.moe, 51.484042, 1e-5);
	/* All promoters: +100, no spread. */
	long all[11] = { 0 };
	all[10] = 7;
	ck_assert(stats_nps(all, 0, &s));
	near(s.nps, 100, 1e-9);
	near(s.moe, 0, 1e-9);
	long none[11] = { 0 };
	ck_assert(!stats_nps(none, 0, &s));
}
END_TEST

START_TEST(stats_ztest_waves)
{
	struct stats_z	 z;

	/*
	 * 45 of 100 against 30 of 100: pooled p = 0.375, se = sqrt(0.375
	 * * 0.625 * 0.02) = 0.0684653, z = 0.15 / se = 2.190890, two-sided
	 * p = erfc(2.190890 / sqrt 2) = 0.028460: significant.
	 */
	ck_assert(stats_ztest(45, 100, 30, 100, &z));
	near(z.diff, 0.15, 1e-12);
	near(z.z, 2.190890, 1e-6);
	near(z.pvalue, 0.028460, 1e-6);
	ck_assert_int_eq(z.significant, 1);
	/* 40 of 100 against 35 of 100: pooled 0.375 again, z = 0.05 / 0.0684653 = 0.730297. */
	ck_assert(stats_ztest(40, 100, 35, 100, &z));
	near(z.z, 0.730297, 1e-5);
	ck_assert_int_eq(z.significant, 0);
	/* Nobody in either wave: nothing to test, not significant. */
	ck_assert(stats_ztest(0, 50, 0, 60, &z));
	ck_assert_int_eq(z.significant, 0);
	ck_assert(!stats_ztest(1, 0, 1, 5, &z));
}
END_TEST

START_TEST(stats_small_cells)
{
	ck_assert(stats_shown(0));
	ck_assert(!stats_shown(1));
	ck_assert(!stats_shown(4));
	ck_assert(stats_shown(5));
	ck_assert(stats_shown(3831));
	near(stats_fpc(100, 0), 1, 1e-12);
	near(stats_fpc(100, 500), sqrt(400.0 / 499.0), 1e-12);
}
END_TEST

START_TEST(stats_running_small)
{
	/* Days of 3, 0, 7, 2, 5, 4, 12 and 1: the hidden 3, 2, 4 and 1
	 * stay out, so the totals are 0, 0, 7, 7, 12, 12, 24, 24 (true
	 * ones 3, 3, 10, 12, 17, 21, 33, 34). */
	static const long	 x[8] = { 3, 0, 7, 2, 5, 4, 12, 1 };
	static const long	 want[8] = { 0, 0, 7, 7, 12, 12, 24, 24 };
	long			 out[8];
	size_t			 i;

	stats_running_shown(x, 8, out);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(out[i], want[i]);
	stats_running_shown(x, 0, out);
}
END_TEST

START_TEST(stats_backcode_overrides)
{
	struct survey		*s;
	struct backcode		 b;

	s = parse_ok("survey t\nwave 2030\ntitle \"T\"\npage p \"P\"\n"
	    "single S\n text \"?\"\n option 1 \"A\"\n option 2 \"B\"\n"
	    " option 5 \"Annet\" other\n"
	    "multi M\n text \"?\"\n option 1 \"A\"\n option 2 \"B\"\n"
	    " option 8 \"Annet\" other\n"
	    "single N\n text \"?\"\n option 1 \"A\"\n"
	    "text T\n text \"?\"\n");
	/* A single choice takes the option's code. */
	ck_assert(item_backcode(survey_item(s, "S"), 2, &b));
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.var[0], "S");
	ck_assert_str_eq(b.val[0], "2");
	ck_assert_str_eq(b.raw[0], "5");
	/* A multiple choice: the option chosen, "Annet" no longer. */
	ck_assert(item_backcode(survey_item(s, "M"), 1, &b));
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.var[0], "M.1");
	ck_assert_str_eq(b.val[0], "1");
	ck_assert_str_eq(b.var[1], "M.8");
	ck_assert_str_eq(b.val[1], "0");
	ck_assert_str_eq(b.raw[0], "");
	ck_assert_str_eq(b.raw[1], "");
	/* Not into "Annet" itself, an unknown option, or without "Annet". */
	ck_assert(!item_backcode(survey_item(s, "S"), 5, &b));
	ck_assert(!item_backcode(survey_item(s, "S"), 3, &b));
	ck_assert(!item_backcode(survey_item(s, "N"), 1, &b));
	ck_assert(!item_backcode(survey_item(s, "T"), 1, &b));
	ck_assert_uint_eq(b.n, 0);
	survey_free(s);
}
END_TEST

Suite *
suite_stats(void)
{
	Suite	*s = suite_create("stats");
	TCase	*tc = tcase_create("stats");

	tcase_add_test(tc, stats_prop_wald);
	tcase_add_test(tc, stats_mean_0_10);
	tcase_add_test(tc, stats_nps_interval);
	tcase_add_test(tc, stats_ztest_waves);
	tcase_add_test(tc, stats_small_cells);
	tcase_add_test(tc, stats_running_small);
	tcase_add_test(tc, stats_backcode_overrides);
	suite_add_tcase(s, tc);
	return (s);
}
