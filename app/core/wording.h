/*
 * An item's wording: its question text, and everything a respondent
 * reads that decides what an answer means (question, option and row
 * labels), to tell whether an item changed between two definitions.
 * The results' wave comparison flags a change with it, and the
 * codebook lists the earlier waves' wording where it differs.
 */
#ifndef SVAR_WORDING_H
#define SVAR_WORDING_H

#include "buf.h"
#include "survey.h"

void	 item_question(const struct item *, enum lang, struct buf *);
void	 item_wording(const struct item *, struct buf *);
int	 item_wording_changed(const struct item *, const struct item *);

#endif
