"""Withdrawal and anonymous waves (issue 13 §4, sql/090).

Withdrawal runs on the 2021 survey's personal invitations (a
confidential wave). Anonymity runs on a survey of its own (testanon,
wave 2033), made anonymous through the admin's button, so no other
test's wave changes."""
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
"""


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
        ask = self.c.get(f"/r/{self.key}/trekk")
        r = self.c.post(f"/r/{self.key}/trekk", {"csrf": csrf(ask.body)})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.answers(), 0)
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
        home = cls.admin.get("/admin")
        r = cls.admin.post(f"/admin/waves/{cls.wave}",
                           {"csrf": csrf(home.body), "action": "anonymous"})
        assert r.status == 303, (r.status, r.body[:300])

    def answer_all(self, c, key):
        """A1 = 1 and A2 = 2, then Neste to the end; the last answer."""
        r = c.follow(f"/r/{key}")
        for value in ("1", "2"):
            var = re.search(r'name="(A\d)"', r.body).group(1)
            r = c.post(r.path, {"csrf": csrf(r.body), "nav": "next",
                                var: value})
            if r.status != 303:
                return r
            r = c.follow(r.location)
        return r

    def test_a_admin_sees_and_audits_it(self):
        self.assertEqual(one("SELECT anonymous FROM wave WHERE id = :'p0'",
                             self.wave), "t")
        self.assertIn("Anonym: ved fullføring",
                      self.admin.get("/admin").body)
        self.assertEqual(one("SELECT count(*) FROM audit WHERE action ="
                             " 'wave.anonymous' AND object = 'testanon"
                             " 2033'"), "1")

    def test_b_personal_link_is_cut_loose(self):
        out = subprocess.run(["build/svarctl", "tokens", "anonp", "2"],
                             capture_output=True, text=True,
                             check=True).stdout.split()
        (link, code), (link2, _) = (out[0], out[1]), (out[2], out[3])
        key = link.rsplit("/", 1)[1]
        key2 = link2.rsplit("/", 1)[1]
        old_id, inv = psql("SELECT id, invitation_id FROM response WHERE"
                           " selector = :'p0'", key[:8])[0]
        c = Client()
        r = self.answer_all(c, key)
        # The thank-you page is the answer to the last save itself: the
        # key no longer leads to the response.
        self.assertEqual(r.status, 200)
        self.assertIn("Takk for svarene", r.body)
        self.assertIn("skilt fra lenken din", r.body)
        self.assertNotIn("/trekk", r.body)
        self.assertIsNone(one("SELECT id FROM response WHERE selector ="
                              " :'p0'", key[:8]))
        self.assertIsNone(one("SELECT id FROM response WHERE id = :'p0'",
                              old_id))
        # Participation stays on the invitation, to the day; the key
        # only as its SHA-256, computed here independently.
        done, day, dk = psql("SELECT completed_at IS NOT NULL,"
                             " completed_at = date_trunc('day',"
                             " completed_at), done_key FROM invitation"
                             " WHERE id = :'p0'", inv)[0]
        self.assertEqual((done, day), ("t", "t"))
        self.assertEqual(dk, hashlib.sha256(key.encode()).hexdigest())
        # The answers are there, under a new id, with no invitation and
        # times cut to the day.
        rows = psql("SELECT r.id, r.invitation_id IS NULL,"
                    " bool_and(r.created_at = date_trunc('day', r.created_at)"
                    "  AND r.started_at = date_trunc('day', r.started_at)"
                    "  AND r.completed_at = date_trunc('day', r.completed_at)"
                    "  AND a.updated_at = date_trunc('day', a.updated_at)),"
                    " string_agg(a.var || '=' || a.value, ',' ORDER BY a.var)"
                    " FROM response r JOIN version v ON v.id = r.version_id"
                    " JOIN answer a ON a.response_id = r.id"
                    " WHERE v.key = 'anonp' AND r.status = 'completed'"
                    " GROUP BY r.id")
        self.assertEqual(len(rows), 1)
        rid, noinv, cut, vals = rows[0]
        self.assertGreater(int(rid), int(old_id))
        self.assertEqual((noinv, cut, vals), ("t", "t", "A1=1,A2=2,B1=1"))
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
        r = Client().follow(f"/r/{key2}")
        self.assertEqual(r.status, 200)
        self.assertIsNotNone(one("SELECT invitation_id FROM response WHERE"
                                 " selector = :'p0'", key2[:8]))
        # The funnel counts the invitation as complete (AAPOR I).
        f = self.admin.get(f"/admin/funnel?wave={self.wave}").body
        aapor = f[f.index("AAPOR"):]
        m = re.search(r'<th scope="row">anonp</th><td class="num">(\d+)'
                      r'</td>', aapor)
        self.assertIsNotNone(m, aapor[:2000])
        self.assertEqual(m.group(1), "1")

    def test_c_unit_link_ends_on_the_thank_you_page(self):
        unit = one("SELECT id FROM unit ORDER BY id LIMIT 1")
        wu = one("INSERT INTO wave_unit (wave_id, unit_id, stage) VALUES"
                 " (:'p0', :'p1', 'distributed') RETURNING id",
                 self.wave, unit)
        sel = "anankeys"
        ver = "u" * 26
        psql("INSERT INTO unit_link (wave_unit_id, version_id, selector,"
             " verifier) SELECT :'p0', id, :'p1', :'p2' FROM version"
             " WHERE key = 'anonu'", wu, sel, ver)
        c = Client()
        key, _ = start(c, f"/u/{sel}{ver}")
        r = self.answer_all(c, key)
        self.assertEqual(r.status, 200)
        self.assertIn("Takk for svarene", r.body)
        self.assertEqual(one("SELECT count(*) FROM response r JOIN version v"
                             " ON v.id = r.version_id WHERE v.key = 'anonu'"
                             " AND r.status = 'completed' AND"
                             " r.unit_link_id IS NOT NULL"), "1")
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


if __name__ == "__main__":
    unittest.main()
