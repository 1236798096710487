"""svarctl against the test database: loading is all or nothing and
idempotent, and bad input gets a message that says what to do."""
import subprocess
import unittest

from svartest import psql


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

    def test_tokens_are_typeable_and_each_has_a_response(self):
        r = svarctl("tokens", "fastlege", "200")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.split("\n")[:-1]
        self.assertEqual(len(lines), 200)
        codes = [line.split()[1] for line in lines]
        for c in codes:
            self.assertRegex(c, r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
        # Each waits as 'invited' on the version's definition, with the
        # version's hidden value, and its link is its own response.
        rows = psql("SELECT count(*), count(DISTINCT r.selector),"
                    " count(*) FILTER (WHERE a.value = '3'"
                    "  AND r.channel = 'personal')"
                    " FROM response r JOIN invitation i ON"
                    " i.id = r.invitation_id JOIN version v ON v.id ="
                    " r.version_id AND v.definition_id = r.definition_id"
                    " LEFT JOIN answer a ON a.response_id = r.id AND"
                    " a.var = 'B1' WHERE r.status = 'invited' AND"
                    " i.code = ANY(string_to_array(:'p0', ','))",
                    ",".join(c.replace("-", "") for c in codes))
        self.assertEqual(rows[0], ["200", "200", "200"])
        self.assertEqual({line.split()[0].rsplit("/", 1)[1][:8]
                          for line in lines},
                         {r[0] for r in psql(
                             "SELECT r.selector FROM response r JOIN"
                             " invitation i ON i.id = r.invitation_id"
                             " WHERE i.code = ANY(string_to_array(:'p0',"
                             " ','))", ",".join(c.replace("-", "")
                                                for c in codes))})


    def test_tokens_belong_to_their_office(self):
        r = svarctl("tokens", "fastlege", "2", "no-such-office")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no fastlegekontor 'no-such-office'", r.stderr)
        psql("INSERT INTO unit (kind, code, name, address, postmottak)"
             " VALUES ('fastlegekontor', 'lk-tokens', 'Tokenkontoret',"
             " 'Gata 1', 'post@lk-tokens.invalid')")
        r = svarctl("tokens", "fastlege", "2", "lk-tokens")
        self.assertEqual(r.returncode, 0, r.stderr)
        codes = [line.split()[1].replace("-", "")
                 for line in r.stdout.split("\n")[:-1]]
        rows = psql("SELECT count(*) FROM invitation i JOIN unit u ON"
                    " u.id = i.unit_id WHERE u.code = 'lk-tokens' AND"
                    " i.code = ANY(string_to_array(:'p0', ','))",
                    ",".join(codes))
        self.assertEqual(rows[0][0], "2")


if __name__ == "__main__":
    unittest.main()
