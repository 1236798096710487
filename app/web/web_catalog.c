/*
 * The questionnaires each worker serves. A definition is parsed once
 * from the text stored in the database, on first use, and kept: a
 * response is served by the definition it was started on, whatever the
 * version points at now. A definition that does not parse is remembered
 * as such, so it is not parsed again on every request.
 *
 * A version's state (wave open or closed, the definition new responses
 * get) is read at most once a second per worker: asking on every request
 * cost a join on the hot path, and a wave that closes a second late
 * loses nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define STATE_TTL_MS	1000

struct cat_def {
	int		 id;
	struct survey	*survey;	/* NULL: does not parse */
};

struct cat_version {
	int		 id;
	int		 definition_id;
	int		 closed;
	u_int64_t	 checked;	/* ms; 0: never */
};

static struct cat_def		*defs;
static size_t			 ndefs;
static struct cat_version	*versions;
static size_t			 nversions;

/* The definitions of open waves, for pages outside a questionnaire. */
static int			 open_ids[CAT_OPEN_MAX];
static size_t			 nopen;
static u_int64_t		 open_checked;

void
catalog_free(void)
{
	size_t	 i;

	for (i = 0; i < ndefs; i++)
		survey_free(defs[i].survey);
	free(defs);
	free(versions);
	defs = NULL;
	versions = NULL;
	ndefs = nversions = nopen = 0;
	open_checked = 0;
}

/*
 * The survey of a definition: CAT_OK with *sp set, CAT_BAD when its text
 * does not parse (*why says so), DB_ERR when the database failed.
 */
int
catalog_def(int id, const struct survey **sp, const char **why)
{
	struct def_errors	 err;
	struct survey		*s;
	char			*src;
	size_t			 i;

	*sp = NULL;
	*why = NULL;
	for (i = 0; i < ndefs; i++) {
		if (defs[i].id != id)
			continue;
		if ((*sp = defs[i].survey) == NULL) {
			*why = "definition does not parse";
			return (CAT_BAD);
		}
		return (CAT_OK);
	}
	if ((src = db_definition(app.db, id)) == NULL) {
		*why = db_error(app.db);
		return (DB_ERR);
	}
	s = def_parse("definition", src, strlen(src), &err);
	free(src);
	if (s == NULL) {
		kore_log(LOG_ERR, "definition %d does not parse: %s", id,
		    err.n ? err.msg[0] : "?");
		def_errors_free(&err);
	}
	defs = xrealloc(defs, (ndefs + 1) * sizeof(*defs));
	defs[ndefs].id = id;
	defs[ndefs].survey = s;
	ndefs++;
	*sp = s;
	if (s == NULL) {
		*why = "definition does not parse";
		return (CAT_BAD);
	}
	return (CAT_OK);
}

/*
 * Whether a version's wave takes answers: 1 closed (or not open yet, or
 * no such version), 0 open, DB_ERR. *def gets the definition a new
 * response of this version gets.
 */
int
catalog_state(int version_id, int *def)
{
	struct cat_version	*v = NULL;
	u_int64_t		 now = kore_time_ms();
	size_t			 i;
	int			 rc, d;

	for (i = 0; i < nversions; i++)
		if (versions[i].id == version_id)
			v = &versions[i];
	if (v != NULL && v->checked != 0 && now - v->checked < STATE_TTL_MS) {
		*def = v->definition_id;
		return (v->closed);
	}
	if ((rc = db_version_state(app.db, version_id, &d)) == DB_ERR)
		return (DB_ERR);
	if (v == NULL) {
		versions = xrealloc(versions,
		    (nversions + 1) * sizeof(*versions));
		v = &versions[nversions++];
		v->id = version_id;
	}
	v->definition_id = d;
	v->closed = rc;
	v->checked = now;
	*def = d;
	return (rc);
}

static void
open_row(int n, const char *const *v, void *arg)
{
	if (n >= 1 && nopen < CAT_OPEN_MAX)
		open_ids[nopen++] = atoi(v[0]);
}

/*
 * The surveys of open waves (at most CAT_OPEN_MAX, those that parse)
 * into sp; how many. Read at most once a second per worker, like a
 * version's state; a database failure gives none, so the page that asks
 * is still served.
 */
size_t
catalog_open(const struct survey **sp, size_t max)
{
	const struct survey	*s;
	const char		*why;
	u_int64_t		 now = kore_time_ms();
	size_t			 i, n = 0;

	if (open_checked == 0 || now - open_checked >= STATE_TTL_MS) {
		nopen = 0;
		if (!db_open_definitions(app.db, open_row, NULL))
			nopen = 0;
		open_checked = now;
	}
	for (i = 0; i < nopen && n < max; i++)
		if (catalog_def(open_ids[i], &s, &why) == CAT_OK)
			sp[n++] = s;
	return (n);
}

/*
 * The owner to name in the header of a page outside a questionnaire:
 * the one owner of every open survey, or NULL when there is none or
 * more than one (naming one of several would mislead).
 */
const char *
catalog_owner(enum lang l)
{
	const struct survey	*sv[CAT_OPEN_MAX];
	const char		*o, *nb;
	size_t			 i, n;

	if ((n = catalog_open(sv, CAT_OPEN_MAX)) == 0)
		return (NULL);
	nb = sv[0]->owner.s[LANG_NB];
	for (i = 1; i < n; i++) {
		o = sv[i]->owner.s[LANG_NB];
		if (nb == NULL || o == NULL || strcmp(nb, o) != 0)
			return (NULL);
	}
	return (nb != NULL ? text_get(&sv[0]->owner, l) : NULL);
}
