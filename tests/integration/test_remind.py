"""Reminder rules, their preview and send, the mail templates and the
opt-out, against a synthetic wave the test builds (its own survey,
tests/defs/remind.svar): units at every recruitment stage and personal
invitations completed, opted out, declined, bounced and open. Who must
be mailed is worked out here from what the test made, never from Svar's
query; the clock is moved by moving the wave's timestamps back. Mail
goes through svarctl mail to the loopback SMTP server and is read back
decoded."""
import email
import email.policy
import os
import re
import shutil
import subprocess
import unittest

from svartest import Client, admin_login, csrf, new_admin, psql
from test_mail import Server, once, settings

FOLDER = os.path.abspath(".run/test-remind-mail")
SERVER = Server(FOLDER)
TAG = "rm%d" % os.getpid()
FEWER = "færre enn 5"

# Units: code, stage, days since it reached the stage, postmottak
# bounced, contact (None, ok, bounced), forwarded count, completed,
# opened responses.
UNITS = [
    ("u01", "invited", 10, False, None, None, 0, 0),     # no contact: due
    ("u02", "invited", 10, True, None, None, 0, 0),      # bounced
    ("u03", "invited", 2, False, None, None, 0, 0),      # too early
    ("u04", "declined", 10, False, None, None, 0, 0),    # declined
    ("u05", "accepted", 10, False, "ok", None, 0, 0),    # not forwarded: due
    ("u06", "accepted", 10, False, "bounced", None, 0, 0),
    ("u07", "accepted", 3, False, "ok", None, 0, 0),     # too early
    ("u08", "distributed", 10, False, "ok", 20, 1, 3),   # 5 %: due
    ("u09", "distributed", 10, False, "ok", 4, 3, 3),    # 75 %
    ("u10", "responding", 10, False, "ok", 100, 5, 7),   # 5 %: due
    ("u11", "distributed", 10, False, "ok", None, 0, 2),  # no headcount
    ("u12", "frame", 10, False, None, None, 0, 0),
]
# Personal invitations: name, status, e-mail, days since the letter
# (None: no letter), opted out, bounced, at the office that declined.
INVITES = [
    ("i01", "invited", True, 10, False, False, False),   # due
    ("i02", "completed", True, 10, False, False, False),
    ("i03", "invited", True, 10, True, False, False),    # opted out
    ("i04", "invited", True, 10, False, True, False),    # bounced
    ("i05", "invited", False, 10, False, False, False),  # no address
    ("i06", "invited", True, 2, False, False, False),    # too early
    ("i07", "started", True, 10, False, False, False),   # due: resumes
    ("i08", "opened", True, 10, False, False, True),     # office declined
    ("i09", "invited", True, None, False, False, False),  # never invited
    ("i10", "invited", True, 10, False, False, False),   # opts out
    ("i11", "invited", True, 2, False, False, False),    # looks only
]
# Changed by the tests as they go: invitations opted out, and those
# e-mailed the invitation (days ago, after the clock was moved).
OPTED = set()
EMAILED = {}


def addr(name):
    return f"{name}-{TAG}@remind.example"


def setUpModule():
    shutil.rmtree(FOLDER, ignore_errors=True)
    os.makedirs(FOLDER)
    settings(domain_per_minute=0, global_per_second=0)
    SERVER.start()
    try:
        make_wave()
    except BaseException:
        # tearDownModule does not run when this fails: stop it here.
        tearDownModule()
        raise


def make_wave():
    global ADMIN, WAVE, FASTLEGE
    subprocess.run(["build/svarctl", "load", "tests/defs/remind.svar"],
                   check=True, capture_output=True)
    # A wave of this run's own (the definition's, copied to the year
    # before its oldest, so no page takes it for the newest wave), so a
    # second run on the same database starts clean.
    WAVE = psql("""
        WITH w AS (INSERT INTO wave (survey_id, year, closes_at)
                   SELECT w.survey_id, (SELECT min(year) - 1 FROM wave
                          WHERE survey_id = w.survey_id),
                          now() + interval '30 days'
                     FROM wave w JOIN survey s ON s.id = w.survey_id
                    WHERE s.key = 'testremind' AND w.year = 2019
                   RETURNING id)
        INSERT INTO version (wave_id, key, definition_id)
        SELECT w.id, v.key, v.definition_id FROM w, version v
          JOIN wave x ON x.id = v.wave_id JOIN survey s ON s.id =
               x.survey_id WHERE s.key = 'testremind' AND x.year = 2019
        RETURNING wave_id""")[0][0]
    kommune, FASTLEGE, definition = psql(
        "SELECT (SELECT id FROM version WHERE wave_id = :'p0' AND key ="
        " 'rkommune'), (SELECT id FROM version WHERE wave_id = :'p0' AND"
        " key = 'rlege'), (SELECT definition_id FROM version WHERE"
        " wave_id = :'p0' LIMIT 1)", WAVE)[0]
    for code, stage, days, pbounce, contact, fwd, done, opened in UNITS:
        wu = psql("""
            WITH u AS (INSERT INTO unit (kind, code, name, postmottak,
                       postmottak_bounced_at)
                       VALUES ('kommune', :'p1', :'p2', :'p3',
                       CASE WHEN :'p4' THEN now() END) RETURNING id)
            INSERT INTO wave_unit (wave_id, unit_id, stage, forwarded_count,
                   forwarded_at, portal_selector, portal_verifier)
            SELECT :'p0', u.id, :'p5', nullif(:'p6', '')::integer,
                   CASE WHEN :'p6' <> '' THEN now() - :'p7' * interval
                   '1 day' END, svar_random_key(8), svar_random_key(26)
              FROM u RETURNING id""", WAVE, f"{TAG}{code}",
                  f"Kommune {code.upper()}", addr("post" + code),
                  str(pbounce).lower(), stage,
                  "" if fwd is None else fwd, days)[0][0]
        psql("INSERT INTO unit_event (wave_unit_id, from_stage, to_stage,"
             " actor, at) VALUES (:'p0', 'frame', :'p1', 'test', now() -"
             " :'p2' * interval '1 day')", wu, stage, days)
        if contact:
            psql("INSERT INTO contact (wave_unit_id, name, email, bounced_at)"
                 " VALUES (:'p0', :'p1', :'p2', CASE WHEN :'p3' = 'bounced'"
                 " THEN now() END)", wu, f"Kontakt {code}",
                 addr("kontakt" + code), contact)
        link = psql("INSERT INTO unit_link (wave_unit_id, version_id,"
                    " selector, verifier) VALUES (:'p0', :'p1',"
                    " svar_random_key(8), svar_random_key(26)) RETURNING id",
                    wu, kommune)[0][0]
        for j in range(opened):
            psql("INSERT INTO response (version_id, definition_id,"
                 " unit_link_id, status, selector, verifier, csrf) VALUES"
                 " (:'p0', :'p1', :'p2', :'p3', svar_random_key(8),"
                 " svar_random_key(26), 'c')", kommune, definition, link,
                 "completed" if j < done else "opened")
    office = psql("SELECT wu.unit_id FROM wave_unit wu JOIN unit u ON"
                  " u.id = wu.unit_id WHERE u.code = :'p0'",
                  f"{TAG}u04")[0][0]
    for name, status, has_mail, days, out, bounced, declined in INVITES:
        psql("""
            WITH i AS (INSERT INTO invitation (version_id, unit_id, code,
                       email, letter_sent_at, opted_out_at, bounced_at)
                       VALUES (:'p0', CASE WHEN :'p7' THEN
                       :'p8'::integer END, upper(svar_random_key(10)),
                       nullif(:'p2', ''), now() - nullif(:'p3', '')::integer
                       * interval '1 day', CASE WHEN :'p4' THEN now() END,
                       CASE WHEN :'p5' THEN now() END) RETURNING id)
            INSERT INTO response (version_id, definition_id, invitation_id,
                   status, selector, verifier, csrf, channel, lang)
            SELECT :'p0', :'p1', i.id, :'p6', svar_random_key(8),
                   svar_random_key(26), 'c', 'personal', 'en' FROM i""",
             FASTLEGE, definition, addr(name) if has_mail else "",
             "" if days is None else days, str(out).lower(),
             str(bounced).lower(), status, str(declined).lower(), office)
    global YEAR
    YEAR = psql("SELECT year FROM wave WHERE id = :'p0'", WAVE)[0][0]
    ADMIN = Client()
    n, p, s = new_admin("admin")
    assert admin_login(ADMIN, n, p, s).location == "/admin"


def tearDownModule():
    SERVER.stop()
    psql("UPDATE mail_setting SET domain_per_minute = 60,"
         " global_per_second = 20")


def expected(kind):
    """The addresses a rule of this kind (after 7 days, 50 %) must mail
    now, from the fixture above."""
    out = set()
    for code, stage, days, pb, contact, fwd, done, opened in UNITS:
        if kind == "no_contact" and stage == "invited" and days >= 7 \
                and not pb:
            out.add(addr("post" + code))
        if contact == "ok" and days >= 7 and (
                (kind == "not_distributed" and stage == "accepted") or
                (kind == "low_rate" and stage in ("distributed",
                                                  "responding")
                 and fwd and done * 100 < 50 * fwd)):
            out.add(addr("kontakt" + code))
    for name, status, has_mail, days, out_, bounced, declined in INVITES:
        if not has_mail or status == "completed" or out_ or bounced \
                or declined or name in OPTED:
            continue
        # Due 7 days after the first letter or mail, and 7 days after
        # the last one (the gap).
        known = [d for d in (days, EMAILED.get(name)) if d is not None]
        if kind == "personal" and known and min(known) >= 7:
            out.add(addr(name))
        if kind == "invite" and name not in EMAILED:
            out.add(addr(name))
    return out


def page(path="/admin/remind", **q):
    query = "&".join(f"{k}={v}" for k, v in dict(wave=WAVE, **q).items())
    return ADMIN.get(f"{path}?{query}")


def add_rule(kind, **fields):
    form = {"action": "add", "wave": WAVE, "kind": kind, "after_days": 7,
            "gap_days": 7, "max_per_person": 2, "max_per_unit": 3,
            "rate_below": ""}
    form.update(fields)
    form["csrf"] = csrf(page().body)
    r = ADMIN.post("/admin/remind", form)
    assert r.status == 303, (r.status, r.body[:800])
    return psql("SELECT max(id) FROM remind_rule WHERE wave_id = :'p0'",
                WAVE)[0][0]


def preview(rule):
    """The preview's recipients (address -> reason) and its send form."""
    r = page(preview=rule)
    assert r.status == 200, (r.status, r.body[:500])
    rows = re.findall(r'<tr data-unit="\d+" data-invitation="\d+"><td>'
                      r'([^<]+)</td><td>[^<]*</td><td>([^<]*)</td>', r.body)
    n = int(re.search(r'id="due-count">(\d+)<', r.body).group(1))
    m = re.search(r'name="digest" value="([0-9a-f]+)"', r.body)
    return dict(rows), n, (m.group(1) if m else None), csrf(r.body)


def send(rule, digest, token):
    return ADMIN.post("/admin/remind", {"action": "send", "wave": WAVE,
                                        "rule": rule, "digest": digest,
                                        "csrf": token})


def sent_by(rule):
    """What the outbox holds from this rule's runs: address -> row."""
    rows = psql("SELECT o.to_addr, o.id, o.kind, o.lang,"
                " coalesce(o.unsubscribe_url, '') FROM remind_sent s"
                " JOIN remind_run r ON r.id = s.run_id JOIN outbox o ON"
                " o.id = s.outbox_id WHERE r.rule_id = :'p0'", rule)
    return rows


def backdate(days):
    """Moves this wave's clock: every reminder sent lies days further
    back."""
    psql("UPDATE remind_sent SET at = at - :'p0' * interval '1 day'"
         " WHERE run_id IN (SELECT x.id FROM remind_run x JOIN remind_rule"
         " r ON r.id = x.rule_id WHERE r.wave_id = :'p1')", days, WAVE)


def delivered(oid):
    """The decoded mail of an outbox row, once the sender sent it."""
    once()
    mid = psql("SELECT coalesce(message_id, '') FROM outbox WHERE id ="
               " :'p0'", oid)[0][0]
    for name in sorted(os.listdir(FOLDER)):
        if name.endswith(".eml"):
            with open(os.path.join(FOLDER, name), "rb") as f:
                m = email.message_from_binary_file(
                    f, policy=email.policy.default)
            if m["Message-ID"] == mid:
                return m
    raise AssertionError("mail %s did not arrive" % oid)


def body(m):
    return m.get_content().replace("\r\n", "\n")


class Rules(unittest.TestCase):
    def check_kind(self, kind, **fields):
        rule = add_rule(kind, **fields)
        want = expected(kind)
        got, n, digest, token = preview(rule)
        self.assertEqual(set(got), want)
        self.assertEqual(n, len(want))
        r = send(rule, digest, token)
        self.assertEqual(r.status, 303, r.body[:500])
        rows = sent_by(rule)
        # What went is what was previewed: the same people, once each.
        self.assertEqual(sorted(x[0] for x in rows), sorted(want))
        run = psql("SELECT actor, sent FROM remind_run WHERE rule_id ="
                   " :'p0'", rule)
        self.assertEqual(len(run), 1)
        self.assertEqual(int(run[0][1]), len(want))
        self.assertEqual(int(psql(
            "SELECT count(*) FROM audit WHERE action = 'remind.send' AND"
            " object = :'p0'", f"rule {rule}")[0][0]), 1)
        # Nothing again before the gap is over.
        self.assertEqual(preview(rule)[1], 0)
        return rule, {x[0]: x for x in rows}, got

    def test_no_contact_goes_to_postmottak_again(self):
        rule, rows, why = self.check_kind("no_contact")
        a = addr("postu01")
        self.assertIn("10 dager", why[a])
        m = delivered(rows[a][1])
        key = psql("SELECT portal_selector || portal_verifier FROM"
                   " wave_unit wu JOIN unit u ON u.id = wu.unit_id WHERE"
                   " u.code = :'p0'", f"{TAG}u01")[0][0]
        self.assertIn("Påminnelse", m["Subject"])
        self.assertIn("Kommune U01", m["Subject"])
        self.assertIn("/k/" + key, body(m))
        self.assertIn("10 dager", body(m))
        self.assertIsNone(m["List-Unsubscribe"])
        # The unit's history says so.
        self.assertTrue(psql(
            "SELECT 1 FROM unit_event e JOIN wave_unit wu ON wu.id ="
            " e.wave_unit_id JOIN unit u ON u.id = wu.unit_id WHERE"
            " u.code = :'p0' AND e.note LIKE 'reminder (no_contact)%'",
            f"{TAG}u01"))

    def test_not_distributed_to_the_contact_person(self):
        rule, rows, _ = self.check_kind("not_distributed")
        m = delivered(rows[addr("kontaktu05")][1])
        self.assertIn("Kontakt u05", body(m))
        self.assertIn("invitasjonen er sendt videre ennå", body(m))

    def test_low_rate_counts_hidden_under_five(self):
        rule, rows, _ = self.check_kind("low_rate", rate_below=50)
        small = body(delivered(rows[addr("kontaktu08")][1]))
        self.assertIn("Har svart ferdig: " + FEWER, small)
        self.assertIn("Har åpnet lenken: " + FEWER, small)
        self.assertIn("Invitasjonen er sendt til: 20", small)
        big = body(delivered(rows[addr("kontaktu10")][1]))
        self.assertIn("Har svart ferdig: 5\n", big)
        self.assertIn("Har åpnet lenken: 7\n", big)

    def test_personal_reminder_carries_the_same_link(self):
        rule, rows, _ = self.check_kind("personal")
        for name in ("i01", "i07"):
            row = rows[addr(name)]
            self.assertEqual(row[2], "personal_remind")
            key, okey, code = psql(
                "SELECT r.selector || r.verifier, i.optout_selector ||"
                " i.optout_verifier, i.code FROM invitation i JOIN response"
                " r ON r.invitation_id = i.id WHERE i.email = :'p0'",
                addr(name))[0]
            m = delivered(row[1])
            text = body(m)
            # The response's own link (it resumes), never a new one.
            self.assertIn("/r/" + key + "\n", text)
            self.assertIn("%s-%s" % (code[:5], code[5:]), text)
            self.assertEqual(m["List-Unsubscribe"],
                             "<%s/avmeld/%s>" % (os.environ.get(
                                 "SVAR_TEST_URL", "http://127.0.0.1:8898"),
                                 okey))
            self.assertIn("/avmeld/" + okey, text)
            # In the respondent's language (English here).
            self.assertTrue(m["Subject"].startswith("Reminder: "))
        self.assertEqual(int(psql("SELECT count(*) FROM response WHERE"
                                  " version_id = :'p0'", FASTLEGE)[0][0]),
                         len(INVITES))

    def test_caps_and_gaps(self):
        rule = add_rule("no_contact", gap_days=5, max_per_person=2,
                        max_per_unit=3)
        other = add_rule("not_distributed", gap_days=5, max_per_person=5,
                         max_per_unit=2)
        # Other rules' sends in this module may already count: start
        # from what the database says was sent, then move the clock.
        for _ in range(4):
            backdate(6)
            for r in (rule, other):
                got, n, digest, token = preview(r)
                if n:
                    self.assertEqual(send(r, digest, token).status, 303)
            # Within the gap nothing is due.
            self.assertEqual(preview(rule)[1], 0)
            self.assertEqual(preview(other)[1], 0)
        per_addr = psql(
            "SELECT s.to_addr, count(*) FROM remind_sent s JOIN remind_run"
            " x ON x.id = s.run_id JOIN remind_rule r ON r.id = x.rule_id"
            " WHERE r.wave_id = :'p0' AND s.invitation_id IS NULL GROUP BY"
            " 1", WAVE)
        for a, n in per_addr:
            if a.startswith("post"):
                self.assertEqual(int(n), 2, a)      # max per person
        per_unit = psql(
            "SELECT s.wave_unit_id, count(*) FROM remind_sent s JOIN"
            " remind_run x ON x.id = s.run_id JOIN remind_rule r ON r.id ="
            " x.rule_id WHERE r.wave_id = :'p0' AND s.invitation_id IS"
            " NULL GROUP BY 1", WAVE)
        for wu, n in per_unit:
            self.assertLessEqual(int(n), 3)
        for wu in ("u01", "u05"):
            self.assertTrue(any(a.startswith("post" + wu) or
                                a.startswith("kontakt" + wu)
                                for a, _ in per_addr), wu)
        # Consecutive reminders to one unit are at least the gap apart
        # (each backdate moved all of them by the same days).
        gaps = psql(
            "SELECT min(d) FROM (SELECT s.at - lag(s.at) OVER (PARTITION BY"
            " s.wave_unit_id ORDER BY s.id) AS d FROM remind_sent s WHERE"
            " s.wave_unit_id IS NOT NULL) x WHERE d IS NOT NULL")[0][0]
        self.assertNotEqual(gaps, "")
        self.assertTrue(psql("SELECT :'p0'::interval >= interval '5 days'",
                             gaps)[0][0] == "t", gaps)
        # Leave the other tests a wave without these reminders.
        for r in (rule, other):
            psql("DELETE FROM remind_sent WHERE run_id IN (SELECT id FROM"
                 " remind_run WHERE rule_id = :'p0')", r)
            psql("DELETE FROM remind_run WHERE rule_id = :'p0'", r)
            psql("UPDATE remind_rule SET active = false WHERE id = :'p0'",
                 r)

    def test_changed_list_is_not_sent(self):
        rule = add_rule("personal", after_days=0, gap_days=0,
                        max_per_person=20)
        got, n, digest, token = preview(rule)
        self.assertGreater(n, 0)
        victim = sorted(got)[0]
        psql("UPDATE response SET status = 'completed' WHERE invitation_id"
             " = (SELECT id FROM invitation WHERE email = :'p0')", victim)
        try:
            r = send(rule, digest, token)
            self.assertEqual(r.status, 409)
            self.assertIn("Ingenting er sendt", r.body)
            self.assertEqual(sent_by(rule), [])
            got2, n2, digest2, token2 = preview(rule)
            self.assertEqual(set(got2), set(got) - {victim})
        finally:
            psql("UPDATE response SET status = 'invited' WHERE"
                 " invitation_id = (SELECT id FROM invitation WHERE email ="
                 " :'p0')", victim)
            psql("UPDATE remind_rule SET active = false WHERE id = :'p0'",
                 rule)

    def test_invitation_by_email_once(self):
        rule, rows, _ = self.check_kind("invite", after_days=0)
        m = delivered(rows[addr("i09")][1])
        self.assertTrue(m["Subject"].startswith("Invitation: "))
        self.assertIsNotNone(m["List-Unsubscribe"])
        self.assertEqual(psql("SELECT email_sent_at IS NOT NULL FROM"
                              " invitation WHERE email = :'p0'",
                              addr("i09"))[0][0], "t")
        again = add_rule("invite", after_days=0)
        self.assertEqual(preview(again)[1], 0)
        # Move the clock: the invitations went a month ago.
        psql("UPDATE invitation SET email_sent_at = email_sent_at -"
             " interval '30 days' WHERE version_id = :'p0' AND"
             " email_sent_at IS NOT NULL", FASTLEGE)
        for a in rows:
            EMAILED[a.split("-")[0]] = 30

    def test_the_same_preview_sends_once(self):
        """A gap of 0 days leaves those just mailed due again: the second
        POST of the same preview (a double click, a reload) must not mail
        them twice."""
        rule = add_rule("personal", after_days=0, gap_days=0,
                        max_per_person=20)
        try:
            got, n, digest, token = preview(rule)
            self.assertGreater(n, 0)
            self.assertEqual(send(rule, digest, token).status, 303)
            r = send(rule, digest, token)
            self.assertEqual(r.status, 409)
            self.assertEqual(len(sent_by(rule)), n)
        finally:
            psql("UPDATE remind_rule SET active = false WHERE id = :'p0'",
                 rule)

    def test_unknown_version_is_refused_not_widened(self):
        before = psql("SELECT count(*) FROM remind_rule")[0][0]
        form = {"action": "add", "wave": WAVE, "kind": "personal",
                "version": "finnesikke", "after_days": 7, "gap_days": 7,
                "max_per_person": 2, "max_per_unit": 3, "rate_below": "",
                "csrf": csrf(page().body)}
        r = ADMIN.post("/admin/remind", form)
        self.assertEqual(r.status, 422, r.body[:300])
        self.assertIn("Versjonen finnes ikke i denne bølgen", r.body)
        self.assertEqual(psql("SELECT count(*) FROM remind_rule")[0][0],
                         before)

    def test_rule_names_its_version_by_key(self):
        """The insert looks the key up in the wave: that version's id,
        and none (every version) without a key."""
        one = add_rule("personal", version="rlege")
        every = add_rule("personal", version="")
        try:
            got = dict(psql("SELECT id, coalesce(version_id::text, '')"
                            " FROM remind_rule WHERE id IN (:'p0', :'p1')",
                            one, every))
            self.assertEqual(got, {one: FASTLEGE, every: ""})
        finally:
            psql("UPDATE remind_rule SET active = false WHERE id IN"
                 " (:'p0', :'p1')", one, every)

    def test_bad_rule_is_refused_with_a_message(self):
        form = {"action": "add", "wave": WAVE, "kind": "low_rate",
                "after_days": "sju", "gap_days": 7, "max_per_person": 0,
                "max_per_unit": 3, "rate_below": "", "csrf":
                csrf(page().body)}
        r = ADMIN.post("/admin/remind", form)
        self.assertEqual(r.status, 422)
        self.assertIn("helt tall fra 0 til 365", r.body)
        self.assertIn("per person 1 til 20", r.body)
        self.assertIn("fra 1 til 100", r.body)

    def test_history_lists_runs(self):
        r = page()
        self.assertEqual(r.status, 200)
        runs = int(psql("SELECT count(*) FROM remind_run x JOIN remind_rule"
                        " r ON r.id = x.rule_id WHERE r.wave_id = :'p0'",
                        WAVE)[0][0])
        table = r.body.split('id="runs"', 1)
        self.assertEqual(len(table) == 2, runs > 0)
        if runs:
            self.assertEqual(table[1].split("</table>")[0].count("<tr>"),
                             runs + 1)


class OptOut(unittest.TestCase):
    def key(self, name):
        return psql("SELECT optout_selector || optout_verifier, id FROM"
                    " invitation WHERE email = :'p0'", addr(name))[0]

    def test_one_click_post_stops_all_mail(self):
        key, inv = self.key("i10")
        OPTED.add("i10")
        pending = psql("INSERT INTO outbox (kind, to_addr, subject, body,"
                       " invitation_id, unsubscribe_url, send_after) VALUES"
                       " ('personal_remind', :'p0', 's', 'b', :'p1', 'u',"
                       " now() + interval '1 hour') RETURNING id",
                       addr("i10"), inv)[0][0]
        c = Client()
        r = c.request("POST", "/avmeld/" + key,
                      "List-Unsubscribe=One-Click",
                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200)
        self.assertEqual(psql("SELECT opted_out_at IS NOT NULL FROM"
                              " invitation WHERE id = :'p0'", inv)[0][0],
                         "t")
        self.assertEqual(psql("SELECT failed_at IS NOT NULL, body FROM"
                              " outbox WHERE id = :'p0'", pending)[0],
                         ["t", ""])
        # Again: still fine, nothing more happens.
        self.assertEqual(c.request("POST", "/avmeld/" + key,
                                   "List-Unsubscribe=One-Click").status, 200)
        self.assertEqual(int(psql("SELECT count(*) FROM audit WHERE action"
                                  " = 'mail.optout' AND object = :'p0'",
                                  f"invitation {inv}")[0][0]), 1)
        rule = add_rule("personal", after_days=0, gap_days=0,
                        max_per_person=20)
        got = preview(rule)[0]
        self.assertNotIn(addr("i10"), got)
        psql("UPDATE remind_rule SET active = false WHERE id = :'p0'", rule)
        # The admin sees it.
        self.assertRegex(page().body, r"<th scope=\"row\">rlege</th>"
                         r"<td class=\"num\">\d+</td><td class=\"num\">\d+"
                         r"</td><td class=\"num\">[1-9]")

    def test_get_shows_a_button_and_changes_nothing(self):
        key, inv = self.key("i11")
        for lang, text in (("nb", "Send meg ingen flere e-poster"),
                           ("nn", "Send meg ingen fleire e-postar"),
                           ("en", "Send me no more e-mail")):
            r = Client().get(f"/avmeld/{key}?lang={lang}")
            self.assertEqual(r.status, 200)
            self.assertIn(text, r.body)
            self.assertIn(f'action="/avmeld/{key}"', r.body)
        self.assertEqual(psql("SELECT opted_out_at IS NULL FROM invitation"
                              " WHERE id = :'p0'", inv)[0][0], "t")

    def test_wrong_key_is_404_and_rate_limited(self):
        key, _ = self.key("i01")
        c = Client()
        wrong = key[:8] + ("a" if key[8] != "a" else "b") + key[9:]
        self.assertEqual(c.get("/avmeld/" + wrong).status, 404)
        self.assertEqual(c.get("/avmeld/short").status, 404)
        statuses = [c.get("/avmeld/" + wrong).status for _ in range(25)]
        self.assertIn(429, statuses)
        psql("DELETE FROM rate_limit")


class Templates(unittest.TestCase):
    def test_every_kind_and_language_renders_with_a_real_unit(self):
        r = page("/admin/mail")
        self.assertEqual(r.status, 200, r.body[:500])
        kinds = ["recruit", "recruit_remind", "contact_invite",
                 "contact_remind", "personal_invite", "personal_remind",
                 "resume_link"]
        for k in kinds:
            for lang in ("nb", "nn", "en"):
                sec = re.search(r'id="mail-%s-%s".*?<span class="subject">'
                                r'([^<]+)</span></p>\s*<pre class="body">'
                                r'(.*?)</pre>' % (k, lang), r.body, re.S)
                self.assertIsNotNone(sec, (k, lang))
                subject, text = sec.groups()
                self.assertNotIn("{{", subject + text)
                self.assertIn("Påminnelsestest", subject + text, (k, lang))
                self.assertIn(YEAR, subject + text, (k, lang))
                self.assertIn("http", text)
        unit = re.search(r"<strong>(Kommune U\d\d)</strong>", r.body).group(1)
        self.assertIn(unit, r.body.split('id="mail-recruit-nb"')[1][:2000])
        self.assertIn("ABCDE-23456", r.body)

    def test_analyst_cannot_see_them(self):
        c = Client()
        n, p, s = new_admin("analyst")
        admin_login(c, n, p, s)
        self.assertEqual(c.get(f"/admin/mail?wave={WAVE}").status, 403)
        self.assertEqual(c.get(f"/admin/remind?wave={WAVE}").status, 403)


class ContactInvitation(unittest.TestCase):
    def test_named_contact_person_gets_the_portal_link(self):
        key = psql("SELECT portal_selector || portal_verifier FROM"
                   " wave_unit wu JOIN unit u ON u.id = wu.unit_id WHERE"
                   " u.code = :'p0'", f"{TAG}u03")[0][0]
        c = Client()
        r = c.get(f"/k/{key}?lang=en")
        self.assertEqual(r.status, 200)
        r = c.post(f"/k/{key}", {"csrf": csrf(r.body), "action": "accept"})
        self.assertEqual(r.status, 303)
        r = c.get(f"/k/{key}?lang=en")
        who = addr("nykontakt")
        r = c.post(f"/k/{key}?lang=en", {"csrf": csrf(r.body),
                                         "action": "contact",
                                         "name": "Kari Nordmann",
                                         "email": who, "phone": ""})
        self.assertEqual(r.status, 303, r.body[:500])
        rows = psql("SELECT id, kind, lang FROM outbox WHERE to_addr ="
                    " :'p0'", who)
        self.assertEqual([x[1:] for x in rows], [["contact_invite", "en"]])
        m = delivered(rows[0][0])
        self.assertIn("/k/" + key, body(m))
        self.assertIn("Hello Kari Nordmann", body(m))
        self.assertIn("contact person for Kommune U03", m["Subject"])
        # The same address again sends nothing new.
        r = c.get(f"/k/{key}")
        c.post(f"/k/{key}", {"csrf": csrf(r.body), "action": "contact",
                             "name": "Kari N.", "email": who, "phone": ""})
        self.assertEqual(len(psql("SELECT id FROM outbox WHERE to_addr ="
                                  " :'p0'", who)), 1)

    def test_admin_recorded_contact_person_gets_it_too(self):
        wu = psql("SELECT wu.id FROM wave_unit wu JOIN unit u ON u.id ="
                  " wu.unit_id WHERE u.code = :'p0'", f"{TAG}u12")[0][0]
        who = addr("telefonkontakt")
        url = f"/admin/units/{wu}"
        r = ADMIN.post(url, {"csrf": csrf(ADMIN.get(url).body),
                             "action": "contact", "cname": "Ola",
                             "cemail": "ikke en adresse", "cphone": ""})
        self.assertEqual(r.status, 422)
        self.assertIn("gyldig e-postadresse", r.body)
        r = ADMIN.post(url, {"csrf": csrf(ADMIN.get(url).body),
                             "action": "contact", "cname": "Ola Telefon",
                             "cemail": who, "cphone": "+47 22 00 00 00"})
        self.assertEqual(r.status, 303, r.body[:500])
        rows = psql("SELECT id, kind FROM outbox WHERE to_addr = :'p0'", who)
        self.assertEqual([x[1] for x in rows], ["contact_invite"])
        m = delivered(rows[0][0])
        self.assertIn("Hei Ola Telefon", body(m))
        self.assertIn("Kommune U12", m["Subject"])


if __name__ == "__main__":
    unittest.main()
