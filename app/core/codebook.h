/*
 * The variables an item stores, in questionnaire order: the names the
 * answer table, the codebook and every export share.
 */
#ifndef SVAR_CODEBOOK_H
#define SVAR_CODEBOOK_H

#include "survey.h"

typedef void	(*var_cb)(const struct item *, const char *, void *);

void	item_vars(const struct item *, var_cb, void *);
void	survey_vars(const struct survey *, var_cb, void *);

/*
 * The variables a back-coded "Annet" text changes, their values, and the
 * raw value each replaces ("" whatever it was).
 */
struct backcode {
	char	 var[2][VAR_MAX];
	char	 val[2][16];
	char	 raw[2][16];
	size_t	 n;
};

int	item_backcode(const struct item *, int, struct backcode *);

struct buf;
void	cond_text(const struct cond *, struct buf *);

#endif
