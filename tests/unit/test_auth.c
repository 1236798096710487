/* TOTP (RFC 6238 test vectors), base32, argon2id passwords, QR codes. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "password.h"
#include "qr.h"
#include "tests.h"
#include "totp.h"

/* RFC 6238 appendix B's SHA-1 key. */
static const unsigned char rfc_key[] = "12345678901234567890";

START_TEST(test_totp_rfc6238)
{
	/* The RFC's 8-digit codes, of which an app shows the last six. */
	static const struct { uint64_t t; const char *code; } v[] = {
		{ 59, "287082" }, { 1111111109, "081804" },
		{ 1111111111, "050471" }, { 1234567890, "005924" },
		{ 2000000000, "279037" }, { 20000000000ULL, "353130" },
	};
	char	 out[TOTP_DIGITS + 1];
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		totp_code(rfc_key, 20, v[i].t / TOTP_STEP, out);
		ck_assert_str_eq(out, v[i].code);
	}
}
END_TEST

START_TEST(test_totp_verify_window_and_replay)
{
	uint64_t	 now = 1111111111;	/* step 37037037 */

	ck_assert_int_eq(totp_verify(rfc_key, 20, now, "050471", -1),
	    37037037);
	/* One step of skew either way, not two. */
	ck_assert_int_eq(totp_verify(rfc_key, 20, now + 30, "050471", -1),
	    37037037);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now - 30, "050471", -1),
	    37037037);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now + 60, "050471", -1), -1);
	/* Accepted once: the step it was used on is spent. */
	ck_assert_int_eq(totp_verify(rfc_key, 20, now, "050471", 37037037), -1);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now, "050470", -1), -1);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now, "", -1), -1);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now, "0504711", -1), -1);
	ck_assert_int_eq(totp_verify(rfc_key, 20, now, NULL, -1), -1);
}
END_TEST

START_TEST(test_base32)
{
	unsigned char	 out[64];
	char		 enc[64];
	size_t		 n;

	ck_assert_uint_eq(base32_encode(rfc_key, 20, enc, sizeof(enc)), 32);
	ck_assert_str_eq(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	ck_assert(base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", out,
	    sizeof(out), &n));
	ck_assert_uint_eq(n, 20);
	ck_assert(memcmp(out, rfc_key, 20) == 0);
	ck_assert(!base32_decode("GEZD1", out, sizeof(out), &n));
	ck_assert(!base32_decode("GEZDGNBVGY3TQOJQ", out, 4, &n));
	ck_assert_uint_eq(base32_encode(rfc_key, 20, enc, 32), 0);
}
END_TEST

START_TEST(test_password)
{
	char	 h[PW_ENCODED_MAX], h2[PW_ENCODED_MAX];

	ck_assert(pw_hash("correct horse battery", h, sizeof(h)));
	ck_assert(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	ck_assert(pw_verify(h, "correct horse battery"));
	ck_assert(!pw_verify(h, "correct horse batterY"));
	ck_assert(!pw_verify(h, ""));
	ck_assert(!pw_verify("not a hash", "x"));
	ck_assert(!pw_verify(NULL, "x"));
	/* A fresh salt each time. */
	ck_assert(pw_hash("correct horse battery", h2, sizeof(h2)));
	ck_assert_str_ne(h, h2);
	ck_assert_str_eq(pw_weak("short", "kari"), "admin.pw.short");
	ck_assert_str_eq(pw_weak("kari.nordmann", "KARI.NORDMANN"),
	    "admin.pw.user");
	ck_assert_ptr_null(pw_weak("a long enough passphrase", "kari"));
}
END_TEST

START_TEST(test_qr_svg)
{
	struct buf	 b;

	buf_init(&b);
	ck_assert(qr_svg("otpauth://totp/Svar:kari?secret=GEZDGNBV&issuer=Svar",
	    "QR <code> & \"key\"", &b));
	buf_cstr(&b);
	ck_assert(strncmp(b.data, "<svg xmlns=", 11) == 0);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "aria-label=\"QR &lt;code&gt; &amp; &quot;key&quot;\""));
	ck_assert_ptr_nonnull(strstr(b.data, "M4 4h1v1h-1z"));
	ck_assert(strcmp(b.data + b.len - 6, "</svg>") == 0);
	buf_free(&b);
}
END_TEST

Suite *
suite_auth(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("auth");

	tcase_add_test(tc, test_totp_rfc6238);
	tcase_add_test(tc, test_totp_verify_window_and_replay);
	tcase_add_test(tc, test_base32);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_qr_svg);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return (s);
}
