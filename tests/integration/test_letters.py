"""Printed letters (svarctl letters): the PDF read back as text
(pdftotext) and as an image whose QR codes zbarimg decodes to each
invitation's own link."""
import glob
import os
import re
import subprocess
import tempfile
import unittest

from svartest import Client, admin_login, csrf, new_admin, psql, new_token

BASE = "https://svar.example"


def letters(path, *extra):
    env = dict(os.environ, SVAR_BASE_URL=BASE)
    return subprocess.run(["build/svarctl", "letters", "fastlege", path,
                           *extra], env=env, capture_output=True, text=True,
                          check=True).stdout


def text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"],
                          capture_output=True, text=True, check=True).stdout


def qr_codes(path, d):
    subprocess.run(["pdftoppm", "-r", "100", "-png", path,
                    os.path.join(d, "p")], check=True,
                   capture_output=True)
    out = subprocess.run(["zbarimg", "-q", "--raw"] +
                         sorted(glob.glob(os.path.join(d, "p*.png"))),
                         capture_output=True, text=True).stdout
    return out.split()


class Letters(unittest.TestCase):
    def test_pages_text_qr_and_posted(self):
        office = "L%d" % os.getpid()
        psql("INSERT INTO unit (kind, code, name, address) VALUES"
             " ('fastlegekontor', :'p0', 'Legesenteret på Ørsta',"
             " 'Storgata 1, 6150 Ørsta')", office)
        mine = []
        for _ in range(2):
            url, code = new_token()
            psql("UPDATE invitation SET unit_id = (SELECT id FROM unit"
                 " WHERE kind = 'fastlegekontor' AND code = :'p0')"
                 " WHERE code = :'p1'", office, code.replace("-", ""))
            mine.append((url, code))
        with tempfile.TemporaryDirectory() as d:
            pdf = os.path.join(d, "letters.pdf")
            out = letters(pdf)
            n = int(out.split()[0])
            self.assertGreaterEqual(n, 2)
            t = text(pdf)
            self.assertEqual(t.count("\f"), n)
            self.assertIn("Legesenteret på Ørsta", t)
            self.assertIn("6150 Ørsta", t)
            self.assertIn("Helsepersonellundersøkelsen om e-helse", t)
            self.assertIn(BASE + "/kode", t)
            codes = qr_codes(pdf, d)
            self.assertEqual(len(codes), n)
            for url, code in mine:
                self.assertIn(code, t)
                self.assertIn(BASE + url, t)
                self.assertIn(BASE + url, codes)
            # Posted: recorded for this batch, and left out of the next.
            letters(pdf, "--posted")
            for url, code in mine:
                self.assertEqual(psql("SELECT letter_sent_at IS NOT NULL"
                                      " FROM invitation WHERE code = :'p0'",
                                      code.replace("-", "")), [["t"]])
            os.unlink(pdf)
            if not letters(pdf).startswith("0 letters"):
                t = text(pdf)
                for url, code in mine:
                    self.assertNotIn(code, t)
            else:
                self.assertFalse(os.path.exists(pdf))

    def test_needs_the_base_url(self):
        env = dict(os.environ)
        env.pop("SVAR_BASE_URL", None)
        r = subprocess.run(["build/svarctl", "letters", "fastlege",
                            "/dev/null"], env=env, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 2)

    def test_from_the_admin_pdf_then_posted(self):
        url, code = new_token()
        admin = Client()
        name, pw, secret = new_admin("admin")
        admin_login(admin, name, pw, secret)
        page = admin.get("/admin/letters")
        self.assertEqual(page.status, 200)
        upto = re.search(r'name="upto" value="(\d+)"', page.body).group(1)
        r = admin.post("/admin/letters", {"csrf": csrf(page.body),
                                          "upto": upto, "action": "pdf"})
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.header("content-type"), "application/pdf")
        with tempfile.TemporaryDirectory() as d:
            pdf = os.path.join(d, "a.pdf")
            with open(pdf, "wb") as f:
                f.write(r.raw)
            t = text(pdf)
            self.assertIn(code, t)
            self.assertIn(url, t)
            self.assertIn(url, " ".join(qr_codes(pdf, d)))
        r = admin.post("/admin/letters", {"csrf": csrf(page.body),
                                          "upto": upto, "action": "posted"})
        self.assertEqual(r.status, 303)
        self.assertEqual(psql("SELECT letter_sent_at IS NOT NULL FROM"
                              " invitation WHERE code = :'p0'",
                              code.replace("-", "")), [["t"]])
        self.assertEqual(psql("SELECT count(*) FROM audit WHERE actor ="
                              " :'p0' AND action IN ('letters.pdf',"
                              " 'letters.posted')", name), [["2"]])
        # Not an admin's own choice of batch: a bad upto is refused.
        r = admin.post("/admin/letters", {"csrf": csrf(page.body),
                                          "upto": "0", "action": "posted"})
        self.assertEqual(r.status, 400)


if __name__ == "__main__":
    unittest.main()
