/*
 * Building an outbox message. Everything a header carries comes from
 * configuration or the database, so anything that could break a header
 * (CR, LF, an address that is not one) refuses the whole message rather
 * than being cleaned up: a wrong mail is worse than none.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "msg.h"

/* RFC 2045 wants lines of at most 76 characters, the soft break's '='
 * included. */
#define QP_LINE		76
/* 39 bytes are 52 base64 characters: "Subject: " and one encoded word
 * stay within the 78 characters RFC 5322 recommends. */
#define WORD_RAW	39

static const char	 hex[] = "0123456789ABCDEF";
static const char	 b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
url_ok(const char *u)
{
	return (strchr(u, '>') == NULL && strpbrk(u, " \t\r\n") == NULL &&
	    (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0));
}

static int
has_crlf(const char *s)
{
	return (s != NULL && strpbrk(s, "\r\n") != NULL);
}

static int
plain_ascii(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return (0);
	/* Text that looks like an encoded word would be read as one. */
	return (memmem(s, len, "=?", 2) == NULL);
}

static void
base64(struct buf *b, const unsigned char *p, size_t len)
{
	unsigned int	 v;
	size_t		 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		buf_putc(b, b64[v >> 18 & 63]);
		buf_putc(b, b64[v >> 12 & 63]);
		buf_putc(b, b64[v >> 6 & 63]);
		buf_putc(b, b64[v & 63]);
	}
	if (len - i == 1) {
		v = p[i] << 16;
		buf_putc(b, b64[v >> 18 & 63]);
		buf_putc(b, b64[v >> 12 & 63]);
		buf_puts(b, "==");
	} else if (len - i == 2) {
		v = p[i] << 16 | p[i + 1] << 8;
		buf_putc(b, b64[v >> 18 & 63]);
		buf_putc(b, b64[v >> 12 & 63]);
		buf_putc(b, b64[v >> 6 & 63]);
		buf_putc(b, '=');
	}
}

/*
 * RFC 2047 "B" encoded words, folded onto continuation lines. A word
 * never splits a UTF-8 sequence: each must decode to whole characters
 * on its own (RFC 2047 §5).
 */
void
mail_encode_word(struct buf *b, const char *s, size_t len)
{
	size_t	 i = 0, n;

	while (i < len) {
		n = len - i < WORD_RAW ? len - i : WORD_RAW;
		while (n > 1 && i + n < len &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		if (i > 0)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		base64(b, (const unsigned char *)s + i, n);
		buf_puts(b, "?=");
		i += n;
	}
}

/* A header's free text: as it is when plain ASCII, else encoded. */
static void
header_text(struct buf *b, const char *s)
{
	size_t	 len = strlen(s);

	if (plain_ascii(s, len) && len < 900)
		buf_append(b, s, len);
	else
		mail_encode_word(b, s, len);
}

/*
 * Quoted-printable (RFC 2045 §6.7) with CRLF line ends. Beyond the
 * rules, a '.' or "From " at the start of a line is encoded too, so no
 * relay's dot-stuffing or mbox quoting can change the text.
 */
void
mail_qp(struct buf *b, const char *s, size_t len)
{
	unsigned char	 c;
	size_t		 i, col = 0, tok;
	int		 enc, eol;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		eol = i + 1 == len || s[i + 1] == '\n' ||
		    (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
		if (c == ' ' || c == '\t')
			enc = eol;
		else
			enc = c < 33 || c > 126 || c == '=';
		tok = enc ? 3 : 1;
		/* Room for this and a soft break's '=' after it. */
		if (col + tok > QP_LINE - 1 && !(eol && col + tok <= QP_LINE)) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		if (col == 0 && (c == '.' || (c == 'F' && len - i >= 5 &&
		    memcmp(s + i, "From ", 5) == 0)))
			enc = 1, tok = 3;
		if (enc) {
			buf_putc(b, '=');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		} else
			buf_putc(b, (char)c);
		col += tok;
	}
}

/* RFC 5322 date in UTC, without the locale's names. */
void
mail_date(struct buf *b, time_t t)
{
	static const char	*day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
	static const char	*mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
				    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
				    "Dec" };
	struct tm		 tm;

	gmtime_r(&t, &tm);
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * A plain address as SMTP and the headers take it: ASCII only (no
 * SMTPUTF8), one '@', a local part without quoting, a domain of
 * letters, digits, '-' and inner dots.
 */
int
mail_addr_ok(const char *a)
{
	const char	*at, *p;
	size_t		 len;

	if (a == NULL || (len = strlen(a)) < 3 || len > 254 ||
	    (at = strchr(a, '@')) == NULL || strchr(at + 1, '@') != NULL ||
	    at == a || at - a > 64 || at[1] == '\0')
		return (0);
	for (p = a; p < at; p++)
		if ((unsigned char)*p <= 32 || (unsigned char)*p > 126 ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			return (0);
	if (at[1] == '.' || a[len - 1] == '.' || strstr(at, "..") != NULL)
		return (0);
	for (p = at + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return (0);
	return (1);
}

/* The address in "Name <addr>" or "addr"; 0 when there is none. */
int
mail_addr_spec(const char *s, char *out, size_t len)
{
	const char	*lt, *gt;
	size_t		 n;

	if (s == NULL || has_crlf(s))
		return (0);
	if ((lt = strrchr(s, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
			return (0);
		n = (size_t)(gt - lt - 1);
		lt++;
	} else {
		lt = s;
		n = strlen(s);
	}
	if (n >= len)
		return (0);
	memcpy(out, lt, n);
	out[n] = '\0';
	return (mail_addr_ok(out));
}

const char *
mail_domain(const char *a)
{
	const char	*at = strrchr(a, '@');

	return (at != NULL ? at + 1 : "");
}

/* From or Reply-To: a display name quoted or encoded, then <addr>. */
static int
header_mailbox(struct buf *b, const char *name, const char *s)
{
	char		 addr[256];
	const char	*lt, *p;
	size_t		 n;

	if (!mail_addr_spec(s, addr, sizeof(addr)))
		return (0);
	buf_printf(b, "%s: ", name);
	if ((lt = strrchr(s, '<')) != NULL) {
		for (n = (size_t)(lt - s); n > 0 && s[n - 1] == ' '; n--)
			;
		if (n > 0 && plain_ascii(s, n)) {
			buf_putc(b, '"');
			for (p = s; p < s + n; p++) {
				if (*p == '"' || *p == '\\')
					buf_putc(b, '\\');
				buf_putc(b, *p);
			}
			buf_puts(b, "\" ");
		} else if (n > 0) {
			mail_encode_word(b, s, n);
			buf_putc(b, ' ');
		}
	}
	buf_printf(b, "<%s>\r\n", addr);
	return (1);
}

/* The whole message, CRLF line ends; 0 when a header would be unsafe. */
int
mail_build(struct buf *b, const struct mail_msg *m)
{
	if (!mail_addr_ok(m->to) || has_crlf(m->subject) ||
	    has_crlf(m->message_id) || has_crlf(m->unsubscribe) ||
	    m->message_id == NULL || m->message_id[0] != '<' ||
	    m->message_id[strlen(m->message_id) - 1] != '>' ||
	    (m->unsubscribe != NULL && !url_ok(m->unsubscribe)))
		return (0);
	buf_puts(b, "Date: ");
	mail_date(b, m->date);
	buf_puts(b, "\r\n");
	if (!header_mailbox(b, "From", m->from))
		return (0);
	if (m->reply_to != NULL && *m->reply_to != '\0' &&
	    !header_mailbox(b, "Reply-To", m->reply_to))
		return (0);
	buf_printf(b, "To: <%s>\r\n", m->to);
	buf_puts(b, "Subject: ");
	header_text(b, m->subject);
	buf_puts(b, "\r\n");
	buf_printf(b, "Message-ID: %s\r\n", m->message_id);
	buf_puts(b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
	/* RFC 8058: a POST to the URL opts out, without a login; a mail
	 * client or provider may do it for the reader. */
	if (m->unsubscribe != NULL)
		buf_printf(b, "List-Unsubscribe: <%s>\r\n"
		    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		    m->unsubscribe);
	buf_puts(b, "\r\n");
	mail_qp(b, m->body, strlen(m->body));
	if (b->len < 2 || memcmp(b->data + b->len - 2, "\r\n", 2) != 0)
		buf_puts(b, "\r\n");
	return (1);
}
