/* The mail message builder: RFC 2047 words, quoted-printable, headers. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "msg.h"
#include "tests.h"

static int
b64val(char c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
			    "xyz0123456789+/";
	const char	*p = strchr(a, c);

	return (p != NULL && c != '\0' ? (int)(p - a) : -1);
}

/* Decodes one base64 run into b; 0 on a bad character. */
static int
b64dec(struct buf *b, const char *s, size_t len)
{
	unsigned int	 v = 0;
	size_t		 i;
	int		 bits = 0, d;

	for (i = 0; i < len && s[i] != '='; i++) {
		if ((d = b64val(s[i])) < 0)
			return (0);
		v = v << 6 | (unsigned int)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_putc(b, (char)(v >> bits & 0xff));
		}
	}
	return (1);
}

/* Whole UTF-8 sequences only: no word may split a character. */
static int
utf8_whole(const char *s, size_t len)
{
	size_t	 i = 0, n;

	while (i < len) {
		unsigned char	 c = (unsigned char)s[i];

		n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ?
		    3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || i + n > len)
			return (0);
		i += n;
	}
	return (1);
}

/* Decodes folded encoded words, checking each one on its own. */
static char *
words_decode(const char *s)
{
	struct buf	 out, w;
	const char	*p = s, *q;

	buf_init(&out);
	while (*p != '\0') {
		ck_assert_int_eq(strncmp(p, "=?UTF-8?B?", 10), 0);
		p += 10;
		ck_assert_ptr_nonnull(q = strstr(p, "?="));
		ck_assert_int_le((int)(q - p) + 12, 75);
		buf_init(&w);
		ck_assert_int_eq(b64dec(&w, p, (size_t)(q - p)), 1);
		ck_assert_int_eq(utf8_whole(w.data, w.len), 1);
		buf_append(&out, w.data, w.len);
		buf_free(&w);
		p = q + 2;
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 3;
	}
	return (buf_steal(&out));
}

static char *
qp_decode(const char *s)
{
	struct buf	 b;
	char		 h[3] = { 0 };

	buf_init(&b);
	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			h[0] = s[1];
			h[1] = s[2];
			buf_putc(&b, (char)strtol(h, NULL, 16));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			buf_putc(&b, '\n');
			s += 2;
		} else
			buf_putc(&b, *s++);
	}
	return (buf_steal(&b));
}

static void
lines_short(const char *s)
{
	const char	*e;

	for (; (e = strstr(s, "\r\n")) != NULL; s = e + 2)
		ck_assert_int_le((int)(e - s), 76);
	ck_assert_int_le((int)strlen(s), 76);
}

START_TEST(mail_word_short)
{
	struct buf	 b;

	buf_init(&b);
	mail_encode_word(&b, "Påminnelse", strlen("Påminnelse"));
	ck_assert_str_eq(buf_cstr(&b), "=?UTF-8?B?UMOlbWlubmVsc2U=?=");
	buf_free(&b);
}
END_TEST

START_TEST(mail_word_long_splits_on_characters)
{
	const char	*subjects[] = {
		"Påminnelse: Helsepersonellundersøkelsen om e-helse – "
		"svar innen fredag, takk for at du tar deg tid",
		"ææææææææææææææææææææææææææææææææææææææææææææææææææææ",
		"xæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøå€€€€€",
	};
	struct buf	 b;
	char		*d;
	size_t		 i;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		buf_init(&b);
		mail_encode_word(&b, subjects[i], strlen(subjects[i]));
		ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\r\n "));
		d = words_decode(buf_cstr(&b));
		ck_assert_str_eq(d, subjects[i]);
		free(d);
		buf_free(&b);
	}
}
END_TEST

START_TEST(mail_qp_rules)
{
	const struct {
		const char	*in, *out;
	} t[] = {
		{ "æøå", "=C3=A6=C3=B8=C3=A5" },
		{ "a=b", "a=3Db" },
		{ "trailing \nspace", "trailing=20\r\nspace" },
		{ "tab\t", "tab=09" },
		{ "inner space stays", "inner space stays" },
		{ "line\n.dot", "line\r\n=2Edot" },
		{ "From here\nFrom", "=46rom here\r\nFrom" },
		{ "crlf\r\nkept", "crlf\r\nkept" },
		{ "bare\rcr", "bare=0Dcr" },
	};
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_init(&b);
		mail_qp(&b, t[i].in, strlen(t[i].in));
		ck_assert_str_eq(buf_cstr(&b), t[i].out);
		buf_free(&b);
	}
}
END_TEST

START_TEST(mail_qp_long_lines)
{
	struct buf	 in, b;
	char		*d;
	int		 i;

	buf_init(&in);
	for (i = 0; i < 300; i++)
		buf_puts(&in, i % 7 == 0 ? "ø" : i % 11 == 0 ? " " : "x");
	buf_puts(&in, "\nhttps://svar.example/r/abcdefgh2345678923456789234567"
	    "89ab?lang=nb&x=1\n");
	for (i = 0; i < 76; i++)
		buf_putc(&in, 'y');
	buf_init(&b);
	mail_qp(&b, in.data, in.len);
	lines_short(buf_cstr(&b));
	d = qp_decode(buf_cstr(&b));
	ck_assert_str_eq(d, buf_cstr(&in));
	free(d);
	buf_free(&b);
	buf_free(&in);
}
END_TEST

START_TEST(mail_addresses)
{
	char	 a[256];

	ck_assert_int_eq(mail_addr_ok("postmottak@ahus.no"), 1);
	ck_assert_int_eq(mail_addr_ok("a.b+c@sub.example.test"), 1);
	ck_assert_int_eq(mail_addr_ok("no-at.example"), 0);
	ck_assert_int_eq(mail_addr_ok("a@b@c"), 0);
	ck_assert_int_eq(mail_addr_ok("a b@c.no"), 0);
	ck_assert_int_eq(mail_addr_ok("a@c..no"), 0);
	ck_assert_int_eq(mail_addr_ok("ø@c.no"), 0);
	ck_assert_int_eq(mail_addr_ok("a@c.no>"), 0);
	ck_assert_int_eq(mail_addr_ok("a@c.no\r\nBcc: x@y.no"), 0);
	ck_assert_int_eq(mail_addr_spec("Svar <svar@example.no>", a,
	    sizeof(a)), 1);
	ck_assert_str_eq(a, "svar@example.no");
	ck_assert_int_eq(mail_addr_spec("svar@example.no", a, sizeof(a)), 1);
	ck_assert_int_eq(mail_addr_spec("Svar <svar@example.no", a,
	    sizeof(a)), 0);
	ck_assert_str_eq(mail_domain("a@Ahus.no"), "Ahus.no");
}
END_TEST

static struct mail_msg
sample(void)
{
	struct mail_msg	 m;

	memset(&m, 0, sizeof(m));
	m.from = "Helsepersonellundersøkelsen <svar@example.no>";
	m.reply_to = "Svar \"hjelp\" <hjelp@example.no>";
	m.to = "lege@kontor.no";
	m.subject = "Invitasjon";
	m.body = "Hei\n\nLenke: https://svar.example/r/abc\n";
	m.message_id = "<1.2@example.no>";
	m.date = 0;
	return (m);
}

START_TEST(mail_headers)
{
	struct mail_msg	 m = sample();
	struct buf	 b;
	const char	*s;

	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 1);
	s = buf_cstr(&b);
	ck_assert_ptr_nonnull(strstr(s,
	    "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "From: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(s, "?= <svar@example.no>\r\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "Reply-To: \"Svar \\\"hjelp\\\"\" <hjelp@example.no>\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "To: <lege@kontor.no>\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "Subject: Invitasjon\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "Message-ID: <1.2@example.no>\r\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "Content-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "Content-Transfer-Encoding: quoted-printable\r\n"));
	ck_assert_ptr_null(strstr(s, "List-Unsubscribe"));
	ck_assert_ptr_nonnull(strstr(s, "\r\n\r\nHei\r\n\r\nLenke: "));
	buf_free(&b);

	m.unsubscribe = "https://svar.example/avmeld/abc";
	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 1);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "List-Unsubscribe: "
	    "<https://svar.example/avmeld/abc>\r\nList-Unsubscribe-Post: "
	    "List-Unsubscribe=One-Click\r\n"));
	buf_free(&b);
}
END_TEST

START_TEST(mail_refuses_unsafe_headers)
{
	struct mail_msg	 m;
	struct buf	 b;

	m = sample();
	m.subject = "Hei\r\nBcc: x@y.no";
	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 0);
	buf_free(&b);
	m = sample();
	m.to = "x@y.no\nBcc: z@y.no";
	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 0);
	buf_free(&b);
	m = sample();
	m.unsubscribe = "javascript:alert(1)";
	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 0);
	buf_free(&b);
	m = sample();
	m.message_id = "no-brackets@x";
	buf_init(&b);
	ck_assert_int_eq(mail_build(&b, &m), 0);
	buf_free(&b);
}
END_TEST

Suite *
suite_mail(void)
{
	Suite	*s = suite_create("mail");
	TCase	*tc = tcase_create("mail");

	tcase_add_test(tc, mail_word_short);
	tcase_add_test(tc, mail_word_long_splits_on_characters);
	tcase_add_test(tc, mail_qp_rules);
	tcase_add_test(tc, mail_qp_long_lines);
	tcase_add_test(tc, mail_addresses);
	tcase_add_test(tc, mail_headers);
	tcase_add_test(tc, mail_refuses_unsafe_headers);
	suite_add_tcase(s, tc);
	return (s);
}
