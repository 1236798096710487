/*
 * The questionnaires each worker serves: every version's definition,
 * parsed once from the text stored in the database. A version that is
 * not here yet (svarctl load ran after start) triggers one reload.
 */
#include <stdlib.h>
#include <string.h>

#include "web.h"

static int
catalog_add(int version_id, int definition_id, const char *src,
    const char *hidden, void *arg)
{
	struct def_errors	 err;
	struct survey		*s;
	struct version_def	*v;
	size_t			 i;

	(void)arg;
	/* Versions often share one definition: parse it once. */
	s = NULL;
	for (i = 0; i < app.nversions; i++)
		if (app.versions[i].definition_id == definition_id)
			s = app.versions[i].survey;
	if (s == NULL) {
		if ((s = def_parse("definition", src, strlen(src),
		    &err)) == NULL) {
			kore_log(LOG_ERR, "definition %d does not parse: %s",
			    definition_id, err.n ? err.msg[0] : "?");
			def_errors_free(&err);
			return (1);
		}
	}
	app.versions = xrealloc(app.versions,
	    (app.nversions + 1) * sizeof(*app.versions));
	v = &app.versions[app.nversions++];
	v->version_id = version_id;
	v->definition_id = definition_id;
	v->survey = s;
	v->hidden = xstrdup(hidden);
	v->closed = 0;
	v->checked = 0;
	return (1);
}

void
catalog_free(void)
{
	size_t	 i, k;
	int	 shared;

	for (i = 0; i < app.nversions; i++) {
		shared = 0;
		for (k = i + 1; k < app.nversions; k++)
			if (app.versions[k].survey == app.versions[i].survey)
				shared = 1;
		if (!shared)
			survey_free(app.versions[i].survey);
		free(app.versions[i].hidden);
	}
	free(app.versions);
	app.versions = NULL;
	app.nversions = 0;
}

int
catalog_load(void)
{
	catalog_free();
	return (db_versions(app.db, catalog_add, NULL));
}

const struct version_def *
catalog_version(int version_id)
{
	size_t	 i;
	int	 pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < app.nversions; i++)
			if (app.versions[i].version_id == version_id)
				return (&app.versions[i]);
		if (pass == 0 && !catalog_load())
			return (NULL);
	}
	return (NULL);
}

/*
 * Whether a version's wave takes answers, and the version as it is now.
 * Read at most once a second per worker: asking on every request cost a
 * join on the hot path, and a wave that closes a second late loses
 * nothing. When svarctl has pointed the version at a new definition,
 * the catalog is read again, so every worker serves the same text.
 * *vp is valid afterwards (the catalog may have been rebuilt).
 */
#define STATE_TTL_MS	1000

int
catalog_state(int version_id, const struct version_def **vp)
{
	struct version_def	*v;
	u_int64_t		 now = kore_time_ms();
	int			 rc, def;

	if ((*vp = catalog_version(version_id)) == NULL)
		return (DB_ERR);
	v = (struct version_def *)*vp;
	if (v->checked != 0 && now - v->checked < STATE_TTL_MS)
		return (v->closed);
	if ((rc = db_version_state(app.db, version_id, &def)) == DB_ERR)
		return (rc);
	if (def != v->definition_id) {
		if (!catalog_load() ||
		    (*vp = catalog_version(version_id)) == NULL)
			return (DB_ERR);
		v = (struct version_def *)*vp;
	}
	v->closed = rc;
	v->checked = now;
	return (rc);
}
