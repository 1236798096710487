"""svarctl synth and the funnel over a synthetic wave. The expected
figures come from the generator's manifest (what it meant to make, as it
counted it) and from the test's own SQL on the raw tables, never from
Svar's funnel queries: units by stage reached, respondents per version,
break-off by page with small-cell suppression for analysts, AAPOR
dispositions, routing respected, and the same seed giving the same
data."""
import csv
import datetime
import io
import json
import os
import statistics
import subprocess
import tempfile
import unittest
import zoneinfo

from svartest import Client, admin_login, new_admin, psql
from test_funnel import REACHED, STAGES, cells

YEAR = 2093
SEED = 11
KIND_VERSION = {"hf": "hf", "kommune": "kommune",
                "fastlegekontor": "fastlege"}


def synth(*args, manifest=None):
    cmd = ["build/svarctl", "synth"] + [str(a) for a in args]
    if manifest:
        cmd += ["--manifest", manifest]
    return subprocess.run(cmd, capture_output=True, text=True)


def content_hash(wave):
    """One digest over everything the wave holds that is not a serial id
    (rows joined by their generated keys), in a fixed order."""
    return psql("""
        SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
          SELECT concat_ws(',', r.selector, r.status, r.lang, r.channel,
                 r.created_at, r.opened_at, r.started_at, r.completed_at,
                 r.updated_at, r.page_id, r.furthest_page_id, i.code,
                 u.code) AS x
            FROM response r JOIN version v ON v.id = r.version_id
            LEFT JOIN invitation i ON i.id = r.invitation_id
            LEFT JOIN unit_link l ON l.id = r.unit_link_id
            LEFT JOIN wave_unit wu ON wu.id = l.wave_unit_id
            LEFT JOIN unit u ON u.id = wu.unit_id
           WHERE v.wave_id = :'p0'
          UNION ALL
          SELECT concat_ws(',', r.selector, a.var, a.value, a.state,
                 a.updated_at)
            FROM answer a JOIN response r ON r.id = a.response_id
            JOIN version v ON v.id = r.version_id WHERE v.wave_id = :'p0'
          UNION ALL
          SELECT concat_ws(',', u.kind, u.code, wu.stage,
                 wu.forwarded_count, e.from_stage, e.to_stage, e.at)
            FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id
            LEFT JOIN unit_event e ON e.wave_unit_id = wu.id
           WHERE wu.wave_id = :'p0'
          UNION ALL
          SELECT concat_ws(',', o.kind, o.to_addr, o.sent_at)
            FROM outbox o JOIN wave_unit wu ON wu.id = o.wave_unit_id
           WHERE wu.wave_id = :'p0') t""", wave)[0][0]


def setUpModule():
    global M, WAVE, ADMIN, ANALYST, TMP, OUT
    TMP = tempfile.mkdtemp(prefix="svar-synth-")
    man = os.path.join(TMP, "m.json")
    r = synth("--wave-year", YEAR, "--responses", 700, "--units", 50,
              "--seed", SEED, manifest=man)
    assert r.returncode == 0, r.stderr
    OUT = r.stdout
    with open(man) as f:
        M = json.load(f)
    WAVE = M["wave"]
    MEDIANS.update(page_medians())
    ADMIN = Client()
    admin_login(ADMIN, *new_admin("admin"))
    ANALYST = Client()
    admin_login(ANALYST, *new_admin("analyst"))


MEDIANS = {}


def page_medians():
    """Median seconds per page and version, computed here from the raw
    answer rows: a page is saved when its rows last changed, its time
    runs from the save before (or the opening). All responses count
    (fewer than the 500 per version the page looks at); medians of under 5 show
    as "<5" to analysts."""
    rows = psql("""
        SELECT v.key, r.id, extract(epoch FROM r.opened_at), p.page_id,
               extract(epoch FROM max(a.updated_at))
          FROM response r JOIN version v ON v.id = r.version_id
          JOIN answer a ON a.response_id = r.id
          JOIN variable p ON p.definition_id = r.definition_id
           AND p.var = a.var
         WHERE v.wave_id = :'p0' AND r.status IN ('started', 'completed')
         GROUP BY 1, 2, 3, 4""", WAVE)
    saves = {}
    for key, rid, opened, page, at in rows:
        saves.setdefault((key, rid, float(opened)), []).append(
            (float(at), page))
    secs = {}
    for (key, _, opened), s in saves.items():
        prev = opened
        for at, page in sorted(s):
            secs.setdefault(key, {}).setdefault(page, []).append(at - prev)
            prev = at
    out = {}
    for key, pages in secs.items():
        out[key] = {p: "<5" if len(v) < 5 else
                    str(int(statistics.median(v) + 0.5))
                    for p, v in pages.items()}
    return out


def responses(version=None):
    return [r for r in M["responses"] if version in (None, r[0])]


def stopped_on(rs, page):
    return sum(1 for r in rs if r[1] == "s" and r[2] == page)


def reached(rs, page):
    pos = M["pages"].index(page)
    return sum(1 for r in rs if r[1] == "c" or
               (r[1] == "s" and M["pages"].index(r[3]) >= pos))


class Synth(unittest.TestCase):
    def page(self, client, query=""):
        r = client.get(f"/admin/funnel?wave={WAVE}{query}")
        self.assertEqual(r.status, 200)
        return r.body

    def test_wave_is_marked_synthetic_and_closed(self):
        row = psql("SELECT w.synthetic, w.closed, s.key, s.title FROM wave w"
                   " JOIN survey s ON s.id = w.survey_id WHERE w.id ="
                   " :'p0'", WAVE)[0]
        self.assertEqual(row[:3], ["t", "t", "helsepersonell-synt"])
        self.assertTrue(row[3].startswith("SYNTETISK: "))
        self.assertIn(f"synthetic wave {WAVE}", OUT)
        # It cannot be opened, not even by the admin role.
        r = subprocess.run(["psql", "-qAtX", "-U", "svar_admin", "-c",
                            f"UPDATE wave SET closed = false WHERE id ="
                            f" {int(WAVE)}"], capture_output=True, text=True)
        self.assertIn("wave_synthetic_closed", r.stderr)

    def test_raw_tables_hold_what_the_manifest_says(self):
        # The test's own SQL against the manifest: the COPY lost nothing.
        got = dict(((v, s), int(n)) for v, s, n in psql(
            "SELECT v.key, r.status, count(*) FROM response r JOIN version v"
            " ON v.id = r.version_id WHERE v.wave_id = :'p0' GROUP BY 1, 2",
            WAVE))
        names = {"i": "invited", "o": "opened", "s": "started",
                 "c": "completed"}
        want = {}
        for r in M["responses"]:
            k = (r[0], names[r[1]])
            want[k] = want.get(k, 0) + 1
        self.assertEqual(got, want)
        self.assertEqual(len(M["responses"]) - sum(
            1 for r in M["responses"] if r[1] == "i"), 700)
        units = dict(psql("SELECT u.code, wu.stage FROM wave_unit wu JOIN"
                          " unit u ON u.id = wu.unit_id WHERE wu.wave_id ="
                          " :'p0'", WAVE))
        self.assertEqual(units, {u[1]: u[3] for u in M["units"]})

    def test_answers_respect_routing_and_storage(self):
        # Q3_3 is asked only after Q3_2 = 1; B9 only in the HF version;
        # only the states the app stores; every started response has an
        # answered question besides the hidden one, no opened one has.
        bad = psql("""
            SELECT count(*) FROM answer a JOIN response r ON r.id =
              a.response_id JOIN version v ON v.id = r.version_id
             WHERE v.wave_id = :'p0' AND (
               (a.var = 'Q3_3' AND a.state = 'a' AND NOT EXISTS (SELECT
                 FROM answer b WHERE b.response_id = a.response_id AND
                 b.var = 'Q3_2' AND b.value = '1' AND b.state = 'a'))
               OR (a.var = 'B9' AND v.key <> 'hf')
               OR a.state NOT IN ('a', 's', 'n'))""", WAVE)[0][0]
        self.assertEqual(bad, "0")
        rows = psql("""
            SELECT r.status, bool_or(a.state = 'a' AND a.var <> 'B1')
              FROM response r JOIN version v ON v.id = r.version_id
              JOIN answer a ON a.response_id = r.id
             WHERE v.wave_id = :'p0' GROUP BY r.id, r.status""", WAVE)
        for status, answered in rows:
            self.assertEqual(answered == "t", status in ("started",
                                                         "completed"),
                             status)
        # A sum adds up to its total, as validation insists.
        sums = psql("""
            SELECT sum(a.value::int) FROM answer a JOIN response r ON r.id =
              a.response_id JOIN version v ON v.id = r.version_id
             WHERE v.wave_id = :'p0' AND a.var LIKE 'Q3\\_6.%' AND
              a.state = 'a' GROUP BY r.id""", WAVE)
        self.assertTrue(sums)
        self.assertEqual({s[0] for s in sums}, {"100"})

    def test_units_by_stage_reached(self):
        body = self.page(ADMIN)
        got = {r[0]: int(r[1]) for r in cells(
            body, "Enheter som har nådd trinnet")}
        labels = ["i utvalget", "invitert", "har kontaktperson",
                  "takket nei", "videresendt", "har svar"]
        for label, stage in zip(labels, STAGES):
            want = sum(1 for u in M["units"] if stage in REACHED[u[3]])
            self.assertEqual(got[label], want, stage)

    def test_respondents_per_version(self):
        body = self.page(ADMIN)
        rows = {r[0].split()[0]: r for r in cells(
            body, "Inviterte, åpnet, begynt")}
        for v in ("hf", "kommune", "fastlege"):
            rs = responses(v)
            invited = sum(u[4] for u in M["units"] if u[4] >= 0 and
                          KIND_VERSION[u[0]] == v)
            if v == "fastlege":
                invited += len(M["invitations"])
            row = rows[v]
            self.assertEqual(int(row[1]), invited, v)
            self.assertEqual(int(row[3]), sum(1 for r in rs if r[1] != "i"))
            self.assertEqual(int(row[4]), sum(1 for r in rs
                                              if r[1] in "sc"))
            done = sum(1 for r in rs if r[1] == "c")
            self.assertEqual(int(row[5]), done, v)
            self.assertTrue(row[6].startswith(f"{done} av {invited} ("))

    def test_breakoff_by_page_and_suppression(self):
        for v in ("", "hf", "fastlege"):
            rs = responses(v or None)
            for client, exact in ((ADMIN, True), (ANALYST, False)):
                body = self.page(client, f"&version={v}")
                rows = cells(body, "Nådd og stoppet per side")
                self.assertEqual([r[0] for r in rows], M["pages"])
                for r in rows:
                    for cell, n in ((r[1], reached(rs, r[0])),
                                    (r[2], stopped_on(rs, r[0]))):
                        want = "&lt;5" if not exact and 0 < n < 5 else str(n)
                        self.assertEqual(cell, want, (v, r, exact))
        # The small cells exist, so the suppression was tested.
        small = [p for p in M["pages"]
                 if 0 < stopped_on(responses("fastlege"), p) < 5]
        self.assertTrue(small)

    def test_csv_pages_match(self):
        r = ANALYST.get(f"/admin/funnel.csv?wave={WAVE}&table=pages"
                        "&version=kommune")
        self.assertEqual(r.status, 200)
        lines = r.body.lstrip("\ufeff").split("\r\n")
        rs = responses("kommune")
        for line in lines[1:]:
            if not line:
                continue
            page, reach, stop, med = line.split(",")
            self.assertEqual(med, MEDIANS["kommune"].get(page, "–"), line)
            n = stopped_on(rs, page)
            self.assertEqual(stop, "<5" if 0 < n < 5 else str(n), line)
            n = reached(rs, page)
            self.assertEqual(reach, "<5" if 0 < n < 5 else str(n), line)

    def test_aapor_dispositions(self):
        npages = len(M["pages"])
        d = dict.fromkeys(["I", "P", "R", "NE", "NC", "UH"], 0)
        by_inv = {r[4]: r for r in M["responses"] if r[4] >= 0}
        for k, (letter, email, opted, bounced) in enumerate(
                M["invitations"]):
            r = by_inv[k]
            if r[1] == "c":
                d["I"] += 1
            elif r[1] == "s" and 2 * (M["pages"].index(r[3]) + 1) >= npages:
                d["P"] += 1
            elif r[1] in "so" or opted:
                d["R"] += 1
            elif bounced:
                d["NE"] += 1
            elif letter or email:
                d["NC"] += 1
            else:
                d["UH"] += 1
        row = [r for r in cells(self.page(ADMIN),
                                "Endelig status per invitasjon")
               if r[0] == "fastlege"][0]
        self.assertEqual([int(x) for x in row[1:7]],
                         [d[k] for k in ("I", "P", "R", "NC", "UH", "NE")])

    def test_same_seed_same_data_and_refusals(self):
        before = content_hash(WAVE)
        r = synth("--wave-year", YEAR, "--responses", 700, "--units", 50,
                  "--seed", SEED + 1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotEqual(content_hash(WAVE), before)
        r = synth("--wave-year", YEAR, "--responses", 700, "--units", 50,
                  "--seed", SEED)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(content_hash(WAVE), before)
        # A wave with real units is never written into.
        psql("""
            WITH w AS (INSERT INTO wave (survey_id, year) SELECT id, 2094
                       FROM survey WHERE key = 'helsepersonell-synt'
                       RETURNING id)
            INSERT INTO wave_unit (wave_id, unit_id)
            SELECT w.id, (SELECT min(id) FROM unit) FROM w""")
        r = synth("--wave-year", 2094, "--responses", 10, "--units", 5,
                  "--seed", 1)
        self.assertEqual(r.returncode, 1)
        self.assertIn("is not synthetic; choose another --wave-year",
                      r.stderr)
        self.assertEqual(psql("SELECT count(*) FROM wave_unit wu JOIN wave"
                              " w ON w.id = wu.wave_id WHERE w.year = 2094"
                              )[0][0], "1")
        # That made-up real wave would be every later test's newest.
        psql("""
            DELETE FROM wave_unit WHERE wave_id IN (SELECT id FROM wave
                                                     WHERE year = 2094);
            DELETE FROM wave WHERE year = 2094""")
        r = synth("--wave-year", 2095, "--responses", "many", "--units", 5)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--responses must be a whole number", r.stderr)

    def test_progress_over_time(self):
        oslo = zoneinfo.ZoneInfo("Europe/Oslo")

        def day(iso):
            t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
            return t.astimezone(oslo).date().isoformat()
        want = {}
        for r in M["responses"]:
            if r[1] == "c":
                k = (day(r[7]), r[0])
                want[k] = want.get(k, 0) + 1
        r = ADMIN.get(f"/admin/funnel.csv?wave={WAVE}&table=days")
        self.assertEqual(r.status, 200)
        rows = list(csv.reader(io.StringIO(r.body.lstrip("\ufeff"))))
        head, rows = rows[0], rows[1:]
        self.assertEqual(head[0], "date")
        self.assertEqual(head[-1], "sent")
        versions = head[1:-1:2]
        self.assertEqual(sorted(versions), ["fastlege", "hf", "kommune"])
        days = [x[0] for x in rows]
        # Every day from the first to the last, none twice.
        first = datetime.date.fromisoformat(days[0])
        self.assertEqual(days, [(first + datetime.timedelta(i)).isoformat()
                                for i in range(len(days))])
        total = dict.fromkeys(versions, 0)
        for x in rows:
            for i, v in enumerate(versions):
                n = want.get((x[0], v), 0)
                total[v] += n
                self.assertEqual(int(x[1 + 2 * i]), n, (x, v))
                self.assertEqual(int(x[2 + 2 * i]), total[v], (x, v))
        self.assertEqual(sum(total.values()),
                         sum(1 for r in M["responses"] if r[1] == "c"))
        # The marks: the reminder day and the letters' day, from the raw
        # tables with the test's own SQL.
        sent = {x[0]: x[-1] for x in rows}
        n = psql("SELECT count(*) FROM outbox o JOIN wave_unit wu ON wu.id ="
                 " o.wave_unit_id WHERE wu.wave_id = :'p0' AND o.kind ="
                 " 'reminder'", WAVE)[0][0]
        self.assertIn(f"reminders {n}", sent[day(M["reminder"])])
        letters = psql("SELECT (letter_sent_at AT TIME ZONE 'Europe/Oslo')"
                       "::date, count(*) FROM invitation i JOIN version v ON"
                       " v.id = i.version_id WHERE v.wave_id = :'p0' GROUP"
                       " BY 1", WAVE)
        self.assertEqual(len(letters), 1)
        self.assertIn(f"letters {letters[0][1]}", sent[letters[0][0]])
        # Stage moves per day, counted here from the raw events.
        ev = psql("SELECT (e.at AT TIME ZONE 'Europe/Oslo')::date::text,"
                  " e.to_stage FROM unit_event e JOIN wave_unit wu ON wu.id"
                  " = e.wave_unit_id WHERE wu.wave_id = :'p0'", WAVE)
        moves = {}
        for d, st in ev:
            moves[(d, st)] = moves.get((d, st), 0) + 1
        r = ADMIN.get(f"/admin/funnel.csv?wave={WAVE}&table=moves")
        rows = list(csv.reader(io.StringIO(r.body.lstrip("\ufeff"))))
        self.assertEqual(rows[0], ["date", "invited", "accepted",
                                   "declined", "distributed", "responding"])
        seen = 0
        for x in rows[1:]:
            for i, st in enumerate(rows[0][1:]):
                self.assertEqual(int(x[1 + i]), moves.get((x[0], st), 0))
                seen += int(x[1 + i])
        self.assertEqual(seen, len(ev))
        # On the page: two charts with title and description, the table,
        # and to analysts the small daily counts as "<5".
        body = self.page(ANALYST)
        self.assertIn('<title id="chart-days-title">Fremdrift over tid',
                      body)
        self.assertIn('<desc id="chart-moves-desc">', body)
        rows = cells(body, "Fullførte per dag og til sammen")
        small = [(d, v) for (d, v), n in want.items() if 0 < n < 5]
        self.assertTrue(small)
        d, v = small[0]
        row = [x for x in rows if x[0] == d][0]
        self.assertEqual(row[1 + 2 * versions.index(v)], "&lt;5")


class Like2021(unittest.TestCase):
    def test_the_reports_sample_and_a_wave_to_compare(self):
        r = synth("--like-2021", "--seed", 3)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {}
        for year, key, n in psql("""
                SELECT w.year, v.key, count(*) FROM response r
                  JOIN version v ON v.id = r.version_id
                  JOIN wave w ON w.id = v.wave_id JOIN survey s ON
                  s.id = w.survey_id WHERE s.key = 'helsepersonell-synt'
                   AND w.year IN (2020, 2021) AND r.status = 'completed'
                 GROUP BY 1, 2"""):
            got[(int(year), key)] = int(n)
        # Tabell 2.1 of the 2021 report: 2021 and 2020.
        self.assertEqual(got, {(2021, "hf"): 2547, (2021, "kommune"): 1197,
                               (2021, "fastlege"): 83, (2020, "hf"): 1779,
                               (2020, "kommune"): 627,
                               (2020, "fastlege"): 97})
        # Shares near the report's: Q3_2 "Ja" 22 % (2021) and 23 %
        # (2020), Q3_30 fornøyd (1, 2) 55 % and 46 %, among those who
        # answered, within 3 points.
        for year, var, codes, want in ((2021, "Q3_2", "1", 22),
                                       (2020, "Q3_2", "1", 23),
                                       (2021, "Q3_30", "1,2", 55),
                                       (2020, "Q3_30", "1,2", 46)):
            share = float(psql("""
                SELECT 100.0 * count(*) FILTER (WHERE a.value =
                       ANY (string_to_array(:'p2', ','))) / count(*)
                  FROM answer a JOIN response r ON r.id = a.response_id
                  JOIN version v ON v.id = r.version_id
                  JOIN wave w ON w.id = v.wave_id JOIN survey s ON
                  s.id = w.survey_id WHERE s.key = 'helsepersonell-synt'
                   AND w.year = :'p0' AND a.var = :'p1' AND a.state = 'a'
                   AND r.status = 'completed'""", year, var, codes)[0][0])
            self.assertLess(abs(share - want), 3, (year, var, share))


if __name__ == "__main__":
    unittest.main()
