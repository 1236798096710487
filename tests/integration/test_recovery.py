"""A database restart must not need an app restart: the first request
after it gets either its page or a clear 503, and the next one works."""
import os
import subprocess
import unittest

from svartest import Client, answers, csrf, start, unit_link


class DatabaseRestart(unittest.TestCase):
    @unittest.skipUnless(os.environ.get("SVAR_TEST_PG"), "needs SVAR_TEST_PG")
    def test_app_recovers_after_restart(self):
        name, port = os.environ["SVAR_TEST_PG"].split()
        c = Client()
        key, r = start(c, unit_link("hf"))
        token = csrf(r.body)
        subprocess.run(["scripts/pg.sh", "stop", name], check=True)
        try:
            r = c.get(f"/r/{key}/2")
            self.assertEqual(r.status, 503)
            self.assertIn("midlertidig utilgjengelig", r.body)
        finally:
            subprocess.run(["scripts/pg.sh", "start", name, port], check=True)
        r = c.post(f"/r/{key}/2", {"csrf": token, "nav": "next",
                                   "Q3_1.video": "1"})
        self.assertEqual(r.status, 303)
        self.assertEqual(answers(key)["Q3_1.video"], ("1", "a"))


if __name__ == "__main__":
    unittest.main()
