/*
 * The database layer: the only code that speaks SQL. One connection per
 * process (a Kore worker or svarctl), every query parameterised, each
 * module's statements prepared on first use. A lost connection is
 * re-opened on the next call outside a transaction, so a database
 * restart heals by itself.
 */
#ifndef SVAR_DB_H
#define SVAR_DB_H

#include <time.h>

#include "answers.h"
#include "frame.h"

struct db;

#define DB_ERR		(-3)
#define DB_COMPLETED	(-2)
#define DB_CONFLICT	(-1)
#define DB_BUSY		(-4)	/* a limit on work at once was reached */
#define DB_LOCKED	(-5)	/* a batched save's response was held */

#define DB_ID_MAX	49	/* page ids: 48 characters and a NUL */

/* A row of a listing, as text: column values, NULL as "". */
typedef void	(*db_row_cb)(int, const char *const *, void *);

/* db_conn.c */
struct db	*db_open(const char *);
void		 db_close(struct db *);
int		 db_ready(struct db *);
const char	*db_error(struct db *);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
int		 db_request_end(struct db *);

/* db_send.c: statements whose answer is read when it comes. */
#define DB_POLL_WAIT	0
#define DB_POLL_DONE	1
#define DB_POLL_RESENT	2
int		 db_socket(struct db *);
unsigned long	 db_generation(struct db *);
int		 db_sent(struct db *);
int		 db_poll(struct db *);
void		 db_discard(struct db *);

/* db_respond.c: the respondent path. */
struct resp {
	long long	 id;
	int		 version_id;
	int		 definition_id;	/* the one it was started on */
	char		 verifier[40];
	char		 csrf[40];
	char		 lang[4];
	char		 status[12];
	char		 page_id[DB_ID_MAX];		/* "" before any */
	char		 furthest_page_id[DB_ID_MAX];
	int		 rev;
	int		 unit_link;	/* opened through a unit link */
};

struct link {
	int		 id;
	int		 version_id;
	char		 verifier[40];
	int		 closed;
};

struct save {
	long long		 id;
	int			 rev;		/* as read */
	const struct answers	*rows;
	const char		*page_id;	/* where the respondent goes */
	const char		*furthest_page_id;
	int			 started;
	int			 complete;
};

int		 db_resp_load(struct db *, const char *, struct resp *,
		    struct answers *);
int		 db_resp_load_locked(struct db *, const char *, struct resp *,
		    struct answers *);
int		 db_resp_opened(struct db *, long long, int *);
int		 db_resp_lang(struct db *, long long, const char *);
long long	 db_resp_new(struct db *, int, int, const char *, const char *,
		    const char *, const char *);
int		 db_page_save(struct db *, const struct save *);
int		 db_resp_load_send(struct db *, const char *);
int		 db_resp_load_recv(struct db *, struct resp *, struct answers *);
int		 db_page_save_send_batch(struct db *,
		    const struct save *const *, int);
int		 db_page_save_recv_at(struct db *, int);
int		 db_link_get(struct db *, const char *, struct link *);
int		 db_link_view(struct db *, int);
int		 db_code_key(struct db *, const char *, char *, size_t);
int		 db_resp_withdraw(struct db *, long long);
int		 db_resp_spent(struct db *, const char *);
int		 db_resp_found(struct db *, const char *);
int		 db_recontact(struct db *, long long, const char *, const char *,
		    const char *);
int		 db_recontact_list(struct db *, int, db_row_cb, void *);
int		 db_ping(struct db *);

/* db_catalog.c: the questionnaires a worker serves. */
int		 db_version_state(struct db *, int, int *);
char		*db_definition(struct db *, int);
int		 db_open_definitions(struct db *, db_row_cb, void *);

/* db_resume.c: the resume link by mail, and a live sender to send it. */
int		 db_mail_seen(struct db *, const char *);
int		 db_mail_alive(struct db *);
int		 db_resume_mail(struct db *, long long, const char *,
		    const char *, const char *, char *, size_t);

/* db_rate.c: rate limits shared by every app server. */
int		 db_rate(struct db *, const char *, int, int);
int		 db_rate_take(struct db *, const char *, int, int);
int		 db_rate_give(struct db *, const char *, int);

/* db_auth.c: admin accounts, sessions, the audit log. */
struct admin_user {
	int		 id;
	char		 name[65];
	char		 role[8];
	char		 password_hash[128];	/* "" until enrolled */
	char		 totp_secret[40];	/* base32; "" until enrolled */
	long long	 totp_last_step;
};

struct admin_session {
	int		 user_id;
	char		 name[65];
	char		 role[8];
	char		 stage[10];		/* "password" or "full" */
	char		 csrf[40];
};

struct audit_entry {
	int		 user_id;	/* 0: nobody logged in */
	const char	*actor;
	const char	*action;
	const char	*object;
	const char	*detail;
	const char	*address;
};

int		 db_user_by_name(struct db *, const char *, struct admin_user *);
int		 db_user_by_enrol(struct db *, const char *,
		    struct admin_user *);
int		 db_user_secret(struct db *, int, const char *, char *, size_t);
int		 db_user_enrol(struct db *, int, const char *, long long);
int		 db_user_step(struct db *, int, long long);
int		 db_user_add(struct db *, const char *, const char *,
		    const char *);
int		 db_user_reset(struct db *, const char *, const char *);
int		 db_user_demo(struct db *, const char *, const char *,
		    const char *, char *, size_t);
int		 db_session_new(struct db *, const char *, int, const char *,
		    const char *);
int		 db_session_get(struct db *, const char *,
		    struct admin_session *);
int		 db_session_end(struct db *, const char *);
int		 db_audit(struct db *, const struct audit_entry *);
int		 db_audit_list(struct db *, const char *, const char *, int, int,
		    db_row_cb, void *);

/* db_survey.c: surveys, waves and versions for the admin. */
int		 db_survey_list(struct db *, db_row_cb, void *);
int		 db_wave_set(struct db *, int, int, char *, size_t);
int		 db_wave_anonymity(struct db *, int, int, char *, size_t);
int		 db_wave_privacy_missing(struct db *, int, char *, size_t);
int		 db_test_response(struct db *, int, const char *, const char *,
		    const char *, const char *);

/* db_frame.c: the unit frame of a wave, the sample, unit lists. */
int		 db_unit_upsert(struct db *, const struct frame_unit *);
int		 db_frame_add(struct db *, int, int, const char *);
int		 db_sample_units(struct db *, int, db_row_cb, void *);
int		 db_sample_record(struct db *, int, unsigned long long,
		    const char *);
int		 db_waves(struct db *, db_row_cb, void *);
int		 db_frame_counts(struct db *, int, db_row_cb, void *);
int		 db_units(struct db *, int, const char *, const char *,
		    const char *, db_row_cb, void *);
int		 db_unit(struct db *, int, db_row_cb, void *);
int		 db_unit_history(struct db *, int, db_row_cb, void *);
int		 db_unit_eligible(struct db *, int, int, const char *);
int		 db_unit_postmottak(struct db *, int, const char *);

/* db_recruit.c: recruitment, the portal, a unit's links. */
struct outbox_msg {
	const char	*kind;
	const char	*to;
	const char	*subject;
	const char	*body;
	int		 wave_unit;	/* 0: none */
	int		 invitation;	/* 0: none */
	const char	*lang;
	const char	*unsubscribe;	/* respondent mail: opt-out URL */
};
int		 db_recruit_targets(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_portal_set(struct db *, int, const char *, const char *);
int		 db_outbox_add(struct db *, const struct outbox_msg *);
int		 db_unit_move(struct db *, int, const char *, const char *,
		    const char *);
int		 db_portal_get(struct db *, const char *, db_row_cb, void *);
int		 db_contact_set(struct db *, int, const char *, const char *,
		    const char *, const char *);
int		 db_unit_links(struct db *, int, db_row_cb, void *);
int		 db_links_make(struct db *, int, int (*)(char *, char *));
int		 db_link_revoke(struct db *, int, int);
int		 db_forwarded(struct db *, int, long);
int		 db_unit_counts(struct db *, int, long *, long *, long *);
int		 db_outbox_list(struct db *, db_row_cb, void *);
int		 db_unit_note(struct db *, int, const char *, const char *);

/* db_remind.c: reminder rules, runs, opt-out, what a mail names. */
struct remind_rule {
	const char	*kind;
	const char	*version;	/* key, "" for all */
	int		 after_days;
	const char	*rate_below;	/* "" unless low_rate */
	int		 gap_days;
	int		 max_per_person;
	int		 max_per_unit;
	const char	*actor;
};
int		 db_wave_mail(struct db *, int, db_row_cb, void *);
int		 db_unit_mail(struct db *, int, db_row_cb, void *);
int		 db_remind_rules(struct db *, int, db_row_cb, void *);
int		 db_remind_rule_add(struct db *, int,
		    const struct remind_rule *);
int		 db_remind_rule_off(struct db *, int, int);
int		 db_remind_lock(struct db *, int, int, char *, size_t);
int		 db_remind_due(struct db *, int, db_row_cb, void *);
int		 db_remind_run(struct db *, int, const char *, size_t);
int		 db_remind_send(struct db *, int, const char *,
		    const struct outbox_msg *, size_t);
int		 db_remind_finish(struct db *, int);
int		 db_remind_runs(struct db *, int, db_row_cb, void *);
int		 db_opted_out(struct db *, int, db_row_cb, void *);
int		 db_example_unit(struct db *, int);
int		 db_optout_get(struct db *, const char *, db_row_cb, void *);
int		 db_optout(struct db *, int);

/* db_outbox.c: the mail sender, as svar_mail. */
struct outbox_claim {
	long long	 id;
	int		 attempts;	/* this claim's token */
	char		 kind[32];
	char		*to;
	char		*subject;
	char		*body;
	char		*message_id;	/* fixed at the first claim */
	char		*unsubscribe;	/* NULL: not to a respondent */
};
#define OUTBOX_RETRY	1
#define OUTBOX_FAILED	2
#define OUTBOX_BOUNCED	3
#define OUTBOX_LOST	0
int		 db_outbox_claim(struct db *, const char *, int, const char *,
		    struct outbox_claim **);
void		 db_outbox_claims_free(struct outbox_claim *, int);
int		 db_outbox_sent(struct db *, long long);
int		 db_outbox_retry(struct db *, const struct outbox_claim *,
		    const char *, int);
int		 db_outbox_bounce(struct db *, const struct outbox_claim *,
		    const char *);
int		 db_outbox_fail(struct db *, const struct outbox_claim *,
		    const char *);
int		 db_outbox_release(struct db *, const struct outbox_claim *);

/* db_letters.c: printed letters, for svarctl. */
int		 db_letters(struct db *, const char *, int, db_row_cb, void *);
int		 db_letters_pending(struct db *, const char *, db_row_cb,
		    void *);
int		 db_letters_posted(struct db *, const char *const *, size_t);
/* db_funnel.c: the dropout funnel. */
int		 db_funnel_units(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_funnel_people(struct db *, int, db_row_cb, void *);
int		 db_funnel_breakoff(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_funnel_aapor(struct db *, int, db_row_cb, void *);
enum db_funnel_series { DB_FUNNEL_DAYS, DB_FUNNEL_MARKS, DB_FUNNEL_MOVES };
int		 db_funnel_time(struct db *, int, enum db_funnel_series,
		    db_row_cb, void *);
int		 db_funnel_refresh(struct db *, int, int);
int		 db_funnel_page_time(struct db *, int, const char *, db_row_cb,
		    void *);

/* db_results.c: results of completed responses, on coded values. */
int		 db_results_meta(struct db *, int, db_row_cb, void *);
int		 db_results_counts(struct db *, int, const char *const *,
		    size_t, const char *, const char *, int, db_row_cb,
		    void *);
int		 db_results_codes(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_results_wave_def(struct db *, int, int *);
int		 db_results_waves(struct db *, db_row_cb, void *);
int		 db_results_population(struct db *, int, long);

/* db_open.c: open answers, their coding and blanking (admins only). */
int		 db_open_texts(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_open_counts(struct db *, int, const char *const *, size_t,
		    db_row_cb, void *);
int		 db_open_frame(struct db *, int, const char *, db_row_cb,
		    void *);
int		 db_open_frame_add(struct db *, int, const char *, int,
		    const char *, int);
int		 db_open_code(struct db *, int, long long, const char *,
		    const char *, const char *, const char *const *,
		    const char *const *, const char *const *, size_t, int);
int		 db_open_blank(struct db *, int, long long, const char *,
		    int);

/* db_export.c: raw-data exports, streamed as COPY (db_stream.c). */
struct db_export_filter {
	int		 wave;
	const char	*status;	/* completed, partial, all */
	int		 version;	/* 0: every version */
	int		 unit;		/* 0: every unit */
	int		 test;		/* test responses too */
};
struct db_export_cb {
	int	(*begin)(struct db *, long, void *);
	void	(*resp)(const char *const *, void *);
	void	(*ans)(const char *const *, void *);
	int	(*end)(void *);
};
int		 db_export_wave(struct db *, const char *, db_row_cb, void *);
int		 db_export_def(struct db *, int, const char *, int *, int *,
		    int *);
int		 db_export_frame(struct db *, int, db_row_cb, void *);
int		 db_export_earlier(struct db *, int, db_row_cb, void *);
int		 db_export_para_widths(struct db *,
		    const struct db_export_filter *, db_row_cb, void *);
int		 db_export_text_widths(struct db *,
		    const struct db_export_filter *, db_row_cb, void *);
long		 db_export_rows(struct db *, const struct db_export_filter *,
		    const struct db_export_cb *, void *);

/* db_load.c: a parsed definition, in the caller's transaction. */
struct survey;
struct def_loaded {
	int		 definition_id;
	int		 is_new;
	int		 nvars;
	int		 wave_closed;
	int		 refused;	/* lacks privacy fields, wave open */
	char		 missing[96];	/* "owner contact dpo", or "" */
};
int		 db_def_store(struct db *, const struct survey *, const char *,
		    struct def_loaded *);

/* db_invite.c, db_demo.c: svarctl, as the owner role. */
int		 db_tokens(struct db *, const char *, int, const char *,
		    const char *);
int		 db_demo(struct db *, const char *);

/* db_synth.c: svarctl synth, as the owner role, in its transaction. */
struct synth;
struct survey;
int		 db_synth_wave(struct db *, const struct survey *, const char *,
		    time_t, time_t, int *, char *, size_t);
int		 db_synth_write(struct db *, const struct synth *, int,
		    long long *);

#endif
