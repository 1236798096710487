"""svarctl against the test database: loading is all or nothing and
idempotent, and bad input gets a message that says what to do."""
import os
import subprocess
import tempfile
import time
import unittest

from svartest import Client, psql, start, unit_link


def svarctl(*args):
    return subprocess.run(["build/svarctl", *args], capture_output=True,
                          text=True)


class Svarctl(unittest.TestCase):
    def test_load_twice_changes_nothing(self):
        before = psql("SELECT count(*) FROM definition")[0][0]
        r = svarctl("load", "surveys/helsepersonell-2021/survey.svar")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("unchanged", r.stdout)
        self.assertEqual(psql("SELECT count(*) FROM definition")[0][0],
                         before)

    def test_running_app_follows_a_new_definition(self):
        key, _ = start(Client(), unit_link("hf"))
        src = open("surveys/helsepersonell-2021/survey.svar").read()
        changed = src.replace('page a1 "', 'page a1 "NY: ', 1)
        self.assertNotEqual(changed, src)
        with tempfile.NamedTemporaryFile("w", suffix=".svar",
                                         delete=False) as f:
            f.write(changed)
        try:
            r = svarctl("load", f.name)
            self.assertEqual(r.returncode, 0, r.stderr)
            time.sleep(1.2)     # workers re-read a version once a second
            for _ in range(4):  # every worker, whichever answers
                self.assertIn("<h1>NY: ", Client().get(f"/r/{key}/2").body)
        finally:
            os.unlink(f.name)
            r = svarctl("load", "surveys/helsepersonell-2021/survey.svar")
            self.assertEqual(r.returncode, 0, r.stderr)
            time.sleep(1.2)
        self.assertNotIn("<h1>NY: ", Client().get(f"/r/{key}/2").body)

    def test_broken_definition_is_refused_whole(self):
        before = psql("SELECT count(*) FROM survey")[0][0]
        r = svarctl("load", "tests/defs/bad-later-condition.svar")
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad-later-condition.svar:9: Q1: condition refers to"
                      " Q2, which is not on an earlier page", r.stderr)
        self.assertIn("refused, nothing loaded", r.stderr)
        self.assertEqual(psql("SELECT count(*) FROM survey")[0][0], before)
        r = svarctl("check", "tests/defs/bad-unknown-scale.svar",
                    "surveys/helsepersonell-2021/survey.svar")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Q1: unknown scale 'SC_GRAAD'", r.stderr)
        self.assertIn("survey.svar: ok: survey helsepersonell wave 2021",
                      r.stdout)

    def test_bad_arguments(self):
        for args, text in ((("tokens", "fastlege", "0"), "count must be"),
                           (("tokens", "fastlege", "12x"), "count must be"),
                           (("tokens", "nosuch", "1"), "no version 'nosuch'"),
                           (("load", "/nonexistent.svar"), "No such file"),
                           (("frobnicate",), "usage: svarctl")):
            r = svarctl(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(text, r.stderr, args)

    def test_tokens_are_unique_and_typeable(self):
        r = svarctl("tokens", "fastlege", "200")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.split("\n")[:-1]
        self.assertEqual(len(lines), 200)
        codes = [line.split()[1] for line in lines]
        self.assertEqual(len(set(codes)), 200)
        for c in codes:
            self.assertRegex(c, r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
        self.assertEqual(psql("SELECT count(*) FROM response r JOIN"
                              " invitation i ON i.id = r.invitation_id"
                              " WHERE r.status = 'invited' AND i.code = ANY("
                              "'{" + ",".join(c.replace("-", "")
                                              for c in codes) + "}')")[0][0],
                         "200")


if __name__ == "__main__":
    unittest.main()
