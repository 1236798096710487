#include <string.h>

#include "keys.h"
#include "tests.h"

START_TEST(keys_random_and_split)
{
	char	 a[KEY_LEN + 1], b[KEY_LEN + 1];
	char	 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];

	ck_assert_int_eq(keys_random(a, KEY_LEN), 1);
	ck_assert_int_eq(keys_random(b, KEY_LEN), 1);
	ck_assert_uint_eq(strlen(a), KEY_LEN);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(keys_split(a, sel, ver), 1);
	ck_assert_int_eq(strncmp(a, sel, KEY_SELECTOR_LEN), 0);
	ck_assert_str_eq(a + KEY_SELECTOR_LEN, ver);
	ck_assert_int_eq(keys_split("short", sel, ver), 0);
	ck_assert_int_eq(keys_split("ABCDEFGHJKMNPQRSTVWXYZabcdefghijkm", sel,
	    ver), 0);
	ck_assert_int_eq(keys_split("aaaaaaaa'or'1'='1aaaaaaaaaaaaaaaaa", sel,
	    ver), 0);
}
END_TEST

START_TEST(keys_codes)
{
	char	 c[CODE_LEN + 1], n[CODE_LEN + 1];

	ck_assert_int_eq(keys_code(c), 1);
	ck_assert_uint_eq(strlen(c), CODE_LEN);
	ck_assert_int_eq(keys_code_normalize(c, n), 1);
	ck_assert_str_eq(c, n);
	ck_assert_int_eq(keys_code_normalize(" abcde-fghjk ", n), 1);
	ck_assert_str_eq(n, "ABCDEFGHJK");
	ck_assert_int_eq(keys_code_normalize("oOiIl-23456", n), 1);
	ck_assert_str_eq(n, "0011123456");
	ck_assert_int_eq(keys_code_normalize("ABCDE", n), 0);
	ck_assert_int_eq(keys_code_normalize("ABCDE-FGHJK-1", n), 0);
	ck_assert_int_eq(keys_code_normalize("ABCDE-FGHJ#", n), 0);
	ck_assert_int_eq(keys_code_normalize("", n), 0);
}
END_TEST

START_TEST(keys_equal_is_exact)
{
	ck_assert_int_eq(keys_equal("abc", "abc"), 1);
	ck_assert_int_eq(keys_equal("abd", "abc"), 0);
	ck_assert_int_eq(keys_equal("ab", "abc"), 0);
	ck_assert_int_eq(keys_equal("abcd", "abc"), 0);
	ck_assert_int_eq(keys_equal("", "abc"), 0);
}
END_TEST

Suite *
suite_keys(void)
{
	Suite	*s = suite_create("keys");
	TCase	*tc = tcase_create("keys");

	tcase_add_test(tc, keys_random_and_split);
	tcase_add_test(tc, keys_codes);
	tcase_add_test(tc, keys_equal_is_exact);
	suite_add_tcase(s, tc);
	return (s);
}
