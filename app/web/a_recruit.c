/*
 * Recruitment: POST /admin/recruit (wave, kind) puts the request to
 * each eligible unit still in the frame into the outbox, addressed to
 * its postmottak and carrying its contact-person portal link, and moves
 * the unit to "invited", in one transaction. GET /admin/outbox shows
 * what waits and what went.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"
#include "web.h"

struct target {
	int	 id;
	char	*name;
	char	*to;
};

struct targets {
	struct target	*v;
	size_t		 n;
};

static void
target_row(int n, const char *const *v, void *arg)
{
	struct targets	*t = arg;

	if (n < 3)
		return;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n].id = atoi(v[0]);
	t->v[t->n].name = xstrdup(v[1]);
	t->v[t->n].to = xstrdup(v[2]);
	t->n++;
}

static void
targets_free(struct targets *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].to);
	}
	free(t->v);
}

/* The request for one unit, with a fresh portal key; 1 or 0. The
 * postmottak gets it in bokmål (templates/mail/recruit.nb.txt). */
static int
recruit_one(const struct target *t)
{
	struct outbox_msg	 m;
	struct unit_mail	 u;
	struct tvars		 tv;
	char			 sel[KEY_SELECTOR_LEN + 1];
	char			 ver[KEY_VERIFIER_LEN + 1];
	int			 ok;

	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN) ||
	    !db_portal_set(app.adb, t->id, sel, ver) ||
	    !web_unit_mail(t->id, &u) || !u.found)
		return (0);
	tvars_init(&tv, LANG_NB);
	web_unit_mail_vars(&tv, &u);
	memset(&m, 0, sizeof(m));
	m.to = t->to;
	m.wave_unit = t->id;
	ok = web_mail_queue(MK_RECRUIT, &tv, &m) && db_unit_move(app.adb,
	    t->id, "invited", "system", "recruitment request to postmottak") !=
	    DB_ERR;
	tvars_free(&tv);
	return (ok);
}

int
admin_recruit(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct targets		 t;
	const char		*w = form_get(&ar->f, "wave");
	const char		*kind = form_get(&ar->f, "kind");
	char			 detail[64], url[48];
	size_t			 i;
	int			 wave = w != NULL ? atoi(w) : 0, ok = 1;

	if (kind == NULL || (strcmp(kind, "") != 0 && strcmp(kind, "hf") != 0 &&
	    strcmp(kind, "kommune") != 0 &&
	    strcmp(kind, "fastlegekontor") != 0))
		kind = "";
	memset(&t, 0, sizeof(t));
	if (!db_begin(app.adb) ||
	    db_recruit_targets(app.adb, wave, kind, target_row, &t) == DB_ERR) {
		db_rollback(app.adb);
		targets_free(&t);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	for (i = 0; i < t.n && ok; i++)
		ok = recruit_one(&t.v[i]);
	snprintf(detail, sizeof(detail), "%zu units, kind '%s'", t.n, kind);
	if (!ok || !admin_audit(ar, "recruit.send", "wave", detail) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		targets_free(&t);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	targets_free(&t);
	snprintf(url, sizeof(url), "/admin/frame?wave=%d", wave);
	web_redirect(req, url);
	return (KORE_RESULT_OK);
}

static void
outbox_row(int n, const char *const *v, void *arg)
{
	struct tvars	*row;

	if (n < 9)
		return;
	row = tvars_row(arg, "mail");
	tvars_copy(row, "at", v[0]);
	tvars_copy(row, "kind", v[1]);
	tvars_copy(row, "to", v[2]);
	tvars_copy(row, "subject", v[3]);
	tvars_copy(row, "state", v[4]);
	tvars_copy(row, "unit", v[5]);
	/* The server's reply to a bounce or a retry, for the admin. */
	tvars_copy(row, "error", v[6]);
	tvars_copy(row, "attempts", v[7]);
	tvars_copy(row, "done", v[8]);
}

int
admin_outbox(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct tvars		 tv;

	tvars_init(&tv, ar->lang);
	if (db_outbox_list(app.adb, outbox_row, &tv) == DB_ERR) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	admin_page(req, 200, ar, T_ADMIN_OUTBOX, &tv,
	    i18n_get(ar->lang, "admin.outbox.title"));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}
