/*
 * Svar's Kore module: worker set-up. Every worker reads the interface
 * strings and templates, opens its own database connection and parses
 * the questionnaires once; requests then only touch memory and one or
 * two prepared statements.
 */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <kore/seccomp.h>

#include "i18n.h"
#include "letter.h"
#include "web.h"

struct app	 app;

/*
 * Kore's worker sandbox lists what Kore itself needs; glibc 2.36 stats
 * files with newfstatat, and libpq asks its socket a few questions.
 * The first two were found by running build/svar.so with seccomp_tracing
 * through every test (tests/hostile/run.sh trace), each a worker killed
 * by anyone before: glibc's realloc moves a block above its mmap
 * threshold (a request body over 128 KiB) with mremap, which cannot make
 * memory executable; and glibc's realpath() in Kore's file map checked a
 * directory-style path ("/assets/", "/assets/x.css/") with faccessat2.
 * The app serves assets itself now (page_asset), but a realpath() must
 * never cost a worker.
 */
KORE_SECCOMP_FILTER("svar",
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(faccessat2),
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(getsockopt),
	KORE_SYSCALL_ALLOW(getsockname),
	KORE_SYSCALL_ALLOW(getpeername),
	KORE_SYSCALL_ALLOW(uname),
	/* unlink(3) of an export's file where there is no unlink(2): arm64. */
	KORE_SYSCALL_ALLOW(unlinkat)
);

/*
 * Each template with the keys its handler gives it (tmpl.h): a template
 * that uses anything else does not compile, and the worker stops here.
 */
static const struct {
	const char	*file;
	const char	*keys;
} tmpl_files[T_MAX] = {
	[T_LAYOUT] = { "templates/layout.html",
	    "lang title !content nb_current nn_current en_current v"
	    " owner" },
	[T_MESSAGE] = { "templates/message.html", "heading text link" },
	[T_HOME] = { "templates/home.html", "" },
	[T_CODE] = { "templates/code.html", "csrf code error" },
	[T_THANKS] = { "templates/thanks.html",
	    "resume_url survey withdraw_url privacy_url anonymous" },
	[T_SAVED] = { "templates/saved.html",
	    "resume_url survey mail_action csrf email mail_error mail_sent" },
	[T_PRIVACY] = { "templates/privacy.html",
	    "withdraw_url"
	    " surveys{title owner controller contact basis retention dpo}" },
	[T_ACCESSIBILITY] = { "templates/accessibility.html", "" },
	[T_START] = { "templates/start.html", "survey action csrf" },
	[T_WITHDRAW] = { "templates/withdraw.html",
	    "survey action csrf back" },
	[T_ADMIN_LAYOUT] = { "templates/admin/layout.html",
	    "lang title !content user role is_admin csrf v" },
	[T_ADMIN_LOGIN] = { "templates/admin/login.html", "csrf name error" },
	[T_ADMIN_TOTP] = { "templates/admin/totp.html", "csrf error" },
	[T_ADMIN_ENROL] = { "templates/admin/enrol.html",
	    "action csrf name secret !qr pw_error pw2_error code_error"
	    " errors{field text}" },
	[T_ADMIN_HOME] = { "templates/admin/home.html",
	    "csrf is_admin notice surveys{key title waves{id year opens"
	    " closes state is_open missing anonymous versions{id key definition loaded"
	    " hidden responses completed}}}" },
	[T_ADMIN_DEFS] = { "templates/admin/definitions.html",
	    "csrf source loaded errors{text}" },
	[T_ADMIN_AUDIT] = { "templates/admin/audit.html",
	    "action actor prev next rows{at actor action object detail"
	    " address}" },
	[T_ADMIN_MESSAGE] = { "templates/admin/message.html", "heading text" },
	[T_ADMIN_FRAME] = { "templates/admin/frame.html",
	    "wave csrf sample_params sample_seed sampled_at"
	    " waves{id name selected} messages{text} errors{text}"
	    " counts{kind frame eligible invited accepted declined distributed"
	    " responding} n_error seed_error plan_n plan_seed plan_strata pool"
	    " strata{key size take} csv csv_error" },
	[T_ADMIN_UNITS] = { "templates/admin/units.html",
	    "wave count kind stage reached csrf is_admin units{id kind code name rhf"
	    " fylke stage ineligible forwarded completed noaddr}" },
	[T_ADMIN_UNIT] = { "templates/admin/unit.html",
	    "id wave kind code name rhf fylke stage ineligible reason forwarded"
	    " wave_name postmottak address contact_name contact_email"
	    " contact_phone portal csrf is_admin link_error move_error"
	    " contact_error"
	    " reason_error post_error post_typed links{link_id version url"
	    " hidden channel}"
	    " stages{value label} history{at from to actor note}" },
	[T_ADMIN_OUTBOX] = { "templates/admin/outbox.html",
	    "mail{at kind to subject state unit error attempts done}" },
	[T_ADMIN_LETTERS] = { "templates/admin/letters.html",
	    "csrf count upto" },
	[T_ADMIN_FUNNEL] = { "templates/admin/funnel.html",
	    "wave by by_kind by_rhf by_fylke version suppressed trinn1 trinn2"
	    " !units_chart !pages_chart stages{label stage n rate}"
	    " groups{group is_kind frame invited accepted declined distributed"
	    " responding trinn1 trinn2} people{version invited views opened started"
	    " completed rate trinn3 unknown} pages{page reached stopped share median}"
	    " aapor{version i p r ne nc uh rr1 rr2 coop1 ref1}"
	    " has_time !time_charts !time_tables" },
	[T_ADMIN_RESULTS] = { "templates/admin/results.html",
	    "wave csrf is_admin coded survey year opens closes invited noheadcount"
	    " completed rate channels population item question base by broken"
	    " other_var other_n compared other_year wording_changed"
	    " compare_missing waves{id name selected cmp cmpsel} bys{value label"
	    " selected} items{id text} tables{title !chart multi skipped"
	    " cols{name n} rows{label cells{n pct moe}}} stats{title nps"
	    " groups{name n mean mean_moe nps nps_moe promoters passives"
	    " detractors}} codes{label n} compare{label p1 p2 diff z pvalue"
	    " sig}" },
	[T_ADMIN_OPEN] = { "templates/admin/open.html",
	    "wave csrf var item waves{id name selected} vars{var texts coded"
	    " blanked} frame{id code"
	    " label} texts{resp text blanked coder choices{value label"
	    " selected}}" },
	[T_ADMIN_EXPORT] = { "templates/admin/export.html",
	    "csrf error analyst version unit test waves{id name selected}"
	    " formats{value label selected} statuses{value label selected}"
	    " langs{value label selected}" },
	[T_PORTAL] = { "templates/portal.html",
	    "unit wave notice closed taking_part declined csrf action forwarded"
	    " forwarded_error opened started completed threshold name email"
	    " phone name_error email_error phone_error errors{field text}"
	    " links{version url !qr texts{lang lang_name text}}" },
	[T_OPTOUT] = { "templates/optout.html", "action done" },
	[T_ADMIN_REMIND] = { "templates/admin/remind.html",
	    "wave csrf sent changed preview preview_kind preview_n digest more"
	    " waves{id name selected} errors{text} due{to unit why before next"
	    " lang wave_unit invitation} rules{id kind version after rate gap"
	    " per_person per_unit active by} versions{key with_email emailed"
	    " opted_out bounced} runs{at rule kind actor sent}" },
	[T_ADMIN_MAILTMPL] = { "templates/admin/mailtmpl.html",
	    "wave unit waves{id name selected} mails{kind lang subject body}" },
};

void	kore_worker_configure(void);

static void	body_guard(void *, u_int64_t);

/*
 * Kore 4.1 subtracts the body bytes that came with the head from the
 * Content-Length without comparing them: a head saying 5 that brings 600
 * (or says 5 and then 500) leaves an unsigned count near 2^64, and the
 * worker keeps buffering whatever follows until http_body_timeout. No
 * request can rightly still await more than http_body_max bytes, or hold
 * more than it announced, so a connection with such a request is closed.
 * The look runs from the worker's event loop every 100 ms, so it cannot
 * run while Kore's read loop is kept busy by a client sending faster than
 * the worker reads: it ends a slower client at once and a fast one when
 * it pauses. Only the proxy in front (README) keeps such a request out.
 */
#define BODY_GUARD_MS	100

static void
body_guard(void *arg, u_int64_t now)
{
	struct connection	*c, *next;
	struct http_request	*req;

	for (c = TAILQ_FIRST(&connections); c != NULL; c = next) {
		next = TAILQ_NEXT(c, list);
		if (c->proto != CONN_PROTO_HTTP)
			continue;
		TAILQ_FOREACH(req, &c->http_requests, olist) {
			if (!(req->flags & HTTP_REQUEST_EXPECT_BODY))
				continue;
			if (req->content_length > http_body_max ||
			    (req->http_body != NULL &&
			    req->http_body->offset > req->http_body_length)) {
				kore_log(LOG_NOTICE, "closing a connection whose "
				    "body outran its Content-Length");
				kore_connection_disconnect(c);
				break;
			}
		}
	}
}

void
kore_worker_configure(void)
{
	struct buf	 err;
	const char	*v, *font;
	int		 i;

	buf_init(&err);
	if (!i18n_load("templates/strings", &err))
		fatalx("strings: %s", buf_cstr(&err));
	for (i = 0; i < T_MAX; i++)
		if ((app.tmpl[i] = tmpl_load(tmpl_files[i].file,
		    tmpl_files[i].keys, &err)) == NULL)
			fatalx("template: %s", buf_cstr(&err));
	/* Mail texts are checked like pages: a wrong key stops the worker. */
	if (!mail_tmpl_load("templates/mail", &err))
		fatalx("mail template: %s", buf_cstr(&err));
	buf_free(&err);
	app.secure_cookies = (v = getenv("SVAR_SECURE_COOKIES")) != NULL &&
	    strcmp(v, "1") == 0;
	app.trusted_proxy = (v = getenv("SVAR_TRUSTED_PROXY")) != NULL &&
	    strcmp(v, "1") == 0;
	if ((v = getenv("SVAR_BASE_URL")) == NULL || (strncmp(v, "http://",
	    7) != 0 && strncmp(v, "https://", 8) != 0))
		fatalx("SVAR_BASE_URL must be set to the address people reach "
		    "Svar at, e.g. https://svar.example.no");
	app.base_url = xstrndup(v, strlen(v) - (v[strlen(v) - 1] == '/'));
	if ((v = getenv("SVAR_ADMIN_DB")) == NULL)
		fatalx("SVAR_ADMIN_DB must be set: the admin area's "
		    "connection, as the svar_admin role");
	kore_timer_add(body_guard, BODY_GUARD_MS, NULL, 0);
	kore_timer_add(rcache_sweep, 60 * 1000, NULL, 0);
	kore_timer_add(async_sweep, 1000, NULL, 0);
	/* Workers run chrooted in production: the font must be inside. */
	if ((font = getenv("SVAR_LETTER_FONT")) == NULL)
		font = LETTER_FONT;
	if (access(font, R_OK) != 0)
		kore_log(LOG_WARNING, "letters: font %s cannot be read (inside "
		    "the chroot, if any): set SVAR_LETTER_FONT; /admin/letters "
		    "cannot make PDFs", font);
	app.db = db_open(getenv("SVAR_DB"));
	async_init(getenv("SVAR_DB"), getenv("SVAR_DB_POOL"),
	    getenv("SVAR_DB_SAVES"));
	app.adb = db_open(v);
	/* A database that is down now is retried on the first request. */
	if (!db_ready(app.db))
		kore_log(LOG_WARNING, "database not ready yet: %s",
		    db_error(app.db));
}
