"""The privacy notice and the survey's owner come from the definition: a
wave whose definition leaves one out does not open (by svarctl, the
admin's button or plain SQL), /personvern shows them in the visitor's
language, and the header names the owner. On a survey of its own
(testprivacy, wave 2032), so the other tests' waves are not touched."""
import html
import os
import re
import subprocess
import tempfile
import unittest

from svartest import (Client, admin_login, csrf, new_admin, psql, start,
                      unit_link)

BARE = """survey testprivacy
wave 2032
title "Personverntest"

hidden B1 "Versjon"
  value 1 privacy "Test"

page p1 "Side én"
  single P1
    text "Spørsmål?"
    option 1 "Ja"
"""

NOTICE = """owner "Eieren AS"
privacy controller "Eieren AS er behandlingsansvarlig"
@en "Eieren AS is the controller"
privacy contact "kontakt@svar.invalid"
privacy basis "Allmenn interesse"
privacy retention "Ett år"
privacy dpo "ombud@svar.invalid"
"""

ALL = "owner controller contact basis retention dpo"


def load(text):
    with tempfile.NamedTemporaryFile("w", suffix=".svar",
                                     delete=False) as f:
        f.write(text)
    try:
        return subprocess.run(["build/svarctl", "load", f.name],
                              capture_output=True, text=True)
    finally:
        os.unlink(f.name)


def wave():
    return psql("SELECT w.id, w.closed FROM wave w JOIN survey s"
                " ON s.id = w.survey_id WHERE s.key = 'testprivacy'")[0]


def with_notice():
    return BARE.replace('title "Personverntest"\n',
                        'title "Personverntest"\n' + NOTICE, 1)


class PrivacyNotice(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = Client()
        name, pw, secret = new_admin("admin")
        r = admin_login(cls.admin, name, pw, secret)
        assert r.status == 303, r.status

    def open_wave(self, wid):
        r = self.admin.get("/admin")
        return self.admin.post(f"/admin/waves/{wid}",
                               {"csrf": csrf(r.body), "action": "open"})

    def test_a_wave_opens_only_with_its_notice(self):
        r = load(BARE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the wave stays closed until the definition names: "
                      + ALL, r.stdout)
        wid, closed = wave()
        self.assertEqual(closed, "t")
        # The admin sees why, and the button refuses with the same words.
        home = self.admin.get("/admin").body
        self.assertIn("Mangler: " + ALL, home)
        r = self.open_wave(wid)
        self.assertEqual(r.status, 422)
        self.assertIn("kan ikke åpnes", r.body)
        self.assertIn(ALL, r.body)
        self.assertEqual(wave()[1], "t")
        self.assertEqual(psql("SELECT count(*) FROM audit WHERE action"
                              " = 'wave.open' AND object = 'testprivacy"
                              " 2032'")[0][0], "0")
        # Plain SQL is refused by the database itself.
        p = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-c",
                            f"UPDATE wave SET closed = false WHERE id = {wid}"],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot open", p.stderr)
        self.assertEqual(wave()[1], "t")

        # With the notice the wave opens.
        r = load(with_notice())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("stays closed", r.stdout)
        r = self.open_wave(wid)
        self.assertEqual(r.status, 303, r.body[:300])
        self.assertEqual(wave()[1], "f")
        current = psql("SELECT definition_id FROM version WHERE wave_id ="
                       " :'p0'", wid)

        # A text without it is refused while the wave is open, whole.
        r = load(BARE.replace('"Spørsmål?"', '"Et nytt spørsmål?"'))
        self.assertEqual(r.returncode, 1)
        self.assertIn("wave 2032 is open and this text does not name: "
                      + ALL, r.stderr)
        self.assertIn("nothing loaded", r.stderr)
        self.assertEqual(psql("SELECT definition_id FROM version WHERE"
                              " wave_id = :'p0'", wid), current)
        self.assertEqual(wave()[1], "f")

        # And from the admin's definition page, with the text kept.
        page = self.admin.get("/admin/definitions")
        src = BARE.replace('"Spørsmål?"', '"Et tredje spørsmål?"')
        r = self.admin.post("/admin/definitions",
                            {"csrf": csrf(page.body), "source": src})
        self.assertEqual(r.status, 422)
        self.assertIn("Ingenting er lastet inn", r.body)
        self.assertIn("Et tredje spørsmål?", html.unescape(r.body))
        self.assertEqual(psql("SELECT definition_id FROM version WHERE"
                              " wave_id = :'p0'", wid), current)

    def test_privacy_page_names_each_field(self):
        r = Client().get("/personvern")
        self.assertEqual(r.status, 200)
        body = html.unescape(r.body)
        for term in ("Behandlingsansvarlig", "Kontakt", "Rettslig grunnlag",
                     "Lagringstid", "Personvernombud"):
            self.assertIn(f"<dt>{term}</dt>", body)
        self.assertIn("Direktoratet for e-helse er behandlingsansvarlig",
                      body)
        self.assertIn("personvernforordningen artikkel 6 nr. 1 bokstav e",
                      body)
        r = Client().get("/personvern?lang=en")
        body = html.unescape(r.body)
        self.assertIn("<dt>Data protection officer</dt>", body)
        self.assertIn("The Norwegian Directorate of eHealth is the"
                      " controller", body)
        self.assertIn("GDPR article 6(1)(e)", body)
        r = Client().get("/personvern?lang=nn")
        self.assertIn("<dt>Personvernombod</dt>", html.unescape(r.body))

    def test_header_names_the_owner(self):
        c = Client()
        r = c.get(unit_link("hf"))
        self.assertEqual(r.status, 200)
        header = re.search(r'<header class="site">(.*?)</header>', r.body,
                           re.S).group(1)
        self.assertIn('<span class="owner">En undersøkelse fra'
                      ' Direktoratet for e-helse</span>', header)
        key, page = start(c, unit_link("hf"))
        self.assertIn("Direktoratet for e-helse", page.body.split(
            "</header>")[0])
        r = c.follow(f"/r/{key}/1?lang=en")
        self.assertIn("A survey by The Norwegian Directorate of eHealth",
                      r.body.split("</header>")[0])


if __name__ == "__main__":
    unittest.main()
