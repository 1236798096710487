"""The saved page's "send me the link by e-mail": offered only while a
mail sender is alive, the address checked with a clear message and kept
as typed, the mail queued with the resume link, limited per response,
and the address forgotten once the mail has gone."""
import html
import unittest

from svartest import Client, csrf, psql, start, unit_link


def saved(client):
    key, page = start(client, unit_link("kommune"))
    r = client.post(page.path, {"csrf": csrf(page.body), "nav": "save"})
    assert r.status == 303 and r.location.endswith("/lagret"), r.status
    return key, client.get(r.location)


class ResumeMail(unittest.TestCase):
    def setUp(self):
        psql("DELETE FROM mail_sender")

    def alive(self):
        psql("INSERT INTO mail_sender (name, seen_at) VALUES"
             " ('test-sender', now())")

    def test_no_sender_no_form(self):
        c = Client()
        key, r = saved(c)
        self.assertEqual(r.status, 200)
        self.assertNotIn('name="email"', r.body)
        # A sender last seen long ago is not alive either.
        psql("INSERT INTO mail_sender VALUES ('old', now() - interval"
             " '11 minutes')")
        self.assertNotIn('name="email"', c.get(f"/r/{key}/lagret").body)
        r = c.post(f"/r/{key}/lagret/epost", {"csrf": "x" * 26,
                                              "email": "a@b.no"})
        self.assertEqual(r.status, 403)

    def test_mail_the_link(self):
        self.alive()
        c = Client()
        key, r = saved(c)
        self.assertIn('name="email"', r.body)
        token = csrf(r.body)
        before = psql("SELECT count(*) FROM outbox WHERE kind ="
                      " 'resume_link'")[0][0]
        # Wrong addresses: a clear message, the text kept, nothing queued.
        for bad, msg in (("", "Skriv inn e-postadressen din."),
                         ("ola.nordmann", "ser ikke ut som en e-postadresse"),
                         ("ola@gmail", "ser ikke ut som en e-postadresse"),
                         ("a@b.no\r\nBcc: x@y.no", "ser ikke ut"),
                         ("x" * 300 + "@b.no", "ser ikke ut")):
            r = c.post(f"/r/{key}/lagret/epost", {"csrf": token,
                                                  "email": bad})
            self.assertEqual(r.status, 422, bad)
            self.assertIn(msg, html.unescape(r.body))
            self.assertIn('aria-invalid="true"', r.body)
        r = c.post(f"/r/{key}/lagret/epost", {"csrf": token,
                                              "email": "ola.nordmann"})
        self.assertIn('value="ola.nordmann"', r.body)
        self.assertEqual(psql("SELECT count(*) FROM outbox WHERE kind ="
                              " 'resume_link'")[0][0], before)
        # Missing CSRF: refused.
        r = c.post(f"/r/{key}/lagret/epost", {"email": "ola@eksempel.no"})
        self.assertEqual(r.status, 403)

        r = c.post(f"/r/{key}/lagret/epost", {"csrf": token,
                                              "email": " ola@eksempel.no "})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location, f"/r/{key}/lagret?sendt=1")
        self.assertIn("Lenken er sendt", c.get(r.location).body)
        rows = psql("SELECT id, to_addr, subject, strpos(body, :'p0' ||"
                    " E'\\n') > 0 FROM outbox WHERE kind = 'resume_link'"
                    " ORDER BY id DESC LIMIT 1", f"/r/{key}")
        oid, to, subject, has_link = rows[0]
        self.assertEqual(to, "ola@eksempel.no")
        self.assertIn("Helsepersonellundersøkelsen", subject)
        self.assertEqual(has_link, "t")
        # Three a day per response, then a message that says so.
        for _ in range(2):
            r = c.post(f"/r/{key}/lagret/epost",
                       {"csrf": token, "email": "ola@eksempel.no"})
            self.assertEqual(r.status, 303)
        r = c.post(f"/r/{key}/lagret/epost", {"csrf": token,
                                              "email": "ola@eksempel.no"})
        self.assertEqual(r.status, 429)
        self.assertIn("allerede sendt", html.unescape(r.body))
        # Once sent, the address and the link are gone from the outbox.
        psql("UPDATE outbox SET sent_at = now() WHERE id = :'p0'", oid)
        to, = psql("SELECT to_addr FROM outbox WHERE id = :'p0'", oid)[0]
        self.assertEqual(to, "slettet@svar.invalid")
        self.assertEqual(psql("SELECT length(body) FROM outbox WHERE"
                              " id = :'p0'", oid)[0][0], "0")

    def test_app_role_cannot_write_outbox_directly(self):
        # Only through svar_resume_mail, with its limits.
        import subprocess
        p = subprocess.run(["psql", "-qAtX", "-U", "svar_app", "-v",
                            "ON_ERROR_STOP=1", "-c",
                            "INSERT INTO outbox (kind, to_addr, subject,"
                            " body) VALUES ('x', 'a@b.no', 's', 'b')"],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("permission denied", p.stderr)


if __name__ == "__main__":
    unittest.main()
