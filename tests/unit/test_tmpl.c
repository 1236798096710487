#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"
#include "tests.h"

static char *
render(const char *src, struct tvars *tv)
{
	struct tmpl	*t;
	struct buf	 err, out;

	buf_init(&err);
	t = tmpl_compile("t", src, strlen(src), &err);
	ck_assert_msg(t != NULL, "%s", buf_cstr(&err));
	buf_free(&err);
	buf_init(&out);
	tmpl_render(t, tv, &out);
	tmpl_free(t);
	return (buf_steal(&out));
}

START_TEST(tmpl_escapes_by_default)
{
	struct tvars	 tv;
	char		*s;

	memset(&tv, 0, sizeof(tv));
	tvars_set(&tv, "x", "<script>alert('1')</script>&\"");
	tvars_set(&tv, "h", "<b>ok</b>");
	s = render("a {{x}} b {{{h}}} c", &tv);
	ck_assert_str_eq(s, "a &lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;"
	    "&amp;&quot; b <b>ok</b> c");
	free(s);
}
END_TEST

START_TEST(tmpl_sections_and_strings)
{
	struct tvars	 tv;
	char		*s;

	memset(&tv, 0, sizeof(tv));
	tv.lang = LANG_EN;
	tvars_set(&tv, "yes", "1");
	tvars_set(&tv, "no", "");
	s = render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!{{/no}}"
	    "{{#missing}}M{{/missing}} {{t.nav.next}} {{t.no.such.key}}", &tv);
	ck_assert_str_eq(s, "Y! Next no.such.key");
	free(s);
	tv.lang = LANG_NN;
	s = render("{{t.nav.prev}}", &tv);
	ck_assert_str_eq(s, "Førre");
	free(s);
}
END_TEST

START_TEST(tmpl_compile_errors)
{
	struct buf	 err;

	buf_init(&err);
	ck_assert_ptr_null(tmpl_compile("t", "{{#a}}x", 7, &err));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "not closed"));
	buf_reset(&err);
	ck_assert_ptr_null(tmpl_compile("t", "{{#a}}x{{/b}}", 13, &err));
	buf_reset(&err);
	ck_assert_ptr_null(tmpl_compile("t", "x {{y", 5, &err));
	buf_free(&err);
}
END_TEST

Suite *
suite_tmpl(void)
{
	Suite	*s = suite_create("template");
	TCase	*tc = tcase_create("render");

	tcase_add_test(tc, tmpl_escapes_by_default);
	tcase_add_test(tc, tmpl_sections_and_strings);
	tcase_add_test(tc, tmpl_compile_errors);
	suite_add_tcase(s, tc);
	return (s);
}
