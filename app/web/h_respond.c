/*
 * The respondent path:
 *   GET  /r/<key>          resume: go to the current page
 *   GET  /r/<key>/<n>      page n          POST: save page n, move on
 *   GET  /r/<key>/takk     thank you       GET /r/<key>/lagret: saved
 *   GET  /r/<key>/personvern  the privacy notice, with the way to withdraw
 *   GET  /r/<key>/trekk    withdraw?       POST: delete the answers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "i18n.h"
#include "keys.h"
#include "render.h"
#include "route.h"
#include "validate.h"
#include "msg.h"
#include "web.h"


/* What every /r/ request starts from. */
struct ctx {
	char			 key[KEY_LEN + 1];
	struct resp		 r;
	struct answers		 a;
	const struct survey	*s;	/* the response's own definition */
	enum lang		 lang;
	int			 cached;	/* r and a from web_rcache.c */
};

/*
 * Where ctx_load may take the response from: the database only, this
 * worker's last save of it (for a page save), or a revision >= 0: memory
 * only at that revision, just saved (the view a save redirects to).
 */
#define FROM_DB		(-2)
#define FROM_SAVED	(-1)

static void
ctx_sel(const struct ctx *c, char *sel, size_t len)
{
	snprintf(sel, len, "%.*s", KEY_SELECTOR_LEN, c->key);
}

/*
 * A personal link whose response an anonymous wave cut loose at
 * completion: only the invitation knows the key was used. Says so and
 * returns 1; 0 when the key is simply unknown (or the database failed,
 * which the caller's 404 then covers).
 */
static int
resp_spent(struct http_request *req, const char *key)
{
	char	 d[DIGEST_HEX_LEN + 1];

	digest_hex(key, d);
	if (db_resp_spent(app.db, d) != 1)
		return (0);
	web_message(req, 200, web_page_lang(req), "msg.spent.title",
	    "msg.spent.text", NULL);
	return (1);
}

static void
ctx_free(struct ctx *c)
{
	answers_free(&c->a);
}

/* A key that is not even well formed: 0 and the answer sent. */
static int
ctx_begin(struct http_request *req, const char *key, struct ctx *c)
{
	char	 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];

	memset(c, 0, sizeof(*c));
	answers_init(&c->a);
	c->lang = LANG_NB;
	if (!keys_split(key, sel, ver)) {
		web_message(req, 404, c->lang, "msg.badlink.title",
		    "msg.badlink.text", "/kode");
		return (0);
	}
	snprintf(c->key, sizeof(c->key), "%s", key);
	return (1);
}

/*
 * After the response was read (rc from db_resp_load, or 1 from memory):
 * sends the answer itself and returns 0 when the key is unknown, the
 * database is down or the wave is closed.
 */
static int
ctx_finish(struct http_request *req, struct ctx *c, int rc, const char *err)
{
	const char	*why;
	int		 def;

	if (rc == DB_ERR) {
		web_unavailable(req, c->lang, err);
		return (0);
	}
	if (rc == 0 && resp_spent(req, c->key))
		return (0);
	/* ctx_begin checked the key: its verifier is what follows. */
	if (rc == 0 || !keys_equal(c->key + KEY_SELECTOR_LEN,
	    c->r.verifier)) {
		web_message(req, 404, c->lang, "msg.badlink.title",
		    "msg.badlink.text", "/kode");
		return (0);
	}
	if ((c->lang = lang_parse(c->r.lang)) == LANG_MAX)
		c->lang = LANG_NB;
	if ((rc = catalog_state(c->r.version_id, &def)) == DB_ERR) {
		web_unavailable(req, c->lang, db_error(app.db));
		return (0);
	}
	if (rc && strcmp(c->r.status, "completed") != 0) {
		web_message(req, 410, c->lang, "msg.closed.title",
		    "msg.closed.text", NULL);
		return (0);
	}
	/*
	 * An invitation opened for the first time may move definition. It
	 * is "opened" now, also in what this worker remembers after a save
	 * that answered nothing, so later loads do not send this again.
	 */
	if (strcmp(c->r.status, "invited") == 0) {
		if (!db_resp_opened(app.db, c->r.id, &c->r.definition_id)) {
			web_unavailable(req, c->lang, db_error(app.db));
			return (0);
		}
		snprintf(c->r.status, sizeof(c->r.status), "opened");
	}
	if (catalog_def(c->r.definition_id, &c->s, &why) != CAT_OK) {
		web_unavailable(req, c->lang, why);
		return (0);
	}
	return (1);
}

/*
 * Loads the response a key names, waiting for the database. Sends the
 * answer itself and returns 0 when the key is unknown, the database is
 * down or the wave is closed.
 */
static int
ctx_load(struct http_request *req, const char *key, struct ctx *c, int from)
{
	char	 sel[KEY_SELECTOR_LEN + 1];
	int	 rc;

	if (!ctx_begin(req, key, c))
		return (0);
	ctx_sel(c, sel, sizeof(sel));
	if (from != FROM_DB && rcache_get(sel, from, &c->r, &c->a))
		rc = c->cached = 1;
	else
		rc = db_resp_load(app.db, sel, &c->r, &c->a);
	return (ctx_finish(req, c, rc, db_error(app.db)));
}

/*
 * A page save may start from any remembered state, since it checks the
 * revision; a view of a page from memory only at the revision its URL
 * names (?v=, from the redirect after a save); anything else (a
 * withdrawal, the thank-you page) from the database.
 */
static int
ctx_from(struct http_request *req, const char *tail)
{
	struct form	 q;
	const char	*v;
	long		 rev = FROM_DB;

	if (tail == NULL || tail[0] < '1' || tail[0] > '9')
		return (FROM_DB);
	if (req->method == HTTP_METHOD_POST)
		return (FROM_SAVED);
	if (!web_query(req, &q))
		return (FROM_DB);
	/* Digits only: def_parse_long would take a sign or spaces. */
	v = form_get(&q, "v");
	if (v == NULL || v[0] < '0' || v[0] > '9' ||
	    !def_parse_long(v, 0, 0x7fffffff, &rev))
		rev = FROM_DB;
	form_free(&q);
	return ((int)rev);
}

/* The same response again, from the database. */
static int
ctx_reload(struct http_request *req, struct ctx *c)
{
	char	 key[KEY_LEN + 1];

	snprintf(key, sizeof(key), "%s", c->key);
	ctx_free(c);
	return (ctx_load(req, key, c, FROM_DB));
}

/*
 * What a save leaves in the database, remembered for the redirect that
 * follows and the next save; a completed response is not kept.
 */
static void
ctx_remember(struct ctx *c, const struct save *sv, int rev)
{
	char	 sel[KEY_SELECTOR_LEN + 1];

	ctx_sel(c, sel, sizeof(sel));
	if (sv->complete) {
		rcache_drop(sel);
		return;
	}
	c->r.rev = rev;
	snprintf(c->r.page_id, sizeof(c->r.page_id), "%s", sv->page_id);
	snprintf(c->r.furthest_page_id, sizeof(c->r.furthest_page_id), "%s",
	    sv->furthest_page_id);
	if (sv->started)
		snprintf(c->r.status, sizeof(c->r.status), "started");
	rcache_put(sel, &c->r, &c->a);
}

static void
go_page(struct http_request *req, const char *key, size_t page)
{
	char	 n[24];

	snprintf(n, sizeof(n), "%zu", page + 1);
	web_go_response(req, key, n);
}

/* After a save: the page, and the revision the save left (web_rcache.c). */
static void
go_page_at(struct http_request *req, const char *key, size_t page, int rev)
{
	char	 n[40];

	snprintf(n, sizeof(n), "%zu?v=%d", page + 1, rev);
	web_go_response(req, key, n);
}

/* The page to show: the current one if it is still asked, else the next. */
static size_t
current_page(const struct survey *s, const struct route *rt,
    const char *page_id)
{
	size_t	 p = survey_page(s, page_id);

	if (p >= s->npages)
		return (route_first(s, rt));
	if (rt->page_vis[p])
		return (p);
	p = route_next(s, rt, p);
	return (p < s->npages ? p : route_first(s, rt));
}

/*
 * May the response see page p? Only up to the furthest page it reached
 * or the next one asked, so routing and break-off figures stay true.
 */
static int
reachable(const struct survey *s, const struct route *rt,
    const char *furthest, size_t p)
{
	size_t	 f = survey_page(s, furthest);

	if (f >= s->npages)
		f = route_first(s, rt);
	return (p <= f || p == route_next(s, rt, f));
}

static int
has_contact(const struct survey *s)
{
	size_t	 i;

	for (i = 0; i < s->nitems; i++)
		if (s->items[i].contact != CONTACT_NONE)
			return (1);
	return (0);
}

/* The page a path's tail names if the response may see it, else npages. */
static size_t
tail_page(const struct survey *s, const struct route *rt,
    const struct resp *r, const char *tail)
{
	char	*end;
	long	 n;

	n = strtol(tail, &end, 10);
	if (*end != '\0' || n < 1 || (size_t)n > s->npages)
		return (s->npages);
	if (!rt->page_vis[n - 1] ||
	    !reachable(s, rt, r->furthest_page_id, (size_t)(n - 1)))
		return (s->npages);
	return ((size_t)(n - 1));
}

static void
show_page(struct http_request *req, struct ctx *c, const struct route *rt,
    size_t page, const struct form *posted, const struct verrs *errs,
    int status)
{
	const struct survey	*s = c->s;
	struct render_page	 rp;
	struct buf		 body, action, title;
	char			 step[24];
	size_t			 n;

	buf_init(&body);
	buf_init(&action);
	buf_init(&title);
	buf_printf(&action, "/r/%s/%zu", c->key, page + 1);
	memset(&rp, 0, sizeof(rp));
	rp.s = s;
	rp.page = page;
	rp.route = rt;
	rp.answers = &c->a;
	rp.posted = posted;
	rp.errs = errs;
	rp.lang = c->lang;
	rp.action = buf_cstr(&action);
	rp.csrf = c->r.csrf;
	rp.assets = "/assets/";
	render_page(&rp, &body);
	if (errs != NULL && errs->n > 0)
		buf_printf(&title, "%s: ", i18n_get(c->lang, "err.title"));
	snprintf(step, sizeof(step), "%zu", route_position(s, rt, page, &n));
	i18n_format(&title, c->lang, "q.step", step, NULL);
	buf_printf(&title, " – %s – %s",
	    text_get(&s->pages[page].title, c->lang),
	    text_get(&s->title, c->lang));
	web_survey_html(req, status, c->lang, s, buf_cstr(&title),
	    buf_cstr(&body));
	buf_free(&body);
	buf_free(&action);
	buf_free(&title);
}

/*
 * A page as stored. When something on it was kept as typed ("Forrige"
 * or "Lagre" with an error), it is shown as typed with its messages.
 */
static void
show_stored(struct http_request *req, struct ctx *c, const struct route *rt,
    size_t page)
{
	struct form	 kept;
	struct answers	 rows;
	struct verrs	 errs;
	size_t		 i, n;

	if (!validate_kept(c->s, page, rt, &c->a, &kept)) {
		show_page(req, c, rt, page, NULL, NULL, 200);
		return;
	}
	answers_init(&rows);
	memset(&errs, 0, sizeof(errs));
	validate_page(c->s, page, rt, &kept, &rows, &errs);
	/* Only what was kept: an empty required item was never typed. */
	for (i = n = 0; i < errs.n; i++)
		if (errs.v[i].code != VERR_REQUIRED)
			errs.v[n++] = errs.v[i];
	errs.n = n;
	show_page(req, c, rt, page, &kept, &errs, 200);
	verrs_free(&errs);
	answers_free(&rows);
	form_free(&kept);
}

/*
 * The thank-you or the saved page. The saved page offers to mail the
 * link while a mail sender is alive; `email` and `error` (an i18n key)
 * come back from a refused try, `sent` after one that went.
 */
static void
show_done_mail(struct http_request *req, struct ctx *c, enum tmpl_id t,
    int status, const char *email, const char *error, int sent)
{
	struct tvars	 tv;
	struct buf	 link, action;

	tvars_init(&tv, c->lang);
	buf_init(&link);
	buf_init(&action);
	web_base_url(&link);
	buf_printf(&link, "/r/%s", c->key);
	tvars_set(&tv, "resume_url", buf_cstr(&link));
	tvars_set(&tv, "survey", text_get(&c->s->title, c->lang));
	if (t == T_THANKS && c->key[0] != '\0') {
		buf_printf(&action, "/r/%s/trekk", c->key);
		tvars_copy(&tv, "withdraw_url", buf_cstr(&action));
		buf_reset(&action);
		buf_printf(&action, "/r/%s/personvern", c->key);
		tvars_copy(&tv, "privacy_url", buf_cstr(&action));
		buf_reset(&action);
	} else if (t == T_THANKS)
		tvars_set(&tv, "anonymous", "1");
	if (t == T_SAVED && (error != NULL || db_mail_alive(app.db) == 1)) {
		buf_printf(&action, "/r/%s/lagret/epost", c->key);
		tvars_set(&tv, "mail_action", buf_cstr(&action));
		tvars_set(&tv, "csrf", c->r.csrf);
		tvars_set(&tv, "email", email);
		tvars_set(&tv, "mail_error", error != NULL ?
		    i18n_get(c->lang, error) : NULL);
		tvars_set(&tv, "mail_sent", sent ? "1" : NULL);
	}
	web_survey_page(req, status, c->lang, c->s, t, &tv, i18n_get(c->lang,
	    t == T_THANKS ? "thanks.title" : "saved.title"));
	tvars_free(&tv);
	buf_free(&link);
	buf_free(&action);
}

static void
show_done(struct http_request *req, struct ctx *c, enum tmpl_id t)
{
	show_done_mail(req, c, t, 200, NULL, NULL, 0);
}

/*
 * Just completed. In an anonymous wave the response has already left
 * its key (sql/090), so the thank-you page is this answer itself.
 */
static void
show_completed(struct http_request *req, struct ctx *c)
{
	char	 sel[KEY_SELECTOR_LEN + 1];

	ctx_sel(c, sel, sizeof(sel));
	if (db_resp_found(app.db, sel) != 0) {
		web_go_response(req, c->key, "takk");
		return;
	}
	c->key[0] = '\0';
	show_done(req, c, T_THANKS);
}

/*
 * Contact details typed on the page: taken out of the rows to store, so
 * they never reach the answer table, and kept by kind.
 */
struct contact_rows {
	char	*v[CONTACT_PHONE + 1];
};

static void
contact_take(const struct survey *s, size_t page, struct answers *rows,
    struct contact_rows *ct)
{
	const struct page	*pg = &s->pages[page];
	const struct item	*it;
	const struct answer	*an;
	char			*v;
	size_t			 i;
	int			 valid;

	memset(ct, 0, sizeof(*ct));
	for (i = pg->first; i < pg->first + pg->nitems; i++) {
		it = &s->items[i];
		if (it->contact == CONTACT_NONE)
			continue;
		free(ct->v[it->contact]);
		ct->v[it->contact] = NULL;
		an = answers_get(rows, it->id);
		valid = an != NULL && an->state == ANS_ANSWERED;
		v = answers_take(rows, it->id);
		/* Kept as typed (invalid) is for the page shown again only. */
		if (valid)
			ct->v[it->contact] = v;
		else
			free(v);
	}
}

/*
 * After a save: what was typed is stored. When routing no longer asks
 * for contact details anywhere (the consent was taken back on an
 * earlier page), the details go.
 */
static int
contact_store(const struct survey *s, const struct route *rt, long long id,
    struct contact_rows *ct)
{
	size_t	 i;
	int	 has = 0, shown = 0, ok = 1;

	for (i = 0; i < s->nitems; i++)
		if (s->items[i].contact != CONTACT_NONE) {
			has = 1;
			shown |= rt->item_vis[i];
		}
	if (has && !shown)
		ok = db_recontact(app.db, id, NULL, NULL, NULL);
	else if (ct->v[CONTACT_NAME] != NULL || ct->v[CONTACT_EMAIL] != NULL ||
	    ct->v[CONTACT_PHONE] != NULL)
		ok = db_recontact(app.db, id, ct->v[CONTACT_NAME],
		    ct->v[CONTACT_EMAIL], ct->v[CONTACT_PHONE]);
	for (i = 0; i <= CONTACT_PHONE; i++)
		free(ct->v[i]);
	return (ok);
}

/* Routing after the page's rows: which later answers stop counting. */
static void
merge_rows(const struct survey *s, struct answers *all,
    struct answers *rows, struct route *rt)
{
	size_t	 i;

	for (i = 0; i < rows->n; i++)
		answers_set(all, rows->v[i].var, rows->v[i].value,
		    rows->v[i].state);
	route_eval(s, all, rt);
	route_mark_notasked(s, rt, all, rows);
	for (i = 0; i < rows->n; i++)
		answers_set(all, rows->v[i].var, rows->v[i].value,
		    rows->v[i].state);
}

/* The furthest page reached, by id, after moving to `target`. */
static const char *
furthest_page(const struct survey *s, const char *prev, size_t target)
{
	size_t	 p = survey_page(s, prev);

	if (target >= s->npages)
		target = s->npages - 1;
	if (p < s->npages && p > target)
		return (s->pages[p].id);
	return (s->pages[target].id);
}

/* The button pressed: "next" when the form names none. */
static const char *
post_nav(const struct form *f)
{
	const char	*nav;

	return ((nav = form_get(f, "nav")) != NULL ? nav : "next");
}

/* A page save between what is worked out before it and after it. */
struct saving {
	struct answers	 rows;
	struct verrs	 errs;
	struct route	 rt;
	struct save	 sv;
	size_t		 target;
	int		 complete;
	int		 leave;
};

static void
saving_free(struct saving *st)
{
	answers_free(&st->rows);
	verrs_free(&st->errs);
	route_free(&st->rt);
}

/*
 * Works out what the posted page saves: SAVE_READY with st->sv to send,
 * 0 when routing no longer asks the page (the answer is sent), DB_ERR
 * when the contact details typed on it could not be stored. Inside the
 * caller's transaction (`locked`) a page no longer asked rolls it back.
 */
#define SAVE_READY	1

static int
save_prep(struct http_request *req, struct ctx *c, size_t page,
    const struct form *f, const char *nav, int locked, struct saving *st)
{
	const struct survey	*s = c->s;
	struct contact_rows	 ct;
	struct route		 rt;
	size_t			 target;

	memset(st, 0, sizeof(*st));
	answers_init(&st->rows);
	route_eval(s, &c->a, &rt);
	if (!rt.page_vis[page]) {
		/* Routing no longer asks this page (another tab). */
		target = current_page(s, &rt, c->r.page_id);
		route_free(&rt);
		if (locked)
			db_rollback(app.db);
		go_page(req, c->key, target);
		return (0);
	}
	validate_page(s, page, &rt, f, &st->rows, &st->errs);
	route_free(&rt);
	/*
	 * Only "Neste" insists; what is wrong is kept as typed. "lang" is
	 * svar.js switching language: a save that stays on the page.
	 */
	st->leave = strcmp(nav, "prev") == 0 || strcmp(nav, "save") == 0 ||
	    strcmp(nav, "lang") == 0;
	validate_keep(s, f, &st->errs, &st->rows);
	contact_take(s, page, &st->rows, &ct);
	merge_rows(s, &c->a, &st->rows, &st->rt);
	if (st->errs.n > 0 && !st->leave)
		target = page;
	else if (strcmp(nav, "prev") == 0)
		target = route_prev(s, &st->rt, page);
	else if (strcmp(nav, "save") == 0 || strcmp(nav, "lang") == 0)
		target = page;
	else
		target = route_next(s, &st->rt, page);
	st->complete = st->errs.n == 0 && strcmp(nav, "next") == 0 &&
	    target >= s->npages;
	/* A page another tab opened up is asked before the end. */
	if (st->complete && (target = route_unvisited(s, &st->rt, &c->a)) <
	    s->npages)
		st->complete = 0;
	if (st->complete || target >= s->npages)
		target = page;
	st->target = target;
	st->sv.id = c->r.id;
	st->sv.rev = c->r.rev;
	st->sv.rows = &st->rows;
	st->sv.page_id = s->pages[target].id;
	st->sv.furthest_page_id = furthest_page(s, c->r.furthest_page_id,
	    target);
	st->sv.started = strcmp(c->r.status, "started") == 0 ||
	    route_any_answered(s, &st->rows);
	st->sv.complete = st->complete;
	/*
	 * Contact details before the page: completing cuts an anonymous
	 * response loose: its key changes, and the details' row, which knows
	 * it by a digest of that key, is left pointing at nothing (sql/098).
	 */
	if (!contact_store(s, &st->rt, c->r.id, &ct))
		return (DB_ERR);
	return (SAVE_READY);
}

/*
 * After the save (rc from db_page_save): sends the answer for a page
 * saved. Inside the caller's transaction (`locked`) it commits before it
 * answers, so a failed COMMIT is never reported as saved.
 */
static int
save_finish(struct http_request *req, struct ctx *c, size_t page,
    const struct form *f, const char *nav, int locked, struct saving *st,
    int rc)
{
	answers_free(&st->rows);
	if (rc >= 0 && locked && !db_commit(app.db))
		rc = DB_ERR;
	if (rc >= 0) {
		ctx_remember(c, &st->sv, rc);
		if (st->errs.n > 0 && !st->leave)
			show_page(req, c, &st->rt, page, f, &st->errs, 422);
		else if (st->complete)
			show_completed(req, c);
		else if (strcmp(nav, "save") == 0)
			web_go_response(req, c->key, "lagret");
		else
			go_page_at(req, c->key, st->target, rc);
	}
	saving_free(st);
	return (rc);
}

/*
 * Saves the posted page and sends the answer, waiting for the database:
 * the retry holding the response row. Returns DB_CONFLICT when another
 * tab saved in between, so the caller reads again and retries.
 */
static int
save_page(struct http_request *req, struct ctx *c, size_t page,
    const struct form *f, const char *nav, int locked)
{
	struct saving	 st;
	int		 rc;

	if ((rc = save_prep(req, c, page, f, nav, locked, &st)) !=
	    SAVE_READY) {
		saving_free(&st);
		return (rc);
	}
	rc = db_page_save(app.db, &st.sv);
	return (save_finish(req, c, page, f, nav, locked, &st, rc));
}

/*
 * A page save that lost to another tab: once more holding the response
 * row, which cannot lose.
 */
static int
save_locked(struct http_request *req, struct ctx *c, size_t page,
    const struct form *f, const char *nav)
{
	char		 sel[KEY_SELECTOR_LEN + 1];
	enum lang	 l;
	int		 rc;

	ctx_sel(c, sel, sizeof(sel));
	rcache_drop(sel);
	answers_free(&c->a);
	answers_init(&c->a);
	if (!db_begin(app.db) || (rc = db_resp_load_locked(app.db,
	    sel, &c->r, &c->a)) == DB_ERR) {
		db_rollback(app.db);
		return (DB_ERR);
	}
	if (rc == 0) {
		/* Completed in an anonymous wave: it left its key. */
		db_rollback(app.db);
		return (DB_COMPLETED);
	}
	if (strcmp(c->r.status, "completed") == 0 ||
	    strcmp(c->r.status, "withdrawn") == 0) {
		/* Finished, or withdrawn from another tab meanwhile. */
		db_rollback(app.db);
		return (DB_COMPLETED);
	}
	/* A language chosen elsewhere counts from here on. */
	if ((l = lang_parse(c->r.lang)) != LANG_MAX)
		c->lang = l;
	if ((rc = save_page(req, c, page, f, nav, 1)) < 0)
		db_rollback(app.db);
	return (rc);
}

/*
 * A posted page before its save: the form, its CSRF token, a language
 * chosen. 0 when the answer was sent (a bad form or token).
 */
static int
post_begin(struct http_request *req, struct ctx *c, struct form *f)
{
	const char	*csrf;
	enum lang	 l;
	int		 rc;

	if (!web_body_form(req, f)) {
		web_message(req, 400, c->lang, "msg.badform.title",
		    "msg.badform.text", NULL);
		return (0);
	}
	csrf = form_get(f, "csrf");
	if (csrf == NULL || !keys_equal(csrf, c->r.csrf)) {
		web_message(req, 403, c->lang, "msg.csrf.title",
		    "msg.csrf.text", NULL);
		return (0);
	}
	if (strcmp(post_nav(f), "lang") == 0 &&
	    (l = lang_parse(form_get(f, "lang"))) != LANG_MAX) {
		/* Another revision in between: the save below reads again. */
		if ((rc = db_resp_lang(app.db, c->r.id, lang_code(l))) ==
		    DB_ERR)
			kore_log(LOG_WARNING, "lang: %s", db_error(app.db));
		else if (rc == c->r.rev + 1) {
			c->r.rev = rc;
			snprintf(c->r.lang, sizeof(c->r.lang), "%s",
			    lang_code(l));
		}
	}
	return (1);
}

/* After the optimistic save: a lost race retried, and what went wrong. */
static void
post_end(struct http_request *req, struct ctx *c, size_t page,
    const struct form *f, int rc, const char *err)
{
	char	 sel[KEY_SELECTOR_LEN + 1];

	ctx_sel(c, sel, sizeof(sel));
	if (rc == DB_CONFLICT) {
		rc = save_locked(req, c, page, f, post_nav(f));
		err = db_error(app.db);
	}
	if (rc < 0)
		rcache_drop(sel);
	if (rc == DB_ERR)
		web_unavailable(req, c->lang, err);
	else if (rc == DB_COMPLETED)
		web_go_response(req, c->key, "takk");
	else if (rc == DB_CONFLICT)
		web_message(req, 409, c->lang, "msg.busy.title",
		    "msg.busy.text", NULL);
}

/*
 * Withdrawal: GET asks, POST (with the response's CSRF token) deletes
 * the answers (svar_response_withdraw, sql/090) and shows that it did.
 */
static void
withdraw(struct http_request *req, struct ctx *c)
{
	struct tvars	 tv;
	struct form	 f;
	const char	*csrf;
	char		 action[64];
	int		 rc;

	if (req->method == HTTP_METHOD_POST) {
		if (!web_body_form(req, &f)) {
			web_message(req, 400, c->lang, "msg.badform.title",
			    "msg.badform.text", NULL);
			return;
		}
		csrf = form_get(&f, "csrf");
		rc = csrf != NULL && keys_equal(csrf, c->r.csrf);
		form_free(&f);
		if (!rc) {
			web_message(req, 403, c->lang, "msg.csrf.title",
			    "msg.csrf.text", NULL);
			return;
		}
		ctx_sel(c, action, sizeof(action));
		rcache_drop(action);
		if (db_resp_withdraw(app.db, c->r.id) == DB_ERR) {
			web_unavailable(req, c->lang, db_error(app.db));
			return;
		}
		web_message(req, 200, c->lang, "msg.withdrawn.title",
		    "msg.withdrawn.text", NULL);
		return;
	}
	snprintf(action, sizeof(action), "/r/%s/trekk", c->key);
	tvars_init(&tv, c->lang);
	tvars_copy(&tv, "action", action);
	tvars_set(&tv, "csrf", c->r.csrf);
	snprintf(action, sizeof(action), "/r/%s", c->key);
	tvars_copy(&tv, "back", action);
	tvars_set(&tv, "survey", text_get(&c->s->title, c->lang));
	web_survey_page(req, 200, c->lang, c->s, T_WITHDRAW, &tv,
	    i18n_get(c->lang, "withdraw.title"));
	tvars_free(&tv);
}

/*
 * A respondent's request across the statements it does not wait for
 * (web_async.c): reading the response, and saving a page. Kore runs the
 * handler again when the answer is in; everything the request holds is
 * here and freed with it (job_free), also when the client left.
 */
enum phase {
	P_START,
	P_TAKE_LOAD,	/* waiting for a pooled connection to read on */
	P_LOAD,		/* the read is out */
	P_SAVE		/* the save is out, or waits to go with others */
};

struct job {
	enum phase	 phase;
	struct db	*db;		/* the pooled connection held */
	struct asave	*as;		/* the save out */
	struct ctx	 c;
	size_t		 page;
	struct form	 f;		/* the posted page */
	struct saving	 st;
	char		 err[256];	/* the pooled connection's error */
};

static void
job_free(struct http_request *req)
{
	struct job	*j = http_state_get(req);
	char		 sel[KEY_SELECTOR_LEN + 1];

	if (j == NULL)
		return;
	/*
	 * The client left with its save out or queued: the save may still
	 * complete the response, and nobody is left to update this
	 * worker's memory of it, so forget it (always safe).
	 */
	if (j->phase == P_SAVE) {
		ctx_sel(&j->c, sel, sizeof(sel));
		rcache_drop(sel);
	}
	async_save_forget(j->as);
	j->as = NULL;
	async_forget(req, j->db);
	j->db = NULL;
	ctx_free(&j->c);
	form_free(&j->f);
	saving_free(&j->st);
}

/* The pooled connection back, its error kept. */
static void
job_give(struct job *j)
{
	snprintf(j->err, sizeof(j->err), "%s", db_error(j->db));
	async_give(j->db);
	j->db = NULL;
}

/*
 * The response, from memory or the database: 1 when j->c holds it, 0
 * when the answer was sent, -1 when the request sleeps until the
 * database answers (the handler returns KORE_RESULT_RETRY).
 */
static int
job_load(struct http_request *req, struct job *j, const char *key, int from)
{
	struct ctx	*c = &j->c;
	char		 sel[KEY_SELECTOR_LEN + 1];
	int		 rc;

	if (j->phase == P_LOAD) {
		rc = db_resp_load_recv(j->db, &c->r, &c->a);
		job_give(j);
		j->phase = P_START;
		return (ctx_finish(req, c, rc, j->err));
	}
	if (!ctx_begin(req, key, c))
		return (0);
	ctx_sel(c, sel, sizeof(sel));
	/* Woken from the queue: a connection is held for this request. */
	if (j->phase != P_TAKE_LOAD && from != FROM_DB &&
	    rcache_get(sel, from, &c->r, &c->a)) {
		c->cached = 1;
		return (ctx_finish(req, c, 1, NULL));
	}
	if ((j->db = async_take(req)) == NULL) {
		j->phase = P_TAKE_LOAD;
		return (-1);
	}
	if (!db_resp_load_send(j->db, sel)) {
		job_give(j);
		web_unavailable(req, c->lang, j->err);
		return (0);
	}
	async_wait(req, j->db);
	j->phase = P_LOAD;
	return (-1);
}

/*
 * POST of a page: the optimistic save without waiting, then its end.
 * KORE_RESULT_RETRY while the request sleeps.
 */
static int
job_post(struct http_request *req, struct job *j)
{
	struct ctx	*c = &j->c;
	int		 rc;

	if (j->phase == P_START) {
		if (!post_begin(req, c, &j->f))
			return (KORE_RESULT_OK);
		rc = save_prep(req, c, j->page, &j->f, post_nav(&j->f), 0,
		    &j->st);
		if (rc != SAVE_READY) {
			saving_free(&j->st);
			snprintf(j->err, sizeof(j->err), "%s",
			    db_error(app.db));
			post_end(req, c, j->page, &j->f, rc, j->err);
			return (KORE_RESULT_OK);
		}
		j->as = async_save(req, &j->st.sv);
		j->phase = P_SAVE;
		return (KORE_RESULT_RETRY);
	}
	if (!async_saved(req, j->as, &rc, j->err, sizeof(j->err)))
		return (KORE_RESULT_RETRY);
	j->as = NULL;
	j->phase = P_START;
	rc = save_finish(req, c, j->page, &j->f, post_nav(&j->f), 0,
	    &j->st, rc);
	post_end(req, c, j->page, &j->f, rc, j->err);
	return (KORE_RESULT_OK);
}

int
page_respond(struct http_request *req)
{
	const struct survey	*s;
	struct job		*j;
	struct ctx		*c;
	struct route		 rt;
	struct form		 q;
	char			 key[KEY_LEN + 1];
	const char		*p = req->path + 3, *slash, *tail;
	enum lang		 l;
	size_t			 page;
	int			 rc;

	if ((j = http_state_get(req)) == NULL)
		j = http_state_create(req, sizeof(*j), job_free);
	c = &j->c;
	if (j->phase == P_SAVE)
		return (job_post(req, j));
	slash = strchr(p, '/');
	if ((slash ? (size_t)(slash - p) : strlen(p)) != KEY_LEN) {
		web_message(req, 404, LANG_NB, "msg.badlink.title",
		    "msg.badlink.text", "/kode");
		return (KORE_RESULT_OK);
	}
	snprintf(key, sizeof(key), "%.*s", KEY_LEN, p);
	tail = slash ? slash + 1 : NULL;
	if ((rc = job_load(req, j, key, ctx_from(req, tail))) < 0)
		return (KORE_RESULT_RETRY);
	if (rc == 0)
		return (KORE_RESULT_OK);
	s = c->s;
	if (req->method == HTTP_METHOD_GET && web_query(req, &q)) {
		l = lang_parse(form_get(&q, "lang"));
		form_free(&q);
		if (l != LANG_MAX) {
			ctx_sel(c, key, sizeof(key));
			rcache_drop(key);
			if (db_resp_lang(app.db, c->r.id, lang_code(l)) ==
			    DB_ERR)
				kore_log(LOG_WARNING, "lang: %s",
				    db_error(app.db));
			web_redirect(req, req->path);
			return (KORE_RESULT_OK);
		}
	}
	if (strcmp(c->r.status, "withdrawn") == 0) {
		web_message(req, 200, c->lang, "msg.withdrawn.title",
		    "msg.withdrawn.text", NULL);
		return (KORE_RESULT_OK);
	}
	if (tail != NULL && strcmp(tail, "trekk") == 0) {
		withdraw(req, c);
		return (KORE_RESULT_OK);
	}
	if (tail != NULL && strcmp(tail, "personvern") == 0) {
		privacy_show(req, c->lang, c->key);
		return (KORE_RESULT_OK);
	}
	if (strcmp(c->r.status, "completed") == 0) {
		if (tail != NULL && strcmp(tail, "takk") == 0)
			show_done(req, c, T_THANKS);
		else
			web_go_response(req, c->key, "takk");
		return (KORE_RESULT_OK);
	}
	route_eval(s, &c->a, &rt);
	rc = KORE_RESULT_OK;
	if (route_first(s, &rt) >= s->npages) {
		/* A version whose hidden values ask nothing: say so, once. */
		web_message(req, 409, c->lang, "msg.nopages.title",
		    "msg.nopages.text", NULL);
	} else if (tail == NULL || strcmp(tail, "takk") == 0) {
		go_page(req, c->key, current_page(s, &rt, c->r.page_id));
	} else if (strcmp(tail, "lagret") == 0) {
		int	 sent = 0;

		if (web_query(req, &q)) {
			sent = form_get(&q, "sendt") != NULL;
			form_free(&q);
		}
		show_done_mail(req, c, T_SAVED, 200, NULL, NULL, sent);
	} else {
		page = tail_page(s, &rt, &c->r, tail);
		/*
		 * Remembered, and sent elsewhere: ask the database. So too
		 * where contact details may be asked: they are stored or
		 * dropped by what routing shows, before the revision-checked
		 * save, and must not follow a stale memory.
		 */
		if (c->cached && (page >= s->npages || has_contact(s))) {
			route_free(&rt);
			if (!ctx_reload(req, c))
				return (KORE_RESULT_OK);
			s = c->s;
			route_eval(s, &c->a, &rt);
			page = tail_page(s, &rt, &c->r, tail);
		}
		if (page >= s->npages) {
			go_page(req, c->key, current_page(s, &rt, c->r.page_id));
		} else if (req->method == HTTP_METHOD_POST) {
			j->page = page;
			rc = job_post(req, j);
		} else
			show_stored(req, c, &rt, page);
	}
	route_free(&rt);
	return (rc);
}

/* What a person types for an address, as SMTP takes it, with a dot. */
static int
resume_addr_ok(const char *a)
{
	const char	*at;

	return (mail_addr_ok(a) && (at = strchr(a, '@')) != NULL &&
	    strchr(at, '.') != NULL);
}

/* The typed address without the blanks a paste brings; 0 if too long. */
static int
resume_addr_trim(const char *v, char *out, size_t len)
{
	size_t	 n;

	while (v != NULL && (*v == ' ' || *v == '\t'))
		v++;
	if (v == NULL)
		v = "";
	if ((n = strlen(v)) >= len)
		return (0);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	memcpy(out, v, n);
	out[n] = '\0';
	return (1);
}

/* Queues the mail; sends the answer to the respondent. */
static void
resume_queue(struct http_request *req, struct ctx *c, const char *email)
{
	struct buf	 subject, body, link;
	struct tvars	 tv;
	char		 outcome[16];
	int		 rc;

	buf_init(&subject);
	buf_init(&body);
	buf_init(&link);
	web_mail_link(&link, "/r/", c->key);
	tvars_init(&tv, c->lang);
	tvars_set(&tv, "survey", text_get(&c->s->title, c->lang));
	tvars_set(&tv, "link", buf_cstr(&link));
	rc = mail_tmpl_render(MK_RESUME, c->lang, &tv, &subject, &body) &&
	    db_resume_mail(app.db, c->r.id, email, buf_cstr(&subject),
	    buf_cstr(&body), outcome, sizeof(outcome));
	tvars_free(&tv);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&link);
	if (!rc)
		web_unavailable(req, c->lang, db_error(app.db));
	else if (strcmp(outcome, "queued") == 0)
		web_go_response(req, c->key, "lagret?sendt=1");
	else if (strcmp(outcome, "gone") == 0)
		web_go_response(req, c->key, "takk");
	else
		show_done_mail(req, c, T_SAVED, 429, email,
		    "saved.mail.limit", 0);
}

/*
 * POST /r/<key>/lagret/epost: mails the resume link to the address the
 * respondent typed. The address goes only into the outbox, which names
 * no response and forgets the address once the mail has gone. Three
 * mails a day per response, twenty an hour per client address, 500 an
 * hour in all.
 */
int
page_resume_mail(struct http_request *req)
{
	struct ctx	 c;
	struct form	 f;
	char		 key[KEY_LEN + 1], ip[64], bucket[96], email[256];
	const char	*p = req->path + 3, *csrf, *err = NULL;
	int		 alive, rc, fits;

	if (strlen(p) != KEY_LEN + strlen("/lagret/epost")) {
		web_message(req, 404, LANG_NB, "msg.badlink.title",
		    "msg.badlink.text", "/kode");
		return (KORE_RESULT_OK);
	}
	snprintf(key, sizeof(key), "%.*s", KEY_LEN, p);
	if (!ctx_load(req, key, &c, FROM_DB)) {
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	if (strcmp(c.r.status, "completed") == 0) {
		web_go_response(req, c.key, "takk");
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	if (!web_body_form(req, &f)) {
		web_message(req, 400, c.lang, "msg.badform.title",
		    "msg.badform.text", NULL);
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	csrf = form_get(&f, "csrf");
	if (csrf == NULL || !keys_equal(csrf, c.r.csrf)) {
		form_free(&f);
		web_message(req, 403, c.lang, "msg.csrf.title",
		    "msg.csrf.text", NULL);
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	fits = resume_addr_trim(form_get(&f, "email"), email, sizeof(email));
	form_free(&f);
	if ((alive = db_mail_alive(app.db)) == DB_ERR) {
		web_unavailable(req, c.lang, db_error(app.db));
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	if (!fits)
		email[0] = '\0';
	if (alive == 0)
		err = "saved.mail.nosender";
	else if (!fits)
		err = "saved.mail.bad";
	else if (email[0] == '\0')
		err = "saved.mail.empty";
	else if (!resume_addr_ok(email))
		err = "saved.mail.bad";
	if (err != NULL) {
		show_done_mail(req, &c, T_SAVED, alive == 0 ? 409 : 422, email,
		    err, 0);
		ctx_free(&c);
		return (KORE_RESULT_OK);
	}
	web_client_ip(req, ip, sizeof(ip));
	snprintf(bucket, sizeof(bucket), "resume-ip:%s", ip);
	if ((rc = db_rate_take(app.db, bucket, 3600, 20)) == DB_ERR)
		web_unavailable(req, c.lang, db_error(app.db));
	else if (rc == 0)
		show_done_mail(req, &c, T_SAVED, 429, email,
		    "saved.mail.limit", 0);
	else
		resume_queue(req, &c, email);
	ctx_free(&c);
	return (KORE_RESULT_OK);
}
