"""Paths the module must take as production runs it. scripts/test.sh runs
this file a second time through build/svar.so (no sanitizers, seccomp on,
chrooted) in tests/hostile/run.sh, which fails if a worker dies: ASan's
allocator makes system calls of its own and so can hide one that
seccomp kills a worker for. The paths: a respondent's saves and views
from a worker's memory of the response (web_rcache.c, its timer), a
save from a stale memory and its locked retry, and every export format
as an admin's download (extra database connections for the COPY
streams, temporary files). Runs twice on one database unchanged."""
import json
import unittest

from svartest import (Client, admin_login, answers, csrf, new_admin, psql,
                      start, unit_link)

GRID = {"Q3_1.telefon": "1", "Q3_1.skriftlig": "2", "Q3_1.video": "9"}


class Production(unittest.TestCase):
    def post_page(self, c, key, page, fields):
        r = c.get(f"/r/{key}/{page}")
        self.assertEqual(r.status, 200, (page, r.body[:300]))
        r = c.post(f"/r/{key}/{page}", dict(fields, csrf=csrf(r.body),
                                              nav="next"))
        self.assertEqual(r.status, 303, (page, r.body[:300]))
        return r

    def test_respondent_saves_and_views_from_memory(self):
        k = Client(keep=True)
        key, _ = start(k, unit_link("hf"))
        r = self.post_page(k, key, 1, {})
        self.assertRegex(r.raw_location, r"/r/[a-z0-9]+/2\?v=\d+$")
        self.assertEqual(k.get(r.raw_location).status, 200)
        r = self.post_page(k, key, 2, GRID)
        # Another revision made elsewhere: the next save from memory
        # fails its check and is done again holding the row.
        self.assertEqual(Client().get(f"/r/{key}/3?lang=en").status, 303)
        psql("UPDATE response SET rev = rev + 1 WHERE selector = :'p0'",
             key[:8])
        page = k.get(r.raw_location)
        self.assertEqual(page.status, 200)
        r = k.post(f"/r/{key}/3", {"Q3_2": "2", "csrf": csrf(page.body),
                                   "nav": "next"})
        self.assertEqual(r.status, 303, r.body[:300])
        self.assertIn('<html lang="en">', k.get(r.raw_location).body)
        a = answers(key)
        self.assertEqual(a["Q3_2"], ("2", "a"))
        self.assertEqual(a["Q3_1.video"], ("9", "a"))

    def test_every_export_format_downloads(self):
        admin = Client()
        admin_login(admin, *new_admin("admin"))
        wave = psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                    " w.survey_id WHERE s.key = 'helsepersonell' AND"
                    " w.year = 2021")[0][0]
        magic = {"sav": b"$FL2", "xlsx": b"PK", "dta": b"<stata_dta>",
                 "csv-excel": b"\xef\xbb\xbf", "codebook": b"<!DOCTYPE html>"}
        for fmt in ("csv", "csv-excel", "xlsx", "sav", "dta", "codebook",
                    "codebook-json"):
            form = admin.get("/admin/export")
            self.assertEqual(form.status, 200)
            r = admin.post("/admin/export", {
                "csrf": csrf(form.body), "wave": wave, "format": fmt,
                "status": "all", "lang": "nb"})
            self.assertEqual(r.status, 200, (fmt, r.body[:300]))
            if fmt in magic:
                self.assertTrue(r.raw.startswith(magic[fmt]),
                                (fmt, r.raw[:20]))
            elif fmt == "csv":
                self.assertTrue(r.body.startswith("id,version,unit,"), (fmt, r.body[:40]))
            else:
                self.assertIn("variables", json.loads(r.body))


if __name__ == "__main__":
    unittest.main()
