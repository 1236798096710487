/*
 * Units of a wave and their recruitment:
 *   GET  /admin/units?wave=&kind=&stage=  the list, with stage and counts
 *   GET  /admin/units/<id>                a unit: stage, history, contact
 *                                         person (admins only), links,
 *                                         portal link
 *   POST /admin/units/<id>                action=move (a phone answer),
 *                                         eligible, postmottak, links,
 *                                         revoke (and replace) a link,
 *                                         portal (a new portal key)
 *   POST /admin/recruit                   the request to every eligible
 *                                         unit's postmottak, into the
 *                                         outbox with the stage move
 *   GET  /admin/outbox                    mail waiting and sent
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frame.h"
#include "i18n.h"
#include "keys.h"
#include "web.h"

static const char *const stages[] = {
	"frame", "invited", "accepted", "declined", "distributed",
	"responding", NULL
};

static int
stage_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && stages[i] != NULL; i++)
		if (strcmp(s, stages[i]) == 0)
			return (1);
	return (0);
}

static const char *
stage_label(enum lang l, const char *s)
{
	char	 key[48];

	snprintf(key, sizeof(key), "admin.stage.%s", stage_ok(s) ? s : "frame");
	return (i18n_get(l, key));
}

struct list_ctx {
	struct tvars	*tv;
	enum lang	 lang;
	int		 n;
};

static void
unit_row(int n, const char *const *v, void *arg)
{
	struct list_ctx	*c = arg;
	struct tvars	*row;

	if (n < 11)
		return;
	row = tvars_row(c->tv, "units");
	tvars_copy(row, "id", v[0]);
	tvars_copy(row, "kind", v[1]);
	tvars_copy(row, "code", v[2]);
	tvars_copy(row, "name", v[3]);
	tvars_copy(row, "rhf", v[4]);
	tvars_copy(row, "fylke", v[5]);
	tvars_set(row, "stage", stage_label(c->lang, v[6]));
	tvars_set(row, "ineligible", strcmp(v[7], "0") == 0 ? "1" : NULL);
	tvars_copy(row, "forwarded", v[8]);
	tvars_copy(row, "completed", v[9]);
	tvars_set(row, "noaddr", strcmp(v[10], "0") == 0 ? "1" : NULL);
	c->n++;
}

static int
query_int(const struct form *q, const char *k)
{
	const char	*v = form_get(q, k);

	return (v != NULL ? atoi(v) : 0);
}

/* A filter value from the query, if it is one of the allowed. */
static const char *
query_pick(const struct form *q, const char *k, const char *const *ok)
{
	const char	*v = form_get(q, k);
	size_t		 i;

	for (i = 0; v != NULL && ok[i] != NULL; i++)
		if (strcmp(v, ok[i]) == 0)
			return (ok[i]);
	return ("");
}

static const char *const kinds[] = {
	"hf", "kommune", "fastlegekontor", "network", NULL
};

int
admin_units(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct list_ctx		 c;
	struct tvars		 tv;
	struct form		 q;
	const char		*kind, *stage, *reached;
	int			 wave;

	if (!web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	wave = query_int(&q, "wave");
	kind = query_pick(&q, "kind", kinds);
	stage = query_pick(&q, "stage", stages);
	reached = query_pick(&q, "reached", stages);
	tvars_init(&tv, ar->lang);
	c.tv = &tv;
	c.lang = ar->lang;
	c.n = 0;
	if (db_units(app.adb, wave, kind, stage, reached, unit_row, &c) ==
	    DB_ERR) {
		tvars_free(&tv);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	tvars_int(&tv, "wave", wave);
	tvars_int(&tv, "count", c.n);
	tvars_set(&tv, "kind", kind);
	tvars_set(&tv, "stage", stage);
	tvars_set(&tv, "reached", reached[0] ? stage_label(ar->lang, reached) :
	    NULL);
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_set(&tv, "is_admin", strcmp(ar->s.role, "admin") == 0 ? "1" :
	    NULL);
	admin_page(req, 200, ar, T_ADMIN_UNITS, &tv,
	    i18n_get(ar->lang, "admin.units.title"));
	tvars_free(&tv);
	form_free(&q);
	return (KORE_RESULT_OK);
}

struct unit_ctx {
	struct tvars	*tv;
	enum lang	 lang;
	int		 found;
	int		 wave;
	int		 admin;
	char		 stage[16];
};

static void
detail_row(int n, const char *const *v, void *arg)
{
	struct unit_ctx	*c = arg;
	struct tvars	*tv = c->tv;
	struct buf	 b;

	if (n < 18)
		return;
	c->found = 1;
	c->wave = atoi(v[1]);
	snprintf(c->stage, sizeof(c->stage), "%s", v[7]);
	tvars_copy(tv, "id", v[0]);
	tvars_copy(tv, "wave", v[1]);
	tvars_copy(tv, "kind", v[2]);
	tvars_copy(tv, "code", v[3]);
	tvars_copy(tv, "name", v[4]);
	tvars_copy(tv, "rhf", v[5]);
	tvars_copy(tv, "fylke", v[6]);
	tvars_set(tv, "stage", stage_label(c->lang, v[7]));
	tvars_set(tv, "ineligible", strcmp(v[8], "0") == 0 ? "1" : NULL);
	tvars_copy(tv, "reason", v[9]);
	tvars_copy(tv, "forwarded", v[10]);
	tvars_copy(tv, "wave_name", v[17]);
	/* Addresses and contact persons are personal data: admins only. */
	if (!c->admin)
		return;
	tvars_copy(tv, "postmottak", v[11]);
	tvars_copy(tv, "address", v[12]);
	tvars_copy(tv, "contact_name", v[13]);
	tvars_copy(tv, "contact_email", v[14]);
	tvars_copy(tv, "contact_phone", v[15]);
	if (v[16][0] != '\0') {
		buf_init(&b);
		web_base_url(&b);
		buf_printf(&b, "/k/%s", v[16]);
		tvars_copy(tv, "portal", buf_cstr(&b));
		buf_free(&b);
	}
}

static void
history_row(int n, const char *const *v, void *arg)
{
	struct unit_ctx	*c = arg;
	struct tvars	*row;

	if (n < 5)
		return;
	row = tvars_row(c->tv, "history");
	tvars_copy(row, "at", v[0]);
	tvars_set(row, "from", v[1][0] ? stage_label(c->lang, v[1]) : "");
	tvars_set(row, "to", stage_label(c->lang, v[2]));
	tvars_copy(row, "actor", v[3]);
	tvars_copy(row, "note", v[4]);
}

static void
link_row(int n, const char *const *v, void *arg)
{
	struct unit_ctx	*c = arg;
	struct tvars	*row;
	struct buf	 b;

	if (n < 5 || !c->admin)
		return;
	row = tvars_row(c->tv, "links");
	tvars_copy(row, "link_id", v[0]);
	tvars_copy(row, "version", v[1]);
	tvars_copy(row, "hidden", v[3]);
	tvars_copy(row, "channel", v[4]);
	buf_init(&b);
	web_base_url(&b);
	buf_printf(&b, "/u/%s", v[2]);
	tvars_copy(row, "url", buf_cstr(&b));
	buf_free(&b);
}

static void
unit_page(struct http_request *req, struct admin_req *ar, int status, int id,
    struct tvars *tv)
{
	struct unit_ctx	 c;
	size_t		 i;
	struct tvars	*row;

	memset(&c, 0, sizeof(c));
	c.tv = tv;
	c.lang = ar->lang;
	c.admin = strcmp(ar->s.role, "admin") == 0;
	if (db_unit(app.adb, id, detail_row, &c) == DB_ERR ||
	    (c.found && (db_unit_history(app.adb, id, history_row, &c) ==
	    DB_ERR || db_unit_links(app.adb, id, link_row, &c) == DB_ERR))) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	if (!c.found) {
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return;
	}
	for (i = 0; stages[i] != NULL; i++) {
		row = tvars_row(tv, "stages");
		tvars_set(row, "value", stages[i]);
		tvars_set(row, "label", stage_label(ar->lang, stages[i]));
	}
	tvars_set(tv, "csrf", ar->s.csrf);
	tvars_set(tv, "is_admin", c.admin ? "1" : NULL);
	admin_page(req, status, ar, T_ADMIN_UNIT, tv,
	    i18n_get(ar->lang, "admin.unit.title"));
}

static int
link_keys(char *sel, char *ver)
{
	return (keys_random(sel, KEY_SELECTOR_LEN) &&
	    keys_random(ver, KEY_VERIFIER_LEN));
}

/* A new portal key for a unit (the old one stops working). */
int
admin_portal_key(int wave_unit)
{
	char	 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];

	return (link_keys(sel, ver) && db_portal_set(app.adb, wave_unit, sel,
	    ver));
}

/* Makes the unit's missing links; used when a unit accepts. */
int
admin_links_make(int wave_unit)
{
	return (db_links_make(app.adb, wave_unit, link_keys) != DB_ERR);
}

/*
 * A contact person recorded by an admin (a phone call): as from the
 * portal, a new address gets the portal link by mail. 1, 0, -1.
 */
static int
unit_contact(struct admin_req *ar, int id, struct tvars *tv)
{
	struct unit_mail	 u;
	const char		*name = form_get(&ar->f, "cname");
	const char		*email = form_get(&ar->f, "cemail");
	const char		*phone = form_get(&ar->f, "cphone");

	if (name == NULL || *name == '\0' || strlen(name) > 200 ||
	    email == NULL || !frame_email_ok(email) || (phone != NULL &&
	    (strlen(phone) > 30 || strspn(phone, "+0123456789 -") !=
	    strlen(phone)))) {
		tvars_set(tv, "contact_error", i18n_get(ar->lang,
		    "admin.unit.contact.bad"));
		return (0);
	}
	if (!web_unit_mail(id, &u) || !u.found)
		return (-1);
	if (!db_contact_set(app.adb, id, name, email, phone != NULL ? phone :
	    "", u.cemail[0] != '\0' ? u.lang : "nb") ||
	    !db_unit_note(app.adb, id, ar->s.name, "contact person recorded"))
		return (-1);
	if (strcasecmp(email, u.cemail) != 0 && !web_contact_invite(id))
		return (-1);
	return (1);
}

/* One POST action on a unit, in the caller's transaction: 1 done, 0 the
 * input is wrong (error set), -1 a database failure. */
static int
unit_action(struct admin_req *ar, int id, struct tvars *tv, char *what,
    size_t len)
{
	const char	*action = form_get(&ar->f, "action");
	const char	*to, *note, *addr, *reason;
	int		 rc;

	if (action == NULL)
		action = "";
	snprintf(what, len, "%s", action);
	if (strcmp(action, "move") == 0) {
		to = form_get(&ar->f, "to");
		note = form_get(&ar->f, "note");
		if (!stage_ok(to)) {
			tvars_set(tv, "move_error", i18n_get(ar->lang,
			    "admin.unit.badstage"));
			return (0);
		}
		if (note != NULL && strlen(note) > 500) {
			tvars_set(tv, "move_error", i18n_get(ar->lang,
			    "admin.unit.longnote"));
			return (0);
		}
		rc = db_unit_move(app.adb, id, to, ar->s.name, note != NULL &&
		    *note != '\0' ? note : "by hand");
		if (rc == DB_ERR && strstr(db_error(app.adb), "cannot move")) {
			tvars_set(tv, "move_error", i18n_get(ar->lang,
			    "admin.unit.notallowed"));
			return (0);
		}
		if (rc == DB_ERR)
			return (-1);
		snprintf(what, len, "move to %s", to);
		if (strcmp(to, "accepted") == 0 && !admin_links_make(id))
			return (-1);
		return (1);
	}
	if (strcmp(action, "eligible") == 0) {
		reason = form_get(&ar->f, "reason");
		rc = form_get(&ar->f, "eligible") != NULL;
		if (!rc && (reason == NULL || *reason == '\0' ||
		    strlen(reason) > 500)) {
			tvars_set(tv, "reason_error", i18n_get(ar->lang,
			    "admin.unit.reason"));
			return (0);
		}
		snprintf(what, len, rc ? "eligible" : "ineligible");
		return (db_unit_eligible(app.adb, id, rc, reason) == 1 ? 1 : -1);
	}
	if (strcmp(action, "postmottak") == 0) {
		addr = form_get(&ar->f, "postmottak");
		if (addr == NULL || (*addr != '\0' && !frame_email_ok(addr))) {
			tvars_set(tv, "post_error", i18n_get(ar->lang,
			    "admin.unit.email"));
			tvars_copy(tv, "post_typed", addr);
			return (0);
		}
		return (db_unit_postmottak(app.adb, id, addr) == 1 ? 1 : -1);
	}
	if (strcmp(action, "contact") == 0)
		return (unit_contact(ar, id, tv));
	if (strcmp(action, "links") == 0)
		return (admin_links_make(id) ? 1 : -1);
	if (strcmp(action, "revoke") == 0) {
		rc = db_link_revoke(app.adb, id, atoi(form_get(&ar->f, "link") ?
		    form_get(&ar->f, "link") : "0"));
		if (rc == DB_ERR)
			return (-1);
		if (rc == 0) {
			tvars_set(tv, "link_error", i18n_get(ar->lang,
			    "admin.unit.nolink"));
			return (0);
		}
		snprintf(what, len, "revoke and replace link %s",
		    form_get(&ar->f, "link"));
		return (admin_links_make(id) ? 1 : -1);
	}
	if (strcmp(action, "portal") == 0)
		return (admin_portal_key(id) ? 1 : -1);
	tvars_set(tv, "move_error", i18n_get(ar->lang, "admin.frame.badaction"));
	return (0);
}

int
admin_unit(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct tvars		 tv;
	char			 what[128], obj[32], url[48];
	int			 id = web_path_id(req->path, "/admin/units/"), rc;

	tvars_init(&tv, ar->lang);
	if (req->method != HTTP_METHOD_POST) {
		unit_page(req, ar, 200, id, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	/* Changing a unit is for admins; analysts only look. */
	if (strcmp(ar->s.role, "admin") != 0) {
		tvars_free(&tv);
		admin_message(req, 403, ar, "admin.forbidden.title",
		    "admin.forbidden.text");
		return (KORE_RESULT_OK);
	}
	snprintf(obj, sizeof(obj), "wave_unit %d", id);
	if (!db_begin(app.adb)) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	rc = unit_action(ar, id, &tv, what, sizeof(what));
	if (rc == 1 && (!admin_audit(ar, "unit.change", obj, what) ||
	    !db_commit(app.adb)))
		rc = -1;
	if (rc != 1)
		db_rollback(app.adb);
	if (rc < 0) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (rc == 0) {
		unit_page(req, ar, 422, id, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	tvars_free(&tv);
	snprintf(url, sizeof(url), "/admin/units/%d", id);
	web_redirect(req, url);
	return (KORE_RESULT_OK);
}
