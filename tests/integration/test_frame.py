"""The unit frame, sampling, recruitment and the contact-person portal
over HTTP, as an admin and as a contact person."""
import re
import unittest

from svartest import (Client, admin_login, complete, csrf, new_admin, psql,
                      start)

WAVE = None


def setUpModule():
    global ADMIN, ANALYST, WAVE
    ADMIN = Client()
    name, pw, secret = new_admin("admin")
    assert admin_login(ADMIN, name, pw, secret).location == "/admin"
    ANALYST = Client()
    name, pw, secret = new_admin("analyst")
    assert admin_login(ANALYST, name, pw, secret).location == "/admin"
    WAVE = psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                " w.survey_id WHERE s.key = 'helsepersonell'")[0][0]
    r = post("import")
    assert r.status == 200, (r.status, r.body[:500])


def token():
    return csrf(ADMIN.get(f"/admin/frame?wave={WAVE}").body)


def post(action, **fields):
    return ADMIN.post("/admin/frame", dict(fields, csrf=token(), wave=WAVE,
                                           action=action))


def count(sql, *args):
    return int(psql(sql, *args)[0][0])


class Frame(unittest.TestCase):
    def test_import_is_complete_and_idempotent(self):
        self.assertEqual(count("SELECT count(*) FROM unit WHERE kind ="
                               " 'kommune'"), 356)
        self.assertEqual(count("SELECT count(*) FROM unit WHERE kind ="
                               " 'rhf'"), 4)
        hf = count("SELECT count(*) FROM wave_unit wu JOIN unit u ON"
                   " u.id = wu.unit_id WHERE u.kind = 'hf' AND"
                   " wu.wave_id = :'p0'", WAVE)
        self.assertGreaterEqual(hf, 20)
        self.assertEqual(count("SELECT count(*) FROM unit u JOIN unit p ON"
                               " p.id = u.parent_id WHERE u.kind = 'hf'"
                               " AND p.kind = 'rhf'"),
                         count("SELECT count(*) FROM unit WHERE kind ="
                               " 'hf'"))
        r = post("import")
        self.assertIn("0 nye i utvalget", r.body)
        self.assertEqual(count("SELECT count(*) FROM wave_unit wu JOIN unit"
                               " u ON u.id = wu.unit_id WHERE u.kind = 'hf'"
                               " AND wu.wave_id = :'p0'", WAVE), hf)

    def test_bad_upload_is_refused_whole_by_line(self):
        before = count("SELECT count(*) FROM unit")
        bad = ("code,navn,adresse,epost\n"
               "lk-1,Legekontoret,Storgata 1,post@lk1.no\n"
               "lk-2,Uten adresse,,post@lk2.no\n"
               "LK 3,<script>alert(1)</script>,Vei 2,ikke-epost\n")
        r = post("upload", kind="fastlegekontor", csv=bad)
        self.assertEqual(r.status, 422)
        self.assertIn("line 3: adresse is empty", r.body)
        self.assertIn("line 4: code &#39;LK 3&#39; must be lowercase", r.body)
        self.assertIn("line 4: &#39;ikke-epost&#39; is not an e-mail", r.body)
        self.assertNotIn("<script>alert", r.body)
        # What was typed stays in the box, to be corrected there.
        self.assertIn("lk-2,Uten adresse", r.body.split("<textarea", 1)[1])
        self.assertEqual(count("SELECT count(*) FROM unit"), before)
        for fields in ({"kind": "fastlegekontor", "csv": ""},
                       {"kind": "fastlegekontor", "csv": "\xff"},
                       {"kind": "hf", "csv": "x" * 200000}):
            self.assertEqual(post("upload", **fields).status, 422, fields)
        good = ("code;navn;adresse;postnummer;poststed;epost\n"
                "lk-test;Testlegekontoret;Storgata 1;0150;Oslo;"
                "post@lk-test.invalid\n")
        r = post("upload", kind="fastlegekontor", csv=good)
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(psql("SELECT address FROM unit WHERE code ="
                              " 'lk-test'")[0][0], "Storgata 1, 0150 Oslo")

    def test_sample_plan_then_draw_once(self):
        r = post("plan", n="40", strata="fylke", seed="20211020")
        self.assertEqual(r.status, 200, r.body[:300])
        plan = r.body.split("Antall per lag", 1)[1].split("</table>", 1)[0]
        takes = [int(t) for t in re.findall(
            r'<td class="num">\d+</td><td class="num">(\d+)</td>', plan)]
        self.assertEqual(sum(takes), 40)
        # One stratum per fylke with kommuner left to draw (the demo's
        # Oslo is in the frame already).
        self.assertEqual(len(takes), count(
            "SELECT count(DISTINCT fylke) FROM unit u WHERE kind ="
            " 'kommune' AND NOT EXISTS (SELECT FROM wave_unit w WHERE"
            " w.unit_id = u.id AND w.wave_id = :'p0')", WAVE))
        self.assertEqual(count("SELECT count(*) FROM wave_unit wu JOIN unit"
                               " u ON u.id = wu.unit_id WHERE u.kind ="
                               " 'kommune' AND wu.added_by = 'sample'"), 0)
        for fields in ({"n": "0", "seed": "1"}, {"n": "x", "seed": "1"},
                       {"n": "999", "seed": "1"}, {"n": "4", "seed": ""},
                       {"n": "4", "seed": "1e9"}, {"n": "4", "seed": "-1"},
                       {"n": "4", "seed": " 7"}):
            r = post("plan", strata="none", **fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('class="error"', r.body)
        r = post("draw", n="40", strata="fylke", seed="20211020")
        self.assertIn("Kommuner trukket inn i utvalget: 40", r.body)
        drawn = psql("SELECT u.code FROM wave_unit wu JOIN unit u ON"
                     " u.id = wu.unit_id WHERE wu.added_by = 'sample' AND"
                     " wu.wave_id = :'p0' ORDER BY 1", WAVE)
        self.assertEqual(len(drawn), 40)
        self.assertEqual(psql("SELECT sample_seed, sample_params FROM wave"
                              " WHERE id = :'p0'", WAVE)[0],
                         ["20211020", "n=40 strata=fylke pool=354"])
        r = post("draw", n="40", strata="fylke", seed="20211020")
        self.assertEqual(r.status, 422)
        self.assertIn("allerede et trukket utvalg", r.body)


class Recruitment(unittest.TestCase):
    def test_request_portal_accept_link_and_answer(self):
        # A unit of its own, with a postmottak, in the frame.
        wu = psql("""
            WITH u AS (INSERT INTO unit (kind, code, name, fylke, postmottak)
                       VALUES ('kommune', '9901', 'Testkommune', 'Oslo',
                               'postmottak@test.kommune.invalid')
                       RETURNING id)
            INSERT INTO wave_unit (wave_id, unit_id)
            SELECT :'p0', id FROM u RETURNING id""", WAVE)[0][0]
        r = ADMIN.post("/admin/recruit", {"csrf": token(), "wave": WAVE,
                                          "kind": "kommune"})
        self.assertEqual(r.status, 303)
        row = psql("SELECT o.to_addr, substring(o.body from"
                   " '/k/[a-z0-9]{34}') FROM outbox o WHERE"
                   " o.wave_unit_id = :'p0'", wu)
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0][0], "postmottak@test.kommune.invalid")
        portal = row[0][1]
        self.assertEqual(psql("SELECT stage FROM wave_unit WHERE id ="
                              " :'p0'", wu)[0][0], "invited")
        # Sending again sends nothing new to an invited unit.
        ADMIN.post("/admin/recruit", {"csrf": token(), "wave": WAVE,
                                      "kind": "kommune"})
        self.assertEqual(count("SELECT count(*) FROM outbox WHERE"
                               " wave_unit_id = :'p0'", wu), 1)
        # The contact person opens the portal, gives details, accepts.
        cp = Client()
        page = cp.get(portal)
        self.assertEqual(page.status, 200)
        self.assertIn("Testkommune", page.body)
        tok = csrf(page.body)
        r = cp.post(portal, {"csrf": tok, "action": "contact", "name": "",
                             "email": "feil", "phone": "abc"})
        self.assertEqual(r.status, 422)
        self.assertIn('id="name-error"', r.body)
        self.assertIn('id="email-error"', r.body)
        self.assertIn('id="phone-error"', r.body)
        self.assertEqual(count("SELECT count(*) FROM contact WHERE"
                               " wave_unit_id = :'p0'", wu), 0)
        r = cp.post(portal, {"csrf": tok, "action": "contact",
                             "name": "Kari Kontakt",
                             "email": "kari@test.kommune.invalid",
                             "phone": "+47 900 00 000"})
        self.assertEqual(r.status, 303)
        r = cp.post(portal, {"csrf": tok, "action": "accept"})
        self.assertEqual(r.status, 303)
        page = cp.get(portal)
        link = re.search(r"/u/[a-z0-9]{34}", page.body).group(0)
        self.assertIn('<svg xmlns="http://www.w3.org/2000/svg"', page.body)
        self.assertIn("Testkommune deltar i Helsepersonellundersøkelsen",
                      page.body)
        self.assertIn("Testkommune er med i Helsepersonellundersøkinga",
                      page.body)
        # Forwarded to 12: the unit is distributed; counts stay hidden.
        r = cp.post(portal, {"csrf": tok, "action": "forwarded",
                             "forwarded": "tolv"})
        self.assertEqual(r.status, 422)
        r = cp.post(portal, {"csrf": tok, "action": "forwarded",
                             "forwarded": "12"})
        self.assertEqual(r.status, 303)
        self.assertEqual(psql("SELECT stage, forwarded_count FROM wave_unit"
                              " WHERE id = :'p0'", wu)[0],
                         ["distributed", "12"])
        # Someone answers through the link.
        c = Client()
        key, _ = start(c, link)
        complete(c, key)
        self.assertEqual(psql("SELECT stage FROM wave_unit WHERE id ="
                              " :'p0'", wu)[0][0], "responding")
        page = cp.get(portal)
        self.assertIn("færre enn 5", page.body)
        events = psql("SELECT to_stage, actor FROM unit_event WHERE"
                      " wave_unit_id = :'p0' ORDER BY id", wu)
        self.assertEqual([e[0] for e in events],
                         ["invited", "invited", "accepted", "accepted",
                          "distributed", "responding"])
        self.assertEqual(count("SELECT count(*) FROM audit WHERE action ="
                               " 'portal.change' AND object = :'p0'",
                               f"wave_unit {wu}"), 3)
        # The admin sees the contact person; the analyst does not.
        self.assertIn("kari@test.kommune.invalid",
                      ADMIN.get(f"/admin/units/{wu}").body)
        body = ANALYST.get(f"/admin/units/{wu}").body
        self.assertNotIn("kari@", body)
        self.assertNotIn("Kari Kontakt", body)
        self.assertNotIn("postmottak@test", body)
        self.assertNotIn(portal, body)
        self.assertNotIn(link, body)
        # A revoked link is replaced; the old one answers like a bad one,
        # and the respondent's own resume link still works.
        lid = psql("SELECT id FROM unit_link WHERE selector = :'p0'",
                   link[3:11])[0][0]
        tok = csrf(ADMIN.get(f"/admin/units/{wu}").body)
        r = ADMIN.post(f"/admin/units/{wu}", {"csrf": tok,
                                              "action": "revoke",
                                              "link": lid})
        self.assertEqual(r.status, 303)
        self.assertEqual(Client().get(link).status, 404)
        self.assertEqual(Client().follow(f"/r/{key}").status, 200)
        self.assertEqual(count("SELECT count(*) FROM unit_link WHERE"
                               " wave_unit_id = :'p0' AND revoked_at IS"
                               " NULL", wu), 1)
        # A new portal key: the old one is dead.
        r = ADMIN.post(f"/admin/units/{wu}", {"csrf": tok,
                                              "action": "portal"})
        self.assertEqual(Client().get(portal).status, 404)

    def test_phone_answer_by_hand_and_refused_moves(self):
        wu = psql("""
            WITH u AS (INSERT INTO unit (kind, code, name, fylke)
                       VALUES ('kommune', '9902', 'Telefonkommune', 'Oslo')
                       RETURNING id)
            INSERT INTO wave_unit (wave_id, unit_id)
            SELECT :'p0', id FROM u RETURNING id""", WAVE)[0][0]
        path = f"/admin/units/{wu}"
        tok = csrf(ADMIN.get(path).body)
        r = ADMIN.post(path, {"csrf": tok, "action": "move",
                              "to": "accepted", "note": "svarte på telefon"})
        self.assertEqual(r.status, 303)
        for fields in ({"to": "frame"}, {"to": "nowhere"},
                       {"to": "declined", "note": "x" * 600}):
            r = ADMIN.post(path, dict(fields, csrf=tok, action="move"))
            self.assertEqual(r.status, 422, fields)
        self.assertEqual(psql("SELECT stage FROM wave_unit WHERE id ="
                              " :'p0'", wu)[0][0], "accepted")
        r = ADMIN.post(path, {"csrf": tok, "action": "eligible"})
        self.assertEqual(r.status, 422)
        self.assertIn('id="reason-error"', r.body)
        r = ADMIN.post(path, {"csrf": tok, "action": "eligible",
                              "reason": "ingen adresse"})
        self.assertEqual(r.status, 303)
        self.assertEqual(psql("SELECT eligible, ineligible_reason FROM"
                              " wave_unit WHERE id = :'p0'", wu)[0],
                         ["f", "ingen adresse"])
        # An analyst looks but changes nothing.
        r = ANALYST.post(path, {"csrf": csrf(ANALYST.get(path).body),
                                "action": "move", "to": "declined"})
        self.assertEqual(r.status, 403)

    def test_bad_portal_keys(self):
        for path in ("/k/" + "a" * 34, "/k/short"):
            self.assertEqual(Client().get(path).status, 404, path)


if __name__ == "__main__":
    unittest.main()
