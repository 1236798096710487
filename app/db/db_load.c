/*
 * Loading a survey definition (svarctl load, and the admin's page): its
 * pages and variables, and one version per value of the first hidden
 * variable (HF, kommune, fastlege). Loading the same text again changes
 * nothing; loading an earlier text makes it current again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "db.h"
#include "db_int.h"
#include "survey.h"

enum {
	S_SURVEY,
	S_WAVE,
	S_DEF_FIND,
	S_DEF_NEW,
	S_PAGE,
	S_VARIABLE,
	S_VERSION,
	S_HIDDEN_CLEAR,
	S_HIDDEN,
	S__MAX
};

#define SHA256_OF_2 "encode(sha256(convert_to($2, 'UTF8')), 'hex')"

static struct db_stmt stmts[S__MAX] = {
	[S_SURVEY] = { "load.survey",
	  "INSERT INTO survey (key, title) VALUES ($1, $2)"
	  " ON CONFLICT (key) DO UPDATE SET title = $2 RETURNING id", 2, 0 },
	[S_WAVE] = { "load.wave",
	  "INSERT INTO wave (survey_id, year, closed) VALUES ($1, $2, $3)"
	  " ON CONFLICT (survey_id, year) DO UPDATE SET year = $2"
	  " RETURNING id, closed::int", 3, 0 },
	[S_DEF_FIND] = { "load.def_find",
	  "SELECT id FROM definition WHERE wave_id = $1 AND sha256 = "
	  SHA256_OF_2, 2, 0 },
	[S_DEF_NEW] = { "load.def_new",
	  "INSERT INTO definition (wave_id, sha256, source, privacy_missing)"
	  " VALUES ($1, " SHA256_OF_2 ", $2, $3) RETURNING id", 3, 0 },
	[S_PAGE] = { "load.page",
	  "INSERT INTO page (definition_id, position, page_id)"
	  " VALUES ($1, $2, $3)", 3, 0 },
	[S_VARIABLE] = { "load.variable",
	  "INSERT INTO variable (definition_id, var, item_id, page_no,"
	  " position, page_id) VALUES ($1, $2, $3, $4, $5, $6)", 6, 0 },
	[S_VERSION] = { "load.version",
	  "INSERT INTO version (wave_id, key, definition_id) VALUES ($1, $2, $3)"
	  " ON CONFLICT (wave_id, key) DO UPDATE SET definition_id = $3"
	  " RETURNING id", 3, 0 },
	[S_HIDDEN_CLEAR] = { "load.hidden_clear",
	  "DELETE FROM version_hidden WHERE version_id = $1", 1, 0 },
	[S_HIDDEN] = { "load.hidden",
	  "INSERT INTO version_hidden (version_id, var, value)"
	  " VALUES ($1, $2, $3)", 3, 0 },
};

struct varctx {
	struct db		*db;
	const struct survey	*s;
	const char		*def_id;
	int			 pos;
	int			 ok;
};

static void
add_var(const struct item *it, const char *var, void *arg)
{
	struct varctx	*vc = arg;
	char		 page[24], pos[24];
	const char	*p[6];

	snprintf(page, sizeof(page), "%zu", it->page);
	snprintf(pos, sizeof(pos), "%d", vc->pos++);
	p[0] = vc->def_id;
	p[1] = var;
	p[2] = it->id;
	p[3] = page;
	p[4] = pos;
	p[5] = vc->s->pages[it->page].id;
	if (vc->ok && !db_do(vc->db, &stmts[S_VARIABLE], p))
		vc->ok = 0;
}

static int
add_pages(struct db *db, const struct survey *s, const char *def_id)
{
	char		 pos[24];
	const char	*p[3];
	size_t		 i;

	for (i = 0; i < s->npages; i++) {
		snprintf(pos, sizeof(pos), "%zu", i);
		p[0] = def_id;
		p[1] = pos;
		p[2] = s->pages[i].id;
		if (!db_do(db, &stmts[S_PAGE], p))
			return (0);
	}
	return (1);
}

/* The versions: one per value of the first hidden variable, or one. */
static int
add_versions(struct db *db, const struct survey *s, const char *wave_id,
    const char *def_id)
{
	const struct hidden	*h;
	char			 code[16], *vid;
	const char		*p[3];
	size_t			 i, n;
	int			 ok;

	h = s->nhidden > 0 ? &s->hidden[0] : NULL;
	n = h != NULL ? h->values.n : 1;
	for (i = 0; i < n; i++) {
		p[0] = wave_id;
		p[1] = h != NULL ? h->values.v[i].key : "default";
		p[2] = def_id;
		if ((vid = db_val(db, &stmts[S_VERSION], p)) == NULL)
			return (0);
		p[0] = vid;
		ok = db_do(db, &stmts[S_HIDDEN_CLEAR], p);
		if (ok && h != NULL) {
			snprintf(code, sizeof(code), "%d", h->values.v[i].code);
			p[1] = h->id;
			p[2] = code;
			ok = db_do(db, &stmts[S_HIDDEN], p);
		}
		free(vid);
		if (!ok)
			return (0);
	}
	return (1);
}

/*
 * The wave of a definition: its id, and whether it is closed. A new wave
 * opens at once only when the definition has its privacy notice.
 */
static char *
wave_get(struct db *db, const char *survey_id, int year, int closed,
    int *is_closed)
{
	PGresult	*res;
	char		 y[16], *id;
	const char	*p[3] = { survey_id, y, closed ? "t" : "f" };

	snprintf(y, sizeof(y), "%d", year);
	if ((res = db_exec(db, &stmts[S_WAVE], p, PGRES_TUPLES_OK)) == NULL)
		return (NULL);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (NULL);
	}
	id = xstrdup(PQgetvalue(res, 0, 0));
	*is_closed = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	return (id);
}

/*
 * Stores a parsed definition in the caller's transaction; *out says
 * which definition it is, whether it was new, and what its privacy
 * notice lacks. A definition without its privacy notice is stored only
 * in a closed wave: into an open one it is refused (out->refused).
 */
int
db_def_store(struct db *db, const struct survey *s, const char *src,
    struct def_loaded *out)
{
	struct varctx	 vc;
	char		*survey_id = NULL, *wave_id = NULL, *def_id = NULL;
	const char	*p[3];
	int		 ok = 0;

	memset(out, 0, sizeof(*out));
	survey_privacy_missing(s, out->missing, sizeof(out->missing));
	p[0] = s->key;
	p[1] = text_get(&s->title, LANG_NB);
	if ((survey_id = db_val(db, &stmts[S_SURVEY], p)) == NULL)
		goto out;
	if ((wave_id = wave_get(db, survey_id, s->wave,
	    out->missing[0] != '\0', &out->wave_closed)) == NULL)
		goto out;
	if (!out->wave_closed && out->missing[0] != '\0') {
		out->refused = 1;
		goto out;
	}
	p[0] = wave_id;
	p[1] = src;
	p[2] = out->missing;
	vc.db = db;
	vc.s = s;
	vc.pos = 0;
	vc.ok = 1;
	/* db_val's "no row" is an answer here, not an error. */
	if ((def_id = db_val(db, &stmts[S_DEF_FIND], p)) == NULL) {
		if ((def_id = db_val(db, &stmts[S_DEF_NEW], p)) == NULL)
			goto out;
		vc.def_id = def_id;
		if (!add_pages(db, s, def_id))
			goto out;
		survey_vars(s, add_var, &vc);
		if (!vc.ok)
			goto out;
		out->is_new = 1;
	}
	if (!add_versions(db, s, wave_id, def_id))
		goto out;
	out->definition_id = atoi(def_id);
	out->nvars = vc.pos;
	ok = 1;
out:
	free(survey_id);
	free(wave_id);
	free(def_id);
	return (ok);
}
