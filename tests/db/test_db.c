/*
 * The database layer against a real PostgreSQL (the test cluster; the
 * PG* variables say where): transactions, lost connections, and the
 * clean-up after a request. Run by scripts/test.sh as the owner role.
 */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

static struct db_stmt s_pid = { "test.pid", "SELECT pg_backend_pid()",
	0, 1 };
static struct db_stmt s_insert = { "test.insert",
	"INSERT INTO dbtest (v) VALUES ($1)", 1, 1 };
static struct db_stmt s_count = { "test.count",
	"SELECT count(*) FROM dbtest WHERE v = $1", 1, 1 };
static struct db_stmt s_fail = { "test.fail", "SELECT 1 / 0", 0, 1 };
/* Its transaction's id: statements of one transaction share it. */
static struct db_stmt s_insert_xid = { "test.insert_xid",
	"INSERT INTO dbtest (v) VALUES ($1::int::text)"
	" RETURNING pg_current_xact_id()::text", 1, 1 };

static struct db	*db, *killer;

static void
setup(void)
{
	struct db_stmt	 mk = { "test.mk", "DO $$ BEGIN IF to_regclass('dbtest')"
	    " IS NULL THEN CREATE TABLE dbtest (v text); END IF;"
	    " IF to_regclass('dbdefer') IS NULL THEN CREATE TABLE dbdefer"
	    " (v text UNIQUE DEFERRABLE INITIALLY DEFERRED); END IF;"
	    " TRUNCATE dbtest, dbdefer; END $$", 0, 0 };

	db = db_open(NULL);
	killer = db_open(NULL);
	ck_assert(db_ready(db));
	ck_assert(db_ready(killer));
	ck_assert(db_do(db, &mk, NULL));
}

static void
teardown(void)
{
	db_close(db);
	db_close(killer);
}

static long
count(const char *v)
{
	const char	*p[1] = { v };
	char		*n;
	long		 c;

	ck_assert_ptr_nonnull(n = db_val(killer, &s_count, p));
	c = strtol(n, NULL, 10);
	free(n);
	return (c);
}

/* Ends db's backend from the other connection, as a restart would. */
static void
kill_backend(void)
{
	struct db_stmt	 k = { "test.kill", "SELECT pg_terminate_backend($1)",
	    1, 0 };
	char		*pid, *ok;
	const char	*p[1];

	ck_assert_ptr_nonnull(pid = db_val(db, &s_pid, NULL));
	p[0] = pid;
	ck_assert_ptr_nonnull(ok = db_val(killer, &k, p));
	ck_assert_str_eq(ok, "t");
	free(ok);
	free(pid);
}

START_TEST(test_commit_and_rollback)
{
	const char	*a[1] = { "committed" }, *b[1] = { "rolled-back" };

	ck_assert(db_begin(db));
	ck_assert(db_do(db, &s_insert, a));
	ck_assert(db_commit(db));
	ck_assert_int_eq(count("committed"), 1);
	ck_assert(db_begin(db));
	ck_assert(db_do(db, &s_insert, b));
	db_rollback(db);
	ck_assert_int_eq(count("rolled-back"), 0);
	/* No nested BEGIN: the inner one is refused, the outer one stays. */
	ck_assert(db_begin(db));
	ck_assert(!db_begin(db));
	ck_assert_str_eq(db_error(db), "BEGIN inside a transaction");
	db_rollback(db);
}
END_TEST

/* A failed statement spoils the transaction: COMMIT must say so. */
START_TEST(test_commit_after_error_fails)
{
	const char	*a[1] = { "after-error" };

	ck_assert(db_begin(db));
	ck_assert(db_do(db, &s_insert, a));
	ck_assert_ptr_null(db_exec(db, &s_fail, NULL, PGRES_TUPLES_OK));
	ck_assert(!db_commit(db));
	ck_assert_int_eq(count("after-error"), 0);
	ck_assert(db_request_end(db));
}
END_TEST

/*
 * The defect this layer had: a statement inside BEGIN was retried on a
 * fresh connection, in autocommit, so half a transaction was kept.
 */
START_TEST(test_no_retry_inside_transaction)
{
	const char	*a[1] = { "half" }, *b[1] = { "after" };

	ck_assert(db_begin(db));
	kill_backend();
	ck_assert(!db_do(db, &s_insert, a));
	ck_assert(!db_do(db, &s_insert, a));
	ck_assert(!db_commit(db));
	ck_assert_int_eq(count("half"), 0);
	/* Outside the transaction the next call reconnects by itself. */
	ck_assert(db_do(db, &s_insert, b));
	ck_assert_int_eq(count("after"), 1);
}
END_TEST

/* Outside a transaction a lost connection heals on the same call. */
START_TEST(test_retry_outside_transaction)
{
	const char	*a[1] = { "healed" };

	kill_backend();
	ck_assert(db_do(db, &s_insert, a));
	ck_assert_int_eq(count("healed"), 1);
}
END_TEST

/* A request that returns with a transaction open is cleaned up after. */
START_TEST(test_request_end_rolls_back)
{
	const char	*a[1] = { "left-open" };

	ck_assert(db_request_end(db));
	ck_assert(db_begin(db));
	ck_assert(db_do(db, &s_insert, a));
	ck_assert(!db_request_end(db));
	ck_assert_str_eq(db_error(db), "connection left in a transaction");
	ck_assert(db_request_end(db));
	ck_assert_int_eq(count("left-open"), 0);
	/* And the connection serves the next request. */
	ck_assert(db_begin(db));
	ck_assert(db_commit(db));
}
END_TEST

START_TEST(test_request_end_after_error)
{
	ck_assert(db_begin(db));
	ck_assert_ptr_null(db_exec(db, &s_fail, NULL, PGRES_TUPLES_OK));
	ck_assert(!db_request_end(db));
	ck_assert_str_eq(db_error(db),
	    "connection left in a failed transaction");
	ck_assert(db_request_end(db));
}
END_TEST

/* Statements are prepared again on a new connection, lazily. */
START_TEST(test_prepare_after_reconnect)
{
	char	*a, *b;

	ck_assert_ptr_nonnull(a = db_val(db, &s_pid, NULL));
	kill_backend();
	ck_assert_ptr_nonnull(b = db_val(db, &s_pid, NULL));
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
}
END_TEST

/*
 * A worker holds two connections (the app's and the admin area's) and
 * some statements run on both: each must know what it prepared. Before,
 * the second use on the first connection failed with "already exists".
 */
START_TEST(test_one_statement_two_connections)
{
	int	 i;
	char	*v;

	for (i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(v = db_val(i % 2 ? killer : db, &s_pid,
		    NULL));
		free(v);
	}
}
END_TEST

/* Every connection of the app runs without JIT (db_open's options). */
START_TEST(test_no_jit)
{
	struct db_stmt	 show = { "test.jit", "SHOW jit", 0, 1 };
	char		*v;

	ck_assert_ptr_nonnull(v = db_val(db, &show, NULL));
	ck_assert_str_eq(v, "off");
	free(v);
}
END_TEST

/* Polls a sent statement or batch until its results are all in. */
static void
sent_wait(struct db *d)
{
	struct pollfd	 pfd;
	int		 rc;

	while ((rc = db_poll(d)) != DB_POLL_DONE) {
		pfd.fd = db_socket(d);
		pfd.events = POLLIN;
		ck_assert_int_ge(pfd.fd, 0);
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	}
}

/*
 * A batch of s_insert_xid, run: x[i] the i-th one's transaction, or
 * NULL when it failed (its error in err).
 */
static void
batch_run(const char *const *p, int k, char **x, char *err, size_t errlen)
{
	PGresult	*res;
	int		 i;

	ck_assert(db_send_batch(db, &s_insert_xid, p, k));
	ck_assert(db_sent(db));
	sent_wait(db);
	for (i = 0; i < k; i++) {
		x[i] = NULL;
		if ((res = db_take_at(db, i, PGRES_TUPLES_OK)) == NULL) {
			snprintf(err, errlen, "%s", db_error(db));
			continue;
		}
		x[i] = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	db_discard(db);
	ck_assert(!db_sent(db));
	for (i = 0; i < k; i++)
		ck_assert_int_eq(count(p[i]), x[i] != NULL);
}

/*
 * A batch is one transaction (one commit, one flush of the log for all
 * of it), and each statement's result comes back in its place.
 */
START_TEST(test_batch_is_one_transaction)
{
	const char	*p[3] = { "101", "102", "103" };
	char		*x[3], err[512] = "";
	int		 i;

	batch_run(p, 3, x, err, sizeof(err));
	ck_assert_msg(x[0] && x[1] && x[2], "%s", err);
	ck_assert_str_eq(x[0], x[1]);
	ck_assert_str_eq(x[1], x[2]);
	for (i = 0; i < 3; i++)
		free(x[i]);
	/* The connection serves the next statement, out of pipeline mode. */
	ck_assert(db_do(db, &s_insert, (const char *[]){ "after-batch" }));
	ck_assert_int_eq(count("after-batch"), 1);
}
END_TEST

/*
 * One statement of a batch fails: the batch was rolled back, so each of
 * the others goes again alone and is kept; the failed one says why.
 */
START_TEST(test_batch_one_fails_the_others_kept)
{
	const char	*p[3] = { "201", "not a number", "203" };
	char		*x[3], err[512] = "";

	batch_run(p, 3, x, err, sizeof(err));
	ck_assert(x[0] != NULL && x[1] == NULL && x[2] != NULL);
	ck_assert_msg(strstr(err, "invalid input syntax") != NULL, "%s", err);
	ck_assert_str_ne(x[0], x[2]);
	free(x[0]);
	free(x[2]);
}
END_TEST

/*
 * The connection is lost before the batch (once before its statement
 * was prepared on it, once after, so that the loss shows in the
 * pipeline): it goes again, whole, on a new one, once (its statements
 * are marked retry).
 */
START_TEST(test_batch_after_lost_connection)
{
	const char	*p[4] = { "301", "302", "303", "304" };
	char		*x[2], err[512] = "";
	int		 i;

	for (i = 0; i < 4; i += 2) {
		kill_backend();
		batch_run(p + i, 2, x, err, sizeof(err));
		ck_assert_msg(x[0] && x[1], "%s", err);
		ck_assert_str_eq(x[0], x[1]);
		free(x[0]);
		free(x[1]);
	}
}
END_TEST

/*
 * The commit itself fails (a deferred unique check, at the batch's
 * Sync): nothing of the batch happened, so each goes again alone; the
 * second, failing at its own commit, says so rather than "saved".
 */
START_TEST(test_batch_commit_fails)
{
	struct db_stmt	 ins = { "test.defer", "INSERT INTO dbdefer (v)"
	    " VALUES ($1) RETURNING pg_current_xact_id()::text", 1, 1 };
	struct db_stmt	 n = { "test.defer_n",
	    "SELECT count(*) FROM dbdefer WHERE v = $1", 1, 1 };
	const char	*p[2] = { "same", "same" };
	PGresult	*res;
	char		*c;

	ck_assert(db_send_batch(db, &ins, p, 2));
	sent_wait(db);
	ck_assert_ptr_nonnull(res = db_take_at(db, 0, PGRES_TUPLES_OK));
	PQclear(res);
	ck_assert_ptr_null(db_take_at(db, 1, PGRES_TUPLES_OK));
	ck_assert_msg(strstr(db_error(db), "duplicate key") != NULL, "%s",
	    db_error(db));
	db_discard(db);
	ck_assert_ptr_nonnull(c = db_val(killer, &n, p));
	ck_assert_str_eq(c, "1");
	free(c);
}
END_TEST

/* Only statements safe to send again are batched: a refusal, not a send. */
START_TEST(test_batch_needs_retry)
{
	struct db_stmt	 once = { "test.once", "SELECT $1::text", 1, 0 };
	const char	*p[2] = { "1", "2" };

	ck_assert(!db_send_batch(db, &once, p, 2));
	ck_assert_str_eq(db_error(db), "send test.once: a batch of 2");
	ck_assert(!db_sent(db));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("db");
	TCase	*tc = tcase_create("db");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_commit_and_rollback);
	tcase_add_test(tc, test_commit_after_error_fails);
	tcase_add_test(tc, test_no_retry_inside_transaction);
	tcase_add_test(tc, test_retry_outside_transaction);
	tcase_add_test(tc, test_request_end_rolls_back);
	tcase_add_test(tc, test_request_end_after_error);
	tcase_add_test(tc, test_prepare_after_reconnect);
	tcase_add_test(tc, test_one_statement_two_connections);
	tcase_add_test(tc, test_no_jit);
	tcase_add_test(tc, test_batch_is_one_transaction);
	tcase_add_test(tc, test_batch_one_fails_the_others_kept);
	tcase_add_test(tc, test_batch_after_lost_connection);
	tcase_add_test(tc, test_batch_commit_fails);
	tcase_add_test(tc, test_batch_needs_retry);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? 0 : 1);
}
