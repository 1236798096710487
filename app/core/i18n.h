/*
 * The interface strings in bokmål, nynorsk and English, read from
 * templates/strings/<lang>.txt ("key = text" lines). A missing
 * translation falls back to bokmål, a missing key to the key itself,
 * so a gap shows up on the page instead of crashing it.
 */
#ifndef SVAR_I18N_H
#define SVAR_I18N_H

#include "buf.h"
#include "survey.h"

int		 i18n_load(const char *, struct buf *);
void		 i18n_free(void);
const char	*i18n_get(enum lang, const char *);
int		 i18n_loaded(void);
int		 i18n_has(const char *);
void		 i18n_format(struct buf *, enum lang, const char *,
		    const char *, const char *);

#endif
