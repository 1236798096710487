"""Definitions that change during a wave, and a wave that closes, on a
small survey of its own (tests/defs/small.svar, wave 2030), so the 2021
survey the other tests use is never touched."""
import os
import subprocess
import tempfile
import time
import unittest

from svartest import Client, answers, csrf, psql, response_row, start

SMALL = "tests/defs/small.svar"


def svarctl(*args):
    r = subprocess.run(["build/svarctl", *args], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def small_link():
    """The small survey's unit link, made once."""
    rows = psql("""
        WITH u AS (INSERT INTO unit (kind, code, name) VALUES
                   ('network', 'testsmall', 'Testnettverk')
                   ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name
                   RETURNING id),
             wu AS (INSERT INTO wave_unit (wave_id, unit_id)
                    SELECT v.wave_id, u.id FROM u, version v
                    WHERE v.key = 'small'
                    ON CONFLICT (wave_id, unit_id) DO UPDATE
                    SET unit_id = excluded.unit_id RETURNING id)
        INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)
        SELECT wu.id, v.id, 'smaxnk22', 'abcdefghijkmnpqrstuvwxyz23'
          FROM wu, version v WHERE v.key = 'small'
        ON CONFLICT (wave_unit_id, version_id) DO UPDATE
        SET selector = excluded.selector
        RETURNING '/u/' || selector || verifier""")
    return rows[0][0]


def answer(c, key, page, fields):
    r = c.get(f"/r/{key}/{page}")
    assert r.status == 200, (page, r.status)
    data = dict(fields, csrf=csrf(r.body), nav="next")
    r = c.post(f"/r/{key}/{page}", data)
    assert r.status == 303, (page, r.status, r.body[:200])
    return r.location


def title(body):
    return body.split("<h1>", 1)[1].split("</h1>", 1)[0]


class Waves(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        svarctl("load", SMALL)
        cls.link = small_link()

    def tearDown(self):
        svarctl("load", SMALL)      # the original text is current again
        time.sleep(1.2)

    def test_changed_definition_keeps_live_responses(self):
        c = Client()
        key, _ = start(c, self.link)
        for page, var in ((1, "S1"), (2, "S2"), (3, "S3"), (4, "S4")):
            loc = answer(c, key, page, {var: "1"})
        self.assertEqual(loc, f"/r/{key}/5")
        self.assertEqual(response_row(key)[2], "p5")
        # A network's link (like SKIL's) is its own channel.
        self.assertEqual(psql("SELECT channel FROM response WHERE selector"
                              " = :'p0'", key[:8])[0][0], "network")
        before = psql("SELECT definition_id FROM response WHERE selector ="
                      " :'p0'", key[:8])[0][0]
        # A page inserted before page 3 while this response is on page 5.
        src = open(SMALL).read()
        changed = src.replace('page p3 "Side tre"', 'page px "Ny side"\n'
                              '  single SX\n    text "Nytt spørsmål?"\n'
                              '    option 1 "Ja"\n\npage p3 "Side tre"', 1)
        self.assertNotEqual(changed, src)
        with tempfile.NamedTemporaryFile("w", suffix=".svar",
                                         delete=False) as f:
            f.write(changed)
        try:
            svarctl("load", f.name)
        finally:
            os.unlink(f.name)
        time.sleep(1.2)     # workers re-read a version once a second
        # The live response resumes on the same question, answers kept,
        # on whichever worker answers.
        for _ in range(4):
            r = Client().follow(f"/r/{key}")
            self.assertEqual(r.path, f"/r/{key}/5")
            self.assertEqual(title(r.body), "Side fem")
            self.assertNotIn("Ny side", r.body)
        a = answers(key)
        for var in ("S1", "S2", "S3", "S4"):
            self.assertEqual(a[var], ("1", "a"))
        self.assertNotIn("SX", a)
        self.assertEqual(answer(c, key, 5, {"S5": "2"}), f"/r/{key}/6")
        self.assertEqual(response_row(key)[2], "p6")
        self.assertEqual(psql("SELECT definition_id FROM response WHERE"
                              " selector = :'p0'", key[:8])[0][0], before)
        # A new response gets the new page as its third.
        c2 = Client()
        k2, _ = start(c2, self.link)
        answer(c2, k2, 1, {"S1": "1"})
        self.assertEqual(answer(c2, k2, 2, {"S2": "1"}), f"/r/{k2}/3")
        self.assertEqual(title(c2.get(f"/r/{k2}/3").body), "Ny side")
        self.assertEqual(answer(c2, k2, 3, {"SX": "1"}), f"/r/{k2}/4")
        self.assertEqual(response_row(k2)[2], "p3")
        self.assertNotEqual(psql("SELECT definition_id FROM response WHERE"
                                 " selector = :'p0'", k2[:8])[0][0], before)

    def test_closed_wave(self):
        c = Client()
        key, _ = start(c, self.link)
        psql("UPDATE wave SET closes_at = now() - interval '1 day'"
             " WHERE year = 2030")
        time.sleep(1.2)     # workers re-read a wave's state once a second
        try:
            r = c.get(f"/r/{key}/1")
            self.assertEqual(r.status, 410)
            self.assertIn("Undersøkelsen er stengt", r.body)
            self.assertEqual(Client().get(self.link).status, 410)
        finally:
            psql("UPDATE wave SET closes_at = NULL WHERE year = 2030")
        time.sleep(1.2)
        self.assertEqual(c.get(f"/r/{key}/1").status, 200)


if __name__ == "__main__":
    unittest.main()
