/*
 * Turns the fields of one submitted page into answer rows, checked
 * against the definition. Valid fields become rows even when others on
 * the page are wrong, so a mistake never costs the rest of the page.
 */
#ifndef SVAR_VALIDATE_H
#define SVAR_VALIDATE_H

#include "answers.h"
#include "form.h"
#include "route.h"
#include "survey.h"

enum verr_code {
	VERR_OPTION,		/* not one of the options (tampered form) */
	VERR_NUMBER,		/* not a whole number in [a, b] */
	VERR_SUM,		/* sum is b, must be a */
	VERR_SUM_NUMBER,	/* `row` is not a whole number 0..a */
	VERR_TOOLONG,		/* a characters, at most b */
	VERR_EXCLUSIVE,		/* exclusive option combined with others */
	VERR_REQUIRED,		/* a required item was left empty */
	VERR_EMAIL		/* not an e-mail address */
};

struct verr {
	const struct item	*item;
	enum verr_code		 code;
	long			 a;
	long			 b;
	const struct option	*opt;	/* VERR_EXCLUSIVE */
	const struct row	*row;	/* the one field in error, or NULL */
};

struct verrs {
	struct verr	*v;
	size_t		 n;
};

void	 validate_page(const struct survey *, size_t, const struct route *,
	    const struct form *, struct answers *, struct verrs *);
void	 validate_keep(const struct survey *, const struct form *,
	    const struct verrs *, struct answers *);
int	 validate_kept(const struct survey *, size_t, const struct route *,
	    const struct answers *, struct form *);
void	 verrs_free(struct verrs *);

#endif
