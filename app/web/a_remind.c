/*
 * Reminder rules of a wave (admins):
 *   GET  /admin/remind?wave=&preview=<rule>  rules, opt-outs, history;
 *                                            with preview, who the rule
 *                                            would mail now and why
 *   POST /admin/remind  action=add           a new rule
 *                       action=off           a rule no longer used
 *                       action=send          the previewed list: every
 *                                            mail, the history lines and
 *                                            the audit in one transaction
 * The send carries the digest of the list the admin saw; it evaluates
 * the rule again under a lock on it, and refuses when the list differs,
 * so what goes out is exactly what was previewed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "web.h"
#include "web_remind.h"

#define PREVIEW_ROWS	1000	/* shown; the digest covers them all */

static const char *const rule_kinds[] = {
	"no_contact", "not_distributed", "low_rate", "personal", "invite", NULL
};

struct rpage {
	struct tvars	*tv;
	struct admin_req *ar;
};

static const char *
kind_label(enum lang l, const char *kind)
{
	char	 key[64];
	size_t	 i;

	for (i = 0; rule_kinds[i] != NULL; i++)
		if (strcmp(kind, rule_kinds[i]) == 0) {
			snprintf(key, sizeof(key), "admin.remind.kind.%s",
			    kind);
			return (i18n_get(l, key));
		}
	return (kind);
}

/* Columns into a new row of list, one key per column, in order. */
static struct tvars *
row_copy(struct tvars *tv, const char *list, const char *const *keys,
    int n, const char *const *v)
{
	struct tvars	*row = tvars_row(tv, list);
	int		 i;

	for (i = 0; keys[i] != NULL && i < n; i++)
		tvars_copy(row, keys[i], v[i]);
	return (row);
}

static void
rule_row(int n, const char *const *v, void *arg)
{
	static const char *const keys[] = { "id", "kind", "version", "after",
	    "rate", "gap", "per_person", "per_unit", "active", "by", NULL };
	struct rpage	*p = arg;
	struct tvars	*row;

	if (n < 10)
		return;
	row = row_copy(p->tv, "rules", keys, n, v);
	tvars_copy(row, "kind", kind_label(p->ar->lang, v[1]));
	tvars_set(row, "active", strcmp(v[8], "1") == 0 ? "1" : NULL);
}

static void
run_row(int n, const char *const *v, void *arg)
{
	static const char *const keys[] = { "at", "rule", "kind", "actor",
	    "sent", NULL };
	struct rpage	*p = arg;

	if (n < 5)
		return;
	tvars_copy(row_copy(p->tv, "runs", keys, n, v), "kind",
	    kind_label(p->ar->lang, v[2]));
}

static void
optout_row(int n, const char *const *v, void *arg)
{
	static const char *const keys[] = { "key", "with_email", "opted_out",
	    "bounced", "emailed", NULL };
	struct rpage	*p = arg;

	if (n >= 5)
		row_copy(p->tv, "versions", keys, n, v);
}

/* The preview of one rule: its rows, each with its reason. */
static int
preview(struct rpage *p, int rule, const char *kind)
{
	struct due	 d;
	struct tvars	*row;
	struct buf	 why;
	char		 key[64], n[24], of[48];
	size_t		 i;

	if (!remind_due(rule, &d))
		return (0);
	tvars_int(p->tv, "preview", rule);
	tvars_copy(p->tv, "preview_kind", kind_label(p->ar->lang, kind));
	tvars_int(p->tv, "preview_n", (long)d.n);
	tvars_copy(p->tv, "digest", d.digest);
	snprintf(key, sizeof(key), "admin.remind.why.%s", kind);
	for (i = 0; i < d.n && i < PREVIEW_ROWS; i++) {
		const struct due_row	*r = &d.v[i];

		row = tvars_row(p->tv, "due");
		tvars_copy(row, "to", r->to);
		tvars_copy(row, "unit", r->unit);
		tvars_int(row, "invitation", r->invitation);
		tvars_int(row, "wave_unit", r->wave_unit);
		tvars_int(row, "before", r->n_before);
		tvars_copy(row, "next", r->next);
		tvars_copy(row, "lang", lang_code(r->lang));
		buf_init(&why);
		snprintf(n, sizeof(n), "%d", r->days);
		snprintf(of, sizeof(of), "%ld / %ld", r->completed,
		    r->forwarded);
		i18n_plain(&why, p->ar->lang, key, n, of);
		tvars_copy(row, "why", buf_cstr(&why));
		buf_free(&why);
	}
	if (d.n > PREVIEW_ROWS)
		tvars_int(p->tv, "more", (long)(d.n - PREVIEW_ROWS));
	due_free(&d);
	return (1);
}

static void
remind_page(struct http_request *req, struct admin_req *ar, int status,
    int wave, int rule, struct tvars *tv)
{
	struct rpage	 p;
	struct wave_pick w;
	char		 kind[32];

	p.tv = tv;
	p.ar = ar;
	memset(&w, 0, sizeof(w));
	w.tv = tv;
	w.want = wave;
	if (db_waves(app.adb, admin_wave_row, &w) == DB_ERR) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	if (!w.found) {
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return;
	}
	kind[0] = '\0';
	if (db_remind_rules(app.adb, w.want, rule_row, &p) == DB_ERR ||
	    db_remind_runs(app.adb, w.want, run_row, &p) == DB_ERR ||
	    db_opted_out(app.adb, w.want, optout_row, &p) == DB_ERR ||
	    (rule > 0 && (!db_remind_lock(app.adb, w.want, rule, kind,
	    sizeof(kind)) || (kind[0] != '\0' && !preview(&p, rule,
	    kind))))) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	tvars_int(tv, "wave", w.want);
	tvars_set(tv, "csrf", ar->s.csrf);
	admin_page(req, status, ar, T_ADMIN_REMIND, tv,
	    i18n_get(ar->lang, "admin.remind.title"));
}

static int
query_int(struct http_request *req, const char *name)
{
	struct form	 q;
	const char	*v;
	int		 n = 0;

	if (web_query(req, &q)) {
		if ((v = form_get(&q, name)) != NULL)
			n = atoi(v);
		form_free(&q);
	}
	return (n > 0 ? n : 0);
}

static void
error_add(struct tvars *tv, enum lang l, const char *key)
{
	tvars_set(tvars_row(tv, "errors"), "text", i18n_get(l, key));
}

/* A form number in [lo, hi], or -1. */
static int
form_num(const struct form *f, const char *name, int lo, int hi)
{
	const char	*v = form_get(f, name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return (-1);
	n = strtol(v, &end, 10);
	return (*end != '\0' || n < lo || n > hi ? -1 : (int)n);
}

/* action=add: 1 added, 0 refused (errors in tv), -1 database. */
static int
rule_add(struct admin_req *ar, int wave, struct tvars *tv)
{
	struct remind_rule	 r;
	const struct form	*f = &ar->f;
	const char		*rate = form_get(f, "rate_below");
	size_t			 i;
	int			 ok = 1, id;

	memset(&r, 0, sizeof(r));
	r.kind = form_get(f, "kind");
	for (i = 0; r.kind != NULL && rule_kinds[i] != NULL; i++)
		if (strcmp(r.kind, rule_kinds[i]) == 0)
			break;
	if (r.kind == NULL || rule_kinds[i] == NULL) {
		error_add(tv, ar->lang, "admin.remind.err.kind");
		return (0);
	}
	r.version = form_get(f, "version") != NULL ? form_get(f, "version") :
	    "";
	r.after_days = form_num(f, "after_days", 0, 365);
	r.gap_days = form_num(f, "gap_days", 0, 365);
	r.max_per_person = form_num(f, "max_per_person", 1, 20);
	r.max_per_unit = form_num(f, "max_per_unit", 1, 50);
	r.actor = ar->s.name;
	if (r.after_days < 0 || r.gap_days < 0)
		ok = 0, error_add(tv, ar->lang, "admin.remind.err.days");
	if (r.max_per_person < 0 || r.max_per_unit < 0)
		ok = 0, error_add(tv, ar->lang, "admin.remind.err.max");
	r.rate_below = "";
	if (strcmp(r.kind, "low_rate") == 0) {
		if (form_num(f, "rate_below", 1, 100) < 0)
			ok = 0, error_add(tv, ar->lang, "admin.remind.err.rate");
		else
			r.rate_below = rate;
	}
	if (!ok)
		return (0);
	if ((id = db_remind_rule_add(app.adb, wave, &r)) == DB_ERR)
		return (-1);
	if (id == 0) {
		error_add(tv, ar->lang, "admin.remind.err.version");
		return (0);
	}
	return (admin_audit(ar, "remind.rule", "wave", r.kind) ? 1 : -1);
}

/*
 * action=send: the rule's list again, under a lock on the rule; sent
 * only if it is the list previewed (digest). 1 sent (count in *sent),
 * 0 the list changed or the rule is gone, -1 database.
 */
static int
rule_send(struct admin_req *ar, int wave, int rule, size_t *sent)
{
	struct due		 d;
	struct wave_mail	 w;
	const char		*digest = form_get(&ar->f, "digest");
	char			 kind[32], obj[32], detail[64];
	int			 run;

	memset(&d, 0, sizeof(d));
	if (!db_remind_lock(app.adb, wave, rule, kind, sizeof(kind)))
		return (-1);
	if (kind[0] == '\0')
		return (0);
	if (!remind_wave(wave, &w) || !remind_due(rule, &d))
		return (-1);
	/* An empty list sends nothing, and a replayed one no run either. */
	if (digest == NULL || strcmp(digest, d.digest) != 0 || d.n == 0) {
		due_free(&d);
		return (0);
	}
	snprintf(obj, sizeof(obj), "rule %d", rule);
	snprintf(detail, sizeof(detail), "%s: %zu mails", kind, d.n);
	*sent = d.n;
	if ((run = db_remind_run(app.adb, rule, ar->s.name, d.n)) == DB_ERR ||
	    !remind_send_all(run, kind, &d, &w) ||
	    !db_remind_finish(app.adb, run) ||
	    !admin_audit(ar, "remind.send", obj, detail)) {
		due_free(&d);
		return (-1);
	}
	due_free(&d);
	return (1);
}

static int
remind_post(struct http_request *req, struct admin_req *ar)
{
	struct tvars	 tv;
	const char	*action = form_get(&ar->f, "action");
	const char	*w = form_get(&ar->f, "wave");
	const char	*r = form_get(&ar->f, "rule");
	char		 url[96];
	size_t		 sent = 0;
	int		 wave = w != NULL ? atoi(w) : 0;
	int		 rule = r != NULL ? atoi(r) : 0, rc;

	if (action == NULL)
		action = "";
	tvars_init(&tv, ar->lang);
	if (!db_begin(app.adb)) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (strcmp(action, "add") == 0)
		rc = rule_add(ar, wave, &tv);
	else if (strcmp(action, "off") == 0) {
		if ((rc = db_remind_rule_off(app.adb, wave, rule)) == 0)
			error_add(&tv, ar->lang, "admin.remind.err.norule");
		else if (rc == DB_ERR || !admin_audit(ar, "remind.off", "rule",
		    r))
			rc = -1;
	}
	else if (strcmp(action, "send") == 0) {
		if ((rc = rule_send(ar, wave, rule, &sent)) == 0)
			tvars_set(&tv, "changed", "1");
	} else {
		error_add(&tv, ar->lang, "admin.frame.badaction");
		rc = 0;
	}
	if (rc == 1 && !db_commit(app.adb))
		rc = -1;
	if (rc != 1)
		db_rollback(app.adb);
	if (rc < 0) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (rc == 0) {
		remind_page(req, ar, strcmp(action, "send") == 0 ? 409 : 422,
		    wave, strcmp(action, "send") == 0 ? rule : 0, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	tvars_free(&tv);
	if (strcmp(action, "send") == 0)
		snprintf(url, sizeof(url), "/admin/remind?wave=%d&sent=%zu",
		    wave, sent);
	else
		snprintf(url, sizeof(url), "/admin/remind?wave=%d", wave);
	web_redirect(req, url);
	return (KORE_RESULT_OK);
}

int
admin_remind(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct tvars		 tv;
	struct form		 q;

	if (req->method == HTTP_METHOD_POST)
		return (remind_post(req, ar));
	tvars_init(&tv, ar->lang);
	if (web_query(req, &q)) {
		tvars_copy(&tv, "sent", form_get(&q, "sent"));
		form_free(&q);
	}
	remind_page(req, ar, 200, query_int(req, "wave"),
	    query_int(req, "preview"), &tv);
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}
