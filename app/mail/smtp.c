/*
 * One message over SMTP with libcurl. The easy handle lives as long as
 * the sender, so libcurl reuses its connection from one message to the
 * next instead of greeting the server again for each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "smtp.h"

struct smtp {
	CURL		*h;
	char		 errbuf[CURL_ERROR_SIZE];
};

struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static size_t
upload_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload	*u = arg;
	size_t		 n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(dst, u->data + u->off, n);
	u->off += n;
	return (n);
}

struct smtp *
smtp_open(const struct smtp_conf *c)
{
	struct smtp	*s;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return (NULL);
	s = xcalloc(1, sizeof(*s));
	if ((s->h = curl_easy_init()) == NULL) {
		free(s);
		return (NULL);
	}
	curl_easy_setopt(s->h, CURLOPT_URL, c->url);
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT, 10L);
	/* Below the claim's lease, so a live sender never outlasts it. */
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS required, never tried and dropped: a relay that stops
	 * offering it must not get the links in clear text. */
	if (c->starttls)
		curl_easy_setopt(s->h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->user != NULL && *c->user != '\0') {
		curl_easy_setopt(s->h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, c->password != NULL ?
		    c->password : "");
	}
	return (s);
}

void
smtp_close(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->h);
	free(s);
	curl_global_cleanup();
}

/*
 * Sends data (a whole message, CRLF line ends) from `from` to `to`
 * (bare addresses). err gets the reason when it was not sent.
 */
enum smtp_result
smtp_send(struct smtp *s, const char *from, const char *to, const char *data,
    size_t len, char *err, size_t errlen)
{
	struct curl_slist	*rcpt;
	struct upload		 u;
	struct buf		 b;
	CURLcode		 rc;
	long			 code = 0;

	buf_init(&b);
	buf_printf(&b, "<%s>", to);
	rcpt = curl_slist_append(NULL, buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "<%s>", from);
	u.data = data;
	u.len = len;
	u.off = 0;
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, buf_cstr(&b));
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->h, CURLOPT_READDATA, &u);
	rc = curl_easy_perform(s->h);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	buf_free(&b);
	if (rc == CURLE_OK)
		return (SMTP_SENT);
	snprintf(err, errlen, "%03ld %s", code, s->errbuf[0] != '\0' ?
	    s->errbuf : curl_easy_strerror(rc));
	/*
	 * A 5xx is about this recipient only at RCPT or after DATA. One
	 * to our login or our sender address is our configuration's
	 * fault: the recipient must not be marked for it.
	 */
	if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED &&
	    strncmp(s->errbuf, "MAIL failed", 11) != 0)
		return (SMTP_PERM);
	if (code >= 400 && code < 600)
		return (SMTP_TEMP);
	return (SMTP_DOWN);
}
