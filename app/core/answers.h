/*
 * A response's answers, long: one (variable, value, state) per row, as
 * in the answer table. States: 'a' answered, 's' asked and skipped,
 * 'n' not asked (routing hid it; the value is kept but does not count),
 * 'i' typed but invalid (kept as typed for the respondent; never counts).
 */
#ifndef SVAR_ANSWERS_H
#define SVAR_ANSWERS_H

#include <stddef.h>

#define ANS_ANSWERED	'a'
#define ANS_SKIPPED	's'
#define ANS_NOTASKED	'n'
#define ANS_INVALID	'i'

struct answer {
	char	*var;
	char	*value;		/* NULL when skipped */
	char	 state;
};

struct answers {
	struct answer	*v;
	size_t		 n;
	size_t		 cap;
};

void			 answers_init(struct answers *);
void			 answers_free(struct answers *);
void			 answers_copy(struct answers *,
			    const struct answers *);
const struct answer	*answers_get(const struct answers *, const char *);
const char		*answers_value(const struct answers *, const char *);
void			 answers_set(struct answers *, const char *,
			    const char *, char);
char			*answers_take(struct answers *, const char *);

#endif
