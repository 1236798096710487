"""The admin area over HTTP: login with password and TOTP (codes from
oathtool), sessions, roles, CSRF and the audit log, for every route."""
import re
import unittest

from svartest import Client, admin_login, csrf, new_admin, psql, totp

# Every admin route: (method, path, admin only). The paths with a number
# use wave 1 and version 1 of the 2021 survey.
ROUTES = [
    ("GET", "/admin", False),
    ("POST", "/admin/logout", False),
    ("POST", "/admin/versions/1/preview", False),
    ("POST", "/admin/waves/1", True),
    ("GET", "/admin/definitions", True),
    ("POST", "/admin/definitions", True),
    ("GET", "/admin/audit", True),
]


def setUpModule():
    global ADMIN, ANALYST
    ADMIN = Client()
    name, pw, secret = new_admin("admin")
    r = admin_login(ADMIN, name, pw, secret)
    assert r.status == 303 and r.location == "/admin", r.status
    ADMIN.name = name
    ANALYST = Client()
    name, pw, secret = new_admin("analyst")
    r = admin_login(ANALYST, name, pw, secret)
    assert r.status == 303 and r.location == "/admin", r.status
    ANALYST.name = name


def token(client):
    return csrf(client.get("/admin").body)


def wave_closed():
    return psql("SELECT closed FROM wave WHERE id = 1")[0][0]


def audit(action, actor):
    return psql("SELECT count(*) FROM audit WHERE action = :'p0' AND"
                " actor = :'p1'", action, actor)[0][0]


class Login(unittest.TestCase):
    def test_login_is_audited_and_opens_the_surveys(self):
        r = ADMIN.get("/admin")
        self.assertEqual(r.status, 200)
        self.assertIn("Helsepersonellundersøkelsen om e-helse 2021", r.body)
        self.assertIn(">hf<", r.body)
        self.assertEqual(audit("login", ADMIN.name), "1")
        self.assertEqual(audit("login.password", ADMIN.name), "1")

    def test_wrong_password_and_unknown_user_look_the_same(self):
        name, pw, secret = new_admin()
        answers = []
        for who, password in ((name, "feil passord her"),
                              ("nobody-here", "feil passord her")):
            c = Client()
            r = c.get("/admin/login")
            r = c.post("/admin/login", {"csrf": csrf(r.body), "name": who,
                                        "password": password})
            body = re.sub(r'value="[a-z0-9-]*"', "", r.body)
            answers.append((r.status, body))
        self.assertEqual(answers[0][0], 422)
        self.assertEqual(answers[0], answers[1])
        self.assertIn("Brukernavnet eller passordet er feil", answers[0][1])
        self.assertEqual(audit("login.failed", name), "1")
        self.assertEqual(audit("login.failed", "nobody-here"), "1")

    def test_code_works_once(self):
        name, pw, secret = new_admin()
        r = admin_login(Client(), name, pw, secret, 0)
        self.assertEqual(r.location, "/admin")
        # The same code again, as someone who saw it over a shoulder.
        r = admin_login(Client(), name, pw, secret, 0)
        self.assertEqual(r.status, 422)
        self.assertIn("Koden stemmer ikke eller er allerede brukt", r.body)
        # A wrong code, and one two steps away, are refused too.
        self.assertEqual(admin_login(Client(), name, pw, secret, 5).status,
                         422)

    def test_no_code_no_session(self):
        """Password alone: the admin pages still send you to log in."""
        name, pw, secret = new_admin()
        c = Client()
        r = c.get("/admin/login")
        r = c.post("/admin/login", {"csrf": csrf(r.body), "name": name,
                                    "password": pw})
        self.assertEqual(r.location, "/admin/login/kode")
        r = c.get("/admin")
        self.assertEqual((r.status, r.location), (303, "/admin/login"))

    def test_session_id_changes_at_login_and_logout_kills_it(self):
        name, pw, secret = new_admin()
        c = Client()
        r = c.get("/admin/login")
        c.post("/admin/login", {"csrf": csrf(r.body), "name": name,
                                "password": pw})
        before = dict(c.cookies)
        r = c.get("/admin/login/kode")
        r = c.post("/admin/login/kode", {"csrf": csrf(r.body),
                                         "code": totp(secret)})
        self.assertEqual(r.location, "/admin")
        self.assertEqual(c.get("/admin").status, 200)
        # The id from before the code step is not a session.
        old = Client()
        old.cookies = before
        self.assertEqual(old.get("/admin").location, "/admin/login")
        # Logging out ends the session on the server, not just the cookie.
        after = dict(c.cookies)
        r = c.post("/admin/logout", {"csrf": token(c)})
        self.assertEqual(r.location, "/admin/login")
        replay = Client()
        replay.cookies = after
        self.assertEqual(replay.get("/admin").location, "/admin/login")
        self.assertEqual(audit("logout", name), "1")

    def test_failed_logins_are_limited_per_account(self):
        name, pw, secret = new_admin()
        statuses = []
        for _ in range(11):
            c = Client()
            r = c.get("/admin/login")
            statuses.append(c.post("/admin/login", {
                "csrf": csrf(r.body), "name": name,
                "password": "feil passord her"}).status)
        self.assertEqual(statuses, [422] * 10 + [429])
        # Now even the right password is refused, with the same message.
        c = Client()
        r = c.get("/admin/login")
        r = c.post("/admin/login", {"csrf": csrf(r.body), "name": name,
                                    "password": pw})
        self.assertEqual(r.status, 429)
        self.assertIn("For mange mislykkede forsøk", r.body)


    def test_parallel_wrong_passwords_do_not_overshoot(self):
        import threading
        name, pw, secret = new_admin()
        forms = []
        for _ in range(12):
            c = Client()
            forms.append((c, csrf(c.get("/admin/login").body)))
        statuses = []

        def guess(c, tok):
            statuses.append(c.post("/admin/login", {
                "csrf": tok, "name": name,
                "password": "feil passord her"}).status)
        threads = [threading.Thread(target=guess, args=f) for f in forms]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(statuses), [422] * 10 + [429] * 2)

    def test_bad_login_input(self):
        for fields, status in (({}, 422),
                               ({"name": "", "password": ""}, 422),
                               ({"name": "x" * 5000, "password": "y"}, 422),
                               ({"name": ["a", "b"], "password": "y"}, 422)):
            c = Client()
            r = c.get("/admin/login")
            fields = dict(fields, csrf=csrf(r.body))
            r = c.post("/admin/login", fields)
            self.assertEqual(r.status, status, fields)
            self.assertIn('class="error-summary"', r.body)
        c = Client()
        r = c.get("/admin/login")
        r = c.request("POST", "/admin/login", "csrf=%zz&name=%",
                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400)

    def test_enrolment_errors_are_shown_at_each_field(self):
        import subprocess
        out = subprocess.run(["build/svarctl", "user", "add", "tenrolbad",
                              "--role", "analyst"], capture_output=True,
                             text=True, check=True).stdout
        path = re.search(r"(/admin/enrol/[a-z0-9]+)", out).group(1)
        c = Client()
        r = c.get(path)
        r = c.post(path, {"csrf": csrf(r.body), "password": "kort",
                          "password2": "kort", "code": "123"})
        self.assertEqual(r.status, 422)
        self.assertIn('id="password-error">Passordet må ha minst 12 tegn',
                      r.body)
        self.assertIn('id="code-error">Koden stemmer ikke', r.body)
        self.assertIn('href="#password"', r.body)
        r = c.post(path, {"csrf": csrf(r.body), "password": "et langt passord",
                          "password2": "et annet passord", "code": "123"})
        self.assertIn('id="password2-error">Passordene er ikke like', r.body)
        # Nothing was stored: the link still works, no password is set.
        self.assertEqual(c.get(path).status, 200)
        self.assertEqual(psql("SELECT password_hash IS NULL FROM admin_user"
                              " WHERE name = 'tenrolbad'")[0][0], "t")
        self.assertEqual(Client().get("/admin/enrol/" + "a" * 26).status,
                         404)
        # A reset makes a new link and the old one dead.
        out = subprocess.run(["build/svarctl", "user", "reset",
                              "tenrolbad"], capture_output=True, text=True,
                             check=True).stdout
        self.assertEqual(c.get(path).status, 404)
        self.assertIn("/admin/enrol/", out)


class Access(unittest.TestCase):
    def test_no_session_gets_the_login_page_only(self):
        for method, path, _ in ROUTES:
            c = Client()
            r = c.request(method, path, {} if method == "POST" else None)
            self.assertEqual((r.status, r.location), (303, "/admin/login"),
                             (method, path))
            self.assertEqual(r.body, "")

    def test_analyst_gets_403_on_admin_routes(self):
        tok = token(ANALYST)
        for method, path, admin_only in ROUTES:
            if path == "/admin/logout":
                continue
            r = ANALYST.request(method, path, {"csrf": tok, "lang": "nb"}
                                if method == "POST" else None)
            if admin_only:
                self.assertEqual(r.status, 403, (method, path))
                self.assertIn("Ikke tilgang", r.body)
            else:
                self.assertIn(r.status, (200, 303), (method, path))
        self.assertEqual(wave_closed(), "f")

    def test_post_without_the_sessions_token_changes_nothing(self):
        for fields in ({"action": "close"},
                       {"action": "close", "csrf": ""},
                       {"action": "close", "csrf": token(ANALYST)},
                       {"action": "close", "csrf": "x" * 26}):
            r = ADMIN.post("/admin/waves/1", fields)
            self.assertEqual(r.status, 403, fields)
        self.assertEqual(wave_closed(), "f")

    def test_unknown_methods(self):
        r = ADMIN.request("DELETE", "/admin")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD")


class Surveys(unittest.TestCase):
    def test_close_and_open_a_wave_is_audited(self):
        tok = token(ADMIN)
        try:
            r = ADMIN.post("/admin/waves/1", {"csrf": tok,
                                              "action": "close"})
            self.assertEqual(r.location, "/admin")
            self.assertEqual(wave_closed(), "t")
            self.assertIn("stengt", ADMIN.get("/admin").body)
        finally:
            r = ADMIN.post("/admin/waves/1", {"csrf": tok, "action": "open"})
        self.assertEqual(wave_closed(), "f")
        self.assertEqual(audit("wave.close", ADMIN.name), "1")
        self.assertEqual(audit("wave.open", ADMIN.name), "1")

    def test_bad_wave_input(self):
        tok = token(ADMIN)
        for path, fields, status in (
                ("/admin/waves/1", {"csrf": tok}, 422),
                ("/admin/waves/1", {"csrf": tok, "action": "drop"}, 422),
                ("/admin/waves/1", {"csrf": tok, "action": "x" * 5000}, 422),
                ("/admin/waves/99999", {"csrf": tok, "action": "close"},
                 404)):
            r = ADMIN.post(path, fields)
            self.assertEqual(r.status, status, (path, fields))
        self.assertEqual(wave_closed(), "f")

    def test_preview_is_a_test_response(self):
        before = psql("SELECT count(*) FROM response WHERE NOT test")[0][0]
        previews = int(audit("preview", ANALYST.name))
        r = ANALYST.post("/admin/versions/2/preview", {"csrf":
                                                       token(ANALYST),
                                                       "lang": "en"})
        self.assertEqual(r.status, 303)
        key = re.match(r"/r/([a-z0-9]{34})$", r.location).group(1)
        row = psql("SELECT test, lang, v.key, channel FROM response r JOIN"
                   " version v ON v.id = r.version_id WHERE selector ="
                   " :'p0'", key[:8])[0]
        self.assertEqual(row, ["t", "en", "kommune", "test"])
        self.assertEqual(psql("SELECT count(*) FROM response WHERE NOT"
                              " test")[0][0], before)
        page = Client().follow(r.location)
        self.assertEqual(page.status, 200)
        self.assertIn('lang="en"', page.body)
        self.assertEqual(int(audit("preview", ANALYST.name)), previews + 1)

    def test_load_definition_from_the_admin(self):
        tok = token(ADMIN)
        with open("tests/defs/bad-unknown-scale.svar") as f:
            bad = f.read()
        r = ADMIN.post("/admin/definitions", {"csrf": tok, "source": bad})
        self.assertEqual(r.status, 422)
        self.assertIn("definisjon:6: Q1: unknown scale &#39;SC_GRAAD&#39;",
                      r.body)
        # The text is kept in the form, so it can be corrected there.
        self.assertIn("SC_GRAAD", r.body.split("<textarea", 1)[1])
        r = ADMIN.post("/admin/definitions", {"csrf": tok, "source": ""})
        self.assertEqual(r.status, 422)
        self.assertIn("Lim inn teksten", r.body)
        with open("surveys/helsepersonell-2021/survey.svar") as f:
            src = f.read()
        r = ADMIN.post("/admin/definitions", {"csrf": tok, "source": src})
        self.assertEqual(r.status, 200)
        self.assertIn("Uendret", r.body)
        self.assertEqual(audit("definition.load", ADMIN.name), "1")


class Audit(unittest.TestCase):
    def test_list_and_filter(self):
        r = ADMIN.get(f"/admin/audit?action=login&actor={ADMIN.name}")
        self.assertEqual(r.status, 200)
        self.assertIn("<td>login</td>", r.body)
        self.assertNotIn("<td>wave.close</td>", r.body)
        # Hostile filter values are ignored, not echoed.
        r = ADMIN.get("/admin/audit?action=%3Cscript%3E&actor=x'--")
        self.assertEqual(r.status, 200)
        self.assertNotIn("<script>", r.body)

    def test_hostile_name_is_escaped_in_the_log(self):
        c = Client()
        r = c.get("/admin/login")
        c.post("/admin/login", {"csrf": csrf(r.body),
                                "name": "<img src=x onerror=alert(1)>",
                                "password": "noe som er feil"})
        r = ADMIN.get("/admin/audit?action=login.failed")
        self.assertNotIn("<img src=x", r.body)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", r.body)


if __name__ == "__main__":
    unittest.main()
