/*
 * Internet messages (RFC 5322) for the outbox: headers, an RFC 2047
 * subject and display names, a quoted-printable UTF-8 plain-text body,
 * one-click opt-out (RFC 8058). No Kore, no SQL, no network: the sender
 * (svarctl mail) hands the result to SMTP.
 */
#ifndef SVAR_MSG_H
#define SVAR_MSG_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct mail_msg {
	const char	*from;		/* "Name <addr>" or "addr" */
	const char	*reply_to;	/* the same forms; NULL: none */
	const char	*to;		/* a bare address */
	const char	*subject;	/* UTF-8 */
	const char	*body;		/* UTF-8, lines end in \n */
	const char	*message_id;	/* "<id@host>" */
	const char	*unsubscribe;	/* one-click URL; NULL: none */
	time_t		 date;
};

int	 mail_build(struct buf *, const struct mail_msg *);
void	 mail_encode_word(struct buf *, const char *, size_t);
void	 mail_qp(struct buf *, const char *, size_t);
void	 mail_date(struct buf *, time_t);
int	 mail_addr_ok(const char *);
int	 mail_addr_spec(const char *, char *, size_t);
const char	*mail_domain(const char *);

#endif
