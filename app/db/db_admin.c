/*
 * svarctl's side of the database, run as the owner role: load survey
 * definitions, make the demo frame, mint personal invitations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "db.h"
#include "db_int.h"
#include "keys.h"
#include "survey.h"

static PGresult *
q(struct db *db, const char *sql, int n, const char *const *p)
{
	PGresult	*res;
	ExecStatusType	 st;

	res = PQexecParams(db->conn, sql, n, NULL, p, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (res);
	snprintf(db->err, sizeof(db->err), "%s", PQresultErrorMessage(res));
	PQclear(res);
	return (NULL);
}

static int
qdo(struct db *db, const char *sql, int n, const char *const *p)
{
	PGresult	*res;

	if ((res = q(db, sql, n, p)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

/* The first column of the first row, copied; NULL when there is none. */
static char *
qval(struct db *db, const char *sql, int n, const char *const *p)
{
	PGresult	*res;
	char		*v = NULL;

	if ((res = q(db, sql, n, p)) == NULL)
		return (NULL);
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (v);
}

struct varctx {
	struct db	*db;
	const char	*def_id;
	int		 pos;
	int		 ok;
};

static void
add_var(const struct item *it, const char *var, void *arg)
{
	struct varctx	*vc = arg;
	char		 page[16], pos[16];
	const char	*p[5];

	snprintf(page, sizeof(page), "%zu", it->page);
	snprintf(pos, sizeof(pos), "%d", vc->pos++);
	p[0] = vc->def_id;
	p[1] = var;
	p[2] = it->id;
	p[3] = page;
	p[4] = pos;
	if (vc->ok && !qdo(vc->db, "INSERT INTO variable (definition_id, var,"
	    " item_id, page_no, position) VALUES ($1, $2, $3, $4, $5)",
	    5, p))
		vc->ok = 0;
}

/*
 * Loads a definition: survey, wave, the source text, its variables and
 * one version per value of the first hidden variable (HF, kommune,
 * fastlege). Loading the same text again changes nothing.
 */
static int
def_store(struct db *db, const struct survey *s, const char *src)
{
	struct varctx		 vc;
	const struct hidden	*h;
	char			 year[16], hidden[128];
	char			*survey_id = NULL, *wave_id = NULL, *def_id = NULL;
	const char		*p[4];
	size_t			 i;
	int			 ok = 0;

	snprintf(year, sizeof(year), "%d", s->wave);
	p[0] = s->key;
	p[1] = text_get(&s->title, LANG_NB);
	if ((survey_id = qval(db, "INSERT INTO survey (key, title) VALUES"
	    " ($1, $2) ON CONFLICT (key) DO UPDATE SET title = $2"
	    " RETURNING id", 2, p)) == NULL)
		goto out;
	p[0] = survey_id;
	p[1] = year;
	if ((wave_id = qval(db, "INSERT INTO wave (survey_id, year) VALUES"
	    " ($1, $2) ON CONFLICT (survey_id, year) DO UPDATE SET year = $2"
	    " RETURNING id", 2, p)) == NULL)
		goto out;
	p[0] = wave_id;
	p[1] = src;
	/* A text loaded before is not stored twice, but becomes current. */
	vc.db = db;
	vc.pos = 0;
	vc.ok = 1;
	def_id = qval(db, "SELECT id FROM definition WHERE wave_id = $1 AND"
	    " sha256 = encode(sha256(convert_to($2, 'UTF8')), 'hex')", 2, p);
	if (def_id == NULL) {
		if ((def_id = qval(db, "INSERT INTO definition (wave_id, sha256,"
		    " source) VALUES ($1, encode(sha256(convert_to($2, 'UTF8')),"
		    " 'hex'), $2) RETURNING id", 2, p)) == NULL)
			goto out;
		vc.def_id = def_id;
		survey_vars(s, add_var, &vc);
		if (!vc.ok)
			goto out;
	} else
		printf("definition unchanged (id %s)\n", def_id);
	h = s->nhidden > 0 ? &s->hidden[0] : NULL;
	for (i = 0; h == NULL ? i < 1 : i < h->values.n; i++) {
		if (h != NULL)
			snprintf(hidden, sizeof(hidden), "%s=%d", h->id,
			    h->values.v[i].code);
		else
			hidden[0] = '\0';
		p[0] = wave_id;
		p[1] = h ? h->values.v[i].key : "default";
		p[2] = def_id;
		p[3] = hidden;
		if (!qdo(db, "INSERT INTO version (wave_id, key, definition_id,"
		    " hidden) VALUES ($1, $2, $3, $4) ON CONFLICT (wave_id, key)"
		    " DO UPDATE SET definition_id = $3, hidden = $4", 4, p))
			goto out;
	}
	if (vc.pos > 0)
		printf("loaded definition %s: survey %s wave %d, %zu pages, "
		    "%zu items, %d variables\n", def_id, s->key, s->wave,
		    s->npages, s->nitems, vc.pos);
	ok = 1;
out:
	free(survey_id);
	free(wave_id);
	free(def_id);
	return (ok);
}

int
db_def_load(struct db *db, const char *path, const char *src)
{
	struct def_errors	 err;
	struct survey		*s;
	size_t			 i;
	int			 ok;

	if ((s = def_parse(path, src, strlen(src), &err)) == NULL) {
		for (i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
		fprintf(stderr, "%s: refused, nothing loaded\n", path);
		def_errors_free(&err);
		return (0);
	}
	if (!db_ready(db) || !qdo(db, "BEGIN", 0, NULL)) {
		survey_free(s);
		return (0);
	}
	ok = def_store(db, s, src);
	survey_free(s);
	if (!ok) {
		qdo(db, "ROLLBACK", 0, NULL);
		return (0);
	}
	return (qdo(db, "COMMIT", 0, NULL));
}

static char *
version_id(struct db *db, const char *key)
{
	const char	*p[1] = { key };

	return (qval(db, "SELECT v.id FROM version v JOIN wave w ON"
	    " w.id = v.wave_id WHERE v.key = $1 ORDER BY w.year DESC"
	    " LIMIT 1", 1, p));
}

/* One invitation with its response waiting, status 'invited'. */
static int
token_new(struct db *db, const char *version, const char *email,
    char *key, char *code)
{
	char		 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	char		 csrf[KEY_VERIFIER_LEN + 1];
	char		*inv;
	const char	*p[5];
	int		 ok;

	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN) ||
	    !keys_random(csrf, KEY_VERIFIER_LEN) || !keys_code(code))
		return (0);
	p[0] = version;
	p[1] = code;
	p[2] = email;
	if ((inv = qval(db, "INSERT INTO invitation (version_id, code, email)"
	    " VALUES ($1, $2, $3) RETURNING id", 3, p)) == NULL)
		return (0);
	p[0] = version;
	p[1] = inv;
	p[2] = sel;
	p[3] = ver;
	p[4] = csrf;
	ok = qdo(db, "WITH r AS (INSERT INTO response (version_id,"
	    " invitation_id, selector, verifier, csrf, status) VALUES"
	    " ($1, $2, $3, $4, $5, 'invited') RETURNING id)"
	    " INSERT INTO answer (response_id, var, value, state)"
	    " SELECT r.id, split_part(h, '=', 1), split_part(h, '=', 2), 'a'"
	    " FROM r, version v, unnest(string_to_array(v.hidden, ';')) h"
	    " WHERE v.id = $1::int AND h <> ''", 5, p);
	free(inv);
	snprintf(key, KEY_LEN + 1, "%s%s", sel, ver);
	return (ok);
}

int
db_tokens(struct db *db, const char *version, int n, const char *base)
{
	char	*vid, key[KEY_LEN + 1], code[CODE_LEN + 1];
	int	 i;

	if (!db_ready(db))
		return (0);
	if ((vid = version_id(db, version)) == NULL) {
		snprintf(db->err, sizeof(db->err), "no version '%s' (load a "
		    "survey first)", version);
		return (0);
	}
	if (!qdo(db, "BEGIN", 0, NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		if (!token_new(db, vid, NULL, key, code)) {
			qdo(db, "ROLLBACK", 0, NULL);
			goto fail;
		}
		printf("%s/r/%s %.5s-%.5s\n", base, key, code, code + 5);
	}
	free(vid);
	return (qdo(db, "COMMIT", 0, NULL));
fail:
	free(vid);
	return (0);
}

/* A unit in the latest wave's frame with a link for its version. */
static int
demo_unit(struct db *db, const char *kind, const char *code, const char *name,
    const char *fylke, const char *version, const char *base,
    const char *label)
{
	char		*uid, *wu, *vid, *key;
	char		 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	const char	*p[5];
	int		 ok = 0;

	p[0] = kind;
	p[1] = code;
	p[2] = name;
	p[3] = fylke;
	if ((uid = qval(db, "INSERT INTO unit (kind, code, name, fylke) VALUES"
	    " ($1, $2, $3, $4) ON CONFLICT (kind, code) DO UPDATE SET name = $3"
	    " RETURNING id", 4, p)) == NULL)
		return (0);
	if ((vid = version_id(db, version)) == NULL) {
		free(uid);
		return (0);
	}
	p[0] = uid;
	p[1] = vid;
	wu = qval(db, "INSERT INTO wave_unit (wave_id, unit_id) SELECT"
	    " wave_id, $1 FROM version WHERE id = $2 ON CONFLICT (wave_id,"
	    " unit_id) DO UPDATE SET unit_id = $1 RETURNING id", 2, p);
	if (wu == NULL)
		goto out;
	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN))
		goto out;
	p[0] = wu;
	p[1] = vid;
	p[2] = sel;
	p[3] = ver;
	if (!qdo(db, "INSERT INTO unit_link (wave_unit_id, version_id,"
	    " selector, verifier) VALUES ($1, $2, $3, $4) ON CONFLICT"
	    " (wave_unit_id, version_id) DO NOTHING", 4, p))
		goto out;
	if ((key = qval(db, "SELECT selector || verifier FROM unit_link"
	    " WHERE wave_unit_id = $1 AND version_id = $2", 2, p)) == NULL)
		goto out;
	printf("  %-34s %s/u/%s\n", label, base, key);
	free(key);
	ok = 1;
out:
	free(uid);
	free(vid);
	free(wu);
	return (ok);
}

int
db_demo(struct db *db, const char *base)
{
	char		*key, *code, *vid;
	char		 k[KEY_LEN + 1], c[CODE_LEN + 1];
	const char	*p[1];

	if (!db_ready(db) || !qdo(db, "BEGIN", 0, NULL))
		return (0);
	if (!demo_unit(db, "hf", "ahus", "Akershus universitetssykehus HF",
	    "Viken", "hf", base, "HF link (Ahus):") ||
	    !demo_unit(db, "hf", "ous", "Oslo universitetssykehus HF",
	    "Oslo", "hf", base, "HF link (OUS):") ||
	    !demo_unit(db, "kommune", "0301", "Oslo", "Oslo", "kommune", base,
	    "Kommune link (Oslo):") ||
	    !demo_unit(db, "kommune", "1103", "Stavanger", "Rogaland",
	    "kommune", base, "Kommune link (Stavanger):"))
		goto fail;
	if ((vid = version_id(db, "fastlege")) == NULL)
		goto fail;
	p[0] = vid;
	key = qval(db, "SELECT r.selector || r.verifier FROM response r JOIN"
	    " invitation i ON i.id = r.invitation_id WHERE i.email ="
	    " 'demo@fastlege.invalid' AND r.version_id = $1", 1, p);
	code = qval(db, "SELECT i.code FROM invitation i WHERE i.email ="
	    " 'demo@fastlege.invalid' AND i.version_id = $1", 1, p);
	if (key == NULL) {
		free(code);
		if (!token_new(db, vid, "demo@fastlege.invalid", k, c)) {
			free(vid);
			goto fail;
		}
		key = xstrdup(k);
		code = xstrdup(c);
	}
	free(vid);
	printf("  %-34s %s/r/%s\n", "Personal token link (fastlege):", base,
	    key);
	printf("  %-34s %s/kode  (code %.5s-%.5s)\n", "Code entry:", base,
	    code, code + 5);
	free(key);
	free(code);
	return (qdo(db, "COMMIT", 0, NULL));
fail:
	qdo(db, "ROLLBACK", 0, NULL);
	return (0);
}
