"""The respondent path over HTTP against a running Kore and PostgreSQL
(started by scripts/test.sh). Pages of the 2021 survey: 1 intro,
2 Q3_1 grid, 3 Q3_2, 4 Q3_3+Q3_4 (if Q3_2 = Ja), 5 Q3_6 sum, ...,
20 B2+B3, 21 B4-B7 (B5 age), 22 B8+B9."""
import re
import subprocess
import threading
import time
import unittest

import svartest
from svartest import (Client, answers, complete, csrf, key_of, new_admin,
                      new_token, psql, response_row, start, unit_link)


# The pages of the 2021 survey in order, by id.
PAGES = ["intro", "a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4",
         "c1", "c2", "c3", "d1", "e1", "f1", "g1", "h1", "i1", "bg1", "bg2",
         "bg3"]


def save(client, key, page, fields, nav="next", token=None):
    """Posts page `page`. The tests post pages out of order; a response
    may only open pages up to the furthest it reached (issue 8), so the
    page counts as reached first."""
    rows = psql("SELECT coalesce(furthest_page_id, '') FROM response"
                " WHERE selector = :'p0'", key[:8])
    if not rows or rows[0][0] not in PAGES or \
            PAGES.index(rows[0][0]) < page - 1:
        reach(key, PAGES[page - 1])
    if token is None:
        token = csrf(client.get(f"/r/{key}/{page}").body)
    data = dict(fields)
    data["csrf"] = token
    data["nav"] = nav
    return client.post(f"/r/{key}/{page}", data)


class UnitLink(unittest.TestCase):
    def test_new_visitor_gets_own_response_and_cookie_resumes(self):
        link = unit_link("hf")
        a, b = Client(), Client()
        ka, _ = start(a, link)
        kb, _ = start(b, link)
        self.assertNotEqual(ka, kb, "two visitors share a response")
        # Same browser, same link: the same response, not a new one.
        ka2, _ = start(a, link)
        self.assertEqual(ka, ka2)
        self.assertEqual(answers(ka)["B1"], ("1", "a"))  # hidden version

    def test_opening_a_link_changes_nothing_until_start(self):
        link = unit_link("hf")
        before = psql("SELECT count(*) FROM response")[0][0]
        for method in ("GET", "HEAD", "GET"):
            r = Client().request(method, link)
            self.assertEqual(r.status, 200, method)
        self.assertEqual(psql("SELECT count(*) FROM response")[0][0], before)
        c = Client()
        r = c.get(link)
        self.assertIn("Start undersøkelsen", r.body)
        self.assertEqual(c.post(link, {"csrf": "x" * 26}).status, 403)
        self.assertEqual(Client().post(link, {}).status, 403)
        self.assertEqual(psql("SELECT count(*) FROM response")[0][0], before)
        start(c, link)
        self.assertEqual(psql("SELECT count(*) FROM response")[0][0],
                         str(int(before) + 1))

    def test_stop_on_page_3_and_come_back(self):
        link = unit_link("hf")
        c = Client()
        key, _ = start(c, link)
        self.assertEqual(save(c, key, 1, {}).location, f"/r/{key}/2")
        r = save(c, key, 2, {"Q3_1.telefon": "1", "Q3_1.skriftlig": "2",
                             "Q3_1.video": "9"})
        self.assertEqual(r.location, f"/r/{key}/3")
        r = save(c, key, 3, {"Q3_2": "1"}, nav="save")
        self.assertEqual(r.location, f"/r/{key}/lagret")
        saved = c.get(r.location)
        self.assertIn(f"/r/{key}", saved.body)
        # Back through the same link: the current page, answers kept.
        r = c.follow(link)
        self.assertEqual(r.path, f"/r/{key}/3")
        self.assertRegex(r.body, r'name="Q3_2" id="Q3_2-1" value="1" checked')
        r = c.get(f"/r/{key}/2")
        self.assertRegex(r.body, r'id="Q3_1.telefon-1" value="1" checked')
        self.assertRegex(r.body, r'id="Q3_1.video-9" value="9" checked')
        # From another device, with the resume link only.
        r = Client().follow(f"/r/{key}")
        self.assertEqual(r.path, f"/r/{key}/3")
        rows = psql("SELECT count(*) FROM response WHERE selector ="
                    " :'p0'", key[:8])
        self.assertEqual(rows[0][0], "1")
        self.assertEqual(response_row(key)[1], "started")
        self.assertEqual(psql("SELECT channel FROM response WHERE selector"
                              " = :'p0'", key[:8])[0][0], "link")

    def test_first_respondent_marks_unit_distributed(self):
        link = unit_link("kommune")
        start(Client(), link)
        rows = psql("SELECT wu.stage, (SELECT count(*) FROM unit_event e"
                    " WHERE e.wave_unit_id = wu.id AND e.to_stage ="
                    " 'distributed' AND e.actor = 'respondent')"
                    " FROM unit_link l JOIN wave_unit wu ON"
                    " wu.id = l.wave_unit_id WHERE l.selector = :'p0'",
                    link[3:11])
        self.assertIn(rows[0][0], ("distributed", "responding"))
        self.assertEqual(rows[0][1], "1")


class PersonalToken(unittest.TestCase):
    def test_token_is_one_response_on_any_device(self):
        url, code = new_token()
        path = url[url.index("/r/"):]
        key = key_of(path)
        self.assertEqual(response_row(key)[1], "invited")
        a = Client()
        r = a.follow(path)
        self.assertEqual(r.status, 200)
        self.assertEqual(response_row(key)[1], "opened")
        save(a, key, 1, {})
        save(a, key, 2, {"Q3_1.telefon": "2"})
        # Another device, through the code page with a sloppy code.
        b = Client()
        form = b.get("/kode")
        r = b.post("/kode", {"csrf": csrf(form.body),
                             "code": " " + code.lower() + " "})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{key}")
        r = b.follow(r.location)
        self.assertEqual(r.path, f"/r/{key}/3")
        self.assertEqual(psql("SELECT count(*) FROM response r JOIN"
                              " invitation i ON i.id = r.invitation_id"
                              " WHERE i.code = :'p0'",
                              code.replace("-", ""))[0][0], "1")
        self.assertEqual(answers(key)["B1"], ("3", "a"))

    def test_code_entry_errors(self):
        c = Client()
        token = csrf(c.get("/kode").body)
        r = c.post("/kode", {"csrf": token, "code": "ZZZZZ-ZZZZZ"})
        self.assertEqual(r.status, 422)
        self.assertIn("Vi fant ingen invitasjon med denne koden", r.body)
        self.assertIn('value="ZZZZZ-ZZZZZ"', r.body)   # kept as typed
        r = c.post("/kode", {"csrf": token, "code": "abc<script>"})
        self.assertEqual(r.status, 422)
        self.assertIn("Koden skal ha 10 tegn", r.body)
        self.assertNotIn("<script>", r.body)
        self.assertIn("abc&lt;script&gt;", r.body)
        r = c.post("/kode", {"csrf": token, "code": ""})
        self.assertEqual(r.status, 422)
        r = Client().post("/kode", {"code": "ABCDE-FGHJK"})
        self.assertEqual(r.status, 403)

    def test_code_entry_is_rate_limited(self):
        c = Client()
        token = csrf(c.get("/kode").body)
        ip = "127.0.0.1"
        # The limit counts in fixed 10-minute windows: do not straddle one.
        left = 600 - float(psql("SELECT extract(epoch FROM now())::numeric"
                                " % 600")[0][0])
        if left < 15:
            time.sleep(left + 1)
        psql("DELETE FROM rate_limit")
        try:
            # Right codes do not count: a whole office behind one address
            # can type theirs.
            for _ in range(12):
                url, code = new_token()
                r = c.post("/kode", {"csrf": token, "code": code})
                self.assertEqual(r.status, 303)
            statuses = [c.post("/kode", {"csrf": token, "code": "ZZZZZ-ZZZZ"
                                         + str(i % 10)}).status
                        for i in range(12)]
            self.assertEqual(statuses[:10], [422] * 10)
            self.assertEqual(statuses[10:], [429, 429])
            r = c.post("/kode", {"csrf": token, "code": "ZZZZZ-ZZZZZ"})
            self.assertIn("For mange forsøk", r.body)
            # Stored hashed: the address itself is not in the database.
            self.assertEqual(psql("SELECT count(*) FROM rate_limit WHERE"
                                  " bucket LIKE '%' || :'p0' || '%'", ip)
                             [0][0], "0")
            self.assertEqual(psql("SELECT count(*) FROM rate_limit")[0][0],
                             "1")
            # Salted with a secret: not the plain hash of the address.
            plain = psql("SELECT encode(sha256(convert_to('code:' || :'p0',"
                         " 'UTF8')), 'hex')", ip)[0][0]
            self.assertEqual(psql("SELECT count(*) FROM rate_limit WHERE"
                                  " bucket = :'p0'", plain)[0][0], "0")
            # And the app's role cannot read the secret.
            denied = subprocess.run(
                ["psql", "-qAtX", "-U", "svar_app", "-c",
                 "SELECT value FROM secret"], capture_output=True, text=True)
            self.assertNotEqual(denied.returncode, 0)
            self.assertIn("permission denied", denied.stderr)
        finally:
            psql("DELETE FROM rate_limit")

    def test_old_rate_windows_are_purged_through_an_index(self):
        # svar_rate* delete windows older than a day on every hit: with
        # many live windows that must not read the whole table.
        plan = psql("BEGIN;"
                    " INSERT INTO rate_limit (bucket, window_start, hits)"
                    " SELECT 'plan' || i, now() - i * interval '1 second', 1"
                    " FROM generate_series(1, 20000) i;"
                    " ANALYZE rate_limit;"
                    " EXPLAIN DELETE FROM rate_limit"
                    " WHERE window_start < now() - interval '1 day';"
                    " ROLLBACK;")
        text = "\n".join(r[0] for r in plan)
        self.assertIn("rate_limit_window_start", text)
        self.assertNotIn("Seq Scan", text)
        # And that is the purge the functions run.
        for fn in ("svar_rate", "svar_rate_take"):
            self.assertEqual(psql(
                "SELECT prosrc LIKE '%DELETE FROM rate_limit WHERE"
                " window_start < now() - interval ''1 day''%'"
                " FROM pg_proc WHERE proname = :'p0'", fn), [["t"]], fn)

    def test_unknown_and_malformed_keys(self):
        c = Client()
        for path in ("/r/aaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbb",
                     "/r/abc", "/u/aaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbb",
                     "/r/" + "a" * 5000):
            r = c.get(path)
            self.assertIn(r.status, (404, 414), path[:40])
            self.assertNotIn("aaaaaaaabbbb", r.body)
        url, _ = new_token()
        key = key_of(url[url.index("/r/"):])
        wrong = key[:8] + ("b" if key[8] != "b" else "c") + key[9:]
        self.assertEqual(c.get(f"/r/{wrong}").status, 404)
        # The key exactly, not a key with something after it.
        self.assertEqual(c.get(f"/r/{key}x").status, 404)
        self.assertEqual(c.get(f"/r/{key}").status, 303)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.c = Client()
        self.key, _ = start(self.c, unit_link("hf"))

    def test_tampered_codes_and_valid_fields_kept(self):
        r = save(self.c, self.key, 2, {"Q3_1.telefon": "1",
                                       "Q3_1.skriftlig": "77",
                                       "Q3_1.video": "2 OR 1=1"})
        self.assertEqual(r.status, 422)
        self.assertIn("Velg et av svaralternativene", r.body)
        self.assertIn('id="err-Q3_1"', r.body)
        a = answers(self.key)
        self.assertEqual(a["Q3_1.telefon"], ("1", "a"))
        self.assertNotIn("Q3_1.skriftlig", a)

    def test_number_sum_and_text(self):
        r = save(self.c, self.key, 5, {"Q3_6.fysisk": "50",
                                       "Q3_6.telefon": "20",
                                       "Q3_6.skriftlig": "", "Q3_6.video": "5"})
        self.assertEqual(r.status, 422)
        self.assertIn("Tallene må bli 100 til sammen. Nå blir de 75.", r.body)
        self.assertIn('value="50"', r.body)
        r = save(self.c, self.key, 21, {"B5": "tre og førti", "B4": "1"})
        self.assertEqual(r.status, 422)
        self.assertIn("Skriv et helt tall fra 15 til 90.", r.body)
        self.assertIn('value="tre og førti"', r.body)
        self.assertEqual(answers(self.key)["B4"], ("1", "a"))
        r = save(self.c, self.key, 21, {"B5": "200"})
        self.assertEqual(r.status, 422)
        r = save(self.c, self.key, 21, {"B5": "44"})
        self.assertEqual(r.status, 303)
        self.assertEqual(answers(self.key)["B5"], ("44", "a"))
        r = save(self.c, self.key, 19, {"Q3_35": "x" * 2001})
        self.assertEqual(r.status, 422)
        self.assertIn("Teksten er for lang: 2001 tegn", r.body)
        hostile = '</textarea><script>alert(1)</script>'
        r = save(self.c, self.key, 19, {"Q3_35": hostile}, nav="save")
        self.assertEqual(r.status, 303)
        r = self.c.get(f"/r/{self.key}/19")
        self.assertNotIn("<script>alert", r.body)
        self.assertIn("&lt;/textarea&gt;&lt;script&gt;", r.body)
        self.assertEqual(answers(self.key)["Q3_35"], (hostile, "a"))

    def test_other_text_ticks_its_option(self):
        r = save(self.c, self.key, 20, {"B2.other": "Ambulansetjeneste"})
        self.assertEqual(r.status, 303)
        a = answers(self.key)
        self.assertEqual(a["B2"], ("5", "a"))
        self.assertEqual(a["B2.other"], ("Ambulansetjeneste", "a"))

    def test_csrf_missing_or_wrong(self):
        r = self.c.post(f"/r/{self.key}/2", {"Q3_1.telefon": "1",
                                            "nav": "next"})
        self.assertEqual(r.status, 403)
        self.assertIn("Siden er utløpt", r.body)
        r = self.c.post(f"/r/{self.key}/2", {"Q3_1.telefon": "1",
                                            "csrf": "x" * 26})
        self.assertEqual(r.status, 403)
        self.assertNotIn("Q3_1.telefon", answers(self.key))

    def test_malformed_bodies(self):
        tok = csrf(self.c.get(f"/r/{self.key}/2").body)
        r = self.c.request("POST", f"/r/{self.key}/2",
                           f"csrf={tok}&Q3_1.telefon=%ZZ",
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400)
        self.assertIn("Skjemaet kom ikke fram", r.body)
        r = self.c.request("POST", f"/r/{self.key}/2", '{"a":1}',
                           {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.c.request("POST", f"/r/{self.key}/2",
                           "csrf=" + tok + "&Q3_35=" + "x" * 400000,
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 413)

    def test_hostile_cookies_query_and_repeated_fields(self):
        link = unit_link("hf")
        for cookie in ("svar_" + link[3:11] + "=../../etc/passwd",
                       "svar_csrf=" + "x" * 3000,
                       "svar_csrf=a; svar_csrf=b; lang=xx; =; ;;",
                       "lang=en; lang=nb"):
            r = Client().request("GET", link, headers={"Cookie": cookie})
            self.assertEqual(r.status, 200, cookie[:40])
            self.assertIn("<form", r.body)
        r = self.c.get(f"/r/{self.key}/2?lang=" + "x" * 3000)
        self.assertEqual(r.status, 414)             # Kore's URI limit
        r = self.c.get(f"/r/{self.key}/2?lang=" + "x" * 1000 + "&a=%ZZ")
        self.assertEqual(r.status, 200)
        tok = csrf(r.body)
        # The same field 400 times: one answer, not 400 rows or an error.
        body = "&".join(["Q3_1.telefon=2"] * 400 + [f"csrf={tok}",
                                                   "nav=save"])
        r = self.c.request("POST", f"/r/{self.key}/2", body,
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 303)
        self.assertEqual(answers(self.key)["Q3_1.telefon"], ("2", "a"))
        # Over the field limit: refused whole, nothing stored.
        body = "&".join(["Q3_1.video=1"] * 600 + [f"csrf={tok}"])
        r = self.c.request("POST", f"/r/{self.key}/2", body,
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400)
        self.assertEqual(answers(self.key)["Q3_1.video"], ("", "s"))


class Navigation(unittest.TestCase):
    def setUp(self):
        self.c = Client()
        self.key, _ = start(self.c, unit_link("hf"))

    def test_routing_change_marks_later_answers_not_asked(self):
        save(self.c, self.key, 3, {"Q3_2": "1"})
        r = save(self.c, self.key, 4, {"Q3_3": "1", "Q3_4": "2"})
        self.assertEqual(r.location, f"/r/{self.key}/5")
        a = answers(self.key)
        self.assertEqual(a["Q3_3"], ("1", "a"))
        # Back, and the answer that opened Q3_3 changes to Nei.
        r = save(self.c, self.key, 3, {"Q3_2": "2"})
        self.assertEqual(r.location, f"/r/{self.key}/5")  # page 4 skipped
        a = answers(self.key)
        self.assertEqual(a["Q3_3"], ("1", "n"))
        self.assertEqual(a["Q3_4"], ("2", "n"))
        self.assertEqual(self.c.get(f"/r/{self.key}/4").location,
                         f"/r/{self.key}/5")
        # And back to Ja: the old answers come back as suggestions.
        save(self.c, self.key, 3, {"Q3_2": "1"})
        r = self.c.get(f"/r/{self.key}/4")
        self.assertRegex(r.body, r'id="Q3_3-1" value="1" checked')
        self.assertEqual(answers(self.key)["Q3_3"], ("1", "n"))
        save(self.c, self.key, 4, {"Q3_3": "1", "Q3_4": "2"})
        self.assertEqual(answers(self.key)["Q3_3"], ("1", "a"))

    def test_back_reload_and_double_submit(self):
        tok = csrf(self.c.get(f"/r/{self.key}/2").body)
        fields = {"Q3_1.telefon": "1", "csrf": tok, "nav": "next"}
        r1 = self.c.post(f"/r/{self.key}/2", fields)
        r2 = self.c.post(f"/r/{self.key}/2", fields)
        self.assertEqual((r1.status, r1.location), (r2.status, r2.location))
        r = self.c.post(f"/r/{self.key}/3", {"csrf": tok, "nav": "prev"})
        self.assertEqual(r.location, f"/r/{self.key}/2")
        for _ in range(2):
            r = self.c.get(f"/r/{self.key}/2")
            self.assertEqual(r.status, 200)
            self.assertRegex(r.body, r'id="Q3_1.telefon-1" value="1" checked')

    def test_two_tabs_at_once(self):
        tok = csrf(self.c.get(f"/r/{self.key}/2").body)
        reach(self.key, "b2")
        results = []

        def post(page, fields):
            f = dict(fields, csrf=tok, nav="save")
            results.append(Client().post(f"/r/{self.key}/{page}", f).status)

        threads = []
        for i in range(10):
            threads.append(threading.Thread(target=post, args=(
                2, {"Q3_1.telefon": str(1 + i % 2)})))
            threads.append(threading.Thread(target=post, args=(
                8, {"Q3_12": "1", "Q3_13": "2"})))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(set(results)), [303])
        a = answers(self.key)
        self.assertIn(a["Q3_1.telefon"][0], ("1", "2"))
        self.assertEqual(a["Q3_12"], ("1", "a"))
        self.assertEqual(psql("SELECT count(*) FROM response WHERE selector"
                              " = :'p0'", self.key[:8])[0][0], "1")

    def walk(self, upto, answers):
        """Saves pages 1..upto-1 (empty unless `answers` has them)."""
        tok = csrf(self.c.get(f"/r/{self.key}/1").body)
        for page in range(1, upto):
            save(self.c, self.key, page, answers.get(page, {}), token=tok)
        return tok

    def test_completion_waits_for_a_page_another_tab_opened(self):
        tok = self.walk(22, {3: {"Q3_2": "2"}})         # Nei: no page 4
        # Another tab goes back and says Ja: page 4 is now asked.
        save(Client(), self.key, 3, {"Q3_2": "1"}, nav="save", token=tok)
        r = save(self.c, self.key, 22, {"B8": "1"})
        self.assertEqual(r.location, f"/r/{self.key}/4")
        self.assertEqual(response_row(self.key)[1], "started")
        r = save(self.c, self.key, 4, {"Q3_3": "1"})
        self.assertEqual(r.location, f"/r/{self.key}/5")
        r = save(self.c, self.key, 22, {"B8": "1"})
        self.assertEqual(r.location, f"/r/{self.key}/takk")

    def test_complete_once(self):
        r = save(self.c, self.key, 22, {"B8": "1", "B9": "1"})
        # Pages never seen come first: the respondent is sent there.
        self.assertEqual(r.location, f"/r/{self.key}/2")
        self.walk(22, {})
        r = save(self.c, self.key, 22, {"B8": "1", "B9": "1"})
        self.assertEqual(r.location, f"/r/{self.key}/takk")
        first = response_row(self.key)
        self.assertEqual(first[1], "completed")
        # A late double submit, with the response's real token, changes
        # nothing and lands on the thank-you page.
        tok = psql("SELECT csrf FROM response WHERE selector = :'p0'",
                   self.key[:8])[0][0]
        r = self.c.post(f"/r/{self.key}/22", {"B8": "2", "nav": "next",
                                             "csrf": tok})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{self.key}/takk")
        again = self.c.get(f"/r/{self.key}/5")
        self.assertEqual(again.location, f"/r/{self.key}/takk")
        self.assertEqual(response_row(self.key)[3], first[3])
        self.assertEqual(answers(self.key)["B8"], ("1", "a"))
        r = self.c.get(f"/r/{self.key}/takk")
        self.assertIn("Takk for svarene", r.body)
        # A completed response does not catch the next person on this PC.
        k2, _ = start(self.c, unit_link("hf"))
        self.assertNotEqual(k2, self.key)

    def test_language_is_kept_on_resume(self):
        r = self.c.get(f"/r/{self.key}/2?lang=en")
        self.assertEqual(r.location, f"/r/{self.key}/2")
        r = Client().follow(f"/r/{self.key}")
        self.assertIn('<html lang="en">', r.body)
        self.assertIn(">Next<", r.body)
        r = self.c.get(f"/r/{self.key}/2?lang=nn")
        r = self.c.get(f"/r/{self.key}/2")
        self.assertIn("Førre", r.body)

    def test_security_headers(self):
        r = self.c.get(f"/r/{self.key}/1")
        csp = r.header("content-security-policy")
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(r.header("referrer-policy"), "no-referrer")
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertNotRegex(r.body, r"<script>|style=")


class Pages(unittest.TestCase):
    def test_static_pages(self):
        c = Client()
        for path, text in (("/", "Helsepersonellundersøkelsen"),
                           ("/personvern", "Taushetsplikt"),
                           ("/kode", "Skriv inn koden din")):
            r = c.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertIn(text, r.body)
        r = c.get("/?lang=en")
        self.assertIn("Health personnel survey", r.body)
        self.assertIn("Privacy", c.get("/personvern").body)  # cookie kept
        self.assertEqual(c.get("/healthz").body, "ok\n")
        self.assertEqual(c.get("/nope").status, 404)
        for path, ctype in (("/assets/svar.css", "text/css"),
                            ("/assets/svar.js", "application/javascript"),
                            ("/assets/helsenorge-app.svg", "image/svg+xml")):
            r = c.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.header("content-type"), ctype, path)


if __name__ == "__main__":
    unittest.main()


def reach(key, page_id):
    """Moves a response's furthest page reached to `page_id`, as if the
    respondent had come that far."""
    psql("UPDATE response SET furthest_page_id = :'p1', rev = rev + 1"
         " WHERE selector = :'p0'", key[:8], page_id)


GRID = {"Q3_1.telefon": "1", "Q3_1.skriftlig": "2", "Q3_1.video": "9"}


def checked(body, var):
    """The value of the checked radio button of `var` on a page."""
    m = re.search(r'name="%s" id="[^"]*" value="([^"]*)" checked'
                  % re.escape(var), body)
    return m.group(1) if m else None


class Remembered(unittest.TestCase):
    """A worker remembers the responses it saved (web_rcache.c): a page
    save starts from that memory (its revision check catches anything
    done elsewhere since), and the redirect after a save names the
    revision (?v=) so the page it leads to can come from memory. The
    changes "elsewhere" are made through PostgreSQL as the other app
    server, the admin or the withdrawal would make them, so the memory of
    the kept connection's worker is surely stale."""

    def setUp(self):
        self.k = Client(keep=True)
        self.key, _ = start(self.k, unit_link("hf"))
        r = save(self.k, self.key, 2, GRID)
        self.assertEqual(r.location, f"/r/{self.key}/3")
        self.id = response_row(self.key)[0]

    def same_as_database(self, r):
        """The page a save redirects to, from memory, is the page a new
        connection reads from the database."""
        self.assertEqual(r.status, 303)
        self.assertRegex(r.raw_location, r"\?v=\d+$")
        mem = self.k.get(r.raw_location)
        db = Client().get(r.location)
        self.assertEqual((mem.status, mem.body), (db.status, db.body))
        return mem

    def test_the_page_after_a_save_is_what_the_database_holds(self):
        self.same_as_database(save(self.k, self.key, 3, {"Q3_2": "2"}))
        self.same_as_database(save(self.k, self.key, 21,
                                   {"B4": "1", "B5": "200"}, nav="prev"))
        self.same_as_database(save(self.k, self.key, 19,
                                   {"Q3_35": "</textarea>æøå"}))
        r = save(self.k, self.key, 2, {**GRID, "Q3_1.video": "1"},
                 nav="prev")
        for var, val in {**GRID, "Q3_1.video": "1"}.items():
            self.assertEqual(answers(self.key)[var], (val, "a"))
        self.same_as_database(r)

    def test_a_save_elsewhere_is_kept_and_shown(self):
        # What another app server's page save does: a value, a revision.
        psql("UPDATE answer SET value = '3' WHERE var = 'Q3_1.telefon'"
             " AND response_id = :'p0'; UPDATE response SET rev = rev + 1"
             " WHERE id = :'p0'", self.id)
        r = save(self.k, self.key, 3, {"Q3_2": "1"}, nav="prev")
        a = answers(self.key)
        self.assertEqual(a["Q3_1.telefon"], ("3", "a"))
        self.assertEqual(a["Q3_2"], ("1", "a"))
        page = self.same_as_database(r)
        self.assertEqual(checked(page.body, "Q3_1.telefon"), "3")

    def test_a_text_blanked_by_an_admin_stays_blank(self):
        save(self.k, self.key, 19, {"Q3_35": "Kari Nordmann, pasient"})
        admin, _, _ = new_admin()
        psql("SELECT svar_text_blank(:'p0', 'Q3_35', (SELECT id FROM"
             " admin_user WHERE name = :'p1'))", self.id, admin)
        r = save(self.k, self.key, 20, {}, nav="prev")
        self.assertEqual(r.location, f"/r/{self.key}/19")
        page = self.same_as_database(r)
        self.assertNotIn("Kari Nordmann", page.body)
        self.assertEqual(answers(self.key)["Q3_35"][0], "")

    def test_a_language_chosen_elsewhere_holds(self):
        r = Client().get(f"/r/{self.key}/3?lang=en")
        self.assertEqual(r.status, 303)
        r = save(self.k, self.key, 3, {"Q3_2": "2"})
        page = self.same_as_database(r)
        self.assertIn('<html lang="en">', page.body)
        self.assertEqual(answers(self.key)["Q3_2"], ("2", "a"))

    def test_a_withdrawal_elsewhere_is_not_undone(self):
        token = csrf(self.k.get(f"/r/{self.key}/3").body)
        psql("SELECT svar_response_withdraw(:'p0')", self.id)
        r = save(self.k, self.key, 3, {"Q3_2": "1"}, token=token)
        self.assertEqual((r.status, r.location), (303, f"/r/{self.key}/takk"))
        r = self.k.follow(r.location)
        self.assertEqual(r.status, 200)
        self.assertIn("Svarene dine er slettet", r.body)
        self.assertEqual(answers(self.key), {})
        self.assertEqual(response_row(self.key)[1], "withdrawn")


class KeepInvalid(unittest.TestCase):
    """Issue 8, defect 1: Forrige and Lagre save what is valid, keep what
    is invalid as typed, and go where the button says; only Neste
    insists."""

    def setUp(self):
        self.c = Client()
        self.key, _ = start(self.c, unit_link("hf"))

    def test_prev_keeps_invalid_age_as_typed(self):
        r = save(self.c, self.key, 21, {"B4": "1", "B5": "200"}, nav="prev")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{self.key}/20")
        a = answers(self.key)
        self.assertEqual(a["B4"], ("1", "a"))
        self.assertEqual(a["B5"], ("200", "i"))
        r = self.c.get(f"/r/{self.key}/21")
        self.assertEqual(r.status, 200)
        self.assertIn('value="200"', r.body)
        self.assertIn("Skriv et helt tall fra 15 til 90.", r.body)
        self.assertRegex(r.body, r'id="B5"[^>]*aria-invalid="true"')
        # Neste still insists, and a valid age replaces what was kept.
        r = save(self.c, self.key, 21, {"B4": "1", "B5": "200"})
        self.assertEqual(r.status, 422)
        r = save(self.c, self.key, 21, {"B4": "1", "B5": "44"})
        self.assertEqual(r.status, 303)
        self.assertEqual(answers(self.key)["B5"], ("44", "a"))
        r = self.c.get(f"/r/{self.key}/21")
        self.assertNotIn("Skriv et helt tall", r.body)

    def test_save_keeps_a_wrong_sum_and_goes_to_saved(self):
        r = save(self.c, self.key, 5, {"Q3_6.fysisk": "50",
                                       "Q3_6.telefon": "fem",
                                       "Q3_6.skriftlig": "",
                                       "Q3_6.video": "5"}, nav="save")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{self.key}/lagret")
        a = answers(self.key)
        self.assertEqual(a["Q3_6.telefon"], ("fem", "i"))
        self.assertEqual(a["Q3_6.fysisk"], ("50", "i"))
        r = self.c.get(f"/r/{self.key}/5")
        self.assertEqual(r.status, 200)
        self.assertIn('value="fem"', r.body)
        self.assertIn('value="50"', r.body)
        # Resuming goes back to the page with the kept input.
        self.assertEqual(self.c.get(f"/r/{self.key}").location,
                         f"/r/{self.key}/5")

    def test_exclusive_is_kept_and_prev_goes_back(self):
        save(self.c, self.key, 9, {"Q3_18": "2"})
        r = save(self.c, self.key, 10, {"Q3_19": ["1", "9"]}, nav="prev")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{self.key}/9")
        a = answers(self.key)
        self.assertEqual(a["Q3_19.1"], ("1", "i"))
        self.assertEqual(a["Q3_19.9"], ("1", "i"))
        r = self.c.get(f"/r/{self.key}/10")
        self.assertRegex(r.body, r'id="Q3_19-1" value="1" checked')
        self.assertRegex(r.body, r'id="Q3_19-9" value="9" checked')
        self.assertIn('id="err-Q3_19"', r.body)


class FieldErrors(unittest.TestCase):
    """Issue 8, defect 2: each wrong box of a constant sum gets its own
    message and aria-invalid; the summary links to the first wrong box;
    aria-invalid on every field in error."""

    def setUp(self):
        self.c = Client()
        self.key, _ = start(self.c, unit_link("hf"))

    def test_sum_names_the_wrong_box(self):
        r = save(self.c, self.key, 5, {"Q3_6.fysisk": "50",
                                       "Q3_6.telefon": "fem",
                                       "Q3_6.skriftlig": "",
                                       "Q3_6.video": "5"})
        self.assertEqual(r.status, 422)
        self.assertIn('href="#Q3_6.telefon"', r.body)
        self.assertIn('id="err-Q3_6.telefon"', r.body)
        self.assertRegex(r.body, r'id="Q3_6.telefon"[^>]*aria-invalid="true"')
        for ok in ("fysisk", "skriftlig", "video"):
            self.assertNotRegex(
                r.body, r'id="Q3_6.%s"[^>]*aria-invalid' % ok)
        self.assertEqual(r.body.count('aria-invalid="true"'), 1)

    def test_wrong_total_marks_every_box_and_says_the_sum(self):
        r = save(self.c, self.key, 5, {"Q3_6.fysisk": "50",
                                       "Q3_6.telefon": "20"})
        self.assertEqual(r.status, 422)
        self.assertIn("Tallene må bli 100 til sammen. Nå blir de 70.", r.body)
        self.assertEqual(r.body.count('aria-invalid="true"'), 4)
        self.assertIn('href="#Q3_6.fysisk"', r.body)

    def test_choice_errors_mark_their_inputs(self):
        r = save(self.c, self.key, 3, {"Q3_2": "77"})
        self.assertEqual(r.status, 422)
        self.assertRegex(r.body, r'name="Q3_2"[^>]*aria-invalid="true"')
        r = save(self.c, self.key, 9, {"Q3_18": "2"})
        r = save(self.c, self.key, 10, {"Q3_19": ["1", "9"]})
        self.assertEqual(r.status, 422)
        self.assertRegex(r.body, r'id="Q3_19-1"[^>]*aria-invalid="true"')


class NoJumpingAhead(unittest.TestCase):
    """Issue 8, defect 8: a response shows only pages up to its furthest
    page reached, or the next one."""

    def test_a_new_response_cannot_open_page_21(self):
        c = Client()
        key, first = start(c, unit_link("hf"))
        self.assertEqual(first.path, f"/r/{key}/1")
        r = c.get(f"/r/{key}/21")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{key}/1")
        self.assertEqual(c.get(f"/r/{key}/2").status, 200)
        self.assertEqual(c.get(f"/r/{key}/3").location, f"/r/{key}/1")
        tok = csrf(first.body)
        r = c.post(f"/r/{key}/21", {"csrf": tok, "nav": "next", "B4": "1"})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{key}/1")
        self.assertNotIn("B4", answers(key))
        # Moving on moves the limit; going back keeps it.
        # (Page 4 is asked only after Ja on page 3: the next is 5.)
        save(c, key, 1, {})
        save(c, key, 2, {})
        self.assertEqual(c.get(f"/r/{key}/5").status, 200)
        self.assertEqual(c.get(f"/r/{key}/6").location, f"/r/{key}/3")
        save(c, key, 3, {}, nav="prev")
        self.assertEqual(c.get(f"/r/{key}/5").status, 200)
        self.assertEqual(c.get(f"/r/{key}/6").location, f"/r/{key}/2")


class OtherLabels(unittest.TestCase):
    """Issue 8, defect 6: the "Annet, noter" text box has a clean label
    in each language, and the privacy note apart from it."""

    def test_labels(self):
        c = Client()
        key, _ = start(c, unit_link("hf"))
        reach(key, "bg1")
        for lang, label in (("nb", "Annet – skriv inn"),
                            ("nn", "Anna – skriv inn"),
                            ("en", "Other – please specify")):
            c.get(f"/r/{key}/20?lang={lang}")
            r = c.get(f"/r/{key}/20")
            self.assertIn(f'<label for="B2.other">{label}</label>', r.body)
            self.assertIn('aria-describedby="note-B2.other"', r.body)
            self.assertNotIn("specify...:", r.body)
            self.assertNotIn("noter...:", r.body)


class Progress(unittest.TestCase):
    """Issue 8, defect 4: progress never goes back when routing adds
    pages, and the step is in the page title."""

    def test_progress_only_grows(self):
        c = Client()
        key, r = start(c, unit_link("hf"))
        seen = []
        fields = {3: {"Q3_2": "1"}}     # Ja opens page 4
        page = 1
        while page < 12:
            r = c.get(f"/r/{key}/{page}")
            m = re.search(r'id="progress-label">Side (\d+) · (\d+) % ferdig<',
                          r.body)
            self.assertIsNotNone(m, r.body[:1500])
            step, share = int(m.group(1)), int(m.group(2))
            title = re.search(r"<title>([^<]*)</title>", r.body).group(1)
            self.assertTrue(title.startswith(f"Side {step} – "), title)
            if seen:
                self.assertEqual(step, seen[-1][0] + 1)
                self.assertGreater(share, seen[-1][1])
            seen.append((step, share))
            r = save(c, key, page, fields.get(page, {}))
            page = int(r.location.rsplit("/", 1)[1])
        self.assertIn(4, [s for s, _ in seen])


class NotFound(unittest.TestCase):
    """Issue 8, defect 9: an unknown path gets a real page in the layout,
    in the visitor's language; there is a favicon."""

    def test_unknown_path_is_a_page(self):
        for path, lang in (("/finnes-ikke", "nb"), ("/a/b/c?lang=en", "en"),
                           ("/r", "nb"), ("/adminx", "nb")):
            r = Client().request("GET", path)
            self.assertEqual(r.status, 404, path)
            self.assertTrue(r.body.startswith("<!doctype html>"), path)
            self.assertIn(f'<html lang="{lang}">', r.body)
            self.assertRegex(r.body, r"<title>[^<]+</title>")
            self.assertIn('href="/"', r.body)
            self.assertIn("text/html", r.header("content-type"))
        self.assertIn("Page not found", Client().get("/x?lang=en").body)

    def test_favicon(self):
        c = Client()
        r = c.get("/favicon.ico")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "image/svg+xml")
        self.assertIn("<svg", r.body)
        self.assertIn('<link rel="icon" href="/assets/favicon.svg?v=',
                      c.get("/").body)


class LanguageSwitch(unittest.TestCase):
    """Issue 8, defect 7: switching language on a page keeps what was
    typed there (svar.js posts the form as a save with the new
    language)."""

    def test_switch_posts_and_keeps_input(self):
        c = Client()
        key, _ = start(c, unit_link("hf"))
        r = save(c, key, 21, {"B4": "1", "B5": "200", "lang": "en"},
                 nav="lang")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{key}/21")
        a = answers(key)
        self.assertEqual(a["B4"], ("1", "a"))
        self.assertEqual(a["B5"], ("200", "i"))
        r = c.get(f"/r/{key}/21")
        self.assertIn('<html lang="en">', r.body)
        self.assertIn('value="200"', r.body)
        self.assertIn("Type a whole number from 15 to 90.", r.body)
        # A language that does not exist changes nothing but still saves.
        r = save(c, key, 21, {"B5": "45", "lang": "xx"}, nav="lang")
        self.assertEqual(r.location, f"/r/{key}/21")
        self.assertIn('<html lang="en">', c.get(f"/r/{key}/21").body)
        self.assertEqual(answers(key)["B5"], ("45", "a"))


class SumPage(unittest.TestCase):
    """Issue 8, defect 5: one instruction on the constant-sum page."""

    def test_one_instruction(self):
        c = Client()
        key, _ = start(c, unit_link("hf"))
        reach(key, "a4")
        r = c.get(f"/r/{key}/5")
        self.assertIn('id="help-Q3_6"', r.body)
        self.assertNotIn('id="hint-Q3_6"', r.body)
        self.assertNotIn("hint-Q3_6", r.body)


class Assets(unittest.TestCase):
    """Issue 8, defect 11: versioned asset URLs are cached for a year,
    CSS and JS go out gzipped to a client that takes it."""

    def fetch(self, path, headers=None):
        import http.client
        import urllib.parse
        u = urllib.parse.urlparse(svartest.BASE)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return r.status, h, body

    def test_versioned_urls_are_cached_long(self):
        page = Client().get("/").body
        m = re.search(r'href="(/assets/svar\.css\?v=[0-9a-f]+)"', page)
        self.assertIsNotNone(m, page[:600])
        self.assertRegex(page, r'src="/assets/svar\.js\?v=[0-9a-f]+"')
        st, h, _ = self.fetch(m.group(1))
        self.assertEqual(st, 200)
        self.assertIn("max-age=31536000", h["cache-control"])
        self.assertIn("immutable", h["cache-control"])
        # An unversioned or stale URL is revalidated, never kept a year.
        for p in ("/assets/svar.css", "/assets/svar.css?v=0000"):
            st, h, _ = self.fetch(p)
            self.assertEqual(st, 200)
            self.assertEqual(h["cache-control"], "no-cache")

    def test_gzip_for_css_and_js(self):
        import gzip
        for name, ctype in (("svar.css", "text/css"),
                            ("svar.js", "application/javascript")):
            with open(f"assets/{name}", "rb") as f:
                want = f.read()
            st, h, body = self.fetch(f"/assets/{name}",
                                     {"Accept-Encoding": "gzip, br"})
            self.assertEqual(st, 200)
            self.assertEqual(h.get("content-encoding"), "gzip")
            self.assertIn("Accept-Encoding", h.get("vary", ""))
            self.assertTrue(h["content-type"].startswith(ctype))
            self.assertLess(len(body), len(want))
            self.assertEqual(gzip.decompress(body), want)
            st, h, body = self.fetch(f"/assets/{name}")
            self.assertNotIn("content-encoding", h)
            self.assertEqual(body, want)
            st, h, body = self.fetch(f"/assets/{name}",
                                     {"Accept-Encoding": "gzip;q=0"})
            self.assertNotIn("content-encoding", h)


class TrustAndContent(unittest.TestCase):
    """Issue 8, defect 10 (the parts built): the accessibility statement
    linked from every page, the thank-you panel, the copy button's
    labels on the saved page, alt texts that describe the drawings."""

    def test_accessibility_statement_linked_everywhere(self):
        c = Client()
        for lang, title in (("nb", "Tilgjengelighetserklæring"),
                            ("nn", "Tilgjengeerklæring"),
                            ("en", "Accessibility statement")):
            r = Client().get(f"/tilgjengelighet?lang={lang}")
            self.assertEqual(r.status, 200)
            self.assertIn(f"<h1>{title}</h1>", r.body)
            self.assertIn("WCAG 2.1", r.body)
        key, first = start(c, unit_link("hf"))
        for body in (first.body, c.get("/").body, c.get("/kode").body,
                     c.get("/finnes-ikke").body):
            self.assertIn('<a href="/tilgjengelighet">', body)

    def test_thanks_panel_and_saved_copy(self):
        c = Client()
        key, _ = start(c, unit_link("hf"))
        r = save(c, key, 1, {}, nav="save")
        r = c.get(r.location)
        self.assertIn('data-copy="Kopier lenken"', r.body)
        self.assertIn('data-copied="Lenken er kopiert."', r.body)
        complete(c, key)
        r = c.get(f"/r/{key}/takk")
        self.assertIn('<div class="confirm" role="status">', r.body)
        self.assertIn("<h2>Hva skjer nå</h2>", r.body)

    def test_alt_texts_describe_the_drawings(self):
        c = Client()
        key, _ = start(c, unit_link("hf"))
        reach(key, "c1")
        r = c.get(f"/r/{key}/11")
        alts = re.findall(r'<img [^>]*alt="([^"]*)"', r.body)
        self.assertEqual(len(alts), 2, r.body[:2000])
        for a in alts:
            self.assertTrue(a.startswith("Tegning av"), a)
            self.assertIn("Helsenorge", a)
