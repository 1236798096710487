/*
 * Reminder rules and their runs (sql/076), the unit facts a mail needs,
 * and opting out (sql/075). As svar_admin. Who a rule mails is decided
 * in one SQL function (svar_remind_due), for the preview and the send
 * alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_WAVE_MAIL,
	S_UNIT_MAIL,
	S_RULES,
	S_RULE_ADD,
	S_RULE_OFF,
	S_RULE_LOCK,
	S_DUE,
	S_RUN_NEW,
	S_SEND,
	S_NOTES,
	S_EMAILED,
	S_RUNS,
	S_OPTOUT_GET,
	S_OPTOUT,
	S_OPTED_OUT,
	S_EXAMPLE_UNIT,
	S__MAX
};

/* A wave as its mail names it, and its last day ('' when open-ended). */
#define WAVE_TITLE \
	"s.title || CASE WHEN strpos(s.title, w.year::text) > 0 THEN ''" \
	" ELSE ' ' || w.year END, coalesce(to_char(w.closes_at AT TIME ZONE" \
	" 'Europe/Oslo', 'YYYY-MM-DD'), '')"

static struct db_stmt stmts[S__MAX] = {
	[S_WAVE_MAIL] = { "remind.wave_mail",
	  "SELECT " WAVE_TITLE " FROM wave w JOIN survey s ON s.id ="
	  " w.survey_id WHERE w.id = $1", 1, 1 },
	/* unit, wave, deadline, portal key, contact name, e-mail, lang. */
	[S_UNIT_MAIL] = { "remind.unit_mail",
	  "SELECT u.name, " WAVE_TITLE ", coalesce(wu.portal_selector ||"
	  " wu.portal_verifier, ''), coalesce(c.name, ''),"
	  " coalesce(c.email, ''), coalesce(c.lang, 'nb'), wu.wave_id"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " JOIN wave w ON w.id = wu.wave_id JOIN survey s ON s.id ="
	  " w.survey_id LEFT JOIN contact c ON c.wave_unit_id = wu.id"
	  " WHERE wu.id = $1", 1, 1 },
	[S_RULES] = { "remind.rules",
	  "SELECT r.id, r.kind, coalesce(v.key, ''), r.after_days,"
	  " coalesce(r.rate_below::text, ''), r.gap_days, r.max_per_person,"
	  " r.max_per_unit, r.active::int, r.created_by"
	  " FROM remind_rule r LEFT JOIN version v ON v.id = r.version_id"
	  " WHERE r.wave_id = $1 ORDER BY r.active DESC, r.id", 1, 1 },
	/*
	 * The version by its key, looked up once: (wave_id, key) is
	 * unique, so the outer join keeps the wave's one row. No key ('')
	 * makes a rule for every version (version_id NULL); a key the wave
	 * does not have, no row (db_remind_rule_add's 0).
	 */
	[S_RULE_ADD] = { "remind.rule_add",
	  "INSERT INTO remind_rule (wave_id, kind, version_id, after_days,"
	  " rate_below, gap_days, max_per_person, max_per_unit, created_by)"
	  " SELECT w.id, $2, v.id, $4::integer, nullif($5, '')::integer,"
	  " $6::integer, $7::integer, $8::integer, $9 FROM wave w"
	  " LEFT JOIN version v ON v.wave_id = w.id AND v.key = $3"
	  " WHERE w.id = $1 AND ($3 = '' OR v.id IS NOT NULL)"
	  " RETURNING id", 9, 0 },
	[S_RULE_OFF] = { "remind.rule_off",
	  "UPDATE remind_rule SET active = false WHERE id = $1"
	  " AND wave_id = $2", 2, 0 },
	/*
	 * Two sends in one wave take turns, the second seeing the first's:
	 * the caps and gaps count across the wave's rules, so the rows of
	 * every rule of the wave are locked, not only this one's.
	 */
	[S_RULE_LOCK] = { "remind.rule_lock",
	  "SELECT kind, (id = $1 AND active)::int FROM remind_rule"
	  " WHERE wave_id = $2 ORDER BY id FOR UPDATE", 2, 0 },
	[S_DUE] = { "remind.due",
	  "SELECT coalesce(wave_unit_id, 0), coalesce(invitation_id, 0),"
	  " to_addr, lang, days, n_before, coalesce(next_at::text, ''),"
	  " coalesce(unit, ''), coalesce(link_key, ''), coalesce(code, ''),"
	  " coalesce(contact, ''), coalesce(forwarded, 0), coalesce(opened, 0),"
	  " coalesce(started, 0), coalesce(completed, 0),"
	  " coalesce(optout_key, '') FROM svar_remind_due($1, now())", 1, 1 },
	[S_RUN_NEW] = { "remind.run_new",
	  "INSERT INTO remind_run (rule_id, actor, sent) VALUES ($1, $2,"
	  " $3::integer) RETURNING id", 3, 0 },
	/* A batch of mails: the outbox rows and what the caps count,
	 * together, in the order given. Arrays, so 10,000 mails are 20
	 * round trips and not 10,000. */
	[S_SEND] = { "remind.send",
	  "WITH m AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
	  " $4::text[], $5::integer[], $6::integer[], $7::text[], $8::text[])"
	  " WITH ORDINALITY AS m(kind, to_addr, subject, body, wu, inv, lang,"
	  " unsub, n)),"
	  " o AS (INSERT INTO outbox (kind, to_addr, subject, body,"
	  " wave_unit_id, invitation_id, lang, unsubscribe_url) SELECT kind,"
	  " to_addr, subject, body, nullif(wu, 0), nullif(inv, 0), lang,"
	  " nullif(unsub, '') FROM m ORDER BY n RETURNING id, to_addr,"
	  " wave_unit_id, invitation_id)"
	  " INSERT INTO remind_sent (run_id, kind, wave_unit_id, invitation_id,"
	  " to_addr, outbox_id) SELECT $9::integer, $10, o.wave_unit_id,"
	  " o.invitation_id, o.to_addr, o.id FROM o", 10, 0 },
	[S_NOTES] = { "remind.notes", "SELECT svar_remind_notes($1)", 1, 0 },
	[S_EMAILED] = { "remind.emailed",
	  "UPDATE invitation i SET email_sent_at = s.at FROM remind_sent s"
	  " WHERE s.run_id = $1 AND s.kind = 'invite'"
	  " AND i.id = s.invitation_id", 1, 0 },
	[S_RUNS] = { "remind.runs",
	  "SELECT to_char(x.at AT TIME ZONE 'Europe/Oslo',"
	  " 'YYYY-MM-DD HH24:MI'), r.id, r.kind, x.actor, x.sent"
	  " FROM remind_run x JOIN remind_rule r ON r.id = x.rule_id"
	  " WHERE r.wave_id = $1 ORDER BY x.id DESC LIMIT 200", 1, 1 },
	[S_OPTOUT_GET] = { "remind.optout_get",
	  "SELECT i.id, i.optout_verifier, (i.opted_out_at IS NOT NULL)::int"
	  " FROM invitation i WHERE i.optout_selector = $1", 1, 1 },
	[S_OPTOUT] = { "remind.optout",
	  "SELECT svar_invitation_opt_out($1::integer)::int", 1, 0 },
	/* Opted out per version of the wave, for the admin. */
	[S_OPTED_OUT] = { "remind.opted_out",
	  "SELECT v.key, count(i.id) FILTER (WHERE i.email IS NOT NULL),"
	  " count(i.id) FILTER (WHERE i.opted_out_at IS NOT NULL),"
	  " count(i.id) FILTER (WHERE i.bounced_at IS NOT NULL),"
	  " count(i.id) FILTER (WHERE i.email_sent_at IS NOT NULL)"
	  " FROM version v LEFT JOIN invitation i ON i.version_id = v.id"
	  " WHERE v.wave_id = $1 GROUP BY v.id, v.key ORDER BY v.id", 1, 1 },
	/* A unit of the wave to show the templates with: one that has
	 * come furthest, so its counts and contact are filled in. */
	[S_EXAMPLE_UNIT] = { "remind.example_unit",
	  "SELECT wu.id FROM wave_unit wu WHERE wu.wave_id = $1"
	  " ORDER BY (wu.portal_selector IS NOT NULL) DESC, CASE wu.stage"
	  " WHEN 'responding' THEN 0 WHEN 'distributed' THEN 1 WHEN 'accepted'"
	  " THEN 2 WHEN 'invited' THEN 3 ELSE 4 END, wu.id LIMIT 1", 1, 1 },
};

static void
itoa_(char *buf, size_t len, int v)
{
	snprintf(buf, len, "%d", v);
}

static int
by_id(struct db *db, int st, int id, db_row_cb cb, void *arg)
{
	char		 s[16];
	const char	*p[1] = { s };

	itoa_(s, sizeof(s), id);
	return (db_each(db, &stmts[st], p, cb, arg));
}

/* title, deadline */
int
db_wave_mail(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (by_id(db, S_WAVE_MAIL, wave, cb, arg));
}

/* unit, wave title, deadline, portal key, contact name, e-mail, lang,
 * wave id */
int
db_unit_mail(struct db *db, int wave_unit, db_row_cb cb, void *arg)
{
	return (by_id(db, S_UNIT_MAIL, wave_unit, cb, arg));
}

int
db_remind_rules(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (by_id(db, S_RULES, wave, cb, arg));
}

/* The new rule's id, 0 when the wave or its version is not there, DB_ERR. */
int
db_remind_rule_add(struct db *db, int wave, const struct remind_rule *r)
{
	PGresult	*res;
	char		 sw[16], sa[16], sg[16], sp[16], su[16];
	const char	*p[9] = { sw, r->kind, r->version, sa, r->rate_below,
			    sg, sp, su, r->actor };
	int		 id = 0;

	itoa_(sw, sizeof(sw), wave);
	itoa_(sa, sizeof(sa), r->after_days);
	itoa_(sg, sizeof(sg), r->gap_days);
	itoa_(sp, sizeof(sp), r->max_per_person);
	itoa_(su, sizeof(su), r->max_per_unit);
	/* No row: no such wave, or no such version in it (0). */
	if ((res = db_exec(db, &stmts[S_RULE_ADD], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (DB_ERR);
	if (PQntuples(res) == 1)
		id = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (id);
}

int
db_remind_rule_off(struct db *db, int wave, int rule)
{
	char		 sr[16], sw[16];
	const char	*p[2] = { sr, sw };

	itoa_(sr, sizeof(sr), rule);
	itoa_(sw, sizeof(sw), wave);
	return (db_count(db, &stmts[S_RULE_OFF], p));
}

/* Holds the rule for this transaction; its kind in out (empty when
 * there is no such active rule of the wave). 0 on a database error. */
int
db_remind_lock(struct db *db, int wave, int rule, char *out, size_t len)
{
	PGresult	*res;
	char		 sr[16], sw[16];
	const char	*p[2] = { sr, sw };
	int		 i;

	itoa_(sr, sizeof(sr), rule);
	itoa_(sw, sizeof(sw), wave);
	if ((res = db_exec(db, &stmts[S_RULE_LOCK], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (0);
	db_copy(out, len, "");
	for (i = 0; i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 1), "1") == 0)
			db_copy(out, len, PQgetvalue(res, i, 0));
	PQclear(res);
	return (1);
}

/* Who the rule would mail now (see S_DUE for the columns). */
int
db_remind_due(struct db *db, int rule, db_row_cb cb, void *arg)
{
	return (by_id(db, S_DUE, rule, cb, arg));
}

/* A run's id, or DB_ERR. */
int
db_remind_run(struct db *db, int rule, const char *actor, size_t sent)
{
	char		 sr[16], sn[24], *v;
	const char	*p[3] = { sr, actor, sn };
	int		 id;

	itoa_(sr, sizeof(sr), rule);
	snprintf(sn, sizeof(sn), "%zu", sent);
	if ((v = db_val(db, &stmts[S_RUN_NEW], p)) == NULL)
		return (DB_ERR);
	id = atoi(v);
	free(v);
	return (id);
}

/* n mails of one run, as one statement; the count sent, or DB_ERR. */
int
db_remind_send(struct db *db, int run, const char *rule_kind,
    const struct outbox_msg *m, size_t n)
{
	struct buf	 a[8];
	const char	**col, *p[10];
	char		(*num)[16];
	size_t		 i, c;
	int		 rc;

	col = xcalloc(n + 1, sizeof(*col));
	num = xcalloc(2 * n + 1, sizeof(*num));
	for (c = 0; c < 8; c++) {
		buf_init(&a[c]);
		for (i = 0; i < n; i++) {
			switch (c) {
			case 0: col[i] = m[i].kind; break;
			case 1: col[i] = m[i].to; break;
			case 2: col[i] = m[i].subject; break;
			case 3: col[i] = m[i].body; break;
			case 4:
				itoa_(num[i], sizeof(num[i]), m[i].wave_unit);
				col[i] = num[i];
				break;
			case 5:
				itoa_(num[n + i], sizeof(num[n + i]),
				    m[i].invitation);
				col[i] = num[n + i];
				break;
			case 6: col[i] = m[i].lang; break;
			default:
				col[i] = m[i].unsubscribe != NULL ?
				    m[i].unsubscribe : "";
				break;
			}
		}
		db_array(&a[c], col, n);
		p[c] = buf_cstr(&a[c]);
	}
	itoa_(num[2 * n], sizeof(num[2 * n]), run);
	p[8] = num[2 * n];
	p[9] = rule_kind;
	rc = db_count(db, &stmts[S_SEND], p);
	for (c = 0; c < 8; c++)
		buf_free(&a[c]);
	free(col);
	free(num);
	return (rc);
}

/* After the mails of a run: the units' history lines and, for the
 * invitation by e-mail, email_sent_at. */
int
db_remind_finish(struct db *db, int run)
{
	char		 sr[16];
	const char	*p[1] = { sr };
	PGresult	*res;

	itoa_(sr, sizeof(sr), run);
	if ((res = db_exec(db, &stmts[S_NOTES], p, PGRES_TUPLES_OK)) == NULL)
		return (0);
	PQclear(res);
	return (db_count(db, &stmts[S_EMAILED], p) != DB_ERR);
}

int
db_remind_runs(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (by_id(db, S_RUNS, wave, cb, arg));
}

int
db_opted_out(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (by_id(db, S_OPTED_OUT, wave, cb, arg));
}

/* The wave's unit to preview templates with, 0 when none, DB_ERR. */
int
db_example_unit(struct db *db, int wave)
{
	char		 sw[16];
	const char	*p[1] = { sw };
	PGresult	*res;
	int		 id;

	itoa_(sw, sizeof(sw), wave);
	if ((res = db_exec(db, &stmts[S_EXAMPLE_UNIT], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (DB_ERR);
	id = PQntuples(res) > 0 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return (id);
}

/* id, verifier, opted out already (0/1) of the key's selector. */
int
db_optout_get(struct db *db, const char *sel, db_row_cb cb, void *arg)
{
	const char	*p[1] = { sel };

	return (db_each(db, &stmts[S_OPTOUT_GET], p, cb, arg));
}

/* 1 opted out now, 0 it was already, DB_ERR. */
int
db_optout(struct db *db, int invitation)
{
	char		 si[16], *v;
	const char	*p[1] = { si };
	int		 rc;

	itoa_(si, sizeof(si), invitation);
	if ((v = db_val(db, &stmts[S_OPTOUT], p)) == NULL)
		return (DB_ERR);
	rc = strcmp(v, "1") == 0;
	free(v);
	return (rc);
}
