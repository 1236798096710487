#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fixture.h"
#include "render.h"
#include "tests.h"

static char *
page_html(struct survey *s, size_t page, struct answers *a, struct form *f,
    struct verrs *e, enum lang l)
{
	struct render_page	 rp;
	struct route		 r;
	struct buf		 b;

	route_eval(s, a, &r);
	memset(&rp, 0, sizeof(rp));
	rp.s = s;
	rp.page = page;
	rp.route = &r;
	rp.answers = a;
	rp.posted = f;
	rp.errs = e;
	rp.lang = l;
	rp.action = "/r/k/1";
	rp.csrf = "tok\"en";
	rp.assets = "/assets/";
	buf_init(&b);
	render_page(&rp, &b);
	route_free(&r);
	return (buf_steal(&b));
}

START_TEST(render_escapes_everything)
{
	struct survey	*s;
	struct answers	 a;
	char		*h;

	s = parse_ok("survey t\nwave 2021\ntitle \"T\"\npage p \"<i>P</i>\"\n"
	    "text T\n text \"<script>x</script>\"\n");
	answers_init(&a);
	answers_set(&a, "T", "</textarea><script>alert(1)</script>",
	    ANS_ANSWERED);
	h = page_html(s, 0, &a, NULL, NULL, LANG_NB);
	ck_assert_ptr_null(strstr(h, "<script>"));
	ck_assert_ptr_null(strstr(h, "<i>"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;/textarea&gt;&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(h, "value=\"tok&quot;en\""));
	free(h);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(render_grid_rows_are_radio_groups)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a;
	char		*h;

	answers_init(&a);
	answers_set(&a, "G.b", "2", ANS_ANSWERED);
	h = page_html(s, 0, &a, NULL, NULL, LANG_NB);
	ck_assert_ptr_nonnull(strstr(h, "<fieldset class=\"grid-row\">\n"
	    "<legend>A</legend>"));
	ck_assert_ptr_nonnull(strstr(h, "name=\"G.b\" id=\"G.b-2\" value=\"2\""
	    " checked>"));
	ck_assert_ptr_nonnull(strstr(h, "<label for=\"G.a-1\">Høy</label>"));
	ck_assert_ptr_nonnull(strstr(h, "Side 1 · 0 % ferdig"));
	/* No Forrige on the first page; Neste comes first. */
	ck_assert_ptr_null(strstr(h, "value=\"prev\""));
	ck_assert_ptr_nonnull(strstr(h, "value=\"next\""));
	free(h);
	answers_free(&a);
	survey_free(s);
}
END_TEST

START_TEST(render_errors_keep_posted_values)
{
	struct survey	*s = parse_ok(FIXTURE);
	struct answers	 a;
	struct form	 f;
	struct verrs	 e;
	char		*h;
	const char	*body = "S1.x=60&S1.y=30&N=abc&T=%3Cb%3E";

	answers_init(&a);
	answers_set(&a, "N", "50", ANS_ANSWERED);
	ck_assert_int_eq(form_parse(&f, body, strlen(body)), FORM_OK);
	memset(&e, 0, sizeof(e));
	e.v = calloc(2, sizeof(*e.v));
	e.n = 2;
	e.v[0].item = survey_item(s, "S1");
	e.v[0].code = VERR_SUM;
	e.v[0].a = 100;
	e.v[0].b = 90;
	e.v[1].item = survey_item(s, "N");
	e.v[1].code = VERR_NUMBER;
	e.v[1].a = 15;
	e.v[1].b = 90;
	h = page_html(s, 2, &a, &f, &e, LANG_NB);
	ck_assert_ptr_nonnull(strstr(h, "Tallene må bli 100 til sammen. Nå "
	    "blir de 90."));
	ck_assert_ptr_nonnull(strstr(h, "Skriv et helt tall fra 15 til 90."));
	ck_assert_ptr_nonnull(strstr(h, "value=\"abc\""));	/* as typed */
	ck_assert_ptr_nonnull(strstr(h, "&lt;b&gt;</textarea>"));
	ck_assert_ptr_nonnull(strstr(h, "aria-describedby=\"err-N hint-N\""));
	ck_assert_ptr_nonnull(strstr(h, "role=\"alert\""));
	free(h);
	h = page_html(s, 2, &a, &f, &e, LANG_EN);
	ck_assert_ptr_nonnull(strstr(h, "The numbers must add up to 100."));
	free(h);
	verrs_free(&e);
	form_free(&f);
	answers_free(&a);
	survey_free(s);
}
END_TEST

Suite *
suite_render(void)
{
	Suite	*s = suite_create("render");
	TCase	*tc = tcase_create("page");

	tcase_add_test(tc, render_escapes_everything);
	tcase_add_test(tc, render_grid_rows_are_radio_groups);
	tcase_add_test(tc, render_errors_keep_posted_values);
	suite_add_tcase(s, tc);
	return (s);
}
