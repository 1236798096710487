/*
 * svarctl demo: a small frame in the latest wave (two HF, two kommuner)
 * with a link each, and one personal invitation; prints the URLs. Run
 * again, it makes nothing new and prints the same URLs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "keys.h"

enum {
	S_UNIT,
	S_WAVE_UNIT,
	S_LINK_NEW,
	S_LINK_KEY,
	S_TOKEN_KEY,
	S_PORTAL,
	S__MAX
};

#define DEMO_EMAIL	"demo@fastlege.invalid"

static struct db_stmt stmts[S__MAX] = {
	[S_UNIT] = { "demo.unit",
	  "INSERT INTO unit (kind, code, name, fylke) VALUES ($1, $2, $3, $4)"
	  " ON CONFLICT (kind, code) DO UPDATE SET name = $3 RETURNING id",
	  4, 0 },
	[S_WAVE_UNIT] = { "demo.wave_unit",
	  "INSERT INTO wave_unit (wave_id, unit_id) SELECT wave_id, $1"
	  " FROM version WHERE id = $2 ON CONFLICT (wave_id, unit_id)"
	  " DO UPDATE SET unit_id = $1 RETURNING id", 2, 0 },
	[S_LINK_NEW] = { "demo.link_new",
	  "INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)"
	  " VALUES ($1, $2, $3, $4) ON CONFLICT (wave_unit_id, version_id)"
	  " WHERE revoked_at IS NULL DO NOTHING", 4, 0 },
	[S_LINK_KEY] = { "demo.link_key",
	  "SELECT selector || verifier FROM unit_link"
	  " WHERE wave_unit_id = $1 AND version_id = $2 AND revoked_at IS NULL",
	  2, 0 },
	[S_TOKEN_KEY] = { "demo.token_key",
	  "SELECT r.selector || r.verifier, i.code FROM response r"
	  " JOIN invitation i ON i.id = r.invitation_id"
	  " WHERE i.email = '" DEMO_EMAIL "' AND r.version_id = $1", 1, 0 },
	/* The demo unit's portal key, made on the first run. */
	[S_PORTAL] = { "demo.portal",
	  "UPDATE wave_unit SET portal_selector = coalesce(portal_selector, $2),"
	  " portal_verifier = coalesce(portal_verifier, $3) WHERE id = $1"
	  " RETURNING portal_selector || portal_verifier", 3, 0 },
};

/* A unit in the latest wave's frame with a link for its version; the
 * first one also prints its contact person's portal. */
static int
demo_unit(struct db *db, const char *kind, const char *code, const char *name,
    const char *fylke, const char *version, const char *base,
    const char *label, int portal)
{
	char		*uid, *wu = NULL, *vid, *key;
	char		 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	const char	*p[4];
	int		 ok = 0;

	p[0] = kind;
	p[1] = code;
	p[2] = name;
	p[3] = fylke;
	if ((uid = db_val(db, &stmts[S_UNIT], p)) == NULL)
		return (0);
	if ((vid = db_version_by_key(db, version)) == NULL) {
		free(uid);
		return (0);
	}
	p[0] = uid;
	p[1] = vid;
	if ((wu = db_val(db, &stmts[S_WAVE_UNIT], p)) == NULL)
		goto out;
	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN))
		goto out;
	p[0] = wu;
	p[1] = vid;
	p[2] = sel;
	p[3] = ver;
	if (!db_do(db, &stmts[S_LINK_NEW], p))
		goto out;
	if ((key = db_val(db, &stmts[S_LINK_KEY], p)) == NULL)
		goto out;
	printf("  %-34s %s/u/%s\n", label, base, key);
	free(key);
	if (portal) {
		if (!keys_random(sel, KEY_SELECTOR_LEN) ||
		    !keys_random(ver, KEY_VERIFIER_LEN))
			goto out;
		p[1] = sel;
		p[2] = ver;
		if ((key = db_val(db, &stmts[S_PORTAL], p)) == NULL)
			goto out;
		printf("  %-34s %s/k/%s\n", "Contact-person portal (Ahus):",
		    base, key);
		free(key);
	}
	ok = 1;
out:
	free(uid);
	free(vid);
	free(wu);
	return (ok);
}

/* The demo invitation, made on the first run; its key and code. */
static int
demo_token(struct db *db, const char *base)
{
	PGresult	*res;
	char		*vid, key[KEY_LEN + 1], code[CODE_LEN + 1];
	const char	*p[1];

	if ((vid = db_version_by_key(db, "fastlege")) == NULL)
		return (0);
	p[0] = vid;
	if ((res = db_exec(db, &stmts[S_TOKEN_KEY], p,
	    PGRES_TUPLES_OK)) == NULL) {
		free(vid);
		return (0);
	}
	if (PQntuples(res) == 1) {
		db_copy(key, sizeof(key), PQgetvalue(res, 0, 0));
		db_copy(code, sizeof(code), PQgetvalue(res, 0, 1));
	} else if (!db_token_new(db, vid, DEMO_EMAIL, NULL, key, code)) {
		PQclear(res);
		free(vid);
		return (0);
	}
	PQclear(res);
	free(vid);
	printf("  %-34s %s/r/%s\n", "Personal token link (fastlege):", base,
	    key);
	printf("  %-34s %s/kode  (code %.5s-%.5s)\n", "Code entry:", base,
	    code, code + 5);
	return (1);
}

int
db_demo(struct db *db, const char *base)
{
	if (!db_begin(db))
		return (0);
	if (!demo_unit(db, "hf", "ahus", "Akershus universitetssykehus HF",
	    "Viken", "hf", base, "HF link (Ahus):", 1) ||
	    !demo_unit(db, "hf", "ous", "Oslo universitetssykehus HF",
	    "Oslo", "hf", base, "HF link (OUS):", 0) ||
	    !demo_unit(db, "kommune", "0301", "Oslo", "Oslo", "kommune", base,
	    "Kommune link (Oslo):", 0) ||
	    !demo_unit(db, "kommune", "1103", "Stavanger", "Rogaland",
	    "kommune", base, "Kommune link (Stavanger):", 0) ||
	    !demo_token(db, base)) {
		db_rollback(db);
		return (0);
	}
	return (db_commit(db));
}
