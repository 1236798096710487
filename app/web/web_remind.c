/*
 * Who a reminder rule mails (svar_remind_due, one query for preview and
 * send alike), a digest of that list so a send can prove it mails what
 * the admin previewed, and each recipient's mail from its template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "i18n.h"
#include "web.h"
#include "web_remind.h"

/* Counts a contact person reads: hidden while under this (SPEC §6). */
#define REMIND_MIN_COUNT	5

static void
due_row(int n, const char *const *v, void *arg)
{
	struct due	*d = arg;
	struct due_row	*r;

	if (n < 16)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	r = &d->v[d->n++];
	r->wave_unit = atoi(v[0]);
	r->invitation = atoi(v[1]);
	r->to = xstrdup(v[2]);
	r->lang = lang_parse(v[3]);
	if (r->lang == LANG_MAX)
		r->lang = LANG_NB;
	r->days = atoi(v[4]);
	r->n_before = atoi(v[5]);
	r->next = xstrdup(v[6]);
	r->unit = xstrdup(v[7]);
	r->key = xstrdup(v[8]);
	r->code = xstrdup(v[9]);
	r->contact = xstrdup(v[10]);
	r->forwarded = atol(v[11]);
	r->opened = atol(v[12]);
	r->started = atol(v[13]);
	r->completed = atol(v[14]);
	r->optout = xstrdup(v[15]);
}

/* The rule's recipients now, and their digest; 0 on a database error. */
int
remind_due(int rule, struct due *d)
{
	struct buf	 b;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	if (db_remind_due(app.adb, rule, due_row, d) == DB_ERR)
		return (0);
	/*
	 * Who, not what: the same people at the same addresses, for this
	 * rule, with the reminders each had, so a send in between (even
	 * with a gap of 0 days) changes the digest and a repeated POST of
	 * the same preview is refused.
	 */
	buf_init(&b);
	buf_printf(&b, "rule %d\n", rule);
	for (i = 0; i < d->n; i++)
		buf_printf(&b, "%d|%d|%s|%d\n", d->v[i].wave_unit,
		    d->v[i].invitation, d->v[i].to, d->v[i].n_before);
	digest_hex(buf_cstr(&b), d->digest);
	buf_free(&b);
	return (1);
}

void
due_free(struct due *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].to);
		free(d->v[i].next);
		free(d->v[i].unit);
		free(d->v[i].key);
		free(d->v[i].code);
		free(d->v[i].contact);
		free(d->v[i].optout);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* The mail a rule kind sends, or -1 for an unknown kind. */
int
remind_mail_kind(const char *rule_kind)
{
	if (strcmp(rule_kind, "no_contact") == 0)
		return (MK_RECRUIT_REMIND);
	if (strcmp(rule_kind, "not_distributed") == 0 ||
	    strcmp(rule_kind, "low_rate") == 0)
		return (MK_CONTACT_REMIND);
	if (strcmp(rule_kind, "personal") == 0)
		return (MK_PERSONAL_REMIND);
	if (strcmp(rule_kind, "invite") == 0)
		return (MK_PERSONAL_INVITE);
	return (-1);
}

static void
count_var(struct tvars *tv, const char *k, long n)
{
	if (n < REMIND_MIN_COUNT)
		tvars_set(tv, k, i18n_get(tv->lang, "portal.fewer"));
	else
		tvars_int(tv, k, n);
}

/*
 * The template keys for one recipient (tv initialised in its language);
 * the opt-out URL, for respondent mail, in optout (else empty).
 */
void
remind_vars(struct tvars *tv, const char *rule_kind, const struct due_row *r,
    const struct wave_mail *w, struct buf *optout)
{
	struct buf	 link, code_url;
	char		 code[16];

	buf_init(&link);
	buf_init(&code_url);
	tvars_copy(tv, "wave", w->title);
	web_mail_day(tv, "deadline", tv->lang, w->deadline);
	web_mail_day(tv, "next_reminder", tv->lang, r->next);
	if (r->invitation == 0) {
		web_mail_link(&link, "/k/", r->key);
		tvars_copy(tv, "unit", r->unit);
		tvars_copy(tv, "contact", r->contact);
		tvars_int(tv, "days", r->days);
		tvars_set(tv, strcmp(rule_kind, "low_rate") == 0 ? "low_rate" :
		    "not_distributed", "1");
		tvars_int(tv, "forwarded", r->forwarded);
		count_var(tv, "opened", r->opened);
		count_var(tv, "started", r->started);
		count_var(tv, "completed", r->completed);
		tvars_int(tv, "threshold", REMIND_MIN_COUNT);
	} else {
		/* The same link as ever: it resumes; nothing is minted. */
		web_mail_link(&link, "/r/", r->key);
		web_mail_link(&code_url, "/kode", "");
		web_mail_link(optout, "/avmeld/", r->optout);
		snprintf(code, sizeof(code), "%.5s-%.5s", r->code,
		    strlen(r->code) > 5 ? r->code + 5 : "");
		tvars_copy(tv, "code", code);
		tvars_copy(tv, "code_url", buf_cstr(&code_url));
		tvars_copy(tv, "optout_url", buf_cstr(optout));
	}
	tvars_copy(tv, "link", buf_cstr(&link));
	buf_free(&link);
	buf_free(&code_url);
}

static void
wave_mail_row(int n, const char *const *v, void *arg)
{
	struct wave_mail	*w = arg;

	if (n < 2)
		return;
	w->found = 1;
	snprintf(w->title, sizeof(w->title), "%s", v[0]);
	snprintf(w->deadline, sizeof(w->deadline), "%s", v[1]);
}

int
remind_wave(int wave, struct wave_mail *w)
{
	memset(w, 0, sizeof(*w));
	return (db_wave_mail(app.adb, wave, wave_mail_row, w) != DB_ERR);
}

#define SEND_BATCH	500	/* mails per statement */

struct batch {
	struct outbox_msg	 m[SEND_BATCH];
	struct buf		 subject[SEND_BATCH];
	struct buf		 body[SEND_BATCH];
	struct buf		 optout[SEND_BATCH];
	size_t			 n;
};

static void
batch_clear(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		buf_free(&b->subject[i]);
		buf_free(&b->body[i]);
		buf_free(&b->optout[i]);
	}
	b->n = 0;
}

/* One recipient's mail into the batch; 0 when it did not render. */
static int
batch_add(struct batch *b, int k, const char *rule_kind,
    const struct due_row *r, const struct wave_mail *w)
{
	struct outbox_msg	*m = &b->m[b->n];
	struct tvars		 tv;
	size_t			 i = b->n;
	int			 ok;

	buf_init(&b->subject[i]);
	buf_init(&b->body[i]);
	buf_init(&b->optout[i]);
	b->n++;
	tvars_init(&tv, r->lang);
	remind_vars(&tv, rule_kind, r, w, &b->optout[i]);
	ok = mail_tmpl_render(k, r->lang, &tv, &b->subject[i], &b->body[i]);
	tvars_free(&tv);
	memset(m, 0, sizeof(*m));
	m->kind = mail_kind_name(k);
	m->to = r->to;
	m->lang = lang_code(r->lang);
	m->wave_unit = r->wave_unit;
	m->invitation = r->invitation;
	m->unsubscribe = b->optout[i].len > 0 ? buf_cstr(&b->optout[i]) :
	    NULL;
	m->subject = buf_cstr(&b->subject[i]);
	m->body = buf_cstr(&b->body[i]);
	return (ok);
}

/* Renders and queues every recipient's mail for run, in batches; 1, or
 * 0 (the caller rolls back). */
int
remind_send_all(int run, const char *rule_kind, const struct due *d,
    const struct wave_mail *w)
{
	struct batch	*b;
	size_t		 i;
	int		 k = remind_mail_kind(rule_kind), ok = 1;

	if (k < 0)
		return (0);
	b = xcalloc(1, sizeof(*b));
	for (i = 0; i < d->n && ok; i++) {
		ok = batch_add(b, k, rule_kind, &d->v[i], w);
		if (ok && (b->n == SEND_BATCH || i + 1 == d->n)) {
			ok = db_remind_send(app.adb, run, rule_kind, b->m,
			    b->n) == (int)b->n;
			batch_clear(b);
		}
	}
	batch_clear(b);
	free(b);
	return (ok);
}
