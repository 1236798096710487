/*
 * The admin area's people: accounts, sessions and the audit log. Runs
 * as svar_admin in the web app and as the owner in svarctl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_USER_BY_NAME,
	S_USER_BY_ENROL,
	S_USER_SECRET,
	S_USER_ENROL,
	S_USER_STEP,
	S_USER_ADD,
	S_USER_RESET,
	S_USER_DEMO,
	S_SESSIONS_END_USER,
	S_SESSION_NEW,
	S_SESSION_GET,
	S_SESSION_END,
	S_AUDIT,
	S_AUDIT_LIST,
	S__MAX
};

#define USER_COLS \
	"SELECT id, name, role, coalesce(password_hash, ''),"		\
	" coalesce(totp_secret, ''), totp_last_step FROM admin_user"

/*
 * Session timeouts: 30 minutes idle, 12 hours in all; a half-done login
 * (password given, code not yet) lasts 5 minutes.
 */
static struct db_stmt stmts[S__MAX] = {
	[S_USER_BY_NAME] = { "auth.user_by_name",
	  USER_COLS " WHERE name = $1 AND disabled_at IS NULL", 1, 1, 0 },
	[S_USER_BY_ENROL] = { "auth.user_by_enrol",
	  USER_COLS " WHERE enrol_hash = $1 AND enrol_expires_at > now()"
	  " AND disabled_at IS NULL", 1, 1, 0 },
	/* The enrolment's TOTP secret, kept the first time it is shown. */
	[S_USER_SECRET] = { "auth.user_secret",
	  "UPDATE admin_user SET totp_secret = coalesce(totp_secret, $2),"
	  " updated_at = now() WHERE id = $1 RETURNING totp_secret",
	  2, 0, 0 },
	[S_USER_ENROL] = { "auth.user_enrol",
	  "UPDATE admin_user SET password_hash = $2, totp_last_step = $3,"
	  " enrol_hash = NULL, enrol_expires_at = NULL, updated_at = now()"
	  " WHERE id = $1 AND enrol_hash IS NOT NULL", 3, 0, 0 },
	/* A TOTP step is spent once, even by two logins at the same time. */
	[S_USER_STEP] = { "auth.user_step",
	  "UPDATE admin_user SET totp_last_step = $2 WHERE id = $1"
	  " AND totp_last_step < $2", 2, 0, 0 },
	[S_USER_ADD] = { "auth.user_add",
	  "INSERT INTO admin_user (name, role, enrol_hash, enrol_expires_at)"
	  " VALUES ($1, $2, $3, now() + interval '7 days') RETURNING id",
	  3, 0, 0 },
	[S_USER_RESET] = { "auth.user_reset",
	  "UPDATE admin_user SET password_hash = NULL, totp_secret = NULL,"
	  " totp_last_step = -1, enrol_hash = $2,"
	  " enrol_expires_at = now() + interval '7 days', updated_at = now()"
	  " WHERE name = $1 RETURNING id", 2, 0, 0 },
	/* make run's demo admin: a new password each run, the same secret. */
	[S_USER_DEMO] = { "auth.user_demo",
	  "INSERT INTO admin_user (name, role, password_hash, totp_secret)"
	  " VALUES ($1, 'admin', $2, $3) ON CONFLICT (name) DO UPDATE"
	  " SET password_hash = $2, role = 'admin', disabled_at = NULL,"
	  " enrol_hash = NULL, updated_at = now()"
	  " RETURNING id, totp_secret", 3, 0, 0 },
	[S_SESSIONS_END_USER] = { "auth.sessions_end_user",
	  "DELETE FROM admin_session WHERE user_id = $1", 1, 0, 0 },
	[S_SESSION_NEW] = { "auth.session_new",
	  "INSERT INTO admin_session (id_hash, user_id, stage, csrf)"
	  " VALUES ($1, $2, $3, $4)", 4, 0, 0 },
	[S_SESSION_GET] = { "auth.session_get",
	  "UPDATE admin_session s SET seen_at = now() FROM admin_user u"
	  " WHERE s.id_hash = $1 AND u.id = s.user_id"
	  " AND u.disabled_at IS NULL AND CASE s.stage"
	  "  WHEN 'full' THEN s.seen_at > now() - interval '30 minutes'"
	  "   AND s.created_at > now() - interval '12 hours'"
	  "  ELSE s.created_at > now() - interval '5 minutes' END"
	  " RETURNING u.id, u.name, u.role, s.stage, s.csrf", 1, 1, 0 },
	[S_SESSION_END] = { "auth.session_end",
	  "DELETE FROM admin_session WHERE id_hash = $1", 1, 1, 0 },
	[S_AUDIT] = { "auth.audit",
	  "INSERT INTO audit (user_id, actor, action, object, detail, address)"
	  " VALUES ($1, $2, $3, $4, $5, $6)", 6, 0, 0 },
	[S_AUDIT_LIST] = { "auth.audit_list",
	  "SELECT to_char(at AT TIME ZONE 'Europe/Oslo',"
	  " 'YYYY-MM-DD HH24:MI:SS'), actor, action, coalesce(object, ''),"
	  " coalesce(detail, ''), coalesce(address, '') FROM audit"
	  " WHERE ($1 = '' OR action LIKE $1 || '%')"
	  " AND ($2 = '' OR actor = $2)"
	  " ORDER BY id DESC LIMIT $3 OFFSET $4", 4, 1, 0 },
};

static int
user_row(PGresult *res, struct admin_user *u)
{
	if (PQntuples(res) == 0)
		return (0);
	memset(u, 0, sizeof(*u));
	u->id = atoi(PQgetvalue(res, 0, 0));
	db_copy(u->name, sizeof(u->name), PQgetvalue(res, 0, 1));
	db_copy(u->role, sizeof(u->role), PQgetvalue(res, 0, 2));
	db_copy(u->password_hash, sizeof(u->password_hash),
	    PQgetvalue(res, 0, 3));
	db_copy(u->totp_secret, sizeof(u->totp_secret), PQgetvalue(res, 0, 4));
	u->totp_last_step = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	return (1);
}

static int
user_get(struct db *db, int stmt, const char *key, struct admin_user *u)
{
	PGresult	*res;
	const char	*p[1] = { key };
	int		 rc;

	if ((res = db_exec(db, &stmts[stmt], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	rc = user_row(res, u);
	PQclear(res);
	return (rc);
}

/* 1 found, 0 no such (or disabled) account, DB_ERR. */
int
db_user_by_name(struct db *db, const char *name, struct admin_user *u)
{
	return (user_get(db, S_USER_BY_NAME, name, u));
}

int
db_user_by_enrol(struct db *db, const char *hash, struct admin_user *u)
{
	return (user_get(db, S_USER_BY_ENROL, hash, u));
}

/* Keeps `secret` as the account's TOTP secret unless it has one; the
 * secret it has after, in out. */
int
db_user_secret(struct db *db, int id, const char *secret, char *out,
    size_t len)
{
	char		 sid[16], *v;
	const char	*p[2] = { sid, secret };

	snprintf(sid, sizeof(sid), "%d", id);
	if ((v = db_val(db, &stmts[S_USER_SECRET], p)) == NULL)
		return (0);
	db_copy(out, len, v);
	free(v);
	return (1);
}

/* 1 enrolled now, 0 the enrolment was used meanwhile, DB_ERR. */
int
db_user_enrol(struct db *db, int id, const char *hash, long long step)
{
	char		 sid[16], sstep[24];
	const char	*p[3] = { sid, hash, sstep };

	snprintf(sid, sizeof(sid), "%d", id);
	snprintf(sstep, sizeof(sstep), "%lld", step);
	return (db_count(db, &stmts[S_USER_ENROL], p));
}

/* 1 when this step was not spent yet and now is, 0 when it was. */
int
db_user_step(struct db *db, int id, long long step)
{
	char		 sid[16], sstep[24];
	const char	*p[2] = { sid, sstep };

	snprintf(sid, sizeof(sid), "%d", id);
	snprintf(sstep, sizeof(sstep), "%lld", step);
	return (db_count(db, &stmts[S_USER_STEP], p));
}

int
db_user_add(struct db *db, const char *name, const char *role,
    const char *enrol_hash)
{
	const char	*p[3] = { name, role, enrol_hash };
	char		*v;

	if ((v = db_val(db, &stmts[S_USER_ADD], p)) == NULL)
		return (0);
	free(v);
	return (1);
}

/* A new enrolment for an account; its sessions end. 0: no such user. */
int
db_user_reset(struct db *db, const char *name, const char *enrol_hash)
{
	const char	*p[2] = { name, enrol_hash };
	char		*id;
	int		 ok;

	if ((id = db_val(db, &stmts[S_USER_RESET], p)) == NULL)
		return (0);
	p[0] = id;
	ok = db_do(db, &stmts[S_SESSIONS_END_USER], p);
	free(id);
	return (ok);
}

int
db_user_demo(struct db *db, const char *name, const char *hash,
    const char *secret, char *out, size_t len)
{
	PGresult	*res;
	const char	*p[3] = { name, hash, secret };

	if ((res = db_exec(db, &stmts[S_USER_DEMO], p,
	    PGRES_TUPLES_OK)) == NULL)
		return (0);
	db_copy(out, len, PQgetvalue(res, 0, 1));
	PQclear(res);
	return (1);
}

int
db_session_new(struct db *db, const char *id_hash, int user, const char *stage,
    const char *csrf)
{
	char		 su[16];
	const char	*p[4] = { id_hash, su, stage, csrf };

	snprintf(su, sizeof(su), "%d", user);
	return (db_do(db, &stmts[S_SESSION_NEW], p));
}

/* 1 a live session (touched), 0 none or timed out, DB_ERR. */
int
db_session_get(struct db *db, const char *id_hash, struct admin_session *s)
{
	PGresult	*res;
	const char	*p[1] = { id_hash };
	int		 rc = 0;

	if ((res = db_exec(db, &stmts[S_SESSION_GET], p,
	    PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 1) {
		memset(s, 0, sizeof(*s));
		s->user_id = atoi(PQgetvalue(res, 0, 0));
		db_copy(s->name, sizeof(s->name), PQgetvalue(res, 0, 1));
		db_copy(s->role, sizeof(s->role), PQgetvalue(res, 0, 2));
		db_copy(s->stage, sizeof(s->stage), PQgetvalue(res, 0, 3));
		db_copy(s->csrf, sizeof(s->csrf), PQgetvalue(res, 0, 4));
		rc = 1;
	}
	PQclear(res);
	return (rc);
}

int
db_session_end(struct db *db, const char *id_hash)
{
	const char	*p[1] = { id_hash };

	return (db_do(db, &stmts[S_SESSION_END], p));
}

/* One line of the audit log; user 0 is nobody logged in. */
int
db_audit(struct db *db, const struct audit_entry *e)
{
	char		 su[16];
	const char	*p[6];

	snprintf(su, sizeof(su), "%d", e->user_id);
	p[0] = e->user_id > 0 ? su : NULL;
	p[1] = e->actor;
	p[2] = e->action;
	p[3] = e->object;
	p[4] = e->detail;
	p[5] = e->address;
	return (db_do(db, &stmts[S_AUDIT], p));
}

/* The audit log, newest first, filtered by action prefix and actor. */
int
db_audit_list(struct db *db, const char *action, const char *actor, int limit,
    int offset, db_row_cb cb, void *arg)
{
	char		 sl[16], so[16];
	const char	*p[4] = { action, actor, sl, so };

	snprintf(sl, sizeof(sl), "%d", limit);
	snprintf(so, sizeof(so), "%d", offset);
	return (db_each(db, &stmts[S_AUDIT_LIST], p, cb, arg));
}
