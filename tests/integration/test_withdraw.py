"""Withdrawal and anonymous waves (issue 13 §4, sql/090).

Withdrawal runs on the 2021 survey's personal invitations (a
confidential wave). Anonymity runs on a survey of its own (testanon,
wave 2033), made anonymous through the admin's button, so no other
test's wave changes. Every test here runs twice on one database (the
hostile pass runs it again through the production module), so counts
are taken before and after."""
import hashlib
import re
import subprocess
import unittest

from svartest import (Client, admin_login, complete, csrf, load_text,
                      new_admin, new_token, psql, start)

DEF = """survey testanon
wave 2033
title "Anonymitetstest"
owner "Svar testeier"
privacy controller "Svar test, behandlingsansvarlig"
privacy contact "test@svar.invalid"
privacy basis "Samtykke (test)"
privacy retention "Til testen er ferdig"
privacy dpo "personvernombud@svar.invalid"

hidden B1 "Versjon"
  value 1 anonp "Personlig"
  value 2 anonu "Lenke"

page p1 "Side én"
  single A1
    text "Første spørsmål?"
    option 1 "Ja"
    option 2 "Nei"

page p2 "Side to"
  single A2
    text "Andre spørsmål?"
    option 1 "Ja"
    option 2 "Nei"

page p3 "Senere kontakt"
  single R1
    text "Kan vi kontakte deg senere for et intervju?"
    option 1 "Ja"
    option 2 "Nei"

page p4 "Kontaktinformasjon"
  if R1 = 1
  text R2 contact name
    text "Navn"
  text R3 contact email
    text "E-post"
  text R4 contact phone
    text "Telefon"
"""

RECONTACT = DEF.replace("survey testanon", "survey testrecontact").replace(
    "wave 2033", "wave 2034").replace("anonp", "recp").replace(
    "anonu", "recu")


def one(sql, *args):
    rows = psql(sql, *args)
    return rows[0][0] if rows else None


class Withdraw(unittest.TestCase):
    def setUp(self):
        self.c = Client()
        link, self.code = new_token()
        self.key = link.rsplit("/", 1)[1]
        self.inv = one("SELECT invitation_id FROM response"
                       " WHERE selector = :'p0'", self.key[:8])

    def answers(self):
        return int(one("SELECT count(*) FROM answer a JOIN response r"
                       " ON r.id = a.response_id WHERE r.selector = :'p0'",
                       self.key[:8]))

    def test_withdraw_after_completion(self):
        complete(self.c, self.key)
        self.assertGreater(self.answers(), 0)
        thanks = self.c.get(f"/r/{self.key}/takk").body
        self.assertIn(f'href="/r/{self.key}/trekk"', thanks)
        self.assertIn(f'href="/r/{self.key}/personvern"', thanks)
        # The privacy notice reached from the response links to it too;
        # the general one does not (it knows no response).
        notice = self.c.get(f"/r/{self.key}/personvern")
        self.assertEqual(notice.status, 200)
        self.assertIn(f'href="/r/{self.key}/trekk"', notice.body)
        self.assertNotIn("/trekk", Client().get("/personvern").body)
        self.assertIn("Trekke svarene", Client().get("/personvern").body)

        ask = self.c.get(f"/r/{self.key}/trekk")
        self.assertEqual(ask.status, 200)
        self.assertIn("Slett svarene mine", ask.body)
        # Without the response's CSRF token nothing happens.
        r = self.c.post(f"/r/{self.key}/trekk", {"csrf": "x" * 26})
        self.assertEqual(r.status, 403)
        r = self.c.post(f"/r/{self.key}/trekk", {})
        self.assertEqual(r.status, 403)
        self.assertGreater(self.answers(), 0)

        r = self.c.post(f"/r/{self.key}/trekk", {"csrf": csrf(ask.body)})
        self.assertEqual(r.status, 200)
        self.assertIn("Svarene dine er slettet", r.body)
        self.assertEqual(self.answers(), 0)
        st, wd, page = psql("SELECT status, withdrawn_at IS NOT NULL,"
                            " coalesce(page_id, '') FROM response"
                            " WHERE selector = :'p0'", self.key[:8])[0]
        self.assertEqual((st, wd, page), ("withdrawn", "t", ""))
        # No more mail: the invitation is opted out.
        self.assertEqual(one("SELECT opted_out_at IS NOT NULL FROM"
                             " invitation WHERE id = :'p0'", self.inv), "t")
        # The link now only says so, on every path, and a second
        # withdrawal changes nothing.
        for path in ("", "/1", "/takk", "/trekk"):
            r = self.c.get(f"/r/{self.key}{path}")
            self.assertEqual(r.status, 200, path)
            self.assertIn("Svarene dine er slettet", r.body)
        r = self.c.post(f"/r/{self.key}/trekk", {"csrf": csrf(ask.body)})
        self.assertEqual(r.status, 200)
        self.assertEqual(one("SELECT count(*) FROM response WHERE"
                             " invitation_id = :'p0'", self.inv), "1")

    def test_withdraw_midway(self):
        r = self.c.follow(f"/r/{self.key}")
        self.c.post(r.path, {"csrf": csrf(r.body), "nav": "next"})
        self.assertGreater(self.answers(), 0)
        stale = self.c.follow(f"/r/{self.key}")
        ask = self.c.get(f"/r/{self.key}/trekk")
        r = self.c.post(f"/r/{self.key}/trekk", {"csrf": csrf(ask.body)})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.answers(), 0)
        # A page left open in another tab saves nothing afterwards: it
        # says so at once, or after a redirect when a worker that
        # remembered the response (web_rcache.c) had its save refused.
        r = self.c.post(stale.path, {"csrf": csrf(stale.body),
                                     "nav": "next"})
        if r.status == 303:
            r = self.c.follow(r.location)
        self.assertEqual(r.status, 200)
        self.assertIn("Svarene dine er slettet", r.body)
        self.assertEqual(self.answers(), 0)
        self.assertEqual(one("SELECT status FROM response WHERE selector ="
                             " :'p0'", self.key[:8]), "withdrawn")
        # The code from the letter leads to the same message.
        page = self.c.get("/kode")
        r = self.c.post("/kode", {"csrf": csrf(page.body),
                                  "code": self.code})
        r = self.c.follow(r.location)
        self.assertIn("Svarene dine er slettet", r.body)

    def test_unknown_key(self):
        r = self.c.get("/r/" + "a" * 34 + "/trekk")
        self.assertEqual(r.status, 404)
        r = self.c.post("/r/" + "a" * 34 + "/trekk", {"csrf": "x"})
        self.assertEqual(r.status, 404)


VALUES = {"A1": "1", "A2": "2", "R1": "1", "R2": "Kari Nordmann",
          "R3": "kari@example.no", "R4": "+47 912 34 567"}


def answer_all(c, key, values=None):
    """Answers each page with the values of its fields, Neste to the
    end; the response to the last post."""
    values = VALUES if values is None else values
    r = c.follow(f"/r/{key}")
    seen = []
    for _ in range(10):
        seen.append((r.status, r.path))
        fields = set(re.findall(r'name="([AR]\d)"', r.body))
        r = c.post(r.path, dict({"csrf": csrf(r.body), "nav": "next"},
                                **{f: values[f] for f in fields
                                   if f in values}))
        if r.status != 303:
            return r
        if r.location.endswith("/takk"):
            return c.follow(r.location)
        r = c.follow(r.location)
    raise AssertionError(f"no end: {seen}")


class Anonymous(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        load_text(DEF)
        cls.wave = one("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                       " w.survey_id WHERE s.key = 'testanon'")
        psql("UPDATE wave SET closed = false WHERE id = :'p0'", cls.wave)
        cls.admin = Client()
        name, pw, secret = new_admin("admin")
        assert admin_login(cls.admin, name, pw, secret).status == 303
        if one("SELECT anonymous FROM wave WHERE id = :'p0'",
               cls.wave) == "f":
            home = cls.admin.get("/admin")
            r = cls.admin.post(f"/admin/waves/{cls.wave}",
                               {"csrf": csrf(home.body),
                                "action": "anonymous"})
            assert r.status == 303, (r.status, r.body[:300])


    def aapor_i(self):
        """The funnel's AAPOR I (complete) for anonp, as the admin sees
        it; 0 before the version has any disposition."""
        f = self.admin.get(f"/admin/funnel?wave={self.wave}").body
        m = re.search(r'<th scope="row">anonp</th><td class="num">(\d+)'
                      r'</td>', f[f.index("AAPOR"):])
        return int(m.group(1)) if m else 0

    def test_a_admin_sees_and_audits_it(self):
        self.assertEqual(one("SELECT anonymous FROM wave WHERE id = :'p0'",
                             self.wave), "t")
        self.assertIn("Anonym: ved fullføring",
                      self.admin.get("/admin").body)
        self.assertGreaterEqual(int(one("SELECT count(*) FROM audit WHERE"
                                        " action = 'wave.anonymous' AND"
                                        " object = 'testanon 2033'")), 1)

    def test_b_personal_link_is_cut_loose(self):
        out = subprocess.run(["build/svarctl", "tokens", "anonp", "3"],
                             capture_output=True, text=True,
                             check=True).stdout.split()
        (link, code), (link2, _), (link3, _) = \
            (out[0], out[1]), (out[2], out[3]), (out[4], out[5])
        key, key2, key3 = (x.rsplit("/", 1)[1] for x in (link, link2, link3))
        ids = {}
        for k in (key, key2, key3):
            ids[k] = psql("SELECT id, invitation_id, export_id FROM response"
                          " WHERE selector = :'p0'", k[:8])[0]
        old_id, inv, old_export = ids[key]
        invs = [ids[k][1] for k in (key, key2, key3)]
        # As if the letters had been made and posted three days ago, to
        # addresses a reminder could go to.
        psql("""UPDATE invitation SET created_at = now() - interval '3 days',
                       letter_sent_at = now() - interval '3 days',
                       email = 'lege' || id || '@example.no'
                 WHERE id IN (:'p0', :'p1', :'p2');
                UPDATE response SET created_at = now() - interval '3 days'
                 WHERE invitation_id IN (:'p0', :'p1', :'p2')""", *invs)
        # Each invitation's key is there as its SHA-256 from the start,
        # computed here independently.
        self.assertEqual(one("SELECT key_digest FROM invitation WHERE id ="
                             " :'p0'", inv),
                         hashlib.sha256(key.encode()).hexdigest())
        seen = """SELECT i.id, i.xmin::text, to_jsonb(i)::text
                    FROM invitation i WHERE i.id IN (:'p0', :'p1')
                   ORDER BY i.id"""
        before_inv = psql(seen, inv, ids[key3][1])
        done = """SELECT r.id FROM response r JOIN version v ON v.id =
                  r.version_id WHERE v.key = 'anonp' AND r.status =
                  'completed'"""
        done_before = {x[0] for x in psql(done)}
        seq = "SELECT last_value FROM response_id_seq"
        seq_before = one(seq)
        i_before = self.aapor_i()
        c = Client()
        r = answer_all(c, key)
        # The thank-you page is the answer to the last save itself: the
        # key no longer leads to the response.
        self.assertEqual(r.status, 200)
        self.assertIn("Takk for svarene", r.body)
        self.assertIn("skilt fra lenken din", r.body)
        self.assertNotIn("/trekk", r.body)
        self.assertIn("Takk for svarene", answer_all(Client(), key3).body)
        self.assertIsNone(one("SELECT id FROM response WHERE selector ="
                              " :'p0'", key[:8]))
        self.assertIsNone(one("SELECT id FROM response WHERE id = :'p0'",
                              old_id))
        new = sorted({x[0] for x in psql(done)} - done_before)
        self.assertEqual(len(new), 2)
        # Nothing on the invitation changed: no day, not even a new row
        # version (its transaction id, xmin, is the one from before, so
        # it cannot be matched to the response's).
        self.assertEqual(psql(seen, inv, ids[key3][1]), before_inv)
        self.assertEqual(one("SELECT completed_at IS NULL FROM invitation"
                             " WHERE id = :'p0'", inv), "t")
        # No row that names a person was written by a completing
        # transaction.
        self.assertEqual(one("""
            SELECT count(*) FROM (SELECT xmin::text AS x FROM invitation
                UNION ALL SELECT xmin::text FROM recontact
                UNION ALL SELECT xmin::text FROM contact
                UNION ALL SELECT xmin::text FROM outbox
                UNION ALL SELECT xmin::text FROM remind_sent) p
             WHERE p.x IN (SELECT xmin::text FROM response
                           WHERE id IN (:'p0', :'p1'))""", *new), "0")
        # The new ids are not from the sequence, so they tell neither
        # the order nor the time of completion.
        self.assertEqual(one(seq), seq_before)
        for rid in new:
            self.assertGreater(int(rid), int(seq_before))
        # The answers are there, under the new id, with no invitation, a
        # new export id, and times cut to the day; its first day is its
        # own (today), not the invitation's (three days ago).
        rows = [psql("SELECT r.invitation_id IS NULL,"
                     " bool_and(r.created_at = date_trunc('day', r.opened_at)"
                     "  AND r.opened_at = date_trunc('day', r.opened_at)"
                     "  AND r.started_at = date_trunc('day', r.started_at)"
                     "  AND r.completed_at = date_trunc('day',"
                     "   r.completed_at)"
                     "  AND a.updated_at = date_trunc('day', a.updated_at)),"
                     " r.created_at > now() - interval '2 days',"
                     " r.export_id, string_agg(a.var || '=' || a.value, ','"
                     "  ORDER BY a.var)"
                     " FROM response r JOIN answer a ON a.response_id = r.id"
                     " WHERE r.id = :'p0' GROUP BY r.id", rid)[0]
                for rid in new]
        self.assertEqual([x[:3] for x in rows], [["t", "t", "t"]] * 2)
        self.assertEqual([x[4] for x in rows], ["A1=1,A2=2,B1=1,R1=1"] * 2)
        self.assertNotIn(old_export, [x[3] for x in rows])
        self.assertIsNone(one("SELECT id FROM response WHERE export_id ="
                              " :'p0'", old_export))
        # The contact details stay on the list, without a day, found by
        # the digest of the key the response had (computed here), which
        # no response has any more.
        owners = dict((o, (n, e, p, g)) for o, n, e, p, g in psql(
            "SELECT owner, name, email, phone, given_on IS NULL FROM"
            " recontact WHERE wave_id = :'p0'", self.wave))
        for k in (key, key3):
            got = owners.get(hashlib.sha256(
                ("recontact " + k).encode()).hexdigest())
            self.assertEqual(got, ("Kari Nordmann", "kari@example.no",
                                   "+47 912 34 567", "t"))
        for rid in new:
            now_key = one("SELECT selector || verifier FROM response WHERE"
                          " id = :'p0'", rid)
            self.assertNotIn(hashlib.sha256(
                ("recontact " + now_key).encode()).hexdigest(), owners)
        # All of the wave's contact rows were written together (one
        # transaction id), and their ids are not from the sequence: they
        # do not tell in which order the details came.
        self.assertEqual(one("SELECT count(DISTINCT xmin::text) FROM"
                             " recontact WHERE wave_id = :'p0'", self.wave),
                         "1")
        self.assertEqual(one("SELECT count(*) FROM recontact WHERE"
                             " wave_id = :'p0' AND id <= (SELECT last_value"
                             " FROM recontact_id_seq)", self.wave), "0")
        csv_ = self.admin.get(f"/admin/recontact.csv?wave={self.wave}").body
        self.assertIn("Kari Nordmann,kari@example.no,'+47 912 34 567,\r\n",
                      csv_)
        # The link and the code now say "already answered".
        r = Client().get(f"/r/{key}")
        self.assertEqual(r.status, 200)
        self.assertIn("Du har allerede svart", r.body)
        k = Client()
        page = k.get("/kode")
        r = k.post("/kode", {"csrf": csrf(page.body), "code": code})
        self.assertEqual(r.status, 200)
        self.assertIn("Du har allerede svart", r.body)
        # A response still under way keeps its invitation.
        c2 = Client()
        r = c2.follow(f"/r/{key2}")
        self.assertEqual(r.status, 200)
        r = c2.post(r.path, {"csrf": csrf(r.body), "nav": "next", "A1": "1"})
        self.assertEqual(r.status, 303)
        self.assertIsNotNone(one("SELECT invitation_id FROM response WHERE"
                                 " selector = :'p0'", key2[:8]))
        # The median time per page counts only responses under way: the
        # completed ones keep only days. Counted here from the answers.
        psql("SELECT svar_funnel_refresh(:'p0', interval '0')", self.wave)
        want = one("""
            SELECT count(*) FROM (SELECT DISTINCT a.response_id, p.page_id
              FROM answer a JOIN response r ON r.id = a.response_id
              JOIN version v ON v.id = r.version_id JOIN variable p ON
              p.definition_id = r.definition_id AND p.var = a.var
             WHERE v.wave_id = :'p0' AND NOT r.test AND r.status =
              'started' AND p.page_id IS NOT NULL) x""", self.wave)
        self.assertGreater(int(want), 0)
        self.assertEqual(one("SELECT coalesce(sum(n), 0) FROM"
                             " funnel_page_time WHERE wave_id = :'p0' AND"
                             " version_id IS NOT NULL", self.wave), want)
        # A reminder to those who have not answered goes to that one,
        # not to the two that completed.
        rule = one("INSERT INTO remind_rule (wave_id, kind, after_days,"
                   " gap_days, created_by) VALUES (:'p0', 'personal', 0, 0,"
                   " 'test') RETURNING id", self.wave)
        due = {x[0] for x in psql("SELECT invitation_id FROM"
                                  " svar_remind_due(:'p0', now())", rule)}
        psql("UPDATE remind_rule SET active = false WHERE id = :'p0'", rule)
        self.assertIn(ids[key2][1], due)
        self.assertNotIn(inv, due)
        self.assertNotIn(ids[key3][1], due)
        # The funnel counts both invitations as complete (AAPOR I).
        self.assertEqual(self.aapor_i(), i_before + 2)

    def test_c_unit_link_ends_on_the_thank_you_page(self):
        unit = one("SELECT id FROM unit ORDER BY id LIMIT 1")
        psql("INSERT INTO wave_unit (wave_id, unit_id, stage) VALUES"
             " (:'p0', :'p1', 'distributed') ON CONFLICT DO NOTHING",
             self.wave, unit)
        wu = one("SELECT id FROM wave_unit WHERE wave_id = :'p0' AND"
                 " unit_id = :'p1'", self.wave, unit)
        sel = "anankeys"
        ver = "u" * 26
        psql("INSERT INTO unit_link (wave_unit_id, version_id, selector,"
             " verifier) SELECT :'p0', id, :'p1', :'p2' FROM version"
             " WHERE key = 'anonu' ON CONFLICT DO NOTHING", wu, sel, ver)
        done = """SELECT count(*) FROM response r JOIN version v
                  ON v.id = r.version_id WHERE v.key = 'anonu'
                  AND r.status = 'completed' AND r.unit_link_id IS NOT NULL"""
        before = int(one(done))
        c = Client()
        key, _ = start(c, f"/u/{sel}{ver}")
        r = answer_all(c, key)
        self.assertEqual(r.status, 200)
        self.assertIn("Takk for svarene", r.body)
        self.assertEqual(int(one(done)), before + 1)
        # The browser's cookie no longer resumes anything: the link
        # offers a new start.
        r = c.get(f"/u/{sel}{ver}")
        self.assertEqual(r.status, 200)
        self.assertIn('name="csrf"', r.body)

    def test_d_fixed_once_completed(self):
        home = self.admin.get("/admin")
        r = self.admin.post(f"/admin/waves/{self.wave}",
                            {"csrf": csrf(home.body),
                             "action": "confidential"})
        if one("SELECT svar_wave_has_completed(:'p0')", self.wave) == "t":
            self.assertEqual(r.status, 409)
            self.assertIn("før det første fullførte svaret", r.body)
            self.assertEqual(one("SELECT anonymous FROM wave WHERE id ="
                                 " :'p0'", self.wave), "t")
            p = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1",
                                "-c", "UPDATE wave SET anonymous = false"
                                f" WHERE id = {self.wave}"],
                               capture_output=True, text=True)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("anonymity is fixed", p.stderr)
        else:
            self.fail("the earlier tests completed nothing")


class Recontact(unittest.TestCase):
    """Contact details never reach the answers, only the admin reads them,
    an empty field keeps what was given, a no deletes them."""

    @classmethod
    def setUpClass(cls):
        load_text(RECONTACT)
        cls.wave = one("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                       " w.survey_id WHERE s.key = 'testrecontact'")
        psql("UPDATE wave SET closed = false WHERE id = :'p0'", cls.wave)

    def token(self):
        out = subprocess.run(["build/svarctl", "tokens", "recp", "1"],
                             capture_output=True, text=True,
                             check=True).stdout.split()
        return out[0].rsplit("/", 1)[1]

    def contacts(self, key):
        """The details given through this key: their row is found by the
        SHA-256 of "recontact " and the key, computed here."""
        return psql("SELECT c.name, coalesce(c.email, ''),"
                    " coalesce(c.phone, '') FROM recontact c WHERE c.owner ="
                    " :'p0'", hashlib.sha256(("recontact " + key).encode())
                    .hexdigest())

    def test_details_apart_from_answers(self):
        key = self.token()
        c = Client()
        r = answer_all(c, key)
        self.assertIn("Takk for svarene", r.body)
        self.assertEqual(self.contacts(key), [["Kari Nordmann",
                                               "kari@example.no",
                                               "+47 912 34 567"]])
        # Not an answer, not a variable of the codebook.
        self.assertEqual(psql("SELECT a.var FROM answer a JOIN response r ON"
                              " r.id = a.response_id WHERE r.selector ="
                              " :'p0' AND a.var LIKE 'R%' ORDER BY 1",
                              key[:8]), [["R1"]])
        self.assertEqual(one("SELECT count(*) FROM variable v JOIN"
                             " definition d ON d.id = v.definition_id"
                             " JOIN version x ON x.definition_id = d.id"
                             " WHERE x.key = 'recp' AND v.var IN"
                             " ('R2', 'R3', 'R4')"), "0")
        # Only the admin role reads them.
        for role in ("svar_app", "svar_mail"):
            p = subprocess.run(["psql", "-qAtX", "-U", role, "-c",
                                "SELECT count(*) FROM recontact"],
                               capture_output=True, text=True)
            self.assertNotEqual(p.returncode, 0, role)
            self.assertIn("permission denied", p.stderr)
        # Withdrawal takes them too.
        ask = c.get(f"/r/{key}/trekk")
        c.post(f"/r/{key}/trekk", {"csrf": csrf(ask.body)})
        self.assertEqual(self.contacts(key), [])

    def test_page_checks_and_keeps(self):
        key = self.token()
        c = Client()
        r = c.follow(f"/r/{key}")
        for v in ("1", "2", "1"):
            r = c.post(r.path, dict(csrf=csrf(r.body), nav="next",
                                    **{re.search(r'name="([AR]\d)"',
                                                 r.body).group(1): v}))
            r = c.follow(r.location)
        page = r.path
        self.assertIn('type="email" autocomplete="email"', r.body)
        self.assertIn('type="tel" autocomplete="tel"', r.body)
        # A wrong address: its own message, the rest stored, nothing
        # of it in the answers.
        r = c.post(page, {"csrf": csrf(r.body), "nav": "next",
                          "R2": "Ola", "R3": "ola(at)example", "R4": ""})
        self.assertEqual(r.status, 422)
        self.assertIn("Skriv en e-postadresse", r.body)
        self.assertIn('aria-invalid="true"', r.body)
        self.assertIn('value="ola(at)example"', r.body)
        self.assertEqual(self.contacts(key), [["Ola", "", ""]])
        self.assertEqual(one("SELECT count(*) FROM answer a JOIN response r"
                             " ON r.id = a.response_id WHERE r.selector ="
                             " :'p0' AND a.value LIKE '%ola%'", key[:8]),
                         "0")
        # Empty fields keep what was given; a new address is added.
        r = c.post(page, {"csrf": csrf(r.body), "nav": "save", "R2": "",
                          "R3": "ola@example.no", "R4": ""})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.contacts(key), [["Ola", "ola@example.no",
                                               ""]])
        # Consent taken back on the earlier page: the details go.
        r = c.follow(f"/r/{key}/3")
        r = c.post(r.path, {"csrf": csrf(r.body), "nav": "next", "R1": "2"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.contacts(key), [])

    def test_admin_download(self):
        key = self.token()
        answer_all(Client(), key, dict(VALUES, R2="Per Persen, «sjef»",
                                       R3="per@example.no", R4=""))
        analyst = Client()
        name, pw, secret = new_admin("analyst")
        admin_login(analyst, name, pw, secret)
        r = analyst.get(f"/admin/recontact.csv?wave={self.wave}")
        self.assertEqual(r.status, 403)
        admin = Client()
        name, pw, secret = new_admin("admin")
        admin_login(admin, name, pw, secret)
        logged = """SELECT count(*) FROM audit WHERE action = 'export'
                    AND object = :'p0'"""
        before = int(one(logged, f"recontact wave {self.wave}"))
        r = admin.get(f"/admin/recontact.csv?wave={self.wave}")
        self.assertEqual(r.status, 200)
        self.assertIn("text/csv", r.header("content-type"))
        lines = r.body.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0], "name,email,phone,given_on")
        self.assertIn('"Per Persen, «sjef»",per@example.no,,', r.body)
        self.assertEqual(int(one(logged, f"recontact wave {self.wave}")),
                         before + 1)
        r = admin.get("/admin/recontact.csv?wave=x")
        self.assertEqual(r.status, 404)


if __name__ == "__main__":
    unittest.main()
