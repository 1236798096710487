/*
 * Reminder rules on the web side (web_remind.c): the recipients a rule
 * has now, their digest, and their mail.
 */
#ifndef SVAR_WEB_REMIND_H
#define SVAR_WEB_REMIND_H

#include "digest.h"

struct due_row {
	int		 wave_unit;	/* 0 for an invitation */
	int		 invitation;	/* 0 for a unit */
	char		*to;
	enum lang	 lang;
	int		 days;		/* since the step it lags after */
	int		 n_before;	/* reminders this address had */
	char		*next;		/* YYYY-MM-DD or "" */
	char		*unit;
	char		*key;		/* portal or response key */
	char		*code;
	char		*contact;
	long		 forwarded;
	long		 opened;
	long		 started;
	long		 completed;
	char		*optout;	/* opt-out key */
};

struct due {
	struct due_row	*v;
	size_t		 n;
	size_t		 cap;
	char		 digest[DIGEST_HEX_LEN + 1];
};

struct wave_mail {
	int		 found;
	char		 title[256];
	char		 deadline[16];
};

int	 remind_due(int, struct due *);
void	 due_free(struct due *);
int	 remind_mail_kind(const char *);
void	 remind_vars(struct tvars *, const char *, const struct due_row *,
	    const struct wave_mail *, struct buf *);
int	 remind_wave(int, struct wave_mail *);
int	 remind_send_all(int, const char *, const struct due *,
	    const struct wave_mail *);

#endif
