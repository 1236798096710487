#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "tests.h"

START_TEST(form_decodes)
{
	struct form	 f;
	const char	*s = "a=1&b=hello+world&c=%C3%A6%C3%B8&d=&e&a=2";

	ck_assert_int_eq(form_parse(&f, s, strlen(s)), FORM_OK);
	ck_assert_str_eq(form_get(&f, "a"), "1");
	ck_assert_str_eq(form_get_nth(&f, "a", 1), "2");
	ck_assert_uint_eq(form_count(&f, "a"), 2);
	ck_assert_str_eq(form_get(&f, "b"), "hello world");
	ck_assert_str_eq(form_get(&f, "c"), "æø");
	ck_assert_str_eq(form_get(&f, "d"), "");
	ck_assert_str_eq(form_get(&f, "e"), "");
	ck_assert_ptr_null(form_get(&f, "zz"));
	form_free(&f);
}
END_TEST

START_TEST(form_rejects_hostile)
{
	struct form	 f;
	struct buf	 b;
	int		 i;

	ck_assert_int_eq(form_parse(&f, "a=%4", 4), FORM_BAD_ENCODING);
	ck_assert_int_eq(form_parse(&f, "a=%zz", 5), FORM_BAD_ENCODING);
	ck_assert_int_eq(form_parse(&f, "a=%00", 5), FORM_BAD_ENCODING);
	ck_assert_int_eq(form_parse(&f, "a=%FF%FE", 8), FORM_BAD_UTF8);
	ck_assert_int_eq(form_parse(&f, "a=%C0%AF", 8), FORM_BAD_UTF8);
	ck_assert_int_eq(form_parse(&f, "a=%ED%A0%80", 11), FORM_BAD_UTF8);
	buf_init(&b);
	for (i = 0; i < FORM_MAX_FIELDS + 1; i++)
		buf_puts(&b, "x=1&");
	ck_assert_int_eq(form_parse(&f, b.data, b.len), FORM_TOO_MANY);
	buf_free(&b);
	ck_assert_int_eq(form_parse(&f, "", 0), FORM_OK);
	ck_assert_uint_eq(f.n, 0);
	form_free(&f);
}
END_TEST

START_TEST(utf8_counts_characters)
{
	ck_assert_uint_eq(utf8_chars("abc"), 3);
	ck_assert_uint_eq(utf8_chars("blåbær"), 6);
	ck_assert_int_eq(utf8_valid("blåbær", strlen("blåbær")), 1);
	ck_assert_int_eq(utf8_valid("\xe2\x82", 2), 0);
}
END_TEST

Suite *
suite_form(void)
{
	Suite	*s = suite_create("form");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, form_decodes);
	tcase_add_test(tc, form_rejects_hostile);
	tcase_add_test(tc, utf8_counts_characters);
	suite_add_tcase(s, tc);
	return (s);
}
