#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "buf.h"

void
answers_init(struct answers *a)
{
	a->v = NULL;
	a->n = 0;
	a->cap = 0;
}

void
answers_free(struct answers *a)
{
	size_t	 i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].var);
		free(a->v[i].value);
	}
	free(a->v);
	answers_init(a);
}

/* dst (initialised, empty) becomes a copy of src. */
void
answers_copy(struct answers *dst, const struct answers *src)
{
	size_t	 i;

	if (src->n == 0)
		return;
	dst->cap = src->n;
	dst->v = xcalloc(dst->cap, sizeof(*dst->v));
	for (i = 0; i < src->n; i++) {
		dst->v[i].var = xstrdup(src->v[i].var);
		dst->v[i].value = src->v[i].value ?
		    xstrdup(src->v[i].value) : NULL;
		dst->v[i].state = src->v[i].state;
	}
	dst->n = src->n;
}

const struct answer *
answers_get(const struct answers *a, const char *var)
{
	size_t	 i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].var, var) == 0)
			return (&a->v[i]);
	return (NULL);
}

/* The value only if it counts: answered, not skipped or not asked. */
const char *
answers_value(const struct answers *a, const char *var)
{
	const struct answer	*an;

	if ((an = answers_get(a, var)) == NULL || an->state != ANS_ANSWERED)
		return (NULL);
	return (an->value);
}

void
answers_set(struct answers *a, const char *var, const char *value, char state)
{
	struct answer	*an;

	if ((an = (struct answer *)answers_get(a, var)) != NULL) {
		free(an->value);
		an->value = value ? xstrdup(value) : NULL;
		an->state = state;
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	an = &a->v[a->n++];
	an->var = xstrdup(var);
	an->value = value ? xstrdup(value) : NULL;
	an->state = state;
}

/*
 * Removes var's row; its value (the caller frees it), NULL when there
 * was none or it had no value. Rows keep no order, so the last one
 * takes the gap.
 */
char *
answers_take(struct answers *a, const char *var)
{
	struct answer	*an;
	char		*v;

	if ((an = (struct answer *)answers_get(a, var)) == NULL)
		return (NULL);
	v = an->value;
	free(an->var);
	*an = a->v[--a->n];
	return (v);
}
