#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define HEAD	"survey t\nwave 2021\ntitle \"T\"\n"

START_TEST(def_2021_loads)
{
	struct def_errors	 err;
	struct survey		*s;
	const struct item	*it;

	s = def_parse_file("surveys/helsepersonell-2021/survey.svar", &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->key, "helsepersonell");
	ck_assert_int_eq(s->wave, 2021);
	ck_assert_uint_ge(s->npages, 15);
	/* Every question of research/questionnaire-2021.md is there. */
	{
		static const char *ids[] = { "Q3_1", "Q3_2", "Q3_3", "Q3_4",
		    "Q3_6", "Q3_8", "Q3_10", "Q3_11", "Q3_12", "Q3_13",
		    "Q3_15", "Q3_16", "Q3_18", "Q3_19", "Q3_20", "Q3_21",
		    "Q3_22", "Q3_23", "Q3_24", "Q3_25", "Q3_26", "Q3_27",
		    "Q3_29", "Q3_30", "Q3_32", "Q3_33", "Q3_35", "B2", "B3",
		    "B4", "B5", "B6", "B7", "B8", "B9", "I1", "I2" };
		size_t	 i;

		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			ck_assert_msg(survey_item(s, ids[i]) != NULL,
			    "missing %s", ids[i]);
	}
	ck_assert_ptr_nonnull(survey_hidden(s, "B1"));
	it = survey_item(s, "Q3_3");
	ck_assert_ptr_nonnull(it->cond);
	ck_assert_int_eq(it->cond->op, COND_EQ);
	ck_assert_ptr_eq(it->cond->item, survey_item(s, "Q3_2"));
	it = survey_item(s, "Q3_19");
	ck_assert_int_eq(it->cond->op, COND_IN);
	ck_assert_uint_eq(it->cond->ncodes, 2);
	it = survey_item(s, "B9");
	ck_assert_ptr_null(it->cond->item);	/* a hidden variable */
	ck_assert_int_eq(survey_item(s, "Q3_6")->type, ITEM_SUM);
	ck_assert_int_eq(survey_item(s, "Q3_6")->total, 100);
	ck_assert_int_eq(survey_item(s, "Q3_20")->type, ITEM_NPS);
	ck_assert_int_eq(survey_item(s, "Q3_1")->type, ITEM_GRID);
	ck_assert_ptr_nonnull(optset_other(item_options(survey_item(s,
	    "Q3_19"))));
	/* Translations: every question text has nynorsk and English. */
	{
		char	 missing[96];
		size_t	 i;

		/* Its wave may open: owner and privacy notice, translated. */
		ck_assert_uint_eq(survey_privacy_missing(s, missing,
		    sizeof(missing)), 0);
		for (i = 0; i < PRIV_MAX; i++)
			ck_assert_ptr_nonnull(s->privacy[i].s[LANG_EN]);
		ck_assert_ptr_nonnull(s->owner.s[LANG_NN]);

		for (i = 0; i < s->nitems; i++) {
			if (s->items[i].ntexts == 0)
				continue;
			ck_assert_ptr_nonnull(s->items[i].texts[0].s[LANG_NN]);
			ck_assert_ptr_nonnull(s->items[i].texts[0].s[LANG_EN]);
		}
	}
	survey_free(s);
}
END_TEST

static void
expect_error(const char *src, const char *want)
{
	char	*e = parse_errors(src);

	ck_assert_msg(e != NULL, "definition was accepted, expected '%s'",
	    want);
	ck_assert_msg(strstr(e, want) != NULL, "expected '%s' in:\n%s", want,
	    e);
	free(e);
}

START_TEST(def_errors_name_file_line_item)
{
	expect_error(HEAD "page p \"P\"\nsingle Q1 scale NOPE\n text \"?\"\n",
	    "test.svar:5: Q1: unknown scale 'NOPE'");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\"\n option 1 \"b\"\n", "test.svar:8: Q1: option code 1 "
	    "used twice");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\"\nsingle Q1\n text \"?\"\n", "test.svar:8: Q1: duplicate id");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\"\n if Q2 = 1\npage q \"Q\"\nsingle Q2\n text \"?\"\n option "
	    "1 \"a\"\n", "Q1: condition refers to Q2, which is not on an "
	    "earlier page");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\"\nsingle Q2\n text \"?\"\n option 1 \"a\"\n if Q1 = 1\n",
	    "Q2: condition refers to Q1, which is not on an earlier page");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\"\npage q \"Q\"\nsingle Q2\n text \"?\"\n option 1 \"a\"\n"
	    " if Q1 = 7\n", "condition uses code 7, which is not an option "
	    "of Q1");
	expect_error(HEAD "page p \"P\"\nmulti M\n text \"?\"\n option 1 "
	    "\"a\"\npage q \"Q\"\nsingle Q2\n text \"?\"\n option 1 \"a\"\n"
	    " if M = 1\n", "M is a multi question");
	expect_error(HEAD "single Q1\n", "'single' before the first 'page'");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"open\n",
	    "test.svar:6: string not closed");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n@nn \"x\"\n", "@nn must follow");
	expect_error(HEAD "page p \"P\"\ngrid G scale S\n text \"?\"\n",
	    "G: unknown scale 'S'");
	expect_error(HEAD "page p \"P\"\nsum S total 100\n text \"?\"\n row a "
	    "\"A\"\n", "S: sum needs at least two rows");
	expect_error(HEAD "page p \"P\"\nnumber N min 9 max 1\n text \"?\"\n",
	    "N: min 9 is above max 1");
	expect_error("page p \"P\"\n", "missing 'survey <id>' line");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option x "
	    "\"a\"\n", "option code must be a whole number");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 "
	    "\"a\" sometimes\n", "unknown flag 'sometimes'");
	expect_error(HEAD "page p \"P\"\nwidget W\n", "unknown or misplaced "
	    "directive 'widget'");
	expect_error(HEAD "page p \"P\"\n info I\n text \"x\"\n image "
	    "../../etc/passwd \"alt\"\n", "image needs a plain file name");
	expect_error(HEAD "page p \"P\"\n info I\n text \"x\"\n image "
	    "%2e%2e/u/x \"alt\"\n", "image needs a plain file name");
	/* Ids become variable names: long ones are refused, not cut. */
	expect_error(HEAD "page p \"P\"\nsingle "
	    "Q1234567890123456789012345678901234567890123456789\n text \"?\"\n"
	    " option 1 \"a\"\n", "needs an id of at most 48");
	expect_error(HEAD "page p \"P\"\ngrid G scale S\n text \"?\"\n row "
	    "a234567890123456789012345678901234567890123456789 \"A\"\n",
	    "row needs a key");
}
END_TEST

START_TEST(def_refuses_whole_and_reports_all)
{
	char	*e = parse_errors(HEAD "page p \"P\"\nsingle A scale X\n text "
	    "\"?\"\nsingle B scale Y\n text \"?\"\n");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "unknown scale 'X'"));
	ck_assert_ptr_nonnull(strstr(e, "unknown scale 'Y'"));
	free(e);
	/* Not UTF-8 at all. */
	e = parse_errors("survey t\nwave 2021\ntitle \"\xff\"\n");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "not UTF-8"));
	free(e);
}
END_TEST

START_TEST(def_strings_and_translations)
{
	struct survey	*s;
	const struct item *it;

	s = parse_ok(HEAD "@en \"Tee\"\npage p \"Side\"\n@nn \"Sida\"\n"
	    "single Q1\n text \"Hva \\\"nå\\\"?\"\n @en \"What now?\"\n"
	    " option 1 \"Ja\"\n @en \"Yes\"\n option 9 \"Vet ikke\" dontknow\n");
	ck_assert_str_eq(text_get(&s->title, LANG_EN), "Tee");
	ck_assert_str_eq(text_get(&s->title, LANG_NN), "T");
	ck_assert_str_eq(text_get(&s->pages[0].title, LANG_NN), "Sida");
	it = survey_item(s, "Q1");
	ck_assert_str_eq(text_get(&it->texts[0], LANG_NB), "Hva \"nå\"?");
	ck_assert_str_eq(text_get(&it->texts[0], LANG_EN), "What now?");
	ck_assert_str_eq(text_get(&it->opts.v[0].label, LANG_EN), "Yes");
	ck_assert_int_eq(it->opts.v[1].flags & OPT_DONTKNOW, OPT_DONTKNOW);
	survey_free(s);
}
END_TEST

/* The owner and the privacy notice: each once, before the first page. */
START_TEST(def_privacy_notice)
{
	struct survey	*s;
	char		 missing[96];

	s = parse_ok(HEAD "owner \"Eier\"\n@en \"Owner\"\n"
	    "privacy controller \"C\"\nprivacy dpo \"D\"\n@nn \"Dn\"\n"
	    "page p \"P\"\nsingle Q1\n text \"?\"\n option 1 \"a\"\n");
	ck_assert_str_eq(text_get(&s->owner, LANG_EN), "Owner");
	ck_assert_str_eq(text_get(&s->privacy[PRIV_CONTROLLER], LANG_EN), "C");
	ck_assert_str_eq(text_get(&s->privacy[PRIV_DPO], LANG_NN), "Dn");
	ck_assert_uint_eq(survey_privacy_missing(s, missing, sizeof(missing)),
	    3);
	ck_assert_str_eq(missing, "contact basis retention");
	/* A buffer too small keeps the count and never overruns. */
	ck_assert_uint_eq(survey_privacy_missing(s, missing, 5), 3);
	ck_assert_uint_lt(strlen(missing), 5);
	survey_free(s);

	s = parse_ok(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n"
	    " option 1 \"a\"\n");
	ck_assert_uint_eq(survey_privacy_missing(s, missing, sizeof(missing)),
	    6);
	ck_assert_str_eq(missing, "owner controller contact basis retention "
	    "dpo");
	survey_free(s);

	expect_error(HEAD "privacy owner \"x\"\n", "privacy needs one of "
	    "controller, contact, basis, retention, dpo");
	expect_error(HEAD "privacy dpo\n", "dpo needs a quoted text");
	expect_error(HEAD "owner \"a\"\nowner \"b\"\n",
	    "test.svar:5: a second 'owner' line");
	expect_error(HEAD "privacy basis \"a\"\nprivacy basis \"b\"\n",
	    "a second 'basis' line");
	expect_error(HEAD "page p \"P\"\nsingle Q1\n text \"?\"\n"
	    " option 1 \"a\"\nowner \"late\"\n",
	    "'owner' belongs before the first page");
}
END_TEST

/*
 * Page conditions used to be checked before the items' scales were
 * looked up, so a scale's codes were unknown to them.
 */
START_TEST(def_page_if_sees_scales)
{
	struct survey	*s;

	/* A page-level if on an earlier single-choice item with a scale. */
	s = parse_ok(HEAD "scale S\n option 1 \"Ja\"\n option 2 \"Nei\"\n"
	    "page p \"P\"\nsingle Q1 scale S\n text \"?\"\n"
	    "page q \"Q\"\n if Q1 = 2\nsingle Q2 scale S\n text \"?\"\n");
	ck_assert_ptr_nonnull(s->pages[1].cond);
	ck_assert_ptr_eq(s->pages[1].cond->item, survey_item(s, "Q1"));
	survey_free(s);
	/* A grid row whose scale has no 7. */
	expect_error(HEAD "scale S\n option 1 \"Ja\"\n option 2 \"Nei\"\n"
	    "page p \"P\"\ngrid G1 scale S\n text \"?\"\n row a \"A\"\n"
	    "page q \"Q\"\n if G1.a = 7\nsingle Q2 scale S\n text \"?\"\n",
	    "condition uses code 7, which is not an option of G1.a");
	/* The same on an item, which was right already. */
	expect_error(HEAD "scale S\n option 1 \"Ja\"\n option 2 \"Nei\"\n"
	    "page p \"P\"\ngrid G1 scale S\n text \"?\"\n row a \"A\"\n"
	    "page q \"Q\"\nsingle Q2 scale S\n text \"?\"\n if G1.a = 7\n",
	    "condition uses code 7, which is not an option of G1.a");
}
END_TEST

Suite *
suite_def(void)
{
	Suite	*s = suite_create("definition");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, def_2021_loads);
	tcase_add_test(tc, def_errors_name_file_line_item);
	tcase_add_test(tc, def_refuses_whole_and_reports_all);
	tcase_add_test(tc, def_strings_and_translations);
	tcase_add_test(tc, def_page_if_sees_scales);
	tcase_add_test(tc, def_privacy_notice);
	suite_add_tcase(s, tc);
	return (s);
}
