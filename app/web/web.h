/*
 * The Kore side: thin handlers over the core and the database layer.
 * One struct app per worker process, set up in kore_worker_configure.
 */
#ifndef SVAR_WEB_H
#define SVAR_WEB_H

#include <kore/kore.h>
#include <kore/http.h>

#include "answers.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "mail_tmpl.h"
#include "survey.h"
#include "tmpl.h"

#define BODY_MAX	(256 * 1024)

enum tmpl_id {
	T_LAYOUT,
	T_MESSAGE,
	T_HOME,
	T_CODE,
	T_THANKS,
	T_SAVED,
	T_PRIVACY,
	T_ACCESSIBILITY,
	T_START,
	T_WITHDRAW,
	T_ADMIN_LAYOUT,
	T_ADMIN_LOGIN,
	T_ADMIN_TOTP,
	T_ADMIN_ENROL,
	T_ADMIN_HOME,
	T_ADMIN_DEFS,
	T_ADMIN_AUDIT,
	T_ADMIN_MESSAGE,
	T_ADMIN_FRAME,
	T_ADMIN_UNITS,
	T_ADMIN_UNIT,
	T_ADMIN_OUTBOX,
	T_ADMIN_LETTERS,
	T_PORTAL,
	T_ADMIN_FUNNEL,
	T_ADMIN_RESULTS,
	T_ADMIN_OPEN,
	T_ADMIN_EXPORT,
	T_OPTOUT,
	T_ADMIN_REMIND,
	T_ADMIN_MAILTMPL,
	T_MAX
};

struct app {
	struct db		*db;		/* svar_app: respondent pages */
	struct db		*adb;		/* svar_admin: the admin area */
	struct tmpl		*tmpl[T_MAX];
	int			 secure_cookies;
	int			 trusted_proxy;	/* believe X-Forwarded-For */
	char			*base_url;	/* for links shown or mailed */
};

extern struct app	 app;

/* web_rcache.c */
void		 rcache_put(const char *, const struct resp *,
		    const struct answers *);
int		 rcache_get(const char *, int, struct resp *, struct answers *);
void		 rcache_sweep(void *, u_int64_t);
void		 rcache_drop(const char *);

/* web_async.c */
struct asave;
void		 async_init(const char *, const char *, const char *);
struct db	*async_take(struct http_request *);
void		 async_wait(struct http_request *, struct db *);
void		 async_give(struct db *);
void		 async_forget(struct http_request *, struct db *);
void		 async_sweep(void *, u_int64_t);
struct asave	*async_save(struct http_request *, const struct save *);
int		 async_saved(struct http_request *, struct asave *, int *,
		    char *, size_t);
void		 async_save_forget(struct asave *);

/* web_util.c */
void		 web_headers(struct http_request *);
void		 web_survey_html(struct http_request *, int, enum lang,
		    const struct survey *, const char *, const char *);
void		 web_html(struct http_request *, int, enum lang, const char *,
		    const char *);
void		 web_survey_page(struct http_request *, int, enum lang,
		    const struct survey *, enum tmpl_id, struct tvars *,
		    const char *);
void		 web_page(struct http_request *, int, enum lang,
		    enum tmpl_id, struct tvars *, const char *);
void		 privacy_show(struct http_request *, enum lang, const char *);
void		 web_message(struct http_request *, int, enum lang,
		    const char *, const char *, const char *);
void		 web_redirect(struct http_request *, const char *);
void		 web_go_response(struct http_request *, const char *,
		    const char *);
void		 web_unavailable(struct http_request *, enum lang,
		    const char *);
int		 web_body_form(struct http_request *, struct form *);
int		 web_query(struct http_request *, struct form *);
void		 web_cookie(struct http_request *, const char *, const char *,
		    const char *, int);
char		*web_cookie_get(struct http_request *, const char *);
void		 web_client_ip(struct http_request *, char *, size_t);
void		 web_form_token(struct http_request *, char *, size_t);
int		 web_form_token_ok(struct http_request *, const struct form *);
enum lang	 web_lang(struct http_request *, const struct form *);
enum lang	 web_page_lang(struct http_request *);
void		 web_base_url(struct buf *);
int		 web_path_id(const char *, const char *);
struct key_gate {
	const char	*name;		/* the rate limit's bucket */
	int		 tries;		/* wrong keys per address */
	int		 window;	/* seconds */
	const char	*badlink;	/* i18n key of the 404 text */
	/* Finds the selector's row into arg and its verifier into the
	 * buffer ("" for none); DB_ERR on failure. */
	int		(*lookup)(const char *, void *, char *, size_t);
	void		*arg;
};
int		 web_key_gate(struct http_request *, enum lang,
		    struct key_gate *, const char *);

/* web_catalog.c */
#define CAT_OK		1
#define CAT_BAD		0
int		 catalog_def(int, const struct survey **, const char **);
int		 catalog_state(int, int *);
#define CAT_OPEN_MAX	16
size_t		 catalog_open(const struct survey **, size_t);
const char	*catalog_owner(enum lang);
void		 catalog_free(void);

/* web_route.c: every route's methods and access, in one place. */
#define M_GET		0x01	/* and HEAD */
#define M_POST		0x02

enum access {
	ACC_PUBLIC,		/* respondents: no session */
	ACC_LOGIN,		/* the admin's way in: login, enrolment */
	ACC_ANALYST,		/* a logged-in analyst or admin */
	ACC_ADMIN		/* a logged-in admin */
};

struct web_route {
	const char	*name;
	int		 methods;
	enum access	 access;	/* for GET */
	enum access	 post;		/* for POST */
	int		 (*fn)(struct http_request *);
};

/*
 * What web_run hands an admin handler (req->hdlr_extra): the session,
 * and for a POST the form, whose CSRF token has been checked already.
 */
struct admin_req {
	struct admin_session	 s;
	char			 id_hash[65];
	struct form		 f;
	enum lang		 lang;
	char			 ip[64];
};

int		 web_run(struct http_request *, const struct web_route *);

/* web_admin.c: sessions and pages of the admin area. */
int		 admin_session_load(struct http_request *, struct admin_req *);
int		 admin_session_start(struct http_request *, int, const char *,
		    struct admin_req *);
void		 admin_session_drop(struct http_request *, struct admin_req *);
void		 admin_page(struct http_request *, int, struct admin_req *,
		    enum tmpl_id, struct tvars *, const char *);
void		 admin_message(struct http_request *, int, struct admin_req *,
		    const char *, const char *);
int		 admin_audit(struct admin_req *, const char *, const char *,
		    const char *);
struct admin_req *admin_req(struct http_request *);
/* The wave chooser: rows of "waves" {id name selected}; want 0 picks
 * the first (newest). */
struct wave_pick {
	struct tvars	*tv;
	int		 want;
	int		 found;
};
void		 admin_wave_row(int, const char *const *, void *);

/* The handlers, by area. */
int		 page_home(struct http_request *);
int		 page_code(struct http_request *);
int		 page_privacy(struct http_request *);
int		 page_health(struct http_request *);
int		 page_link(struct http_request *);
int		 page_respond(struct http_request *);
int		 page_resume_mail(struct http_request *);
int		 page_asset(struct http_request *);
const char	*asset_version(void);
int		 asset_accepts_gzip(struct http_request *);
int		 asset_gzip(const char *, const char *, const unsigned char **,
		    size_t *);
int		 page_favicon(struct http_request *);
int		 page_accessibility(struct http_request *);
int		 page_notfound(struct http_request *);
int		 admin_login(struct http_request *);
int		 admin_totp(struct http_request *);
int		 admin_logout(struct http_request *);
int		 admin_enrol(struct http_request *);
int		 admin_home(struct http_request *);
int		 admin_wave(struct http_request *);
int		 admin_defs(struct http_request *);
int		 admin_preview(struct http_request *);
int		 admin_audit_page(struct http_request *);
int		 admin_frame(struct http_request *);
int		 admin_units(struct http_request *);
int		 admin_unit(struct http_request *);
int		 admin_recruit(struct http_request *);
int		 admin_outbox(struct http_request *);
int		 admin_letters(struct http_request *);
int		 admin_funnel(struct http_request *);
int		 admin_funnel_csv(struct http_request *);
int		 admin_recontact_csv(struct http_request *);
/* a_funnel_time.c: progress over time on the funnel page. */
int		 funnel_time(struct tvars *, enum lang, int, int);
int		 funnel_time_csv(struct buf *, int, int, int);
int		 admin_results(struct http_request *);
int		 admin_open(struct http_request *);
int		 admin_export(struct http_request *);
int		 page_portal(struct http_request *);
int		 page_optout(struct http_request *);
int		 admin_remind(struct http_request *);
int		 admin_mail_templates(struct http_request *);

/* web_mail.c: mail rendered from templates/mail into the outbox. */
struct unit_mail {
	int		 found;
	int		 wave_id;
	char		 unit[256];
	char		 wave[256];
	char		 deadline[16];	/* YYYY-MM-DD or "" */
	char		 pkey[64];	/* the portal key */
	char		 cname[256];
	char		 cemail[256];
	char		 lang[4];	/* the contact person's */
};
int		 web_unit_mail(int, struct unit_mail *);
void		 web_mail_link(struct buf *, const char *, const char *);
void		 web_mail_day(struct tvars *, const char *, enum lang,
		    const char *);
void		 web_unit_mail_vars(struct tvars *, const struct unit_mail *);
int		 web_mail_queue(enum mail_kind, const struct tvars *,
		    struct outbox_msg *);
int		 web_contact_invite(int);

/* a_units.c, for the portal too */
int		 admin_links_make(int);
int		 admin_portal_key(int);

#endif
