/*
 * SMTP through libcurl: one handle per sender, so libcurl keeps the
 * connection open between messages.
 */
#ifndef SVAR_SMTP_H
#define SVAR_SMTP_H

#include <stddef.h>

/* What became of one message. */
enum smtp_result {
	SMTP_SENT,	/* the server took it (250 after DATA) */
	SMTP_TEMP,	/* 4xx or a reply we cannot read: try again later */
	SMTP_PERM,	/* 5xx: the server refuses it for good */
	SMTP_DOWN	/* no server reached (refused, timeout, TLS): later */
};

struct smtp_conf {
	const char	*url;		/* smtp://host:port or smtps:// */
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	int		 starttls;	/* require STARTTLS on smtp:// */
	long		 timeout;	/* seconds for one message */
};

struct smtp;

struct smtp	*smtp_open(const struct smtp_conf *);
enum smtp_result smtp_send(struct smtp *, const char *, const char *,
		    const char *, size_t, char *, size_t);
void		 smtp_close(struct smtp *);

#endif
