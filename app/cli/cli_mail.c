/*
 * svarctl mail: the sender. Claims due messages from the outbox, sends
 * each over SMTP, marks it. Runs until SIGTERM or SIGINT, or with
 * --once until nothing is due (for cron).
 *
 * SMTP cannot make delivery exactly-once: a sender can die after the
 * server took a message and before the mark, and the message goes
 * again after its lease. The order claim, send, mark keeps that window
 * to one round trip to the database, the mark is retried before
 * anything else happens, and the Message-ID fixed at the first claim
 * lets a receiving system recognise the copy.
 *
 * Configuration from the environment:
 *   SVAR_SMTP_URL        smtp://host:port (or smtps://), required
 *   SVAR_SMTP_USER, SVAR_SMTP_PASSWORD   AUTH, when both are set
 *   SVAR_SMTP_TLS        starttls (required) or none; default starttls
 *                        except on a loopback host
 *   SVAR_MAIL_FROM       "Name <addr>", required; SVAR_MAIL_REPLY_TO
 *   SVAR_MAIL_DB         connection string, as svar_mail
 *   SVAR_MAIL_BATCH      messages per claim (20)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "msg.h"
#include "smtp.h"

#define SMTP_TIMEOUT	30	/* seconds for one message */
#define LEASE_MARGIN	(2 * SMTP_TIMEOUT)
#define LEASE_MIN	300	/* mail_setting.lease_seconds default */

static volatile sig_atomic_t	 stopping;

struct sender {
	struct db	*db;
	struct smtp	*smtp;
	const char	*from;
	const char	*reply_to;
	char		 from_addr[256];
	char		 name[128];
	long		 sent, retry, bounced, failed;
};

static void
on_signal(int sig)
{
	stopping = 1;
}

/* Sleeps ms, waking early for a signal. */
static void
pause_ms(long ms)
{
	struct timespec	 ts;

	while (ms > 0 && !stopping) {
		ts.tv_sec = 0;
		ts.tv_nsec = (ms > 100 ? 100 : ms) * 1000000L;
		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

static const char *
env_or(const char *name, const char *dflt)
{
	const char	*v = getenv(name);

	return (v != NULL && *v != '\0' ? v : dflt);
}

static int
loopback(const char *url)
{
	const char	*h = strstr(url, "://");

	h = h != NULL ? h + 3 : url;
	return (strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 ||
	    strncmp(h, "[::1]", 5) == 0);
}

/*
 * Marks a message that went. The database may be gone for a moment;
 * try for longer than a restart takes before leaving it to the lease
 * (which would send it twice).
 */
static void
mark_sent(struct sender *s, const struct outbox_claim *m)
{
	int	 i;

	for (i = 0; i < 60 && !db_outbox_sent(s->db, m->id); i++) {
		if (i == 0)
			fprintf(stderr, "svarctl mail: %lld: sent, not yet "
			    "marked: %s\n", m->id, db_error(s->db));
		pause_ms(1000);
	}
	s->sent++;
}

static void
count(struct sender *s, const struct outbox_claim *m, int rc, const char *err)
{
	/* The server's text can quote the address: the log gets the code
	 * only, the admin's view (last_error) the whole reply. */
	switch (rc) {
	case OUTBOX_RETRY:
		s->retry++;
		fprintf(stderr, "svarctl mail: %lld: retry later (%.3s)\n",
		    m->id, err);
		break;
	case OUTBOX_FAILED:
		s->failed++;
		fprintf(stderr, "svarctl mail: %lld: failed (%.3s)\n", m->id,
		    err);
		break;
	case OUTBOX_BOUNCED:
		s->bounced++;
		fprintf(stderr, "svarctl mail: %lld: bounced (%.3s)\n", m->id,
		    err);
		break;
	case OUTBOX_LOST:
		fprintf(stderr, "svarctl mail: %lld: lease lost\n", m->id);
		break;
	default:
		fprintf(stderr, "svarctl mail: %lld: %s\n", m->id,
		    db_error(s->db));
	}
}

/* One message; 0 when the server could not be reached. */
static int
send_one(struct sender *s, const struct outbox_claim *m)
{
	struct mail_msg	 mm;
	struct buf	 b;
	char		 err[512];
	enum smtp_result r;

	memset(&mm, 0, sizeof(mm));
	mm.from = s->from;
	mm.reply_to = s->reply_to;
	mm.to = m->to;
	mm.subject = m->subject;
	mm.body = m->body;
	mm.message_id = m->message_id;
	mm.unsubscribe = m->unsubscribe;
	mm.date = time(NULL);
	buf_init(&b);
	if (!mail_build(&b, &mm)) {
		buf_free(&b);
		count(s, m, db_outbox_fail(s->db, m, "500 not sent: the "
		    "address or a header is not valid"), "500");
		return (1);
	}
	r = smtp_send(s->smtp, s->from_addr, m->to, b.data, b.len, err,
	    sizeof(err));
	buf_free(&b);
	switch (r) {
	case SMTP_SENT:
		mark_sent(s, m);
		return (1);
	case SMTP_PERM:
		count(s, m, db_outbox_bounce(s->db, m, err), err);
		return (1);
	case SMTP_TEMP:
		count(s, m, db_outbox_retry(s->db, m, err, 1), err);
		return (1);
	case SMTP_DOWN:
		count(s, m, db_outbox_retry(s->db, m, err, 0), err);
		return (0);
	}
	return (1);
}

/*
 * One claim and its messages. The number claimed, or DB_ERR. *down is
 * set when the server could not be reached: the rest of the batch is
 * put back for its own retry instead of knocking on a closed door.
 */
static int
batch(struct sender *s, int max, int *down)
{
	struct outbox_claim	*v;
	time_t			 claimed;
	int			 i, n;

	*down = 0;
	if ((n = db_outbox_claim(s->db, s->name, max,
	    mail_domain(s->from_addr), &v)) == DB_ERR)
		return (DB_ERR);
	claimed = time(NULL);
	for (i = 0; i < n; i++) {
		/* Stopping, or so late in the lease that a slow server
		 * could outlast it: back to the queue untried. */
		if (stopping || time(NULL) - claimed > LEASE_MIN -
		    LEASE_MARGIN) {
			db_outbox_release(s->db, &v[i]);
			continue;
		}
		if (*down) {
			count(s, &v[i], db_outbox_retry(s->db, &v[i],
			    "000 not tried: the server was unreachable", 0),
			    "000");
			continue;
		}
		if (!send_one(s, &v[i]))
			*down = 1;
	}
	db_outbox_claims_free(v, n);
	return (n);
}

int
cli_mail(int argc, char **argv)
{
	struct smtp_conf	 sc;
	struct sender		 s;
	struct sigaction	 sa;
	char			 host[64];
	time_t			 seen = 0;
	long			 wait = 0;
	int			 once = 0, max, n = 0, down;

	if (argc == 1 && strcmp(argv[0], "--once") == 0)
		once = 1;
	else if (argc != 0) {
		fprintf(stderr, "usage: svarctl mail [--once]\n");
		return (2);
	}
	memset(&s, 0, sizeof(s));
	memset(&sc, 0, sizeof(sc));
	sc.url = env_or("SVAR_SMTP_URL", NULL);
	s.from = env_or("SVAR_MAIL_FROM", NULL);
	s.reply_to = env_or("SVAR_MAIL_REPLY_TO", NULL);
	if (sc.url == NULL || s.from == NULL) {
		fprintf(stderr, "svarctl mail: SVAR_SMTP_URL and "
		    "SVAR_MAIL_FROM must be set\n");
		return (2);
	}
	if (!mail_addr_spec(s.from, s.from_addr, sizeof(s.from_addr))) {
		fprintf(stderr, "svarctl mail: SVAR_MAIL_FROM is not an "
		    "address\n");
		return (2);
	}
	sc.user = env_or("SVAR_SMTP_USER", NULL);
	sc.password = env_or("SVAR_SMTP_PASSWORD", NULL);
	sc.starttls = strcmp(env_or("SVAR_SMTP_TLS", loopback(sc.url) ?
	    "none" : "starttls"), "none") != 0;
	sc.timeout = SMTP_TIMEOUT;
	if ((max = atoi(env_or("SVAR_MAIL_BATCH", "20"))) < 1 || max > 500)
		max = 20;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(s.name, sizeof(s.name), "%s:%ld", host, (long)getpid());

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	s.db = db_open(getenv("SVAR_MAIL_DB"));
	if ((s.smtp = smtp_open(&sc)) == NULL) {
		fprintf(stderr, "svarctl mail: libcurl did not start\n");
		db_close(s.db);
		return (1);
	}
	if (!once)
		fprintf(stderr, "svarctl mail: sending as %s\n", s.name);
	while (!stopping) {
		/* The app offers mail to respondents only while a sender
		 * says it is alive (svar_mail_alive: ten minutes). */
		if (time(NULL) - seen >= 30 && db_mail_seen(s.db, s.name))
			seen = time(NULL);
		n = batch(&s, max, &down);
		if (n == DB_ERR) {
			fprintf(stderr, "svarctl mail: %s\n", db_error(s.db));
			if (once)
				break;
			pause_ms(2000);
			continue;
		}
		if (down) {
			/* The messages have their own backoff; this only
			 * spares the server a claim per second meanwhile. */
			if (once)
				break;
			wait = wait == 0 ? 1000 : wait * 2 > 30000 ? 30000 :
			    wait * 2;
			pause_ms(wait);
			continue;
		}
		wait = 0;
		if (n == 0) {
			if (once)
				break;
			pause_ms(1000);
		}
	}
	smtp_close(s.smtp);
	db_close(s.db);
	if (once || stopping)
		printf("svarctl mail: %ld sent, %ld to retry, %ld bounced, "
		    "%ld failed\n", s.sent, s.retry, s.bounced, s.failed);
	return (n == DB_ERR ? 1 : 0);
}
