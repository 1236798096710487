"""The mail sender (svarctl mail) against a real SMTP server on loopback
(tests/mail/smtpd.py, Debian python3-aiosmtpd), which answers 4xx, 5xx
or drops the connection by recipient, or is not running at all. Every
check is on what arrived and what the outbox says, never on time."""
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

from svartest import Client, admin_login, new_admin, psql, new_token

SMTP_PORT = int(os.environ.get("SVAR_TEST_SMTP_PORT", "2498"))
FOLDER = os.path.abspath(".run/test-mail")
FROM = "Helsepersonellundersøkelsen <svar@svar.example>"


def sender_env():
    env = dict(os.environ)
    env.update({
        "SVAR_SMTP_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "SVAR_MAIL_FROM": FROM,
        "SVAR_MAIL_REPLY_TO": "hjelp@svar.example",
        "SVAR_MAIL_DB": "host=%s port=%s dbname=svar user=svar_mail" % (
            os.environ["PGHOST"], os.environ["PGPORT"]),
        "SVAR_MAIL_BATCH": "10",
    })
    return env


def once():
    return subprocess.run(["build/svarctl", "mail", "--once"],
                          env=sender_env(), capture_output=True, text=True,
                          check=True)


class Server:
    """The loopback SMTP server; start() waits until it listens."""

    def __init__(self, folder=FOLDER):
        self.p = None
        self.folder = folder

    def start(self):
        self.p = subprocess.Popen(["/usr/bin/python3", "tests/mail/smtpd.py",
                                   str(SMTP_PORT), self.folder],
                                  stdout=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", SMTP_PORT), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("smtpd did not start")

    def stop(self):
        if self.p is not None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(timeout=20)
            self.p = None


SERVER = Server()


def setUpModule():
    shutil.rmtree(FOLDER, ignore_errors=True)
    os.makedirs(FOLDER)
    settings(domain_per_minute=0, global_per_second=0, retry_base_seconds=1,
             retry_cap_seconds=2)
    SERVER.start()


def tearDownModule():
    SERVER.stop()
    psql("UPDATE mail_setting SET domain_per_minute = 60,"
         " global_per_second = 20, retry_base_seconds = 60,"
         " retry_cap_seconds = 3600, max_attempts = 20")


def settings(**kv):
    for k, v in kv.items():
        psql("UPDATE mail_setting SET %s = :'p0'" % k, v)


def enqueue(to, kind="recruit", subject="Emne", body="Tekst", **cols):
    names = ["kind", "to_addr", "subject", "body"] + list(cols)
    vals = [kind, to, subject, body] + [str(v) for v in cols.values()]
    ph = ", ".join(":'p%d'" % i for i in range(len(vals)))
    return int(psql("INSERT INTO outbox (%s) VALUES (%s) RETURNING id"
                    % (", ".join(names), ph), *vals)[0][0])


def row(oid):
    r = psql("SELECT attempts, sent_at IS NOT NULL, failed_at IS NOT NULL,"
             " bounced_at IS NOT NULL, coalesce(last_error, ''), body,"
             " coalesce(message_id, ''), coalesce(unsubscribe_url, ''),"
             " send_after > now() FROM outbox WHERE id = :'p0'", oid)[0]
    return {"attempts": int(r[0]), "sent": r[1] == "t", "failed": r[2] == "t",
            "bounced": r[3] == "t", "error": r[4], "body": r[5],
            "message_id": r[6], "unsubscribe": r[7], "later": r[8] == "t"}


def delivered():
    """Message-ID -> how many times it arrived."""
    n = {}
    path = os.path.join(FOLDER, "delivered.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                mid = line.split("\t")[0]
                n[mid] = n.get(mid, 0) + 1
    return n


def message(mid):
    for name in sorted(os.listdir(FOLDER)):
        if name.endswith(".eml"):
            with open(os.path.join(FOLDER, name), "rb") as f:
                m = email.message_from_binary_file(
                    f, policy=email.policy.default)
            if m["Message-ID"] == mid:
                return m
    return None


def until(cond, what, limit=120):
    """Polls for something that must happen; the limit only stops a hung
    run, it is not a measurement."""
    deadline = time.monotonic() + limit
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("never happened: " + what)
        time.sleep(0.2)


class Messages(unittest.TestCase):
    def test_personal_invitation_is_proper_mail(self):
        subject = "Invitasjon: Helsepersonellundersøkelsen om e-helse – " \
                  "svar innen fredag, takk for at du tar deg tid"
        body = ("Hei,\n\nsvar her: https://svar.example/r/abcdefgh2345678"
                "9234567892345678923\n.punktum først\nFrom linje\n"
                "æøå ÆØÅ = likhetstegn " + "lang " * 40 + "\n")
        oid = enqueue("lege1@kontor.example", kind="personal_invite",
                      subject=subject, body=body,
                      unsubscribe_url="https://svar.example/avmeld/k1")
        once()
        r = row(oid)
        self.assertTrue(r["sent"])
        # The body held a secret link: gone once it is delivered.
        self.assertEqual(r["body"], "")
        self.assertEqual(r["unsubscribe"], "")
        self.assertEqual(delivered().get(r["message_id"]), 1)
        m = message(r["message_id"])
        self.assertEqual(m["Subject"], subject)
        self.assertEqual(m["From"].addresses[0].display_name,
                         "Helsepersonellundersøkelsen")
        self.assertEqual(m["Reply-To"].addresses[0].addr_spec,
                         "hjelp@svar.example")
        self.assertEqual(m["To"].addresses[0].addr_spec,
                         "lege1@kontor.example")
        self.assertIsNotNone(m["Date"].datetime)
        self.assertEqual(m["List-Unsubscribe"],
                         "<https://svar.example/avmeld/k1>")
        self.assertEqual(m["List-Unsubscribe-Post"],
                         "List-Unsubscribe=One-Click")
        self.assertEqual(m["Content-Transfer-Encoding"], "quoted-printable")
        self.assertEqual(m.get_content_charset(), "utf-8")
        self.assertEqual(m.get_content().replace("\r\n", "\n"), body)

    def test_respondent_mail_needs_an_opt_out_link(self):
        with self.assertRaises(subprocess.CalledProcessError):
            enqueue("lege2@kontor.example", kind="personal_remind")

    def test_mail_to_a_unit_has_no_opt_out_header(self):
        oid = enqueue("postmottak@kommune1.example")
        once()
        m = message(row(oid)["message_id"])
        self.assertIsNone(m["List-Unsubscribe"])

    def test_bad_address_fails_without_sending(self):
        oid = enqueue("not an address")
        once()
        r = row(oid)
        self.assertTrue(r["failed"])
        self.assertFalse(r["bounced"])
        self.assertEqual(r["body"], "")


class Failures(unittest.TestCase):
    def test_4xx_is_retried_later_then_given_up(self):
        oid = enqueue("tempfail1@t.example")
        once()
        r = row(oid)
        self.assertEqual(r["attempts"], 1)
        self.assertFalse(r["sent"] or r["failed"])
        self.assertTrue(r["later"])
        self.assertTrue(r["error"].startswith("451"), r["error"])
        self.assertEqual(r["body"], "Tekst")
        # The last attempt allowed: given up, not bounced.
        psql("UPDATE outbox SET attempts = 19, send_after = now()"
             " WHERE id = :'p0'", oid)
        once()
        r = row(oid)
        self.assertTrue(r["failed"])
        self.assertFalse(r["bounced"])
        self.assertEqual(r["body"], "")

    def test_flaky_server_delivers_once(self):
        oid = enqueue("flaky2@f.example")
        until(lambda: once() and row(oid)["sent"], "flaky2 delivered")
        r = row(oid)
        self.assertEqual(r["attempts"], 3)
        self.assertEqual(delivered().get(r["message_id"]), 1)

    def test_dropped_connection_is_retried_not_bounced(self):
        oid = enqueue("drop1@d.example")
        once()
        r = row(oid)
        self.assertFalse(r["sent"] or r["failed"] or r["bounced"])
        self.assertTrue(r["later"])
        self.assertEqual(r["body"], "Tekst")
        psql("UPDATE outbox SET send_after = 'infinity' WHERE id = :'p0'",
             oid)

    def test_5xx_marks_invitation_contact_and_postmottak(self):
        url, code = new_token()
        inv = psql("SELECT id FROM invitation WHERE code = :'p0'",
                   code.replace("-", ""))[0][0]
        psql("UPDATE invitation SET email = 'bounce-inv@b.example'"
             " WHERE id = :'p0'", inv)
        o1 = enqueue("bounce-inv@b.example", kind="personal_invite",
                     invitation_id=inv,
                     unsubscribe_url="https://svar.example/avmeld/k2")
        wu = psql("SELECT wu.id FROM wave_unit wu LEFT JOIN contact c"
                  " ON c.wave_unit_id = wu.id WHERE c.id IS NULL"
                  " ORDER BY wu.id DESC LIMIT 1")[0][0]
        psql("INSERT INTO contact (wave_unit_id, name, email) VALUES"
             " (:'p0', 'Kari', 'bounce-contact@b.example')", wu)
        psql("UPDATE unit SET postmottak = 'bounce-post@b.example'"
             " WHERE id = (SELECT unit_id FROM wave_unit WHERE id = :'p0')",
             wu)
        o2 = enqueue("bounce-contact@b.example", wave_unit_id=wu)
        o3 = enqueue("bounce-post@b.example", wave_unit_id=wu)
        once()
        for oid in (o1, o2, o3):
            r = row(oid)
            self.assertTrue(r["bounced"] and r["failed"], oid)
            self.assertTrue(r["error"].startswith("550"), r["error"])
            self.assertEqual(r["body"], "")
        self.assertEqual(psql("SELECT bounced_at IS NOT NULL FROM invitation"
                              " WHERE id = :'p0'", inv), [["t"]])
        self.assertEqual(psql("SELECT bounced_at IS NOT NULL FROM contact"
                              " WHERE wave_unit_id = :'p0'", wu), [["t"]])
        self.assertEqual(psql("SELECT u.postmottak_bounced_at IS NOT NULL"
                              " FROM unit u JOIN wave_unit wu ON"
                              " wu.unit_id = u.id WHERE wu.id = :'p0'", wu),
                         [["t"]])
        # The admin sees it, with the server's reply.
        admin = Client()
        name, pw, secret = new_admin("admin")
        admin_login(admin, name, pw, secret)
        page = admin.get("/admin/outbox")
        self.assertEqual(page.status, 200)
        self.assertIn("bounce-post@b.example", page.body)
        self.assertIn('class="mail-bounced">bounced<', page.body)
        self.assertIn("550 RCPT failed", page.body)

    def test_the_sender_role_cannot_reach_beyond_the_outbox(self):
        for sql in ("UPDATE contact SET bounced_at = now()",
                    "UPDATE invitation SET bounced_at = now()",
                    "UPDATE outbox SET to_addr = 'x@y.example'",
                    "UPDATE outbox SET kind = 'x'",
                    "UPDATE mail_setting SET global_per_second = 0",
                    "DELETE FROM outbox"):
            r = subprocess.run(["psql", "-qAtX", "-U", "svar_mail", "-v",
                                "ON_ERROR_STOP=1", "-c", sql],
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0, sql)
            self.assertIn("permission denied", r.stderr, sql)


class Throttle(unittest.TestCase):
    def test_one_message_per_domain_per_slot(self):
        settings(domain_per_minute=1)
        try:
            # Domains of this run only: a slot lasts a minute.
            tag = "%d-%d" % (os.getpid(), time.time())
            ids = [enqueue(f"p{i}@{d}{tag}.throttle.example")
                   for d in ("a", "b") for i in range(3)]
            once()
            sent = [oid for oid in ids if row(oid)["sent"]]
            self.assertEqual(len(sent), 2)
            self.assertEqual({psql("SELECT domain FROM outbox WHERE id ="
                                   " :'p0'", oid)[0][0] for oid in sent},
                             {f"a{tag}.throttle.example",
                              f"b{tag}.throttle.example"})
            for oid in set(ids) - set(sent):
                self.assertEqual(row(oid)["attempts"], 0)
        finally:
            settings(domain_per_minute=0)
            psql("UPDATE outbox SET send_after = 'infinity' WHERE domain"
                 " LIKE '%.throttle.example' AND sent_at IS NULL")


def bulk(n, tag):
    return [int(r[0]) for r in psql(
        "INSERT INTO outbox (kind, to_addr, subject, body)"
        " SELECT 'recruit', 'r' || g || '@' || :'p0' || '.example',"
        " 'Emne ' || g, 'Tekst ' || g FROM generate_series(1, :'p1') g"
        " RETURNING id", tag, n)]


def outcome(ids):
    rows = psql("SELECT count(*) FILTER (WHERE sent_at IS NOT NULL),"
                " array_to_string(array_agg(message_id), ' ')"
                " FROM outbox WHERE id = ANY(string_to_array(:'p0', ',')"
                "::bigint[])", ",".join(map(str, ids)))[0]
    return int(rows[0]), rows[1].split()


class Concurrency(unittest.TestCase):
    def test_two_senders_race_over_1000_messages(self):
        ids = bulk(1000, "race")
        procs = [subprocess.Popen(["build/svarctl", "mail", "--once"],
                                  env=sender_env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outs = [p.communicate(timeout=600) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0, 0], outs)
        sent, mids = outcome(ids)
        self.assertEqual(sent, 1000)
        got = delivered()
        self.assertEqual(len(set(mids)), 1000)
        self.assertEqual([m for m in mids if got.get(m) != 1], [])
        # Their own counts add up (other mail already due in the test
        # database may go out with these).
        counts = [int(o.split()[2]) for o, _ in outs]
        self.assertGreaterEqual(sum(counts), 1000)

    def test_server_down_then_up_loses_nothing_sends_nothing_twice(self):
        down = int(os.environ.get("SVAR_TEST_MAIL_DOWN", "3"))
        ids = bulk(50, "outage")
        SERVER.stop()
        p = subprocess.Popen(["build/svarctl", "mail"], env=sender_env(),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            until(lambda: psql("SELECT count(*) FROM outbox WHERE id ="
                               " :'p0' AND attempts > 0", ids[0])[0][0]
                  != "0", "a first attempt while down")
            time.sleep(down)
            self.assertEqual(outcome(ids)[0], 0)
            SERVER.start()
            until(lambda: outcome(ids)[0] == 50, "all 50 sent", 120 + down)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
        sent, mids = outcome(ids)
        got = delivered()
        self.assertEqual([m for m in mids if got.get(m) != 1], [])
        self.assertEqual(psql("SELECT count(*) FROM outbox WHERE id ="
                              " ANY(string_to_array(:'p0', ',')::bigint[])"
                              " AND failed_at IS NOT NULL",
                              ",".join(map(str, ids))), [["0"]])


if __name__ == "__main__":
    unittest.main()
