"""A respondent whose statement waits does not hold up the others on the
same worker (app/web/web_async.c, issue 14 §4). Before, a worker waited
for PostgreSQL with every other connection it held queued behind it.

These tests run their own Kore with one worker, so every connection is
on the worker whose statement waits. The wait is a row lock held from
psql: ordering, not timing, decides. A blocking worker could serve the
second respondent only after the first one's statement ended, and that
statement ends only when the test lets go of the lock (or at the
5-second statement_timeout, which the tests see as a 503)."""
import os
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.parse

from svartest import (BASE, Client, csrf, key_of, new_token, psql,
                      response_row)

PORT = urllib.parse.urlparse(BASE).port + 30
URL = f"http://127.0.0.1:{PORT}"


# The module under ASan, or (SVAR_ASYNC_PRODUCTION=1, the hostile pass)
# as production builds it: ASan's allocator hides system calls that
# seccomp kills a worker for, and this Kore is not chrooted, so libpq
# sees the machine's files (a GSSAPI probe over TCP killed every worker).
PRODUCTION = os.environ.get("SVAR_ASYNC_PRODUCTION") == "1"
LOG = os.path.abspath(".run/kore-async1.log")


def start_kore(name="async1", port=PORT, pool=None):
    conf = subprocess.run(["scripts/kore-conf.sh", name, str(port), "1"],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
    if not PRODUCTION:
        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text.replace("build/svar.so", "build/svar-asan.so"))
    asan = subprocess.run(["cc", "-print-file-name=libasan.so"],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
    # Over TCP with TLS, as production reaches PostgreSQL (README,
    # Production): OpenSSL may hold bytes libpq did not read yet.
    pgport = os.environ.get("PGPORT", "5432")
    url = f"http://127.0.0.1:{port}"
    os.makedirs(".run/asan", exist_ok=True)
    env = dict(os.environ, LD_PRELOAD=asan,
               ASAN_OPTIONS="detect_leaks=0:log_path="
               + os.path.abspath(".run/asan/asan"),
               UBSAN_OPTIONS="print_stacktrace=1:log_path="
               + os.path.abspath(".run/asan/ubsan"),
               SVAR_BASE_URL=url,
               SVAR_DB=f"host=127.0.0.1 port={pgport} dbname=svar"
               " user=svar_app sslmode=require application_name=svar-"
               + name,
               SVAR_ADMIN_DB=f"host=127.0.0.1 port={pgport} dbname=svar"
               " user=svar_admin sslmode=require")
    if pool is not None:
        env["SVAR_DB_POOL"] = str(pool)
    if PRODUCTION:
        del env["LD_PRELOAD"]
    log = open(os.path.abspath(f".run/kore-{name}.log"), "w")
    proc = subprocess.Popen(["kore", "-f", "-n", "-r", "-c", conf],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    for _ in range(100):
        if proc.poll() is not None:
            break
        try:
            if Client(base=url).get("/healthz").status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise AssertionError("the one-worker Kore did not start")


def stop_kore(proc):
    # As scripts/stop-pid.sh: Kore under ASan can hang on its way out.
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)])
        proc.kill()
        proc.wait(timeout=30)


class Lock:
    """A response row held FOR UPDATE by psql until release()."""

    def __init__(self, key):
        self.p = subprocess.Popen(
            ["psql", "-qAtX", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.p.stdin.write("SET application_name = 'svar-test-lock';\n"
                           "BEGIN;\nSELECT id FROM response WHERE selector"
                           f" = '{key[:8]}' FOR UPDATE;\n")
        self.p.stdin.flush()
        wait_for("SELECT count(*) FROM pg_stat_activity WHERE"
                 " application_name = 'svar-test-lock' AND state ="
                 " 'idle in transaction'")

    def release(self):
        self.p.stdin.write("COMMIT;\n")
        self.p.stdin.close()
        self.p.wait(timeout=30)


# Statements waiting for a lock; only the saves of these tests do. (The
# test's role may not read the app's pg_stat_activity rows; pg_locks it
# may.)
WAITING = "SELECT count(*) FROM pg_locks WHERE NOT granted"


def waiting_saves():
    return int(psql(WAITING)[0][0])


def wait_for(sql, n=1):
    for _ in range(200):
        if int(psql(sql)[0][0]) >= n:
            return
        time.sleep(0.05)
    raise AssertionError("never came: " + sql)


def post_in_thread(client, path, fields, out):
    def run():
        try:
            out.append(client.post(path, fields))
        except Exception as e:      # the assertion that reads out says what
            out.append(e)
    t = threading.Thread(target=run)
    t.start()
    return t


def opened(client):
    """A fresh personal invitation opened: (key, page 1 with its form),
    nothing saved yet."""
    url, _ = new_token()
    r = client.follow(url[url.index("/r/"):])
    assert r.status == 200, (r.status, r.body[:200])
    key = key_of(r.path)
    assert response_row(key)[2] == "", response_row(key)
    return key, r


class Waiting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kore = start_kore()

    @classmethod
    def tearDownClass(cls):
        stop_kore(cls.kore)

    def post_in_thread(self, client, path, fields, out):
        return post_in_thread(client, path, fields, out)

    def test_others_are_served_while_a_save_waits(self):
        a, b = Client(base=URL, keep=True), Client(base=URL, keep=True)
        self.addCleanup(a.keep.close)
        self.addCleanup(b.keep.close)
        akey, apage = opened(a)
        lock = Lock(akey)
        got = []
        try:
            t = self.post_in_thread(a, apage.path, {
                "csrf": csrf(apage.body), "nav": "next"}, got)
            wait_for(WAITING)
            # Someone else, on the same (only) worker: opened, a page
            # read from the database, a save, the next page.
            bkey, bpage = opened(b)
            r = b.post(bpage.path, {"csrf": csrf(bpage.body), "nav": "next"})
            self.assertEqual(r.status, 303)
            self.assertEqual(b.follow(r.raw_location).status, 200)
            self.assertTrue(response_row(bkey)[2])
            # ...all while the first save still waited for its lock.
            self.assertTrue(t.is_alive())
            self.assertEqual(waiting_saves(), 1)
            self.assertEqual(got, [])
        finally:
            lock.release()
        t.join(timeout=30)
        self.assertEqual(len(got), 1)
        self.assertNotIsInstance(got[0], Exception)
        self.assertEqual(got[0].status, 303, got[0].body[:300])
        self.assertTrue(response_row(akey)[2])

    def test_a_client_that_leaves_does_not_lose_its_save(self):
        """The save goes on without its requester, as a blocking one
        would have, and the connection is given back: five more saves
        waiting at once (one more than a worker's pool) all end."""
        a = Client(base=URL)
        akey, apage = opened(a)
        body = urllib.parse.urlencode({"csrf": csrf(apage.body),
                                       "nav": "next"})
        lock = Lock(akey)
        try:
            s = socket.create_connection(("127.0.0.1", PORT))
            s.sendall((f"POST {apage.path} HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n{body}")
                      .encode())
            wait_for(WAITING)
            s.close()
        finally:
            lock.release()
        wait_for("SELECT count(*) FROM response WHERE selector ="
                 f" '{akey[:8]}' AND page_id IS NOT NULL")
        # Five people whose saves all wait: four on the pool, one queued
        # for a connection, none lost when the locks go.
        people = [Client(base=URL, keep=True) for _ in range(5)]
        for c in people:
            self.addCleanup(c.keep.close)
        opened_ = [opened(c) for c in people]
        locks = [Lock(k) for k, _ in opened_]
        got, threads = [], []
        try:
            for c, (k, pg) in zip(people, opened_):
                threads.append(self.post_in_thread(c, pg.path, {
                    "csrf": csrf(pg.body), "nav": "next"}, got))
            wait_for(WAITING, 4)
        finally:
            for lk in locks:
                lk.release()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(sorted(getattr(r, "status", r) for r in got),
                         [303] * 5)
        for k, _ in opened_:
            self.assertTrue(response_row(k)[2])

    def test_its_connections_lost_the_pool_goes_on(self):
        """PostgreSQL ends every connection of this Kore, as a restart
        does, while the pooled ones are idle: the next reads and saves
        go out on new connections, none answered 503, and the socket
        the loop watched (often reused by the new connection) does not
        kill the worker."""
        a = Client(base=URL, keep=True)
        self.addCleanup(a.keep.close)
        key, page = opened(a)
        r = a.post(page.path, {"csrf": csrf(page.body), "nav": "next"})
        self.assertEqual(r.status, 303)
        for _ in range(2):
            ended = psql("SELECT count(pg_terminate_backend(pid)) FROM"
                         " pg_stat_activity WHERE application_name ="
                         " 'svar-async1'", user="svar_app")
            self.assertGreaterEqual(int(ended[0][0]), 2)
            for c in (a, Client(base=URL)):
                k, pg = opened(c)
                r = c.post(pg.path, {"csrf": csrf(pg.body), "nav": "next"})
                self.assertEqual(r.status, 303, r.body[:300])
                r = c.follow(r.raw_location)
                self.assertEqual(r.status, 200)
                self.assertTrue(response_row(k)[2])
        self.assertEqual(self.kore.poll(), None)

    def test_its_connections_use_tls(self):
        """The pooled connections this Kore made are TLS ones (the rest
        of this class then runs over TLS, as production does)."""
        a = Client(base=URL)
        key, page = opened(a)
        r = a.post(page.path, {"csrf": csrf(page.body), "nav": "next"})
        self.assertEqual(r.status, 303)
        rows = psql("SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM"
                    " pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                    " WHERE a.application_name = 'svar-async1'",
                    user="svar_app")
        n, tls = int(rows[0][0]), int(rows[0][1])
        self.assertGreaterEqual(n, 2)
        self.assertEqual(tls, n)

    def test_zz_no_worker_died(self):
        """Last (by name): Kore's parent logged no worker lost, to a
        sandbox violation or anything else, in all of the above."""
        with open(LOG) as f:
            lost = [line for line in f if "sandbox violation" in line
                    or "restarting worker" in line]
        self.assertEqual(lost, [])


BPORT = PORT + 1
BURL = f"http://127.0.0.1:{BPORT}"


def xmin_of(key):
    return psql("SELECT xmin FROM response WHERE selector ="
                f" '{key[:8]}'")[0][0]


class Batched(unittest.TestCase):
    """Page saves that gather while the worker's save is out go out
    together, one transaction for all (web_async.c). This Kore's worker
    has one pooled connection, so a save held by a row lock keeps the
    others gathering, whatever the timing."""

    @classmethod
    def setUpClass(cls):
        cls.kore = start_kore("async2", BPORT, pool=1)

    @classmethod
    def tearDownClass(cls):
        stop_kore(cls.kore)

    def person(self):
        """Opened and its first page saved, so that this worker
        remembers the response and its next save needs no read."""
        c = Client(base=BURL, keep=True)
        self.addCleanup(c.keep.close)
        key, page = opened(c)
        r = c.post(page.path, {"csrf": csrf(page.body), "nav": "next"})
        self.assertEqual(r.status, 303, r.body[:300])
        page = c.follow(r.raw_location)
        self.assertEqual(page.status, 200)
        return c, key, page

    def test_saves_that_gather_go_in_one_transaction(self):
        a, akey, apage = self.person()
        others = [self.person() for _ in range(3)]
        # The third one's response is held too: in a batch it must not
        # hold up the others, but go again alone (DB_LOCKED).
        lock, held = Lock(akey), None
        got_a, got, threads = [], [], []
        try:
            threads.append(post_in_thread(a, apage.path, {
                "csrf": csrf(apage.body), "nav": "next"}, got_a))
            wait_for(WAITING)
            held = Lock(others[2][1])
            for c, k, pg in others:
                threads.append(post_in_thread(c, pg.path, {
                    "csrf": csrf(pg.body), "nav": "next"}, got))
            # Their requests are in the worker, asleep in the batch
            # forming (the only connection waits for the lock); this
            # is the one wait on time, for requests to cross loopback.
            time.sleep(1)
            self.assertEqual(got, [])
            self.assertEqual(waiting_saves(), 1)
        finally:
            lock.release()
        # The two whose rows are free are saved, together, while the
        # third still waits for its lock, alone on the connection.
        wait_for(WAITING)
        for _ in range(200):
            if len(got) >= 2:
                break
            time.sleep(0.05)
        self.assertEqual(sorted(r.status for r in got), [303, 303])
        self.assertEqual(xmin_of(others[0][1]), xmin_of(others[1][1]))
        self.assertNotEqual(xmin_of(akey), xmin_of(others[0][1]))
        held.release()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(len(got_a), 1)
        self.assertEqual(got_a[0].status, 303)
        self.assertEqual(sorted(getattr(r, "status", r) for r in got),
                         [303] * 3)
        for k in [akey] + [k for _, k, _ in others]:
            row = response_row(k)
            self.assertTrue(row[2])

    def test_a_client_that_leaves_before_its_save_went(self):
        """A save still gathering when its client leaves is dropped, as
        a statement that waited for a connection is (it was never told
        saved), and the worker goes on: the next saves are made."""
        a, akey, apage = self.person()
        b, bkey, bpage = self.person()
        before = xmin_of(bkey)
        body = urllib.parse.urlencode({"csrf": csrf(bpage.body),
                                       "nav": "next"})
        lock, got = Lock(akey), []
        try:
            t = post_in_thread(a, apage.path, {
                "csrf": csrf(apage.body), "nav": "next"}, got)
            wait_for(WAITING)
            s = socket.create_connection(("127.0.0.1", BPORT))
            s.sendall((f"POST {bpage.path} HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n{body}")
                      .encode())
            time.sleep(1)
            s.close()
            time.sleep(0.5)
        finally:
            lock.release()
        t.join(timeout=30)
        self.assertEqual(got[0].status, 303)
        self.assertEqual(xmin_of(bkey), before)
        # The worker is well and its one connection free: b saves now.
        r = b.post(bpage.path, {"csrf": csrf(bpage.body), "nav": "next"})
        self.assertEqual(r.status, 303, r.body[:300])
        self.assertNotEqual(xmin_of(bkey), before)

    def test_zz_no_worker_died(self):
        with open(os.path.abspath(".run/kore-async2.log")) as f:
            lost = [line for line in f if "sandbox violation" in line
                    or "restarting worker" in line]
        self.assertEqual(lost, [])
