/*
 * An item's wording (wording.h). Bokmål decides whether it changed:
 * every definition has it, and the other languages translate it.
 */
#include <string.h>

#include "buf.h"
#include "survey.h"
#include "wording.h"

/* The question in language l, its paragraphs joined by a space. */
void
item_question(const struct item *it, enum lang l, struct buf *b)
{
	size_t	 i;

	for (i = 0; i < it->ntexts; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		buf_puts(b, text_get(&it->texts[i], l));
	}
}

/* Question, option and row labels in bokmål, as one string. */
void
item_wording(const struct item *it, struct buf *b)
{
	const struct optset	*os = item_options(it);
	size_t			 i;

	item_question(it, LANG_NB, b);
	for (i = 0; os != NULL && i < os->n; i++)
		buf_printf(b, "|%d=%s", os->v[i].code,
		    text_get(&os->v[i].label, LANG_NB));
	for (i = 0; i < it->nrows; i++)
		buf_printf(b, "|%s=%s", it->rows[i].key,
		    text_get(&it->rows[i].label, LANG_NB));
}

/* 1 when a respondent of one would read something else in the other. */
int
item_wording_changed(const struct item *a, const struct item *b)
{
	struct buf	 wa, wb;
	int		 changed;

	buf_init(&wa);
	buf_init(&wb);
	item_wording(a, &wa);
	item_wording(b, &wb);
	changed = strcmp(buf_cstr(&wa), buf_cstr(&wb)) != 0;
	buf_free(&wa);
	buf_free(&wb);
	return (changed);
}
