#include <stdio.h>

#include "codebook.h"

void
item_vars(const struct item *it, var_cb cb, void *arg)
{
	const struct optset	*os;
	char			 var[VAR_MAX];
	size_t			 i;

	switch (it->type) {
	case ITEM_INFO:
		return;
	case ITEM_MULTI:
		for (i = 0; i < it->opts.n; i++) {
			snprintf(var, sizeof(var), "%s.%d", it->id,
			    it->opts.v[i].code);
			cb(it, var, arg);
		}
		break;
	case ITEM_GRID:
	case ITEM_SUM:
		for (i = 0; i < it->nrows; i++) {
			snprintf(var, sizeof(var), "%s.%s", it->id,
			    it->rows[i].key);
			cb(it, var, arg);
		}
		break;
	default:
		cb(it, it->id, arg);
		break;
	}
	os = item_options(it);
	if ((it->type == ITEM_SINGLE || it->type == ITEM_MULTI) &&
	    optset_other(os) != NULL) {
		snprintf(var, sizeof(var), "%s.other", it->id);
		cb(it, var, arg);
	}
}

void
survey_vars(const struct survey *s, var_cb cb, void *arg)
{
	size_t	 i;

	for (i = 0; i < s->nitems; i++)
		item_vars(&s->items[i], cb, arg);
}
