/*
 * Database statements a worker does not wait for. A worker serves all of
 * its connections one request at a time; while it waited for PostgreSQL
 * (a commit's flush, a busy CPU) every other person on that worker
 * waited too, up to seconds under load (README, "The stalled first
 * page"). Here a request sends its statement on one of the worker's
 * pooled connections and sleeps (http_request_sleep); Kore's event loop
 * wakes it when the answer is in, and serves everyone else meanwhile.
 *
 * A handler: db = async_take(req) (NULL: asleep in the queue, return
 * KORE_RESULT_RETRY and ask again when woken), db_..._send(db, ...),
 * async_wait(req, db), return KORE_RESULT_RETRY; when run again,
 * db_..._recv(db, ...) and async_give(db). A request that goes away
 * meanwhile (the client left) calls async_forget from its onfree: its
 * statement still finishes, as a blocking one would have, and the
 * connection is given back when the answer is in.
 *
 * Page saves go together: a save that finds the worker's saves already
 * out (SVAR_DB_SAVES batches at once, default 1) waits, and the saves
 * that gathered meanwhile go as one batch, one transaction (db_send.c):
 * one flush of PostgreSQL's log for all of them, where each would have
 * had its own. Alone, a save goes at once, as any statement. A batch
 * out longer than BATCH_YOUNG_MS (a save waiting for a row lock, a slow
 * flush) holds back no other; a save in a batch whose response is held
 * by another transaction does not wait for it but goes again alone
 * (DB_LOCKED), so one person's wait is nobody else's. The handler:
 * as = async_save(req, sv), return KORE_RESULT_RETRY; when run again,
 * async_saved(req, as, ...); from onfree, async_save_forget.
 */
#include <sys/queue.h>
#include <sys/epoll.h>

#include <stdlib.h>
#include <string.h>

#include "web.h"

/*
 * Statements out at once per worker (SVAR_DB_POOL, 1 to ASYNC_MAX). More
 * than a few per core only lengthen PostgreSQL's run queue.
 */
#define ASYNC_MAX	16
#define ASYNC_DEFAULT	4
/* Saves in one transaction at most: its row locks are held to the end. */
#define BATCH_MAX	32
/* Longer than a save's commit takes when all is well (README). */
#define BATCH_YOUNG_MS	10

struct asave {
	struct http_request	*req;	/* NULL: its client left */
	const struct save	*sv;	/* the request's */
	struct aconn		*ac;	/* the connection it went on */
	int			 alone;	/* its response was held: not batched */
	int			 done;
	int			 rc;	/* db_page_save_recv_at's answer */
	char			 err[256];
	TAILQ_ENTRY(asave)	 list;
};

struct aconn {
	struct kore_event	 evt;	/* first: Kore's loop casts to it */
	struct db		*db;
	struct http_request	*req;	/* whose statement is out; or none */
	struct http_request	*held;	/* woken to take it; or none */
	int			 busy;	/* taken or held, until aconn_free */
	int			 fd;	/* registered with the loop, or -1 */
	unsigned long		 gen;	/* of the connection fd belongs to */
	struct asave		*batch[BATCH_MAX]; /* its saves out, in order */
	int			 nbatch;
	u_int64_t		 batch_at; /* when they went */
};

struct await {
	struct http_request	*req;
	TAILQ_ENTRY(await)	 list;
};

static struct aconn		 conns[ASYNC_MAX];
static size_t			 nconns = ASYNC_DEFAULT;
static TAILQ_HEAD(, await)	 queue = TAILQ_HEAD_INITIALIZER(queue);
static TAILQ_HEAD(, asave)	 forming = TAILQ_HEAD_INITIALIZER(forming);
static size_t			 batches_max = 1;
static int			 batch_timer;	/* batch_later is set */
static const char		*conninfo;

static void	aconn_event(void *, int);
static void	aconn_polled(struct aconn *, int);
static void	batch_end(struct aconn *, int);
static void	async_kick(void *, u_int64_t);
static void	batch_send(struct aconn *);
static int	batch_due(void);
static void	batch_try(void);
static void	batch_wait(void);

void
async_init(const char *info, const char *pool, const char *saves)
{
	size_t		 i;
	int		 ok;

	conninfo = info;
	if (pool != NULL) {
		nconns = kore_strtonum(pool, 10, 1, ASYNC_MAX, &ok);
		if (ok != KORE_RESULT_OK)
			fatalx("SVAR_DB_POOL must be 1 to %d", ASYNC_MAX);
	}
	if (saves != NULL) {
		batches_max = kore_strtonum(saves, 10, 1, nconns, &ok);
		if (ok != KORE_RESULT_OK)
			fatalx("SVAR_DB_SAVES must be 1 to SVAR_DB_POOL (%zu)",
			    nconns);
	}
	for (i = 0; i < ASYNC_MAX; i++) {
		conns[i].evt.type = KORE_TYPE_PGSQL_CONN;
		conns[i].evt.handle = aconn_event;
		conns[i].fd = -1;
	}
}

/*
 * A socket libpq closed (a lost connection) left the loop with it; only
 * the one registered, still open, is taken out: not a new connection's
 * socket that got the same number (Kore's worker dies when it takes out
 * one that is not in).
 */
static void
aconn_unwatch(struct aconn *ac)
{
	if (ac->fd != -1 && db_socket(ac->db) == ac->fd &&
	    db_generation(ac->db) == ac->gen)
		kore_platform_disable_read(ac->fd);
	ac->fd = -1;
}

/*
 * Level-triggered: libpq may leave bytes unread that no new edge tells.
 * Also after a resend on a new connection: the socket is another.
 */
static void
aconn_watch(struct aconn *ac)
{
	aconn_unwatch(ac);
	if ((ac->fd = db_socket(ac->db)) == -1)
		return;
	ac->gen = db_generation(ac->db);
	kore_platform_event_schedule(ac->fd, EPOLLIN | EPOLLRDHUP, 0, ac);
}

/*
 * A connection is free: saves that gathered go on it, or the request
 * that waited longest gets it, held until its handler runs again and
 * takes it (or it goes away), so that requests arriving meanwhile
 * cannot overtake the queue.
 */
static void
aconn_free(struct aconn *ac)
{
	struct await	*w;

	aconn_unwatch(ac);
	ac->req = NULL;
	ac->held = NULL;
	ac->busy = 0;
	if (batch_due()) {
		batch_send(ac);
		batch_wait();
		return;
	}
	while ((w = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, w, list);
		if (!(w->req->flags & HTTP_REQUEST_DELETE)) {
			ac->busy = 1;
			ac->held = w->req;
			http_request_wakeup(w->req);
			kore_free(w);
			/*
			 * Kore's pass over its requests may be past the
			 * one woken: without an event it would wait up to
			 * 100 ms for the next pass.
			 */
			kore_timer_add(async_kick, 0, NULL, KORE_TIMER_ONESHOT);
			return;
		}
		kore_free(w);
	}
}

/* Only ends Kore's wait for events, so its next pass runs at once. */
static void
async_kick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
}

static void
aconn_event(void *arg, int error)
{
	struct aconn	*ac = arg;

	(void)error;	/* a closed socket reads as an error in db_poll */
	if (!db_sent(ac->db)) {
		aconn_unwatch(ac);
		return;
	}
	aconn_polled(ac, db_poll(ac->db));
}

/* What db_poll said about ac's statement: wait, watch anew, or wake. */
static void
aconn_polled(struct aconn *ac, int rc)
{
	if (rc == DB_POLL_WAIT)
		return;
	if (rc == DB_POLL_RESENT) {
		aconn_watch(ac);
		return;
	}
	aconn_unwatch(ac);
	if (ac->nbatch > 0) {
		batch_end(ac, 1);
		return;
	}
	if (ac->req != NULL) {
		http_request_wakeup(ac->req);
		return;
	}
	/* Nobody waits for it any more: read, drop, give back. */
	db_discard(ac->db);
	aconn_free(ac);
}

/*
 * Once a second: a safety net for a wake-up that never came (a bug, so
 * it is logged), which would leave a request asleep for good, since
 * Kore times out no connection that has a request. An answer in with no
 * event gets read; a free connection while requests queue is handed on.
 */
void
async_sweep(void *arg, u_int64_t now)
{
	struct aconn	*ac;
	size_t		 i;
	int		 rc;

	(void)arg;
	(void)now;
	for (i = 0; i < nconns; i++) {
		ac = &conns[i];
		if (ac->busy && ac->fd != -1 && db_sent(ac->db) &&
		    (rc = db_poll(ac->db)) != DB_POLL_WAIT) {
			kore_log(LOG_WARNING, "async: an answer no event told");
			aconn_polled(ac, rc);
		}
		if (!ac->busy && (!TAILQ_EMPTY(&queue) || batch_due())) {
			kore_log(LOG_WARNING,
			    "async: a free connection unused");
			aconn_free(ac);
		}
	}
}

/* A pooled connection not busy (opened if need be), or NULL. */
static struct aconn *
aconn_idle(void)
{
	size_t	 i;

	for (i = 0; i < nconns; i++) {
		if (conns[i].busy)
			continue;
		if (conns[i].db == NULL)
			conns[i].db = db_open(conninfo);
		conns[i].req = NULL;
		return (&conns[i]);
	}
	return (NULL);
}

/*
 * A free pooled connection, or NULL: then req sleeps in the queue until
 * one is given back and held for it, and its handler, run again, must
 * ask again (or go away: async_forget).
 */
struct db *
async_take(struct http_request *req)
{
	struct await	*w;
	struct aconn	*ac;
	size_t		 i;

	for (i = 0; i < nconns; i++)
		if (conns[i].held == req) {
			conns[i].held = NULL;
			return (conns[i].db);
		}
	if ((ac = aconn_idle()) != NULL) {
		ac->busy = 1;
		return (ac->db);
	}
	w = kore_calloc(1, sizeof(*w));
	w->req = req;
	TAILQ_INSERT_TAIL(&queue, w, list);
	http_request_sleep(req);
	return (NULL);
}

static struct aconn *
aconn_of(struct db *db)
{
	size_t	 i;

	for (i = 0; i < nconns; i++)
		if (conns[i].db == db)
			return (&conns[i]);
	fatalx("async: a connection not from the pool");
	return (NULL);
}

/* After a db_..._send on db: req sleeps until the answer is in. */
void
async_wait(struct http_request *req, struct db *db)
{
	struct aconn	*ac = aconn_of(db);

	ac->req = req;
	aconn_watch(ac);
	http_request_sleep(req);
}

/* Done with a pooled connection: the next request waiting may have it. */
void
async_give(struct db *db)
{
	if (db == NULL)
		return;
	aconn_free(aconn_of(db));
}

/*
 * From a request's onfree: it waits no more, for a connection or for
 * the answer on `db` (NULL if it holds none).
 */
void
async_forget(struct http_request *req, struct db *db)
{
	struct await	*w;
	struct aconn	*ac;
	size_t		 i;

	TAILQ_FOREACH(w, &queue, list)
		if (w->req == req) {
			TAILQ_REMOVE(&queue, w, list);
			kore_free(w);
			break;
		}
	for (i = 0; i < nconns; i++)
		if (conns[i].held == req)
			aconn_free(&conns[i]);
	if (db == NULL)
		return;
	ac = aconn_of(db);
	ac->req = NULL;
	if (db_sent(db) && db_poll(db) != DB_POLL_DONE) {
		/*
		 * Still out, or sent again on a new connection: aconn_event
		 * gives it back when it is in.
		 */
		aconn_watch(ac);
		return;
	}
	db_discard(db);
	aconn_free(ac);
}

/*
 * Batches out that hold back the next: those out for less than
 * BATCH_YOUNG_MS.
 */
static size_t
batches_young(void)
{
	u_int64_t	 now = kore_time_ms();
	size_t		 i, n = 0;

	for (i = 0; i < nconns; i++)
		if (conns[i].nbatch > 0 &&
		    now - conns[i].batch_at < BATCH_YOUNG_MS)
			n++;
	return (n);
}

/* May the saves that gathered go now, on a free connection? */
static int
batch_due(void)
{
	struct asave	*as;

	if ((as = TAILQ_FIRST(&forming)) == NULL)
		return (0);
	return (as->alone || batches_young() < batches_max);
}

static void
batch_later(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	batch_timer = 0;
	batch_try();
}

/*
 * The saves that gathered go out on free connections while they may;
 * held back by a young batch, they are looked at again when it is no
 * longer young (or, sooner, when a connection is given back).
 */
static void
batch_try(void)
{
	struct aconn	*ac;

	while (batch_due() && (ac = aconn_idle()) != NULL)
		batch_send(ac);
	batch_wait();
}

/* Saves held back by a young batch are looked at again when it ages. */
static void
batch_wait(void)
{
	if (!TAILQ_EMPTY(&forming) && !batch_due() && !batch_timer) {
		batch_timer = 1;
		kore_timer_add(batch_later, BATCH_YOUNG_MS, NULL,
		    KORE_TIMER_ONESHOT);
	}
}

/*
 * The saves that gathered go out on ac as one batch: up to BATCH_MAX,
 * or the first alone when its response was held before.
 */
static void
batch_send(struct aconn *ac)
{
	const struct save	*svs[BATCH_MAX];
	struct asave		*as;
	int			 k;

	k = 0;
	while ((as = TAILQ_FIRST(&forming)) != NULL && k < BATCH_MAX &&
	    (k == 0 || !as->alone)) {
		TAILQ_REMOVE(&forming, as, list);
		as->ac = ac;
		ac->batch[k] = as;
		svs[k++] = as->sv;
		if (as->alone)
			break;
	}
	ac->nbatch = k;
	ac->batch_at = kore_time_ms();
	ac->busy = 1;
	if (db_page_save_send_batch(ac->db, svs, k))
		aconn_watch(ac);
	else
		batch_end(ac, 0);
}

/*
 * The batch on ac is in (`sent`) or could not go: each save gets its
 * answer and its request is woken, or goes again alone when its
 * response was held (first in line: it waited longest); the connection
 * is free again.
 */
static void
batch_end(struct aconn *ac, int sent)
{
	struct asave	*as;
	int		 i, rc;

	for (i = ac->nbatch - 1; i >= 0; i--) {
		as = ac->batch[i];
		as->ac = NULL;
		rc = sent ? db_page_save_recv_at(ac->db, i) : DB_ERR;
		if (rc == DB_LOCKED && as->req != NULL) {
			as->alone = 1;
			TAILQ_INSERT_HEAD(&forming, as, list);
			continue;
		}
		as->rc = rc;
		if (rc == DB_ERR)
			snprintf(as->err, sizeof(as->err), "%s",
			    db_error(ac->db));
		as->done = 1;
		if (as->req != NULL)
			http_request_wakeup(as->req);
		else
			kore_free(as);
	}
	ac->nbatch = 0;
	db_discard(ac->db);
	kore_timer_add(async_kick, 0, NULL, KORE_TIMER_ONESHOT);
	aconn_free(ac);
	batch_try();
}

/*
 * Saves sv for req, which sleeps until the answer is in (async_saved):
 * at once when fewer than SVAR_DB_SAVES young batches are out and a
 * connection is free, or else with the next batch.
 */
struct asave *
async_save(struct http_request *req, const struct save *sv)
{
	struct asave	*as;

	as = kore_calloc(1, sizeof(*as));
	as->req = req;
	as->sv = sv;
	TAILQ_INSERT_TAIL(&forming, as, list);
	http_request_sleep(req);
	batch_try();
	return (as);
}

/*
 * 1 when the save is in: *rc is db_page_save's answer (its error in
 * err), and `as` is freed; 0 when not yet (req sleeps again).
 */
int
async_saved(struct http_request *req, struct asave *as, int *rc, char *err,
    size_t errlen)
{
	if (!as->done) {
		http_request_sleep(req);
		return (0);
	}
	*rc = as->rc;
	snprintf(err, errlen, "%s", as->err);
	kore_free(as);
	return (1);
}

/*
 * From a request's onfree: a save not yet out is dropped, as a request
 * that waits for a connection drops its statement; one out finishes,
 * and batch_end frees it.
 */
void
async_save_forget(struct asave *as)
{
	if (as == NULL)
		return;
	if (as->done) {
		kore_free(as);
		return;
	}
	if (as->ac == NULL) {
		TAILQ_REMOVE(&forming, as, list);
		kore_free(as);
		/* The next in line may be due now, or wait for the timer. */
		batch_try();
		return;
	}
	as->req = NULL;
}
