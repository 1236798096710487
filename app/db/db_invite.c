/*
 * Personal invitations (the fastleger): a typeable code and a response
 * waiting with status 'invited', its hidden values from the version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "keys.h"

enum {
	S_VERSION_BY_KEY,
	S_INVITATION,
	S_RESPONSE,
	S_OFFICE,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/* The newest real wave's: a synthetic one only when there is none. */
	[S_VERSION_BY_KEY] = { "invite.version_by_key",
	  "SELECT v.id FROM version v JOIN wave w ON w.id = v.wave_id"
	  " WHERE v.key = $1 ORDER BY w.synthetic, w.year DESC LIMIT 1", 1, 0 },
	/* A fastleger's invitation belongs to the office, when named. */
	[S_INVITATION] = { "invite.invitation",
	  "INSERT INTO invitation (version_id, code, email, unit_id)"
	  " VALUES ($1, $2, $3, (SELECT id FROM unit WHERE kind ="
	  " 'fastlegekontor' AND code = $4)) RETURNING id", 4, 0 },
	[S_OFFICE] = { "invite.office",
	  "SELECT id FROM unit WHERE kind = 'fastlegekontor' AND code = $1",
	  1, 0 },
	[S_RESPONSE] = { "invite.response",
	  "WITH r AS (INSERT INTO response (version_id, definition_id,"
	  " invitation_id, selector, verifier, csrf, status, channel)"
	  " SELECT v.id, v.definition_id, $2, $3, $4, $5, 'invited',"
	  " 'personal'"
	  " FROM version v WHERE v.id = $1 RETURNING id)"
	  " INSERT INTO answer (response_id, var, value, state)"
	  " SELECT r.id, h.var, h.value, 'a' FROM r, version_hidden h"
	  " WHERE h.version_id = $1", 5, 0 },
};

/* The id of the latest wave's version with this key, to free. */
char *
db_version_by_key(struct db *db, const char *key)
{
	const char	*p[1] = { key };
	char		*v;

	if ((v = db_val(db, &stmts[S_VERSION_BY_KEY], p)) == NULL)
		snprintf(db->err, sizeof(db->err), "no version '%s' (load a "
		    "survey first)", key);
	return (v);
}

/* One invitation with its response; key and code are written. */
int
db_token_new(struct db *db, const char *version, const char *email,
    const char *office, char *key, char *code)
{
	char		 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	char		 csrf[KEY_VERIFIER_LEN + 1];
	char		*inv;
	const char	*p[5];
	int		 ok;

	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN) ||
	    !keys_random(csrf, KEY_VERIFIER_LEN) || !keys_code(code)) {
		snprintf(db->err, sizeof(db->err), "no random bytes");
		return (0);
	}
	p[0] = version;
	p[1] = code;
	p[2] = email;
	p[3] = office;
	if ((inv = db_val(db, &stmts[S_INVITATION], p)) == NULL)
		return (0);
	p[0] = version;
	p[1] = inv;
	p[2] = sel;
	p[3] = ver;
	p[4] = csrf;
	ok = db_do(db, &stmts[S_RESPONSE], p);
	free(inv);
	snprintf(key, KEY_LEN + 1, "%s%s", sel, ver);
	return (ok);
}

int
db_tokens(struct db *db, const char *version, int n, const char *office,
    const char *base)
{
	const char	*p[1] = { office };
	char		*vid, *oid, key[KEY_LEN + 1], code[CODE_LEN + 1];
	int		 i;

	if (!db_ready(db))
		return (0);
	if (office != NULL) {
		if ((oid = db_val(db, &stmts[S_OFFICE], p)) == NULL) {
			snprintf(db->err, sizeof(db->err), "no fastlegekontor "
			    "'%s' (import the offices first)", office);
			return (0);
		}
		free(oid);
	}
	if ((vid = db_version_by_key(db, version)) == NULL)
		return (0);
	if (!db_begin(db)) {
		free(vid);
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (!db_token_new(db, vid, NULL, office, key, code)) {
			db_rollback(db);
			free(vid);
			return (0);
		}
		printf("%s/r/%s %.5s-%.5s\n", base, key, code, code + 5);
	}
	free(vid);
	return (db_commit(db));
}
