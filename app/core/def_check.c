/* Checks that need the whole definition: scales, rows, conditions. */
#include <string.h>

#include "def_int.h"

void
def_check(struct parser *p)
{
	struct survey	*s = p->s;
	struct item	*it;
	size_t		 i, j, n;

	if (s->key == NULL)
		def_perr_line(p, 1, NULL, "missing 'survey <id>' line");
	if (s->wave == 0)
		def_perr_line(p, 1, NULL, "missing 'wave <year>' line");
	if (s->npages == 0)
		def_perr_line(p, 1, NULL, "no pages");
	for (i = 0; i < s->nscales; i++)
		if (s->scales[i].opts.n == 0)
			def_perr_line(p, s->scales[i].line, s->scales[i].id,
			    "scale has no options");
	/*
	 * Scales first: a condition's codes are checked against the options
	 * of the item it names, which for most items come from a scale.
	 */
	for (i = 0; i < s->nitems; i++) {
		it = &s->items[i];
		if (it->scale_id != NULL &&
		    (it->scale = survey_scale(s, it->scale_id)) == NULL)
			def_perr_line(p, it->line, it->id, "unknown scale '%s'",
			    it->scale_id);
	}
	for (i = 0; i < s->npages; i++) {
		if (s->pages[i].nitems == 0)
			def_perr_line(p, s->pages[i].line, s->pages[i].id,
			    "page has no items");
		def_check_cond(p, s->pages[i].cond, i, s->pages[i].id);
	}
	for (i = 0; i < s->nitems; i++) {
		it = &s->items[i];
		if (it->scale != NULL && it->opts.n > 0)
			def_perr_line(p, it->line, it->id, "has both a scale and "
			    "its own options");
		if (it->type != ITEM_INFO && it->ntexts == 0)
			def_perr_line(p, it->line, it->id, "question has no text");
		switch (it->type) {
		case ITEM_SINGLE:
		case ITEM_MULTI:
			if (item_options(it)->n == 0)
				def_perr_line(p, it->line, it->id, "no options "
				    "(add option lines or 'scale <id>')");
			for (j = 0, n = 0; j < it->opts.n; j++)
				if (it->opts.v[j].flags & OPT_OTHER)
					n++;
			if (n > 1)
				def_perr_line(p, it->line, it->id, "more than one "
				    "'other' option");
			break;
		case ITEM_GRID:
			if (it->scale_id == NULL)
				def_perr_line(p, it->line, it->id, "grid needs "
				    "'scale <id>'");
			if (it->nrows == 0)
				def_perr_line(p, it->line, it->id, "grid has no "
				    "rows");
			break;
		case ITEM_SUM:
			if (it->total == 0)
				def_perr_line(p, it->line, it->id, "sum needs "
				    "'total <n>'");
			if (it->nrows < 2)
				def_perr_line(p, it->line, it->id, "sum needs at "
				    "least two rows");
			break;
		case ITEM_NUMBER:
			if (it->min == 0 && it->max == 0)
				def_perr_line(p, it->line, it->id, "number needs "
				    "'min <n> max <n>'");
			break;
		case ITEM_NPS:
			if (it->low.s[LANG_NB] == NULL ||
			    it->high.s[LANG_NB] == NULL)
				def_perr_line(p, it->line, it->id, "nps needs "
				    "low \"...\" and high \"...\" labels");
			break;
		default:
			break;
		}
		def_check_cond(p, it->cond, it->page, it->id);
	}
}

