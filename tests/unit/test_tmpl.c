#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"
#include "tests.h"

static struct tmpl *
compile_ok(const char *src, const char *keys)
{
	struct tmpl	*t;
	struct buf	 err;

	buf_init(&err);
	t = tmpl_compile("t", src, strlen(src), keys, "tests/unit/tmpl", &err);
	ck_assert_msg(t != NULL, "%s", buf_cstr(&err));
	buf_free(&err);
	return (t);
}

static char *
render(const char *src, const char *keys, struct tvars *tv)
{
	struct tmpl	*t;
	struct buf	 out;

	t = compile_ok(src, keys);
	buf_init(&out);
	tmpl_render(t, tv, &out);
	tmpl_free(t);
	return (buf_steal(&out));
}

/* The compile error for src, which must not compile. */
static void
expect_error(const char *src, const char *keys, const char *want)
{
	struct buf	 err;
	struct tmpl	*t;

	buf_init(&err);
	t = tmpl_compile("t", src, strlen(src), keys, "tests/unit/tmpl", &err);
	ck_assert_msg(t == NULL, "'%s' compiled, expected '%s'", src, want);
	ck_assert_msg(strstr(buf_cstr(&err), want) != NULL,
	    "expected '%s' in '%s'", want, buf_cstr(&err));
	buf_free(&err);
}

START_TEST(tmpl_escapes_by_default)
{
	struct tvars	 tv;
	char		*s;

	tvars_init(&tv, LANG_NB);
	tvars_set(&tv, "x", "<script>alert('1')</script>&\"");
	tvars_set(&tv, "h", "<b>ok</b>");
	s = render("a {{x}} b {{{h}}} c", "x !h", &tv);
	ck_assert_str_eq(s, "a &lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;"
	    "&amp;&quot; b <b>ok</b> c");
	free(s);
	tvars_free(&tv);
}
END_TEST

START_TEST(tmpl_sections_and_strings)
{
	struct tvars	 tv;
	char		*s;

	tvars_init(&tv, LANG_EN);
	tvars_set(&tv, "yes", "1");
	tvars_set(&tv, "no", "");
	s = render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!{{/no}}"
	    "{{#unset}}M{{/unset}} {{t.nav.next}}", "yes no unset", &tv);
	ck_assert_str_eq(s, "Y! Next");
	free(s);
	tv.lang = LANG_NN;
	s = render("{{t.nav.prev}}", "", &tv);
	ck_assert_str_eq(s, "Førre");
	free(s);
	tvars_free(&tv);
}
END_TEST

START_TEST(tmpl_lists)
{
	struct tvars	 tv, *row;
	char		*s;
	const char	*keys = "title units{name count ops{op}} none{x}";

	tvars_init(&tv, LANG_NB);
	tvars_set(&tv, "title", "T&");
	row = tvars_row(&tv, "units");
	tvars_set(row, "name", "Ahus <HF>");
	tvars_int(row, "count", 12);
	tvars_set(tvars_row(row, "ops"), "op", "a");
	tvars_set(tvars_row(row, "ops"), "op", "b");
	row = tvars_row(&tv, "units");
	tvars_copy(row, "name", "Oslo");
	tvars_int(row, "count", -3);
	/* A row sees the keys outside its list; its own hide them. */
	s = render("{{#units}}<ul>{{*units}}<li>{{title}} {{name}}={{count}}"
	    "{{*ops}}[{{op}}{{name}}]{{/ops}}{{^ops}}-{{/ops}}</li>{{/units}}"
	    "</ul>{{/units}}{{^none}}empty{{/none}}{{*none}}{{x}}{{/none}}",
	    keys, &tv);
	ck_assert_str_eq(s, "<ul><li>T&amp; Ahus &lt;HF&gt;=12[aAhus &lt;HF&gt;]"
	    "[bAhus &lt;HF&gt;]</li><li>T&amp; Oslo=-3-</li></ul>empty");
	free(s);
	tvars_free(&tv);
}
END_TEST

START_TEST(tmpl_partials)
{
	struct tvars	 tv, *row;
	char		*s;

	tvars_init(&tv, LANG_NB);
	row = tvars_row(&tv, "units");
	tvars_set(row, "name", "A");
	tvars_set(row, "count", "1");
	row = tvars_row(&tv, "units");
	tvars_set(row, "name", "B");
	tvars_set(row, "count", "2");
	tvars_set(row, "note", "<n>");
	s = render("<ul>{{*units}}{{>unit-row}}{{/units}}</ul>",
	    "units{name count note}", &tv);
	ck_assert_str_eq(s, "<ul><li>A: 1</li><li>B: 2 (&lt;n&gt;)</li></ul>");
	free(s);
	tvars_free(&tv);
	/* The partial's keys are checked where it is included. */
	expect_error("{{*units}}{{>unit-row}}{{/units}}", "units{name count}",
	    "'{{note}}' is not a declared key");
	expect_error("{{>nosuch}}", "", "tests/unit/tmpl/nosuch.html");
	expect_error("{{>../x}}", "", "needs a plain name");
	expect_error("{{>loop}}", "", "nested too deep");
	expect_error("{{>unclosed}}", "name", "not closed in it");
}
END_TEST

/* Source, declared keys, and the error they must give. */
START_TEST(tmpl_compile_errors)
{
	static const char *bad[][3] = {
		{ "{{x}}", "y", "'{{x}}' is not a declared key" },
		{ "{{#x}}.{{/x}}", "", "'{{x}}' is not a declared key" },
		{ "{{{x}}}", "x", "declare it '!name'" },
		{ "{{x}}", "!x", "is raw HTML" },
		{ "{{l}}", "l{a}", "is a list" },
		{ "{{*x}}.{{/x}}", "x", "is not a list" },
		/* Row keys exist only inside their list. */
		{ "{{*l}}{{/l}}{{a}}", "l{a}", "'{{a}}' is not a declared" },
		{ "{{t.no.such.key}}", "", "not in the string catalogue" },
		{ "{{ x }}", "x", "is not a name" },
		{ "", "a{b", "unbalanced" },
		{ "", "a}", "unbalanced" },
		{ "", "a$", "bad character" },
		{ "", "!l{a}", "cannot be raw" },
		{ "{{#a}}x", "a", "not closed" },
		{ "{{#a}}x{{/b}}", "a b", "does not close" },
		{ "x {{y", "y", "without '}}'" },
		{ "{{}}", "", "empty" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(bad[i][0], bad[i][1], bad[i][2]);
}
END_TEST

/* No fixed cap: TVARS_MAX was 32, and the 33rd key aborted. */
START_TEST(tmpl_many_values)
{
	struct tvars	 tv;
	struct buf	 keys, src;
	char		*s, *names[100];
	size_t		 i;

	buf_init(&keys);
	buf_init(&src);
	tvars_init(&tv, LANG_NB);
	for (i = 0; i < 100; i++) {
		buf_init(&src);
		buf_printf(&src, "k%zu", i);
		names[i] = buf_steal(&src);
		buf_printf(&keys, "%s ", names[i]);
		tvars_int(&tv, names[i], (long)i);
	}
	buf_puts(&src, "{{k0}}.{{k50}}.{{k99}}");
	s = render(buf_cstr(&src), buf_cstr(&keys), &tv);
	ck_assert_str_eq(s, "0.50.99");
	free(s);
	tvars_free(&tv);
	for (i = 0; i < 100; i++)
		free(names[i]);
	buf_free(&keys);
	buf_free(&src);
}
END_TEST

/*
 * Found by the fuzzer (tests/fuzz/fuzz_tmpl.c): the compiler searched
 * for "{{" with strstr(), past the end of a source that is not
 * NUL-terminated. Under ASan the exact-size copy below is the proof.
 */
START_TEST(tmpl_reads_only_len_bytes)
{
	static const char	 src[] = "<p>{{t.thanks.text}}</p>\n";
	struct tmpl		*t;
	struct buf		 err;
	char			*exact;

	exact = malloc(sizeof(src) - 1);
	memcpy(exact, src, sizeof(src) - 1);
	buf_init(&err);
	t = tmpl_compile("t", exact, sizeof(src) - 1, "", NULL, &err);
	ck_assert_msg(t != NULL, "%s", buf_cstr(&err));
	tmpl_free(t);
	/* A tag cut off by the length is not read beyond it. */
	ck_assert_ptr_null(tmpl_compile("t", exact, 5, "", NULL, &err));
	buf_free(&err);
	free(exact);
}
END_TEST

/* The shipped templates compile against the keys svar.c declares. */
START_TEST(tmpl_shipped_templates)
{
	static const char *files[][2] = {
		{ "templates/layout.html",
		    "lang title !content nb_current nn_current en_current v"
		    " owner" },
		{ "templates/code.html", "csrf code error" },
		{ "templates/message.html", "heading text link" },
		{ "templates/start.html", "survey action csrf" },
		{ "templates/saved.html",
	    "resume_url survey mail_action csrf email mail_error mail_sent" },
		{ "templates/thanks.html",
		    "resume_url survey withdraw_url privacy_url anonymous" },
		{ "templates/withdraw.html", "survey action csrf back" },
		{ "templates/home.html", "" },
		{ "templates/privacy.html", "withdraw_url"
		    " surveys{title owner controller contact basis retention dpo}" },
		{ "templates/accessibility.html", "" },
	};
	struct tmpl	*t;
	struct buf	 err;
	size_t		 i;

	buf_init(&err);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		t = tmpl_load(files[i][0], files[i][1], &err);
		ck_assert_msg(t != NULL, "%s", buf_cstr(&err));
		tmpl_free(t);
	}
	ck_assert_ptr_null(tmpl_load("templates/code.html", "csrf code", &err));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "'{{error}}'"));
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
	tcase_add_test(tc, tmpl_lists);
	tcase_add_test(tc, tmpl_partials);
	tcase_add_test(tc, tmpl_compile_errors);
	tcase_add_test(tc, tmpl_many_values);
	tcase_add_test(tc, tmpl_reads_only_len_bytes);
	tcase_add_test(tc, tmpl_shipped_templates);
	suite_add_tcase(s, tc);
	return (s);
}
