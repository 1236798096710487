"""Open answers (/admin/open): every "Annet, noter" and free text per
variable for admins only; back-coding into an option of the item and
coding into a new code of the item's frame, kept apart from the raw
answer (which never changes), with audit entries; the results count the
coded values unless the raw ones are asked for; blanking a text. On a
survey of its own (testopen), so test_results' figures do not move."""
import random
import re
import unittest

from resultdata import answer, body_rows, cell, draw, links, load
from svartest import Client, admin_login, csrf, new_admin, psql

KEY = "testopen"
N = 40


def setUpModule():
    global W, A, ADMIN, ANALYST
    W = load(KEY, 2031)
    l = links(KEY, W, [("h1", "Helse Testnord", "ra", 80)])
    rnd = random.Random(4242)
    A = []
    for i in range(N):
        a = draw(rnd, other_s1=0.35, other_m1=0.5)
        a["key"] = answer(l["h1"], a)
        A.append(a)
    # A respondent who chose "Litt" and still typed in the "Annet" box:
    # back-coding that text must not change the choice.
    odd = {"S1": 2, "S1.other": "litt, men via sms", "M1": [1], "S2": None,
           "N1": 5, "A1": 40, "G": 1}
    odd["key"] = answer(l["h1"], odd)
    A.append(odd)
    ADMIN = Client()
    admin_login(ADMIN, *new_admin("admin"))
    ANALYST = Client()
    admin_login(ANALYST, *new_admin("analyst"))


def rid(a):
    return psql("SELECT id FROM response WHERE selector = :'p0'",
                a["key"][:8])[0][0]


def raw(a, var):
    """The stored answer as the respondent gave it; '(null)' when its
    value is gone."""
    rows = psql("SELECT coalesce(a.value, '(null)') FROM answer a"
                " JOIN response r"
                " ON r.id = a.response_id WHERE r.selector = :'p0'"
                " AND a.var = :'p1'", a["key"][:8], var)
    return rows[0][0] if rows else None


def texts_page(var):
    r = ADMIN.get(f"/admin/open?wave={W}&var={var}")
    assert r.status == 200, (r.status, r.body[:300])
    return r.body


def post(fields):
    body = ADMIN.get(f"/admin/open?wave={W}").body
    return ADMIN.post("/admin/open", dict(fields, csrf=csrf(body), wave=W))


def s1_counts(coded=True):
    r = ANALYST.get(f"/admin/results?wave={W}&item=S1&coded="
                    f"{1 if coded else 0}")
    assert r.status == 200, r.status
    rows = body_rows(r.body, "Hvor fornøyd er du?. Antall")
    return {row[0]: row[1] for row in rows}, r.body


class OpenAnswers(unittest.TestCase):
    def test_a_list_for_admins_only(self):
        self.assertEqual(ANALYST.get(f"/admin/open?wave={W}").status, 403)
        r = ADMIN.get(f"/admin/open?wave={W}")
        self.assertEqual(r.status, 200)
        rows = {row[0]: row[1:] for row in
                body_rows(r.body, "Tekstvariabler")}
        for var in ("S1.other", "M1.other", "T1"):
            n = sum(1 for a in A if var in a)
            self.assertEqual(rows[var][0], str(n), var)
        body = texts_page("S1.other")
        for a in A:
            if "S1.other" in a:
                self.assertIn(a["S1.other"], body)
        self.assertNotIn("app på nettbrett", body)   # an M1 text
        self.assertEqual(ADMIN.get(f"/admin/open?wave={W}&var=S2").status,
                         404)
        # Without a wave: the first in the chooser, as on the results.
        r = ADMIN.get("/admin/open")
        self.assertEqual(r.status, 200)
        self.assertIn(f'<option value="{W}"', r.body)
        self.assertGreater(int(psql(
            "SELECT count(*) FROM audit WHERE action = 'open.view'"
            " AND object = :'p0'", f"open texts wave {W} S1.other")[0][0]),
            0)

    def test_backcode_into_an_option(self):
        # Every "Annet" S1 text saying "brev" goes to "Litt" (2).
        chosen = [a for a in A if a.get("S1") == 5
                  and a.get("S1.other") == "brev"]
        self.assertGreater(len(chosen), 0)
        before, _ = s1_counts()
        for a in chosen:
            r = post({"action": "code", "var": "S1.other", "resp": rid(a),
                      "code": "o2"})
            self.assertEqual(r.status, 303, r.body[:300])
        answered = [a for a in A if a["S1"] is not None]
        n = len(answered)
        coded = {c: sum(1 for a in answered if a["S1"] == c) for c in
                 (1, 2, 3, 5)}
        coded[2] += len(chosen)
        coded[5] -= len(chosen)
        got, body = s1_counts()
        self.assertEqual(got["Litt"], cell(coded[2], n)[0])
        self.assertEqual(got["Annet, noter"], cell(coded[5], n)[0])
        self.assertIn("Tilbakekodet til Litt (2)", body)
        # The raw answers are as given, and the raw view counts them.
        for a in chosen:
            self.assertEqual(raw(a, "S1"), "5")
            self.assertEqual(raw(a, "S1.other"), "brev")
        got, _ = s1_counts(coded=False)
        self.assertEqual(got, before)
        self.assertEqual(got["Litt"], cell(coded[2] - len(chosen), n)[0])
        self.assertEqual(got["Annet, noter"],
                         cell(coded[5] + len(chosen), n)[0])
        # Who coded what and when: open_code, its log, the audit.
        self.assertEqual(psql(
            "SELECT count(*) FROM open_code c JOIN response r ON r.id ="
            " c.response_id JOIN version v ON v.id = r.version_id WHERE"
            " v.wave_id = :'p0' AND c.var = 'S1.other' AND c.option_code"
            " = 2", W)[0][0], str(len(chosen)))
        self.assertEqual(int(psql(
            "SELECT count(*) FROM audit WHERE action = 'open.code' AND"
            " object LIKE 'response % S1.other'")[0][0]) >= len(chosen),
            True)
        body = texts_page("S1.other")
        self.assertIn("Kodet av", body)
        self.assertRegex(body, r'<option value="o2" selected>')

    def test_backcode_beside_another_choice_keeps_it(self):
        odd = A[-1]
        r = post({"action": "code", "var": "S1.other", "resp": rid(odd),
                  "code": "o1"})
        self.assertEqual(r.status, 303)
        # The text is coded, but the respondent's "Litt" stays "Litt".
        self.assertEqual(psql("SELECT value FROM answer_coded WHERE"
                              " response_id = :'p0' AND var = 'S1'",
                              rid(odd))[0][0], "2")

    def test_multi_backcode_and_new_frame_code(self):
        who = [a for a in A if a.get("M1.other") == "app på nettbrett"]
        self.assertGreater(len(who), 0)
        a = who[0]
        r = post({"action": "code", "var": "M1.other", "resp": rid(a),
                  "code": "o2"})
        self.assertEqual(r.status, 303)
        vals = dict(psql("SELECT var, value FROM answer_coded WHERE"
                         " response_id = :'p0' AND var IN ('M1.2', 'M1.8')",
                         rid(a)))
        self.assertEqual(vals, {"M1.2": "1", "M1.8": "0"})
        self.assertEqual(raw(a, "M1.8"), "1")
        # A new code in M1's frame, and texts coded into it.
        r = post({"action": "frame", "var": "M1.other", "code": "21",
                  "label": "Papir"})
        self.assertEqual(r.status, 303)
        r = post({"action": "frame", "var": "M1.other", "code": "21",
                  "label": "Papir igjen"})
        self.assertEqual(r.status, 422)        # the code is taken
        fid = psql("SELECT f.id FROM code_frame f JOIN survey s ON s.id ="
                   " f.survey_id WHERE s.key = :'p0' AND f.item_id = 'M1'"
                   " AND f.code = 21", KEY)[0][0]
        paper = [a for a in A if a.get("M1.other") == "papir"]
        for p in paper:
            r = post({"action": "code", "var": "M1.other", "resp": rid(p),
                      "code": f"f{fid}"})
            self.assertEqual(r.status, 303)
        r = ANALYST.get(f"/admin/results?wave={W}&item=M1")
        rows = {row[0]: row[1] for row in body_rows(r.body,
                                                     "Kodede tekster")}
        self.assertEqual(rows["21: Papir"], cell(len(paper), 100)[0])
        # A frame code stays a code: M1.8 ("Annet") is still ticked.
        self.assertEqual(psql("SELECT value FROM answer_coded WHERE"
                              " response_id = :'p0' AND var = 'M1.8'",
                              rid(paper[0]))[0][0], "1")
        # A code of another item's frame is refused.
        r = post({"action": "code", "var": "S1.other", "resp": rid(paper[0]),
                  "code": f"f{fid}"})
        self.assertEqual(r.status, 422)

    def test_uncode(self):
        a = [a for a in A if a.get("S1") == 5
             and a.get("S1.other") == "telefon"][0]
        post({"action": "code", "var": "S1.other", "resp": rid(a),
              "code": "o3"})
        self.assertEqual(psql("SELECT value FROM answer_coded WHERE"
                              " response_id = :'p0' AND var = 'S1'",
                              rid(a))[0][0], "3")
        post({"action": "code", "var": "S1.other", "resp": rid(a),
              "code": ""})
        self.assertEqual(psql("SELECT value FROM answer_coded WHERE"
                              " response_id = :'p0' AND var = 'S1'",
                              rid(a))[0][0], "5")
        self.assertEqual(psql("SELECT count(*) FROM open_code_log WHERE"
                              " response_id = :'p0' AND var = 'S1.other'",
                              rid(a))[0][0], "2")

    def test_blank_a_text(self):
        a = [a for a in A if "T1" in a][0]
        r = post({"action": "blank", "var": "T1", "resp": rid(a)})
        self.assertEqual(r.status, 303)
        self.assertEqual(raw(a, "T1"), "(null)")
        self.assertEqual(psql("SELECT state FROM answer a JOIN response r ON"
                              " r.id = a.response_id WHERE r.selector ="
                              " :'p0' AND a.var = 'T1'", a["key"][:8])[0][0],
                         "a")
        self.assertEqual(psql("SELECT count(*) FROM text_blanked WHERE"
                              " response_id = :'p0' AND var = 'T1'",
                              rid(a))[0][0], "1")
        self.assertEqual(psql("SELECT count(*) FROM audit WHERE action ="
                              " 'open.blank' AND object = :'p0'",
                              f"response {rid(a)} T1")[0][0], "1")
        body = texts_page("T1")
        self.assertIn("Tømt av", body)
        # Nothing left to blank the second time.
        r = post({"action": "blank", "var": "T1", "resp": rid(a)})
        self.assertEqual(r.status, 422)
        # An analyst cannot code or blank.
        body = ANALYST.get(f"/admin/results?wave={W}").body
        r = ANALYST.post("/admin/open", {"csrf": csrf(body), "wave": W,
                                         "action": "blank", "var": "T1",
                                         "resp": rid(a)})
        self.assertEqual(r.status, 403)


if __name__ == "__main__":
    unittest.main()
