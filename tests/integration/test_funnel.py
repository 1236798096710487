"""The funnel against a synthetic wave whose true counts the test knows
from what it generated (not from Svar's queries): units by stage
reached, respondents per version, break-off by page, and small-cell
suppression for analysts."""
import random
import re
import subprocess
import unittest

from svartest import Client, admin_login, new_admin, psql

STAGES = ["frame", "invited", "accepted", "declined", "distributed",
          "responding"]
REACHED = {  # a unit at stage s counts at these stages
    "frame": {"frame"},
    "invited": {"frame", "invited"},
    "accepted": {"frame", "invited", "accepted"},
    "declined": {"frame", "invited", "declined"},
    "distributed": {"frame", "invited", "accepted", "distributed"},
    "responding": {"frame", "invited", "accepted", "distributed",
                   "responding"},
}
PAGES = ["p1", "p2", "p3"]


def setUpModule():
    global WAVE, UNITS, RESPONSES, ADMIN, ANALYST
    subprocess.run(["build/svarctl", "load", "tests/defs/funnel.svar"],
                   check=True, capture_output=True)
    WAVE, version, definition = psql(
        "SELECT w.id, v.id, v.definition_id FROM wave w JOIN survey s ON"
        " s.id = w.survey_id JOIN version v ON v.wave_id = w.id WHERE"
        " s.key = 'testfunnel'")[0]
    rnd = random.Random(20211020)
    UNITS, RESPONSES = [], []
    for i in range(40):
        stage = rnd.choice(STAGES)
        eligible = rnd.random() < 0.9
        fwd = rnd.randint(5, 60) if stage in ("distributed", "responding") \
            and rnd.random() < 0.8 else None
        UNITS.append((f"f{i:03d}", stage, eligible, fwd))
    values = []
    for code, stage, eligible, fwd in UNITS:
        values.append(f"('{code}', '{stage}', {str(eligible).lower()},"
                      f" {fwd if fwd is not None else 'NULL'})")
    # Values are the test's own literals, not input: safe to inline.
    psql(f"""
        WITH d(code, stage, eligible, fwd) AS (VALUES {", ".join(values)}),
        u AS (INSERT INTO unit (kind, code, name, fylke)
              SELECT 'kommune', '9' || substr(code, 2), 'Funnel ' || code,
                     'Testfylke' FROM d RETURNING id, code)
        INSERT INTO wave_unit (wave_id, unit_id, stage, eligible,
                               forwarded_count)
        SELECT :'p0', u.id, d.stage, d.eligible, d.fwd FROM d
          JOIN u ON u.code = '9' || substr(d.code, 2)""", WAVE)
    psql("""
        INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)
        SELECT wu.id, :'p1', translate(substr(md5(wu.id::text || 'f'),
               1, 8), '01', 'xy'), translate(substr(md5(wu.id::text),
               1, 26), '01', 'xy')
          FROM wave_unit wu WHERE wu.wave_id = :'p0'""", WAVE, version)
    links = dict(psql("SELECT u.code, l.id FROM unit_link l JOIN wave_unit"
                      " wu ON wu.id = l.wave_unit_id JOIN unit u ON u.id ="
                      " wu.unit_id WHERE wu.wave_id = :'p0'", WAVE))
    rows = []
    for code, stage, eligible, fwd in UNITS:
        if stage not in ("distributed", "responding"):
            continue
        for j in range(rnd.randint(0, 9)):
            status = rnd.choice(["opened", "started", "started",
                                 "completed"])
            if stage == "responding" and j == 0:
                status = "completed"
            page = rnd.choice(PAGES) if status == "started" else \
                ("p3" if status == "completed" else None)
            test = rnd.random() < 0.1
            RESPONSES.append((status, page, test))
            rows.append(f"({links['9' + code[1:]]}, '{status}',"
                        f" {repr(page) if page else 'NULL'},"
                        f" {str(test).lower()}, '{code}x{j}')")
    psql(f"""
        INSERT INTO response (version_id, definition_id, unit_link_id,
            status, page_id, furthest_page_id, test, selector, verifier,
            csrf)
        SELECT :'p0', :'p1', l, s, p, p, t,
               translate(substr(md5(k), 1, 8), '01', 'xy'),
               translate(substr(md5(k || 'v'), 1, 26), '01', 'xy'), 'c'
          FROM (VALUES {", ".join(rows)}) AS r(l, s, p, t, k)""",
         version, definition)
    # Personal invitations with dispositions known by hand: (status,
    # furthest page, opted out, bounced, letter sent).
    global INVITES
    INVITES = [("completed", "p3", False, False, True)] * 3 + [
        ("started", "p2", False, False, True),     # partial: 2 of 3 pages
        ("started", "p1", False, False, True),     # break-off
        ("invited", None, True, False, True),      # opted out
        ("invited", None, False, True, True),      # bounced
        ("invited", None, False, False, True),     # sent, never opened
        ("invited", None, False, False, True),
        ("invited", None, False, False, False),    # never sent
    ]
    rows = []
    for n, (st, pg, out, bounced, sent) in enumerate(INVITES):
        rows.append(f"('fi{n:02d}x', '{st}', {repr(pg) if pg else 'NULL'},"
                    f" {str(out).lower()}, {str(bounced).lower()},"
                    f" {str(sent).lower()})")
    psql(f"""
        WITH d(k, st, pg, o, b, s) AS (VALUES {", ".join(rows)}),
        i AS (INSERT INTO invitation (version_id, code, opted_out_at,
                                      bounced_at, letter_sent_at)
              SELECT :'p0', upper(k), CASE WHEN o THEN now() END,
                     CASE WHEN b THEN now() END, CASE WHEN s THEN now() END
                FROM d RETURNING id, code)
        INSERT INTO response (version_id, definition_id, invitation_id,
            status, page_id, furthest_page_id, selector, verifier, csrf,
            channel)
        SELECT :'p0', :'p1', i.id, d.st, d.pg, d.pg,
               translate(substr(md5(d.k), 1, 8), '01', 'xy'),
               translate(substr(md5(d.k || 'v'), 1, 26), '01', 'xy'), 'c',
               'personal'
          FROM d JOIN i ON i.code = upper(d.k)""", version, definition)

    # Completions on known days for progress over time: from ten days
    # ago to yesterday (Oslo), some of them under 5, through the link of
    # one unit that forwarded; and two e-mails to personal invitations
    # three days ago (a mark under 5).
    global DAY_PLAN
    DAY_PLAN = [3, 0, 7, 2, 1, 6, 4, 0, 9, 2]
    link = next(links["9" + c[1:]] for c, s, _, _ in UNITS
                if s in ("distributed", "responding"))
    rows = []
    for back, n in zip(range(len(DAY_PLAN), 0, -1), DAY_PLAN):
        for j in range(n):
            rows.append(f"({back}, 'day{back}x{j}')")
            RESPONSES.append(("completed", "p3", False))
    psql(f"""
        INSERT INTO response (version_id, definition_id, unit_link_id,
            status, page_id, furthest_page_id, selector, verifier, csrf,
            completed_at)
        SELECT :'p0', :'p1', :'p2', 'completed', 'p3', 'p3',
               translate(substr(md5(k), 1, 8), '01', 'xy'),
               translate(substr(md5(k || 'v'), 1, 26), '01', 'xy'), 'c',
               (((now() AT TIME ZONE 'Europe/Oslo')::date - b)
                + time '12:00') AT TIME ZONE 'Europe/Oslo'
          FROM (VALUES {", ".join(rows)}) AS d(b, k)""",
         version, definition, link)
    psql("""
        UPDATE invitation SET email_sent_at = (((now() AT TIME ZONE
               'Europe/Oslo')::date - 3) + time '12:00') AT TIME ZONE
               'Europe/Oslo'
         WHERE code IN ('FI00X', 'FI01X')""")

    # Views of eligible units' start pages, through HTTP: three looks at
    # one link, and the links of an ineligible unit do not count.
    global VIEWS
    VIEWS = 0
    for code, stage, eligible, fwd in UNITS[:6]:
        key = psql("SELECT l.selector || l.verifier FROM unit_link l JOIN"
                   " wave_unit wu ON wu.id = l.wave_unit_id JOIN unit u ON"
                   " u.id = wu.unit_id WHERE u.code = :'p0'",
                   "9" + code[1:])[0][0]
        for _ in range(3):
            assert Client().get("/u/" + key).status == 200
        VIEWS += 3 if eligible else 0
    ADMIN = Client()
    n, p, s = new_admin("admin")
    admin_login(ADMIN, n, p, s)
    ANALYST = Client()
    n, p, s = new_admin("analyst")
    admin_login(ANALYST, n, p, s)


def counted():
    """(status, page) of every response the funnel counts: not tests,
    and the personal invitations' once opened."""
    return [(s, p) for s, p, t in RESPONSES if not t] + \
        [(s, p) for s, p, _, _, _ in INVITES if s != "invited"]


def cells(body, caption):
    """The rows of the table with this caption: [label, cell, ...]."""
    table = body.split(caption, 1)[1].split("</table>", 1)[0]
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        out.append([re.sub(r"<[^>]+>", "", c).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr,
                                        re.S)])
    return out


class Funnel(unittest.TestCase):
    def page(self, client):
        r = client.get(f"/admin/funnel?wave={WAVE}")
        self.assertEqual(r.status, 200)
        return r.body

    def test_units_by_stage_reached(self):
        body = self.page(ADMIN)
        rows = cells(body, "Enheter som har nådd trinnet")
        got = {r[0]: int(r[1]) for r in rows}
        labels = ["i utvalget", "invitert", "har kontaktperson",
                  "takket nei", "videresendt", "har svar"]
        for label, stage in zip(labels, STAGES):
            want = sum(1 for _, s, e, _ in UNITS
                       if e and stage in REACHED[s])
            self.assertEqual(got[label], want, stage)
        # Trinn 1 and 2, as count, denominator and percent.
        inv = sum(1 for _, s, e, _ in UNITS if e and "invited" in REACHED[s])
        acc = sum(1 for _, s, e, _ in UNITS if e and "accepted" in REACHED[s])
        resp = sum(1 for _, s, e, _ in UNITS if e and s == "responding")
        self.assertIn(f"{inv - acc} av {inv} (", body)
        self.assertIn(f"{acc - resp} av {acc} (", body)

    def test_respondents_and_breakoff(self):
        body = self.page(ADMIN)
        live = counted()
        # The eligible units' reported headcount and the personal
        # invitations are the denominator.
        invited = sum(f for _, s, e, f in UNITS if e and f) + len(INVITES)
        row = [r for r in cells(body, "Inviterte, åpnet, begynt")
               if r[0].startswith("kommune")][0]
        self.assertEqual(int(row[1]), invited)
        self.assertEqual(int(row[2]), VIEWS)
        self.assertEqual(int(row[3]), len(live))
        self.assertEqual(int(row[4]), sum(1 for s, _ in live
                                          if s != "opened"))
        completed = sum(1 for s, _ in live if s == "completed")
        self.assertEqual(int(row[5]), completed)
        self.assertTrue(row[6].startswith(f"{completed} av {invited} ("),
                        row[6])
        rows = cells(body, "Nådd og stoppet per side")
        self.assertEqual([r[0] for r in rows], PAGES)
        for r in rows:
            pos = PAGES.index(r[0])
            stopped = sum(1 for s, p in live if s == "started" and p == r[0])
            reached = sum(1 for s, p in live if s == "completed" or
                          (s == "started" and PAGES.index(p) >= pos))
            self.assertEqual(int(r[2]), stopped, r)
            self.assertEqual(int(r[1]), reached, r)
        # Each chart has its title and description: stages, pages, and
        # progress over time (completions, stage moves).
        self.assertEqual(body.count('<svg xmlns="http://www.w3.org/2000/svg"'
                                    ' viewBox'), 4)
        for c in ("units", "pages", "days", "moves"):
            self.assertIn(f'<title id="chart-{c}-title">', body)
            self.assertIn(f'<desc id="chart-{c}-desc">', body)

    def test_analysts_see_small_cells_as_under_5(self):
        body = self.page(ANALYST)
        rows = cells(body, "Nådd og stoppet per side")
        live = counted()
        for r in rows:
            stopped = sum(1 for s, p in live if s == "started" and p == r[0])
            if 0 < stopped < 5:
                self.assertEqual(r[2], "&lt;5")
            else:
                self.assertEqual(r[2], str(stopped))
        self.assertIn("Tall under 5 vises som", body)

    def test_csv_matches_and_is_logged(self):
        before = int(psql("SELECT count(*) FROM audit WHERE action ="
                          " 'export'")[0][0])
        r = ADMIN.get(f"/admin/funnel.csv?wave={WAVE}&table=pages")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/csv"))
        lines = r.body.lstrip("\ufeff").split("\r\n")
        self.assertEqual(lines[0], "page,reached,stopped,median_seconds")
        live = counted()
        for line in lines[1:4]:
            page, reached, stopped, _ = line.split(",")
            self.assertEqual(int(stopped), sum(
                1 for s, p in live if s == "started" and p == page))
        r = ANALYST.get(f"/admin/funnel.csv?wave={WAVE}&table=units")
        self.assertEqual(r.status, 200)
        self.assertEqual(int(psql("SELECT count(*) FROM audit WHERE action"
                                  " = 'export'")[0][0]), before + 2)
        self.assertEqual(ADMIN.get(f"/admin/funnel.csv?wave={WAVE}"
                                   "&table=nope").status, 404)
        self.assertEqual(Client().get("/admin/funnel.csv?table=units")
                         .location, "/admin/login")

    def test_aapor_on_a_hand_computed_example(self):
        body = self.page(ADMIN)
        row = cells(body, "Endelig status per invitasjon")[0]
        # I=3, P=1, R=2 (break-off, opt-out), NC=2, UH=1, NE=1.
        self.assertEqual(row[:7], ["kommune", "3", "1", "2", "2", "1", "1"])
        self.assertEqual(row[7], "3 av 9 (33 %)")     # RR1
        self.assertEqual(row[8], "4 av 9 (44 %)")     # RR2
        self.assertEqual(row[9], "3 av 6 (50 %)")     # COOP1
        self.assertEqual(row[10], "2 av 9 (22 %)")    # REF1

    def test_a_count_links_to_its_units(self):
        body = self.page(ADMIN)
        m = re.search(r'href="(/admin/units\?wave=\d+&amp;reached=accepted)"'
                      r'>(\d+)</a>', body)
        r = ADMIN.get(m.group(1).replace("&amp;", "&"))
        self.assertEqual(r.status, 200)
        self.assertIn(f"<p>{m.group(2)} enheter", r.body)


def days_chart(body):
    """The completions chart: the heights of its line, the labels at
    the line's end, and the titles of the days marked."""
    svg = body.split('<title id="chart-days-title">', 1)[1]
    svg = svg.split("</svg>", 1)[0]
    pts = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    ys = [int(p.split(",")[1]) for p in pts.split()]
    ends = re.findall(r'<text [^>]*class="chart-value"[^>]*>([^<]*)</text>',
                      svg)
    marks = re.findall(r"<title>([^<]*)</title>", svg)
    return ys, ends, marks


class OverTime(unittest.TestCase):
    """Progress over time: admins see every count; analysts see a day
    under 5 as "<5" in the chart as in the table, and running totals
    (the table's and the chart's line) that leave such days out, so no
    two totals differ by a hidden count."""

    @classmethod
    def setUpClass(cls):
        # What happened, from the raw rows, not the funnel's summary.
        cls.daily = dict((d, int(n)) for d, n in psql(
            "SELECT (r.completed_at AT TIME ZONE 'Europe/Oslo')::date::text,"
            " count(*) FROM response r JOIN version v ON v.id ="
            " r.version_id WHERE v.wave_id = :'p0' AND r.status ="
            " 'completed' AND NOT r.test AND r.completed_at IS NOT NULL"
            " GROUP BY 1", WAVE))
        cls.email = psql(
            "SELECT (i.email_sent_at AT TIME ZONE 'Europe/Oslo')::date::text,"
            " count(*) FROM invitation i JOIN version v ON v.id ="
            " i.version_id WHERE v.wave_id = :'p0' AND i.email_sent_at IS"
            " NOT NULL GROUP BY 1", WAVE)
        assert sorted(cls.daily.values()) == sorted(
            n for n in DAY_PLAN if n), cls.daily

    def check(self, client, exact):
        r = client.get(f"/admin/funnel?wave={WAVE}")
        self.assertEqual(r.status, 200)
        rows = cells(r.body, "Fullførte per dag og til sammen")
        ys, ends, marks = days_chart(r.body)
        self.assertEqual(len(ys), len(rows))
        total, totals = 0, []
        for i, row in enumerate(rows):
            n = self.daily.get(row[0], 0)
            hidden = 0 < n < 5 and not exact
            if not hidden:
                total += n
            totals.append(total)
            self.assertEqual(row[1], "&lt;5" if hidden else str(n), row)
            self.assertEqual(row[2], str(total), row)
            if i == 0:
                continue
            # The line moves where the total does, and only there: a
            # day under 5 does not move an analyst's line.
            self.assertEqual(ys[i] == ys[i - 1],
                             totals[i] == totals[i - 1], (row, ys))
            self.assertLessEqual(ys[i], ys[i - 1])
            if hidden:
                self.assertEqual(ys[i], ys[i - 1], row)
        self.assertEqual(ends, [f"kommune {total}"])
        # The e-mails' day: its mark says how many as the table does.
        (day, n), = self.email
        mark = [m for m in marks if "e-post" in m]
        self.assertEqual(len(mark), 1, marks)
        self.assertIn(f"e-post {'&lt;5' if not exact else n}", mark[0])
        sent = [x for x in rows if x[0] == day][0][-1]
        self.assertIn(f"e-post {'&lt;5' if not exact else n}", sent)
        return totals

    def test_admin_sees_every_count(self):
        totals = self.check(ADMIN, True)
        self.assertEqual(totals[-1], sum(DAY_PLAN))

    def test_analyst_sees_no_small_count(self):
        totals = self.check(ANALYST, False)
        self.assertEqual(totals[-1], sum(n for n in DAY_PLAN if n >= 5))
        self.assertIn("legger bare sammen dagene med 5 eller flere",
                      self.page_body(ANALYST))
        self.assertNotIn("legger bare sammen dagene med 5 eller flere",
                         self.page_body(ADMIN))
        # The CSV says the same.
        r = ANALYST.get(f"/admin/funnel.csv?wave={WAVE}&table=days")
        self.assertEqual(r.status, 200)
        lines = r.body.lstrip("\ufeff").split("\r\n")
        self.assertEqual(lines[0], "date,kommune,kommune_cumulative,sent")
        total = 0
        for line in lines[1:]:
            if not line:
                continue
            day, n, cum = line.split(",")[:3]
            want = self.daily.get(day, 0)
            if want == 0 or want >= 5:
                total += want
                self.assertEqual(n, str(want), line)
            else:
                self.assertEqual(n, "<5", line)
            self.assertEqual(cum, str(total), line)

    def page_body(self, client):
        return client.get(f"/admin/funnel?wave={WAVE}").body


if __name__ == "__main__":
    unittest.main()
