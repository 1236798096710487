/*
 * Writing a synthetic wave (svarctl synth, as the owner role): the
 * definition under the synthetic survey's key, the wave marked synthetic
 * and closed, and every row by COPY, in one transaction. Ids are drawn
 * from the sequences first, so rows can name each other before they
 * exist and the app's own inserts meanwhile never collide with them.
 * Each response is generated twice (app/core/synth.c): for its row,
 * then for its answers, so memory holds one response's answers at a
 * time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_int.h"
#include "synth.h"

enum {
	S_WAVE_FIND,
	S_NO_TIMEOUT,
	S_MARK,
	S_CLEAR,
	S_UNSUMMARY,
	S_VERSIONS,
	S_RHF,
	S_UNIT,
	S_IDS,
	S_COPY_WAVE_UNIT,
	S_COPY_EVENT,
	S_COPY_CONTACT,
	S_COPY_LINK,
	S_COPY_OUTBOX,
	S_COPY_INVITATION,
	S_COPY_RESPONSE,
	S_COPY_ANSWER,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/* Whether the wave exists, is synthetic, and holds anything real. */
	[S_WAVE_FIND] = { "synth.wave_find",
	  "SELECT w.id, w.synthetic::int,"
	  " (SELECT count(*) FROM response r JOIN version v ON v.id ="
	  "  r.version_id WHERE v.wave_id = w.id AND NOT r.test)"
	  " + (SELECT count(*) FROM wave_unit wu WHERE wu.wave_id = w.id)"
	  " FROM wave w JOIN survey s ON s.id = w.survey_id"
	  " WHERE s.key = $1 AND w.year = $2", 2, 0 },
	/* One COPY of millions of rows runs longer than the usual 5 s. */
	[S_NO_TIMEOUT] = { "synth.no_timeout",
	  "SELECT set_config('statement_timeout', '0', true)", 0, 0 },
	[S_MARK] = { "synth.mark",
	  "UPDATE wave SET synthetic = true, closed = true, opens_at = $2,"
	  " closes_at = $3 WHERE id = $1", 3, 0 },
	[S_CLEAR] = { "synth.clear", "SELECT svar_synth_clear($1)", 1, 0 },
	/* The funnel's summary of the old data goes with it. */
	[S_UNSUMMARY] = { "synth.unsummary",
	  "DELETE FROM funnel_summary_state WHERE wave_id = $1", 1, 0 },
	[S_VERSIONS] = { "synth.versions",
	  "SELECT key, id, definition_id FROM version WHERE wave_id = $1",
	  1, 0 },
	[S_RHF] = { "synth.rhf",
	  "INSERT INTO unit (kind, code, name) SELECT 'rhf', $1, $1"
	  " WHERE NOT EXISTS (SELECT FROM unit WHERE kind = 'rhf' AND"
	  " name = $1) ON CONFLICT DO NOTHING", 1, 0 },
	/* Units of the reference lists may be there already: reuse them. */
	[S_UNIT] = { "synth.unit",
	  "INSERT INTO unit (kind, code, name, parent_id, fylke)"
	  " VALUES ($1, $2, $3, (SELECT min(id) FROM unit WHERE kind = 'rhf'"
	  " AND name = $4), nullif($5, '')) ON CONFLICT (kind, code)"
	  " DO UPDATE SET kind = excluded.kind RETURNING id", 5, 0 },
	[S_IDS] = { "synth.ids",
	  "SELECT nextval($1::regclass) FROM generate_series(1, $2::int)",
	  2, 0 },
	[S_COPY_WAVE_UNIT] = { "synth.copy_wave_unit",
	  "COPY wave_unit (id, wave_id, unit_id, stage, forwarded_count,"
	  " forwarded_at, added_by) FROM STDIN", 0, 0 },
	[S_COPY_EVENT] = { "synth.copy_event",
	  "COPY unit_event (wave_unit_id, from_stage, to_stage, actor, at,"
	  " note) FROM STDIN", 0, 0 },
	[S_COPY_CONTACT] = { "synth.copy_contact",
	  "COPY contact (wave_unit_id, name, email, created_at, updated_at)"
	  " FROM STDIN", 0, 0 },
	[S_COPY_LINK] = { "synth.copy_link",
	  "COPY unit_link (id, wave_unit_id, version_id, selector, verifier,"
	  " created_at, views) FROM STDIN", 0, 0 },
	[S_COPY_OUTBOX] = { "synth.copy_outbox",
	  "COPY outbox (kind, to_addr, subject, body, created_at, send_after,"
	  " sent_at, attempts, wave_unit_id, lang) FROM STDIN", 0, 0 },
	[S_COPY_INVITATION] = { "synth.copy_invitation",
	  "COPY invitation (id, version_id, unit_id, code, email,"
	  " letter_sent_at, email_sent_at, opted_out_at, bounced_at,"
	  " created_at) FROM STDIN", 0, 0 },
	[S_COPY_RESPONSE] = { "synth.copy_response",
	  "COPY response (id, version_id, definition_id, unit_link_id,"
	  " invitation_id, selector, verifier, csrf, lang, status, created_at,"
	  " opened_at, started_at, completed_at, updated_at, page_id,"
	  " furthest_page_id, channel) FROM STDIN", 0, 0 },
	[S_COPY_ANSWER] = { "synth.copy_answer",
	  "COPY answer (response_id, var, value, state, updated_at)"
	  " FROM STDIN", 0, 0 },
};

/* A COPY in progress: rows gather in a buffer sent 64 KiB at a time. */
struct copy {
	struct db	*db;
	struct buf	 b;
	int		 ok;
	const char	*name;
};

static int
copy_begin(struct copy *c, struct db *db, struct db_stmt *st)
{
	PGresult	*res;

	c->db = db;
	c->name = st->name;
	buf_init(&c->b);
	res = PQexec(db->conn, st->sql);
	c->ok = PQresultStatus(res) == PGRES_COPY_IN;
	if (!c->ok)
		snprintf(db->err, sizeof(db->err), "%s: %s", st->name,
		    PQerrorMessage(db->conn));
	PQclear(res);
	return (c->ok);
}

static void
copy_flush(struct copy *c)
{
	if (c->ok && c->b.len > 0 && PQputCopyData(c->db->conn, c->b.data,
	    (int)c->b.len) != 1) {
		snprintf(c->db->err, sizeof(c->db->err), "%s: %s", c->name,
		    PQerrorMessage(c->db->conn));
		c->ok = 0;
	}
	buf_reset(&c->b);
}

/* One field in COPY's text format: NULL as \N, the specials escaped. */
static void
copy_field(struct copy *c, const char *v, int last)
{
	const char	*p;

	if (v == NULL)
		buf_puts(&c->b, "\\N");
	else
		for (p = v; *p != '\0'; p++)
			switch (*p) {
			case '\\':
				buf_puts(&c->b, "\\\\");
				break;
			case '\t':
				buf_puts(&c->b, "\\t");
				break;
			case '\n':
				buf_puts(&c->b, "\\n");
				break;
			case '\r':
				buf_puts(&c->b, "\\r");
				break;
			default:
				buf_putc(&c->b, *p);
				break;
			}
	buf_putc(&c->b, last ? '\n' : '\t');
	if (last && c->b.len >= 65536)
		copy_flush(c);
}

static void
copy_long(struct copy *c, long long v, int last)
{
	char	 b[24];

	snprintf(b, sizeof(b), "%lld", v);
	copy_field(c, b, last);
}

/* A time as PostgreSQL reads it; 0 is NULL. */
static void
copy_time(struct copy *c, time_t t, int last)
{
	struct tm	 tm;
	char		 b[40];

	if (t == 0) {
		copy_field(c, NULL, last);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S+00", &tm);
	copy_field(c, b, last);
}

static int
copy_end(struct copy *c)
{
	PGresult	*res;

	copy_flush(c);
	buf_free(&c->b);
	if (PQputCopyEnd(c->db->conn, c->ok ? NULL : "synth failed") != 1)
		c->ok = 0;
	while ((res = PQgetResult(c->db->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && c->ok) {
			snprintf(c->db->err, sizeof(c->db->err), "%s: %s",
			    c->name, PQresultErrorMessage(res));
			c->ok = 0;
		}
		PQclear(res);
	}
	return (c->ok);
}

/*
 * The synthetic wave's id, made ready: refused (0, with why in err)
 * when the wave holds anything and is not synthetic; emptied when it is.
 */
int
db_synth_wave(struct db *db, const struct survey *s, const char *src,
    time_t opens, time_t closes, int *wave, char *err, size_t errlen)
{
	struct def_loaded	 dl;
	PGresult		*res;
	char			 y[16], o[40], c[40], w[16];
	const char		*p[3];
	struct tm		 tm;

	snprintf(y, sizeof(y), "%d", s->wave);
	p[0] = s->key;
	p[1] = y;
	if ((res = db_exec(db, &stmts[S_NO_TIMEOUT], NULL,
	    PGRES_TUPLES_OK)) == NULL)
		return (-1);
	PQclear(res);
	if ((res = db_exec(db, &stmts[S_WAVE_FIND], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (-1);
	if (PQntuples(res) == 1 && atoi(PQgetvalue(res, 0, 1)) == 0 &&
	    atol(PQgetvalue(res, 0, 2)) > 0) {
		snprintf(err, errlen, "wave %d of survey %s holds real units "
		    "or responses and is not synthetic; choose another "
		    "--wave-year", s->wave, s->key);
		PQclear(res);
		return (0);
	}
	PQclear(res);
	if (!db_def_store(db, s, src, &dl))
		return (-1);
	if (dl.refused) {
		snprintf(err, errlen, "the definition lacks its privacy "
		    "notice (%s)", dl.missing);
		return (0);
	}
	p[0] = s->key;
	p[1] = y;
	if ((res = db_exec(db, &stmts[S_WAVE_FIND], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (-1);
	*wave = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	snprintf(w, sizeof(w), "%d", *wave);
	gmtime_r(&opens, &tm);
	strftime(o, sizeof(o), "%Y-%m-%d %H:%M:%S+00", &tm);
	gmtime_r(&closes, &tm);
	strftime(c, sizeof(c), "%Y-%m-%d %H:%M:%S+00", &tm);
	p[0] = w;
	p[1] = o;
	p[2] = c;
	if (!db_do(db, &stmts[S_MARK], p))
		return (-1);
	if ((res = db_exec(db, &stmts[S_CLEAR], p, PGRES_TUPLES_OK)) == NULL)
		return (-1);
	PQclear(res);
	return (db_do(db, &stmts[S_UNSUMMARY], p) ? 1 : -1);
}

/* n fresh ids of a sequence (a name from this file, never input). */
static long long *
ids(struct db *db, const char *seq, size_t n)
{
	PGresult	*res;
	long long	*v;
	char		 nb[24];
	const char	*p[2] = { seq, nb };
	size_t		 i;

	snprintf(nb, sizeof(nb), "%zu", n);
	if ((res = db_exec(db, &stmts[S_IDS], p, PGRES_TUPLES_OK)) == NULL)
		return (NULL);
	v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n && (int)i < PQntuples(res); i++)
		v[i] = atoll(PQgetvalue(res, (int)i, 0));
	PQclear(res);
	return (v);
}

struct ids {
	long long	 version[SYNTH_NVERSIONS];
	long long	 definition[SYNTH_NVERSIONS];
	long long	*unit;
	long long	*wave_unit;
	long long	*link;		/* per unit, 0: none */
	long long	*invitation;
	long long	*response;
	int		 wave;
};

static void
version_row(int n, const char *const *v, void *arg)
{
	struct ids	*x = arg;
	int		 k;

	for (k = 0; n >= 3 && k < SYNTH_NVERSIONS; k++)
		if (strcmp(v[0], synth_version_key(k)) == 0) {
			x->version[k] = atoll(v[1]);
			x->definition[k] = atoll(v[2]);
		}
}

static int
units_write(struct db *db, const struct synth *sy, struct ids *x)
{
	const struct synth_unit	*u;
	const char		*p[5];
	char			*id;
	size_t			 i;

	x->unit = xcalloc(sy->nu ? sy->nu : 1, sizeof(*x->unit));
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		p[0] = u->parent;
		if (u->parent != NULL && !db_do(db, &stmts[S_RHF], p))
			return (0);
		p[0] = u->kind;
		p[1] = u->code;
		p[2] = u->name;
		p[3] = u->parent ? u->parent : "";
		p[4] = u->fylke ? u->fylke : "";
		if ((id = db_val(db, &stmts[S_UNIT], p)) == NULL)
			return (0);
		x->unit[i] = atoll(id);
		free(id);
	}
	return (1);
}

static int
has_link(const struct synth_unit *u)
{
	return (u->stage == SYN_ACCEPTED || u->stage >= SYN_DISTRIBUTED);
}

static void
event(struct copy *c, long long wu, const char *from, const char *to,
    const char *actor, time_t at, const char *note)
{
	copy_long(c, wu, 0);
	copy_field(c, from, 0);
	copy_field(c, to, 0);
	copy_field(c, actor, 0);
	copy_time(c, at, 0);
	copy_field(c, note, 1);
}

/* Every stage move as svar_unit_move() would have written it. */
static int
events_write(struct db *db, const struct synth *sy, const struct ids *x)
{
	const struct synth_unit	*u;
	struct copy		 c;
	size_t			 i;
	int			 said;

	if (!copy_begin(&c, db, &stmts[S_COPY_EVENT]))
		return (0);
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		if (u->stage == SYN_FRAME)
			continue;
		event(&c, x->wave_unit[i], "frame", "invited", "system",
		    u->t_invited, "recruitment request to postmottak");
		if (u->stage == SYN_INVITED)
			continue;
		said = u->stage == SYN_DECLINED ? SYN_DECLINED : SYN_ACCEPTED;
		event(&c, x->wave_unit[i], "invited", synth_stage_name(said),
		    "contact", u->t_answered, said == SYN_DECLINED ?
		    "unit declined" : "contact person named");
		if (u->stage < SYN_DISTRIBUTED)
			continue;
		event(&c, x->wave_unit[i], "accepted", "distributed", "contact",
		    u->t_distributed, "forwarded");
		if (u->stage == SYN_RESPONDING)
			event(&c, x->wave_unit[i], "distributed", "responding",
			    "respondent", u->t_responding,
			    "first completed response");
	}
	return (copy_end(&c));
}

static void
outbox_row(struct copy *c, const char *kind, const char *to,
    const char *subject, time_t at, long long wu)
{
	copy_field(c, kind, 0);
	copy_field(c, to, 0);
	copy_field(c, subject, 0);
	copy_field(c, "", 0);		/* bodies are purged once sent */
	copy_time(c, at - 60, 0);
	copy_time(c, at - 60, 0);
	copy_time(c, at, 0);
	copy_long(c, 1, 0);
	copy_long(c, wu, 0);
	copy_field(c, "nb", 1);
}

/* The mail a real wave would have sent: requests, invitations, reminders. */
static int
outbox_write(struct db *db, const struct synth *sy, const struct ids *x)
{
	const struct synth_unit	*u;
	struct copy		 c;
	char			 to[96];
	size_t			 i;

	if (!copy_begin(&c, db, &stmts[S_COPY_OUTBOX]))
		return (0);
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		if (u->stage == SYN_FRAME)
			continue;
		snprintf(to, sizeof(to), "postmottak-%s@synt.invalid", u->code);
		outbox_row(&c, "recruit", to, "Syntetisk: forespørsel",
		    u->t_invited, x->wave_unit[i]);
		if (!has_link(u))
			continue;
		snprintf(to, sizeof(to), "kontakt-%s@synt.invalid", u->code);
		outbox_row(&c, "invitation", to, "Syntetisk: invitasjon",
		    u->t_answered + 600, x->wave_unit[i]);
		if (u->t_reminded)
			outbox_row(&c, "reminder", to, "Syntetisk: påminnelse",
			    u->t_reminded, x->wave_unit[i]);
	}
	return (copy_end(&c));
}

static int
frame_write(struct db *db, const struct synth *sy, struct ids *x)
{
	const struct synth_unit	*u;
	struct copy		 c;
	char			 b[96], sel[9], ver[27];
	size_t			 i;

	if (!copy_begin(&c, db, &stmts[S_COPY_WAVE_UNIT]))
		return (0);
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		copy_long(&c, x->wave_unit[i], 0);
		copy_long(&c, x->wave, 0);
		copy_long(&c, x->unit[i], 0);
		copy_field(&c, synth_stage_name(u->stage), 0);
		if (u->forwarded >= 0)
			copy_long(&c, u->forwarded, 0);
		else
			copy_field(&c, NULL, 0);
		copy_time(&c, u->forwarded >= 0 ? u->t_distributed : 0, 0);
		copy_field(&c, u->version == 1 ? "sample" : "frame", 1);
	}
	if (!copy_end(&c) || !events_write(db, sy, x) ||
	    !copy_begin(&c, db, &stmts[S_COPY_CONTACT]))
		return (0);
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		if (!has_link(u))
			continue;
		copy_long(&c, x->wave_unit[i], 0);
		snprintf(b, sizeof(b), "Kontaktperson %s (syntetisk)", u->code);
		copy_field(&c, b, 0);
		snprintf(b, sizeof(b), "kontakt-%s@synt.invalid", u->code);
		copy_field(&c, b, 0);
		copy_time(&c, u->t_answered, 0);
		copy_time(&c, u->t_answered, 1);
	}
	if (!copy_end(&c) || !copy_begin(&c, db, &stmts[S_COPY_LINK]))
		return (0);
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		if (!has_link(u))
			continue;
		synth_key(sy, "ls", i, sel, sizeof(sel));
		synth_key(sy, "lv", i, ver, sizeof(ver));
		copy_long(&c, x->link[i], 0);
		copy_long(&c, x->wave_unit[i], 0);
		copy_long(&c, x->version[u->version], 0);
		copy_field(&c, sel, 0);
		copy_field(&c, ver, 0);
		copy_time(&c, u->t_answered, 0);
		copy_long(&c, u->nresp + u->nresp / 3, 1);
	}
	return (copy_end(&c) && outbox_write(db, sy, x));
}

static int
invitations_write(struct db *db, const struct synth *sy, const struct ids *x)
{
	const struct synth_invite	*iv;
	struct copy			 c;
	char				 code[11], mail[64];
	size_t				 i, k;

	if (!copy_begin(&c, db, &stmts[S_COPY_INVITATION]))
		return (0);
	for (i = 0; i < sy->ninv; i++) {
		iv = &sy->inv[i];
		synth_key(sy, "ic", i, code, sizeof(code));
		for (k = 0; code[k] != '\0'; k++)
			if (code[k] >= 'a' && code[k] <= 'z')
				code[k] = (char)(code[k] - 'a' + 'A');
		copy_long(&c, x->invitation[i], 0);
		copy_long(&c, x->version[2], 0);
		if (iv->office >= 0)
			copy_long(&c, x->unit[iv->office], 0);
		else
			copy_field(&c, NULL, 0);
		copy_field(&c, code, 0);
		snprintf(mail, sizeof(mail), "lege-%zu@synt.invalid", i + 1);
		copy_field(&c, iv->t_email ? mail : NULL, 0);
		copy_time(&c, iv->t_letter, 0);
		copy_time(&c, iv->t_email, 0);
		copy_time(&c, iv->t_opted_out, 0);
		copy_time(&c, iv->bounced ? iv->t_email + 120 : 0, 0);
		copy_time(&c, iv->t_created, 1);
	}
	return (copy_end(&c));
}

static const char *
status_name(char st)
{
	switch (st) {
	case 'i':
		return ("invited");
	case 's':
		return ("started");
	case 'c':
		return ("completed");
	default:
		return ("opened");
	}
}

static int
responses_write(struct db *db, const struct synth *sy, const struct ids *x)
{
	const struct synth_resp	*r;
	struct copy		 c;
	char			 sel[9], ver[27], csrf[27];
	size_t			 i;

	if (!copy_begin(&c, db, &stmts[S_COPY_RESPONSE]))
		return (0);
	for (i = 0; i < sy->nr && c.ok; i++) {
		r = &sy->r[i];
		synth_key(sy, "rs", i, sel, sizeof(sel));
		synth_key(sy, "rv", i, ver, sizeof(ver));
		synth_key(sy, "rc", i, csrf, sizeof(csrf));
		copy_long(&c, x->response[i], 0);
		copy_long(&c, x->version[r->version], 0);
		copy_long(&c, x->definition[r->version], 0);
		if (r->unit >= 0)
			copy_long(&c, x->link[r->unit], 0);
		else
			copy_field(&c, NULL, 0);
		if (r->invite >= 0)
			copy_long(&c, x->invitation[r->invite], 0);
		else
			copy_field(&c, NULL, 0);
		copy_field(&c, sel, 0);
		copy_field(&c, ver, 0);
		copy_field(&c, csrf, 0);
		copy_field(&c, r->lang, 0);
		copy_field(&c, status_name(r->status), 0);
		copy_time(&c, r->t_created, 0);
		copy_time(&c, r->status == 'i' ? 0 : r->t_opened, 0);
		copy_time(&c, r->t_started, 0);
		copy_time(&c, r->t_completed, 0);
		copy_time(&c, r->t_updated, 0);
		copy_field(&c, r->page < sy->s->npages ?
		    sy->s->pages[r->page].id : NULL, 0);
		copy_field(&c, r->furthest < sy->s->npages ?
		    sy->s->pages[r->furthest].id : NULL, 0);
		copy_field(&c, r->invite >= 0 ? "personal" : r->unit >= 0 &&
		    sy->u[r->unit].version == 2 ? "office" : "link", 1);
	}
	return (copy_end(&c));
}

/* The second pass: every response's answers, made again from its seed. */
static int
answers_write(struct db *db, const struct synth *sy, const struct ids *x,
    long long *nrows)
{
	struct synth_rows	 rr;
	struct copy		 c;
	size_t			 i, k;
	char			 st[2] = { 0, 0 };

	if (!copy_begin(&c, db, &stmts[S_COPY_ANSWER]))
		return (0);
	for (i = 0; i < sy->nr && c.ok; i++) {
		synth_answers(sy, i, &rr);
		for (k = 0; k < rr.a.n; k++) {
			copy_long(&c, x->response[i], 0);
			copy_field(&c, rr.a.v[k].var, 0);
			copy_field(&c, rr.a.v[k].value, 0);
			st[0] = rr.a.v[k].state;
			copy_field(&c, st, 0);
			copy_time(&c, rr.at[k], 1);
		}
		*nrows += (long long)rr.a.n;
		synth_rows_free(&rr);
	}
	return (copy_end(&c));
}

/* All of the plan's rows into the wave; *nrows gets the answer rows. */
int
db_synth_write(struct db *db, const struct synth *sy, int wave,
    long long *nrows)
{
	struct ids	 x;
	char		 w[16];
	const char	*p[1] = { w };
	size_t		 i, nl = 0;
	int		 ok;

	memset(&x, 0, sizeof(x));
	x.wave = wave;
	*nrows = 0;
	snprintf(w, sizeof(w), "%d", wave);
	if (db_each(db, &stmts[S_VERSIONS], p, version_row, &x) == DB_ERR)
		return (0);
	for (i = 0; i < SYNTH_NVERSIONS; i++)
		if (x.version[i] == 0) {
			snprintf(db->err, sizeof(db->err), "the wave has no "
			    "version %s", synth_version_key((int)i));
			return (0);
		}
	ok = units_write(db, sy, &x) &&
	    (x.wave_unit = ids(db, "wave_unit_id_seq", sy->nu)) != NULL &&
	    (x.invitation = ids(db, "invitation_id_seq", sy->ninv)) != NULL &&
	    (x.response = ids(db, "response_id_seq", sy->nr)) != NULL;
	if (ok) {
		for (i = 0; i < sy->nu; i++)
			nl += has_link(&sy->u[i]);
		x.link = xcalloc(sy->nu ? sy->nu : 1, sizeof(*x.link));
		if (nl > 0) {
			long long	*l = ids(db, "unit_link_id_seq", nl);

			ok = l != NULL;
			for (i = 0, nl = 0; ok && i < sy->nu; i++)
				if (has_link(&sy->u[i]))
					x.link[i] = l[nl++];
			free(l);
		}
	}
	ok = ok && frame_write(db, sy, &x) && invitations_write(db, sy, &x) &&
	    responses_write(db, sy, &x) && answers_write(db, sy, &x, nrows);
	free(x.unit);
	free(x.wave_unit);
	free(x.link);
	free(x.invitation);
	free(x.response);
	return (ok);
}
