/*
 * Mail texts: one template per kind and language,
 * templates/mail/<kind>.<lang>.txt, a "Subject: " line, an empty line
 * and the plain-text body, in the template language of tmpl.h (values
 * are written as they are: mail is not HTML). Each kind declares the
 * keys its sender gives it, and every template is compiled against
 * them when the worker starts, so a misspelt key stops the worker
 * instead of leaving a gap in a mail. No kind declares an answer or
 * anything the respondent said: the keys are the unit, the wave, the
 * links and the unit's counts (hidden under 5 by the caller).
 */
#ifndef SVAR_MAIL_TMPL_H
#define SVAR_MAIL_TMPL_H

#include "buf.h"
#include "tmpl.h"

enum mail_kind {
	MK_RECRUIT,		/* the request to a unit's postmottak */
	MK_RECRUIT_REMIND,	/* again, no contact person named yet */
	MK_CONTACT_INVITE,	/* the portal link to the contact person */
	MK_CONTACT_REMIND,	/* not forwarded, or few answers yet */
	MK_PERSONAL_INVITE,	/* a personal link and code by e-mail */
	MK_PERSONAL_REMIND,	/* the same link again */
	MK_RESUME,		/* "send me the link" on the saved page */
	MK_MAX
};

int		 mail_tmpl_load(const char *, struct buf *);
void		 mail_tmpl_free(void);
int		 mail_tmpl_render(enum mail_kind, enum lang,
		    const struct tvars *, struct buf *, struct buf *);
const char	*mail_kind_name(enum mail_kind);
const char	*mail_kind_keys(enum mail_kind);
int		 mail_kind_parse(const char *);
int		 mail_kind_respondent(enum mail_kind);
void		 mail_day(struct buf *, enum lang, const char *);

#endif
