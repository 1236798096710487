/*
 * Recruitment and the contact-person portal: the request to a unit's
 * postmottak (an outbox row in the same transaction as the stage move),
 * the portal key, the contact person, the unit's links, the forwarded
 * count and the unit's response counts. As svar_admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_TO_RECRUIT,
	S_PORTAL_SET,
	S_OUTBOX,
	S_MOVE,
	S_PORTAL_GET,
	S_CONTACT_SET,
	S_LINKS,
	S_LINK_VERSIONS,
	S_LINK_NEW,
	S_LINK_REVOKE,
	S_FORWARDED,
	S_COUNTS,
	S_OUTBOX_LIST,
	S_NOTE,
	S__MAX
};

/* The version a unit's people answer: HF, kommune, fastlege. */
#define VERSION_OF_KIND \
	"CASE u.kind WHEN 'fastlegekontor' THEN 'fastlege'"	\
	" WHEN 'network' THEN 'fastlege' ELSE u.kind END"

static struct db_stmt stmts[S__MAX] = {
	[S_TO_RECRUIT] = { "recruit.to_recruit",
	  "SELECT wu.id, u.name, u.postmottak FROM wave_unit wu"
	  " JOIN unit u ON u.id = wu.unit_id WHERE wu.wave_id = $1"
	  " AND wu.stage = 'frame' AND wu.eligible AND u.postmottak IS NOT NULL"
	  " AND ($2 = '' OR u.kind = $2) ORDER BY u.kind, u.code"
	  " FOR UPDATE OF wu", 2, 0 },
	[S_PORTAL_SET] = { "recruit.portal_set",
	  "UPDATE wave_unit SET portal_selector = $2, portal_verifier = $3"
	  " WHERE id = $1", 3, 0 },
	[S_OUTBOX] = { "recruit.outbox",
	  "INSERT INTO outbox (kind, to_addr, subject, body, wave_unit_id,"
	  " invitation_id, lang, unsubscribe_url) VALUES ($1, $2, $3, $4,"
	  " nullif($5, '0')::integer, nullif($6, '0')::integer, $7,"
	  " nullif($8, ''))", 8, 0 },
	[S_MOVE] = { "recruit.move",
	  "SELECT svar_unit_move($1, $2, $3, $4, true)", 4, 0 },
	[S_PORTAL_GET] = { "recruit.portal_get",
	  "SELECT wu.id, wu.portal_verifier, u.name, u.kind, wu.stage,"
	  " coalesce(wu.forwarded_count::text, ''), coalesce(c.name, ''),"
	  " coalesce(c.email, ''), coalesce(c.phone, ''),"
	  " s.title || CASE WHEN strpos(s.title, w.year::text) > 0 THEN ''"
	  " ELSE ' ' || w.year END,"
	  " (w.closed OR coalesce(w.closes_at < now(), false))::int"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " JOIN wave w ON w.id = wu.wave_id JOIN survey s ON s.id = w.survey_id"
	  " LEFT JOIN contact c ON c.wave_unit_id = wu.id"
	  " WHERE wu.portal_selector = $1", 1, 1 },
	[S_CONTACT_SET] = { "recruit.contact_set",
	  "INSERT INTO contact AS c (wave_unit_id, name, email, phone, lang)"
	  " VALUES ($1, $2, $3, nullif($4, ''), $5) ON CONFLICT (wave_unit_id)"
	  " DO UPDATE SET name = excluded.name, email = excluded.email,"
	  " phone = excluded.phone, lang = excluded.lang, updated_at = now()",
	  5, 0 },
	[S_LINKS] = { "recruit.links",
	  "SELECT l.id, v.key, l.selector || l.verifier,"
	  " coalesce((SELECT string_agg(h.var || ' = ' || h.value, ', '"
	  "  ORDER BY h.var) FROM version_hidden h WHERE h.version_id = v.id),"
	  "  ''), svar_link_channel(l.id) FROM unit_link l"
	  " JOIN version v ON v.id = l.version_id WHERE l.wave_unit_id = $1"
	  " AND l.revoked_at IS NULL ORDER BY v.id", 1, 1 },
	/* The versions this unit should have a live link for and has not. */
	[S_LINK_VERSIONS] = { "recruit.link_versions",
	  "SELECT v.id FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " JOIN version v ON v.wave_id = wu.wave_id WHERE wu.id = $1"
	  " AND (v.key = " VERSION_OF_KIND " OR NOT EXISTS (SELECT FROM"
	  "  version v2 WHERE v2.wave_id = wu.wave_id AND v2.key = "
	  VERSION_OF_KIND "))"
	  " AND NOT EXISTS (SELECT FROM unit_link l WHERE l.wave_unit_id ="
	  "  wu.id AND l.version_id = v.id AND l.revoked_at IS NULL)"
	  " ORDER BY v.id", 1, 0 },
	[S_LINK_NEW] = { "recruit.link_new",
	  "INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)"
	  " VALUES ($1, $2, $3, $4)", 4, 0 },
	[S_LINK_REVOKE] = { "recruit.link_revoke",
	  "UPDATE unit_link SET revoked_at = now() WHERE id = $2"
	  " AND wave_unit_id = $1 AND revoked_at IS NULL", 2, 0 },
	[S_FORWARDED] = { "recruit.forwarded",
	  "UPDATE wave_unit SET forwarded_count = $2::integer,"
	  " forwarded_at = now() WHERE id = $1", 2, 0 },
	/* Through the unit's links, old and new, tests left out. */
	[S_COUNTS] = { "recruit.counts",
	  "SELECT count(*), count(*) FILTER (WHERE r.status IN ('started',"
	  " 'completed')), count(*) FILTER (WHERE r.status = 'completed')"
	  " FROM response r JOIN unit_link l ON l.id = r.unit_link_id"
	  " WHERE l.wave_unit_id = $1 AND NOT r.test", 1, 1 },
	[S_OUTBOX_LIST] = { "recruit.outbox_list",
	  "SELECT to_char(o.created_at AT TIME ZONE 'Europe/Oslo',"
	  " 'YYYY-MM-DD HH24:MI'), o.kind, o.to_addr, o.subject,"
	  " CASE WHEN o.sent_at IS NOT NULL THEN 'sent'"
	  "  WHEN o.bounced_at IS NOT NULL THEN 'bounced'"
	  "  WHEN o.failed_at IS NOT NULL THEN 'failed'"
	  "  WHEN o.last_error IS NOT NULL THEN 'retrying' ELSE 'waiting' END,"
	  " coalesce(u.name, ''), coalesce(o.last_error, ''), o.attempts,"
	  " coalesce(to_char(coalesce(o.sent_at, o.failed_at) AT TIME ZONE"
	  "  'Europe/Oslo', 'YYYY-MM-DD HH24:MI'), '')"
	  " FROM outbox o LEFT JOIN wave_unit wu ON wu.id = o.wave_unit_id"
	  " LEFT JOIN unit u ON u.id = wu.unit_id"
	  " ORDER BY o.id DESC LIMIT 200", 0, 1 },
	[S_NOTE] = { "recruit.note",
	  "SELECT svar_unit_note($1, $2, $3)", 3, 0 },
};

static void
itoa_(char *buf, size_t len, int v)
{
	snprintf(buf, len, "%d", v);
}

int
db_recruit_targets(struct db *db, int wave, const char *kind, db_row_cb cb,
    void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, kind };

	itoa_(sw, sizeof(sw), wave);
	return (db_each(db, &stmts[S_TO_RECRUIT], p, cb, arg));
}

int
db_portal_set(struct db *db, int wave_unit, const char *sel, const char *ver)
{
	char		 sw[16];
	const char	*p[3] = { sw, sel, ver };

	itoa_(sw, sizeof(sw), wave_unit);
	return (db_count(db, &stmts[S_PORTAL_SET], p) == 1);
}

int
db_outbox_add(struct db *db, const struct outbox_msg *m)
{
	char		 sw[16], si[16];
	const char	*p[8] = { m->kind, m->to, m->subject, m->body, sw, si,
			    m->lang, m->unsubscribe != NULL ? m->unsubscribe :
			    "" };

	itoa_(sw, sizeof(sw), m->wave_unit);
	itoa_(si, sizeof(si), m->invitation);
	return (db_do(db, &stmts[S_OUTBOX], p));
}

/* A stage move the admin or contact person asked for; raises if not
 * allowed. 1 moved, 0 it was there already, DB_ERR (db_error says). */
int
db_unit_move(struct db *db, int wave_unit, const char *to, const char *actor,
    const char *note)
{
	char		 sw[16], *v;
	const char	*p[4] = { sw, to, actor, note };
	int		 rc;

	itoa_(sw, sizeof(sw), wave_unit);
	if ((v = db_val(db, &stmts[S_MOVE], p)) == NULL)
		return (DB_ERR);
	rc = strcmp(v, "t") == 0;
	free(v);
	return (rc);
}

int
db_portal_get(struct db *db, const char *sel, db_row_cb cb, void *arg)
{
	const char	*p[1] = { sel };

	return (db_each(db, &stmts[S_PORTAL_GET], p, cb, arg));
}

int
db_contact_set(struct db *db, int wave_unit, const char *name,
    const char *email, const char *phone, const char *lang)
{
	char		 sw[16];
	const char	*p[5] = { sw, name, email, phone, lang };

	itoa_(sw, sizeof(sw), wave_unit);
	return (db_do(db, &stmts[S_CONTACT_SET], p));
}

int
db_unit_links(struct db *db, int wave_unit, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	itoa_(sw, sizeof(sw), wave_unit);
	return (db_each(db, &stmts[S_LINKS], p, cb, arg));
}

struct ids {
	int	 v[16];
	size_t	 n;
};

static void
id_row(int n, const char *const *v, void *arg)
{
	struct ids	*ids = arg;

	if (n > 0 && ids->n < 16)
		ids->v[ids->n++] = atoi(v[0]);
}

/*
 * Makes the links the unit lacks (one per version its people answer);
 * keys come from `keygen`. The number made, or DB_ERR.
 */
int
db_links_make(struct db *db, int wave_unit, int (*keygen)(char *, char *))
{
	struct ids	 ids;
	char		 sw[16], sv[16], sel[16], ver[40];
	const char	*p[4] = { sw, sv, sel, ver };
	size_t		 i;

	memset(&ids, 0, sizeof(ids));
	itoa_(sw, sizeof(sw), wave_unit);
	if (db_each(db, &stmts[S_LINK_VERSIONS], p, id_row, &ids) == DB_ERR)
		return (DB_ERR);
	for (i = 0; i < ids.n; i++) {
		itoa_(sv, sizeof(sv), ids.v[i]);
		if (!keygen(sel, ver) || !db_do(db, &stmts[S_LINK_NEW], p))
			return (DB_ERR);
	}
	return ((int)ids.n);
}

/* 1 revoked, 0 no such live link of this unit, DB_ERR. */
int
db_link_revoke(struct db *db, int wave_unit, int link)
{
	char		 sw[16], sl[16];
	const char	*p[2] = { sw, sl };

	itoa_(sw, sizeof(sw), wave_unit);
	itoa_(sl, sizeof(sl), link);
	return (db_count(db, &stmts[S_LINK_REVOKE], p));
}

int
db_forwarded(struct db *db, int wave_unit, long count)
{
	char		 sw[16], sc[24];
	const char	*p[2] = { sw, sc };

	itoa_(sw, sizeof(sw), wave_unit);
	snprintf(sc, sizeof(sc), "%ld", count);
	return (db_count(db, &stmts[S_FORWARDED], p) == 1);
}

/* opened, started, completed through the unit's links. */
int
db_unit_counts(struct db *db, int wave_unit, long *opened, long *started,
    long *completed)
{
	PGresult	*res;
	char		 sw[16];
	const char	*p[1] = { sw };

	itoa_(sw, sizeof(sw), wave_unit);
	if ((res = db_exec(db, &stmts[S_COUNTS], p, PGRES_TUPLES_OK)) == NULL)
		return (0);
	*opened = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	*started = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	*completed = strtol(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	return (1);
}

int
db_outbox_list(struct db *db, db_row_cb cb, void *arg)
{
	return (db_each(db, &stmts[S_OUTBOX_LIST], NULL, cb, arg));
}

/* A line in the unit's history that is not a stage move. */
int
db_unit_note(struct db *db, int wave_unit, const char *actor,
    const char *note)
{
	PGresult	*res;
	char		 sw[16];
	const char	*p[3] = { sw, actor, note };

	itoa_(sw, sizeof(sw), wave_unit);
	if ((res = db_exec(db, &stmts[S_NOTE], p, PGRES_TUPLES_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}
