"""Results (/admin/results) against respondents who answered over HTTP:
frequency tables with n, shares and 95 % margins (and the finite-
population correction once the population is set), breakdowns by
version, RHF, a background item and age band, cells under 5 hidden,
mean and NPS with their intervals, the wave-over-wave z-test with the
wording flag, the charts beside their tables, and the methodology box.
Every expected figure is computed here from the answers the test drew."""
import math
import random
import re
import unittest

from resultdata import (Z, answer, body_rows, cell, draw, fpc, head_cols,
                        links, load, share)
from svartest import Client, admin_login, csrf, new_admin, psql

KEY = "testresults"
N1, N2 = 60, 45


def setUpModule():
    global W1, W2, A, B, ADMIN, ANALYST, FWD
    W1 = load(KEY, 2031)
    W2 = load(KEY, 2032)
    spec = [("h1", "Helse Testøst", "ra", 70), ("h2", "Helse Testvest",
                                                 "rb", 50)]
    FWD = sum(f for _, _, _, f in spec)
    l1 = links(KEY, W1, spec)
    l2 = links(KEY + "2", W2, [("h1", "Helse Testøst", "ra", 90)])
    rnd = random.Random(1331)
    A = []
    for i in range(N1):
        unit = "h1" if i % 3 else "h2"
        a = draw(rnd)
        a["unit"] = unit
        a["rhf"] = "Helse Testøst" if unit == "h1" else "Helse Testvest"
        a["version"] = "ra" if unit == "h1" else "rb"
        a["key"] = answer(l1[unit], a)
        A.append(a)
    # Neither a response still going nor a test response counts.
    answer(l1["h1"], draw(rnd), complete=False)
    t = draw(rnd)
    psql("UPDATE response SET test = true WHERE selector = :'p0'",
         answer(l1["h2"], t)[:8])
    B = [draw(random.Random(7000 + i), other_s1=0.3) for i in range(N2)]
    for b in B:
        answer(l2["h1"], b)
    ADMIN = Client()
    admin_login(ADMIN, *new_admin("admin"))
    ANALYST = Client()
    admin_login(ANALYST, *new_admin("analyst"))


def page(client, item, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    r = client.get(f"/admin/results?wave={W1}&item={item}&{qs}")
    assert r.status == 200, (r.status, r.body[:300])
    return r.body


S1_LABELS = [(1, "Svært"), (2, "Litt"), (3, "Ikke"), (5, "Annet, noter")]
BANDS = [("<30", 0, 30), ("30–39", 30, 40), ("40–49", 40, 50),
         ("50–59", 50, 60), ("60+", 60, 200)]


def close(test, got, want, what):
    """A printed figure next to the one computed here: equal to the
    printed precision (the doubles are the same; this only allows the
    last digit's rounding)."""
    test.assertAlmostEqual(float(got.replace("±", "")), want, delta=0.051,
                           msg=what)


class Results(unittest.TestCase):
    def test_frequency_table_all(self):
        body = page(ANALYST, "S1")
        answered = [a for a in A if a["S1"] is not None]
        n = len(answered)
        self.assertIn(f"Alle (n = {n})", body)
        rows = body_rows(body, "Hvor fornøyd er du?. Antall")
        self.assertEqual([r[0] for r in rows], [l for _, l in S1_LABELS])
        for (code, label), row in zip(S1_LABELS, rows):
            k = sum(1 for a in answered if a["S1"] == code)
            want = cell(k, n)
            self.assertEqual(row[1], want[0], label)
            if want[1] != "–":
                p, m = share(k, n)
                close(self, row[2], p, label)
                close(self, row[3], m, label)
            else:
                self.assertEqual(row[1:4], want, label)
        skipped = len(A) - n
        self.assertIn(f"Fikk spørsmålet, men svarte ikke: "
                      f"{skipped if skipped >= 5 or skipped == 0 else '&lt;5'}",
                      body)
        # The base is named, the formula stated, the chart drawn beside.
        self.assertIn("Grunnlag:</strong> alle fullførte svar", body)
        self.assertIn("1,96 · √(p(1−p)/n)", body)
        self.assertIn("√((N−n)/(N−1))", body)
        svg = body.split('<svg', 1)[1].split('</svg>', 1)[0]
        self.assertIn("<title id=", svg)
        self.assertIn("<desc id=", svg)
        for _, label in S1_LABELS:
            self.assertIn(f">{label}</text>", svg)

    def test_conditional_item_base(self):
        body = page(ANALYST, "S2")
        self.assertIn("som fikk spørsmålet der S1 = 1", body)
        asked = [a for a in A if a["S1"] == 1]
        n = sum(1 for a in asked if a["S2"] is not None)
        rows = body_rows(body, "Hvorfor svært?. Antall")
        for code, row in zip((1, 2), rows):
            k = sum(1 for a in asked if a["S2"] == code)
            self.assertEqual(row[1], cell(k, n)[0])

    def test_multiple_choice(self):
        body = page(ANALYST, "M1")
        n = sum(1 for a in A if a["M1"])
        self.assertIn(f"Alle (n = {n})", body)
        rows = body_rows(body, "Hva bruker du?. Flere svar mulig")
        for code, row in zip((1, 2, 8), rows):
            k = sum(1 for a in A if code in a["M1"])
            p, m = share(k, n)
            self.assertEqual(row[1], str(k))
            close(self, row[2], p, code)
            close(self, row[3], m, code)
        # Its "Annet" texts are counted, and linked for admins only.
        texts = sum(1 for a in A if "M1.other" in a)
        self.assertIn(f"Antall tekster: {texts}.", body)
        self.assertNotIn("/admin/open?", body)
        self.assertIn("/admin/open?", page(ADMIN, "M1"))

    def check_groups(self, body, groups, title="Hvor fornøyd er du?"):
        """groups: [(column name, respondents)]; the S1 table has the
        all column, then one column per group with its own base."""
        cols = head_cols(body, title + ". Antall")
        self.assertEqual(len(cols), 1 + len(groups), cols)
        rows = body_rows(body, title + ". Antall")
        for gi, (name, who) in enumerate(groups):
            answered = [a for a in who if a["S1"] is not None]
            n = len(answered)
            shown = str(n) if n >= 5 or n == 0 else "<5"
            self.assertEqual(cols[1 + gi], f"{name} (n = {shown})")
            for (code, label), row in zip(S1_LABELS, rows):
                k = sum(1 for a in answered if a["S1"] == code)
                got = row[1 + 3 * (gi + 1):4 + 3 * (gi + 1)]
                want = cell(k, n)
                self.assertEqual(got[0], want[0], (name, label))
                if want[1] == "–":
                    self.assertEqual(got, want, (name, label))
                else:
                    close(self, got[1], float(want[1]), (name, label))
                    close(self, got[2], float(want[2][1:]), (name, label))

    def test_breakdown_by_version_and_rhf(self):
        body = page(ANALYST, "S1", by="version")
        self.check_groups(body, [(v, [a for a in A if a["version"] == v])
                                 for v in ("ra", "rb")])
        body = page(ANALYST, "S1", by="rhf")
        self.check_groups(body, [(r, [a for a in A if a["rhf"] == r])
                                 for r in ("Helse Testvest",
                                           "Helse Testøst")])
        # The hidden variable (målgruppe) by its labels.
        body = page(ANALYST, "S1", by="B1")
        self.check_groups(body, [("Versjon A", [a for a in A
                                                if a["version"] == "ra"]),
                                 ("Versjon B", [a for a in A
                                                if a["version"] == "rb"])])

    def test_breakdown_by_item_and_age_band_suppresses(self):
        body = page(ANALYST, "S1", by="G")
        self.check_groups(body, [(l, [a for a in A if a["G"] == g])
                                 for g, l in ((1, "Kvinne"), (2, "Mann"))])
        body = page(ANALYST, "S1", by="A1")
        groups = [(l, [a for a in A if lo <= a["A1"] < hi])
                  for l, lo, hi in BANDS]
        self.check_groups(body, [g for g in groups if g[1]])
        # Some cell of these small groups is under 5 and hidden.
        self.assertIn("<td class=\"num\">&lt;5</td>", body)

    def test_nps_and_mean(self):
        body = page(ANALYST, "N1")
        vals = [a["N1"] for a in A if a["N1"] is not None and a["N1"] != 99]
        n = len(vals)
        mean = sum(vals) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1))
        prom = sum(1 for v in vals if v >= 9)
        det = sum(1 for v in vals if v <= 6)
        P, D = prom / n, det / n
        nps = 100 * (P - D)
        moe = 100 * Z * math.sqrt((P + D - (P - D) ** 2) / n)
        rows = body_rows(body, "Vil du anbefale det?: gjennomsnitt og NPS")
        row = rows[0]
        self.assertEqual(row[0], "Alle")
        self.assertEqual(row[1], str(n))
        close(self, row[2], mean, "mean")
        self.assertAlmostEqual(float(row[3][1:]), Z * sd / math.sqrt(n),
                               delta=0.0051)
        close(self, row[4], nps, "nps")
        close(self, row[5], moe, "nps moe")
        self.assertEqual(row[6:9], [str(prom) if prom >= 5 else "<5",
                                    str(n - prom - det)
                                    if n - prom - det >= 5 else "<5",
                                    str(det) if det >= 5 else "<5"])
        # "Vet ikke" is a row of the frequency table, outside the NPS.
        freq = body_rows(body, "Vil du anbefale det?. Antall")
        self.assertEqual(freq[11][0], "Vet ikke")
        dk = sum(1 for a in A if a["N1"] == 99)
        self.assertEqual(freq[11][1], cell(dk, n + dk)[0])

    def test_wave_over_wave(self):
        body = page(ANALYST, "S1", compare=W2)
        self.assertIn("Sammenligning 2031 / 2032", body)
        self.assertIn("Ordlyden er endret mellom bølgene", body)
        a1 = [a for a in A if a["S1"] is not None]
        b1 = [b for b in B if b["S1"] is not None]
        rows = body_rows(body, "Andel per svar i de to bølgene")
        self.assertEqual(len(rows), len(S1_LABELS))
        for (code, label), row in zip(S1_LABELS, rows):
            k1 = sum(1 for a in a1 if a["S1"] == code)
            k2 = sum(1 for b in b1 if b["S1"] == code)
            self.assertEqual(row[0], label)
            if 0 < k1 < 5 or 0 < k2 < 5:
                self.assertEqual(row[1:3], ["<5", "<5"])
                continue
            p1, p2 = k1 / len(a1), k2 / len(b1)
            p = (k1 + k2) / (len(a1) + len(b1))
            z = (p1 - p2) / math.sqrt(p * (1 - p) * (1 / len(a1) +
                                                     1 / len(b1)))
            pv = math.erfc(abs(z) / math.sqrt(2))
            close(self, row[1], 100 * p1, label)
            close(self, row[2], 100 * p2, label)
            close(self, row[3], 100 * (p1 - p2), label)
            self.assertAlmostEqual(float(row[4]), z, delta=0.0051)
            self.assertAlmostEqual(float(row[5]), pv, delta=0.00051)
            self.assertEqual(row[6], "ja" if pv < 0.05 else "nei")
        # M1's wording is the same in both waves: no flag.
        body = page(ANALYST, "M1", compare=W2)
        self.assertIn("Sammenligning 2031 / 2032", body)
        self.assertNotIn("Ordlyden er endret", body)

    def test_methodology_box_and_population(self):
        body = page(ANALYST, "S1")
        box = body.split('class="method"', 1)[1].split("</section>", 1)[0]
        self.assertIn(f"<dt>Invitert</dt><dd>{FWD}</dd>", box)
        self.assertIn(f"<dt>Svart (fullført)</dt><dd>{N1}</dd>", box)
        self.assertIn("<dd>%.1f %% (%d av %d)</dd>" % (100 * N1 / FWD, N1,
                                                        FWD), box)
        self.assertIn("Resultattest (2031)", box)
        self.assertIn(f"Nettbasert spørreskjema, selvutfylt; kanaler:"
                      f" enhetslenke {N1}</dd>", box)
        # Analysts cannot set the population; admins can, and the
        # margins shrink by the finite-population correction.
        r = ANALYST.post("/admin/results", {"csrf": csrf(body),
                                            "wave": W1,
                                            "population": "300"})
        self.assertEqual(r.status, 403)
        body = page(ADMIN, "S1")
        r = ADMIN.post("/admin/results", {"csrf": csrf(body), "wave": W1,
                                          "population": "300"})
        self.assertEqual(r.status, 303)
        try:
            body = page(ANALYST, "S1")
            self.assertIn("300 (feilmarginene er korrigert", body)
            answered = [a for a in A if a["S1"] is not None]
            n = len(answered)
            k = sum(1 for a in answered if a["S1"] == 1)
            row = body_rows(body, "Hvor fornøyd er du?. Antall")[0]
            p, m = share(k, n, 300)
            self.assertLess(m, share(k, n)[1])
            self.assertGreater(fpc(n, 300), 0.8)
            close(self, row[3], m, "fpc")
            body = page(ADMIN, "S1")
            self.assertEqual(psql("SELECT count(*) FROM audit WHERE action ="
                                  " 'results.population' AND object ="
                                  " :'p0'", f"wave {W1}")[0][0], "1")
            r = ADMIN.post("/admin/results", {"csrf": csrf(body),
                                              "wave": W1,
                                              "population": "tre"})
            self.assertEqual(r.status, 400)
        finally:
            ADMIN.post("/admin/results", {"csrf": csrf(body), "wave": W1,
                                          "population": ""})

    def test_views_are_audited_and_list_items(self):
        before = int(psql("SELECT count(*) FROM audit WHERE action ="
                          " 'results.view'")[0][0])
        r = ANALYST.get(f"/admin/results?wave={W1}")
        self.assertEqual(r.status, 200)
        for item in ("S1", "M1", "S2", "N1", "A1", "G", "T1"):
            self.assertIn(f"item={item}\">{item}</a>", r.body)
        self.assertEqual(int(psql("SELECT count(*) FROM audit WHERE action ="
                                  " 'results.view'")[0][0]), before + 1)
        # An unknown item lists the items; a bad breakdown is none.
        self.assertEqual(ANALYST.get(f"/admin/results?wave={W1}&item=ZZ"
                                     ).status, 200)
        body = page(ANALYST, "S1", by="nonsense")
        self.assertEqual(len(head_cols(body, "Hvor fornøyd er du?. Antall")),
                         1)


class EveryItem(unittest.TestCase):
    def test_every_item_of_the_2021_survey(self):
        """Every item type of the real questionnaire (grids, constant
        sum, numbers, texts, 0-10) renders, alone and by yrkesgruppe,
        age band and RHF; a grid has one table per row."""
        wave, definition = psql(
            "SELECT w.id, v.definition_id FROM wave w JOIN survey s ON"
            " s.id = w.survey_id JOIN version v ON v.wave_id = w.id WHERE"
            " s.key = 'helsepersonell' ORDER BY v.id LIMIT 1")[0]
        r = ANALYST.get(f"/admin/results?wave={wave}")
        self.assertEqual(r.status, 200)
        items = re.findall(r'item=([A-Za-z0-9_]+)">', r.body)
        self.assertGreater(len(items), 30)
        for item in items:
            for by in ("", "B3", "B5", "rhf"):
                r = ANALYST.get(f"/admin/results?wave={wave}&item={item}"
                                f"&by={by}")
                self.assertEqual(r.status, 200, (item, by))
        rows = psql("SELECT count(*) FROM variable WHERE definition_id ="
                    " :'p0' AND item_id = 'Q3_1'", definition)[0][0]
        r = ANALYST.get(f"/admin/results?wave={wave}&item=Q3_1")
        self.assertEqual(r.body.count("Antall, andel og 95 %"), int(rows))
        self.assertEqual(r.body.count("<svg"), int(rows))


if __name__ == "__main__":
    unittest.main()
