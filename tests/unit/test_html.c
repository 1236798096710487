#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "tests.h"

/* The writer finished cleanly with exactly this output. */
static void
ends_as(struct html *h, struct buf *b, const char *want)
{
	ck_assert_msg(html_end(h), "html error: %s", h->err);
	ck_assert_str_eq(buf_cstr(b), want);
	buf_free(b);
}

START_TEST(html_escapes_text_and_attributes)
{
	struct html	 h;
	struct buf	 b;

	buf_init(&b);
	html_init(&h, &b);
	html_open(&h, "a", "href", "/x?a=1&b=\"2\"><script>", "title",
	    "it's", NULL);
	html_text(&h, "<b>Ahus & co</b>");
	html_close(&h, "a");
	ends_as(&h, &b, "<a href=\"/x?a=1&amp;b=&quot;2&quot;"
	    "&gt;&lt;script&gt;\" title=\"it&#39;s\">&lt;b&gt;Ahus &amp; co"
	    "&lt;/b&gt;</a>");
}
END_TEST

START_TEST(html_table_nesting_and_voids)
{
	struct html	 h;
	struct buf	 b;

	buf_init(&b);
	html_init(&h, &b);
	html_open(&h, "table", "class", "funnel", NULL);
	html_open(&h, "tr", NULL);
	html_elem(&h, "th", "Enhet", "scope", "col", NULL);
	html_open(&h, "td", "class", "num", NULL);
	html_int(&h, -42);
	html_open(&h, "br", NULL);	/* void: not on the stack */
	html_leaf(&h, "input", "type", "checkbox", "checked", HTML_BOOL, NULL);
	html_close(&h, "td");
	html_leaf(&h, "td", NULL);
	html_close_all(&h);
	ends_as(&h, &b, "<table class=\"funnel\"><tr>"
	    "<th scope=\"col\">Enhet</th><td class=\"num\">-42<br>"
	    "<input type=\"checkbox\" checked></td><td></td></tr></table>");
}
END_TEST

START_TEST(html_svg)
{
	struct html	 h;
	struct buf	 b;

	buf_init(&b);
	html_init(&h, &b);
	html_open(&h, "figure", NULL);
	html_open(&h, "svg", "viewBox", "0 0 100 20", "role", "img",
	    "aria-labelledby", "c1", NULL);
	html_elem(&h, "title", "Svar <per> uke", "id", "c1", NULL);
	html_leaf(&h, "rect", "x", "0", "y", "0", "width", "40", "height",
	    "20", NULL);
	html_elem(&h, "text", "40 %", "x", "42", "y", "15", NULL);
	html_close(&h, "svg");
	/* Outside the svg again, a void element is HTML's again. */
	html_leaf(&h, "img", "src", "/a.png", "alt", "", NULL);
	html_close(&h, "figure");
	ends_as(&h, &b, "<figure><svg viewBox=\"0 0 100 20\" "
	    "role=\"img\" aria-labelledby=\"c1\"><title id=\"c1\">Svar "
	    "&lt;per&gt; uke</title><rect x=\"0\" y=\"0\" width=\"40\" "
	    "height=\"20\"/><text x=\"42\" y=\"15\">40 %</text></svg>"
	    "<img src=\"/a.png\" alt=\"\"></figure>");
}
END_TEST

static const char *
error_of(int which)
{
	struct html	 h;
	struct buf	 b;
	const char	*e;

	buf_init(&b);
	html_init(&h, &b);
	switch (which) {
	case 0:
		html_open(&h, "div", NULL);
		html_open(&h, "span", NULL);
		html_close(&h, "div");
		break;
	case 1:
		html_close(&h, "p");
		break;
	case 2:
		html_open(&h, "p", NULL);
		break;
	case 3:
		html_open(&h, "td", "on click", "x", NULL);
		break;
	case 4:
		html_open(&h, "scr\"ipt", NULL);
		break;
	case 5:
		html_elem(&h, "br", "text", NULL);
		break;
	}
	/* Nothing more is written after the first error. */
	if (h.err != NULL) {
		html_text(&h, "after");
		ck_assert_ptr_null(strstr(buf_cstr(&b), "after"));
	}
	ck_assert_int_eq(html_end(&h), 0);
	e = h.err;
	buf_free(&b);
	return (e);
}

START_TEST(html_errors)
{
	ck_assert_str_eq(error_of(0), "close does not match the open element");
	ck_assert_str_eq(error_of(1), "close with nothing open");
	ck_assert_str_eq(error_of(2), "elements left open");
	ck_assert_str_eq(error_of(3), "bad attribute name");
	ck_assert_str_eq(error_of(4), "bad element name");
	ck_assert_str_eq(error_of(5), "text inside a void element");
}
END_TEST

Suite *
suite_html(void)
{
	Suite	*s = suite_create("html");
	TCase	*tc = tcase_create("writer");

	tcase_add_test(tc, html_escapes_text_and_attributes);
	tcase_add_test(tc, html_table_nesting_and_voids);
	tcase_add_test(tc, html_svg);
	tcase_add_test(tc, html_errors);
	suite_add_tcase(s, tc);
	return (s);
}
