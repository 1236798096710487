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

#endif
