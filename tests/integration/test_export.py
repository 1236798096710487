"""Raw-data exports (issue 13 §1): five respondents answer a survey of
the test's own over HTTP (a skipped item, a routed-away item, "Vet
ikke", a multiple choice, a grid, a constant sum, an "Annet" text
back-coded by an admin and one coded into a frame code, a partial and a
test response); then every format is written by svarctl and by the
admin's download, and read back by independent readers: Python's csv,
openpyxl (Debian's python3), R haven (.sav and .dta) and PSPP. Every
expected value, label and missing code comes from what the test itself
answered and the definition's text, never from Svar's queries."""
import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from resultdata import links
from svartest import (Client, admin_login, csrf, load_text, new_admin, psql,
                      start)

KEY = "testexport"
DEF = "tests/defs/export-2033.svar"
T1 = "hei, «sitat»; og \"anførsel\"\nny linje"

# What each respondent does: the fields posted per page, and whether
# they finish. r4 stops after page 1; r5 is made a test response; r6
# opens the link and stops there.
PEOPLE = [
    {"name": "r1", "done": True, 1: {"S1": "1", "M1": ["1", "2"],
                                     "G1.a": "1", "G1.b": "9"},
     2: {"R1": "2", "F1.x": "60", "F1.y": "40", "N1": "8", "A1": "40",
         "T1": T1}},
    {"name": "r2", "done": True, 1: {"S1": "5", "S1.other": "via brev",
                                     "M1": ["8"], "M1.other": "papir",
                                     "G1.a": "2"},
     2: {"N1": "99", "A1": "55"}},
    {"name": "r3", "done": True, 1: {}, 2: {}},
    {"name": "r4", "done": False, 1: {"S1": "2", "M1": ["2"], "G1.a": "9",
                                      "G1.b": "2"}},
    {"name": "r5", "done": True, 1: {"S1": "2"}, 2: {"A1": "33"}},
    # Opened, never saved a page: no answers but the hidden value.
    {"name": "r6", "done": False, "status": "opened"},
]

# Codes the test gives: r2's S1 text back-coded to "Dårlig" (2), r2's M1
# text into a new frame code 21 "Papir".
BACKCODE = 2
FRAME = (21, "Papir")

SKIP, NOTASKED, NOTREACHED = "-1", "-2", "-3"
TAG = {SKIP: ".a", NOTASKED: ".b", NOTREACHED: ".c"}


def expected(p):
    """The row the test expects for person p, as CSV text, by variable
    name: the codes for skipped, not asked and not reached, the coded
    value in the variable's column and the given one in .raw."""
    p1, p2 = p.get(1), p.get(2)
    reached1 = p1 is not None
    p1 = p1 or {}
    e = {"B1": "1"}

    def val(page, var, reached):
        if not reached:
            return NOTREACHED
        return page.get(var, SKIP)

    reached2 = p2 is not None
    s1 = p1.get("S1")
    e["S1.raw"] = val(p1, "S1", reached1)
    e["S1"] = str(BACKCODE) if p1.get("S1.other") else e["S1.raw"]
    e["S1.other"] = p1.get("S1.other", "")
    ticks = p1.get("M1", [])
    untyped = SKIP if reached1 else NOTREACHED
    for c in ("1", "2", "8"):
        e[f"M1.{c}.raw"] = ("1" if c in ticks else "0") if ticks else untyped
        e[f"M1.{c}"] = e[f"M1.{c}.raw"]
    e["M1.other"] = p1.get("M1.other", "")
    for var, code in (("S1.other", BACKCODE), ("M1.other", None)):
        typed = p1.get(var)
        e[f"{var}.code"] = (str(code) if code else "") if typed else untyped
    e["S1.other.frame"] = "" if p1.get("S1.other") else untyped
    e["M1.other.frame"] = str(FRAME[0]) if p1.get("M1.other") else untyped
    for r in ("a", "b"):
        e[f"G1.{r}"] = val(p1, f"G1.{r}", reached1)
    p2 = p2 or {}
    if not reached2:
        e["R1"] = NOTREACHED
    elif s1 != "1":
        e["R1"] = NOTASKED
    else:
        e["R1"] = val(p2, "R1", True)
    for var in ("F1.x", "F1.y", "N1", "A1"):
        e[var] = val(p2, var, reached2)
    e["T1"] = p2.get("T1", "")
    e["T1.frame"] = ("" if "T1" in p2 else SKIP) if reached2 else NOTREACHED
    return e


def answer(link, p):
    c = Client()
    key, r = start(c, link)
    for page in (1, 2):
        if page not in p:
            break
        path = f"/r/{key}/{page}"
        r = c.get(path)
        assert r.status == 200, (path, r.status)
        r = c.post(path, dict(p[page], csrf=csrf(r.body), nav="next"))
        assert r.status == 303, (path, r.status, r.body[:300])
    if p["done"]:
        assert r.location.endswith("/takk"), r.location
    return key


def svarctl(*args, check=True):
    r = subprocess.run(["build/svarctl", "export"] + list(args),
                       capture_output=True, text=True)
    if check:
        assert r.returncode == 0, (args, r.returncode, r.stderr)
    return r


def setUpModule():
    global W, ADMIN, ANALYST, TMP, RIDS, TIMES
    for tool in ("pspp", "pspp-convert", "Rscript"):
        if shutil.which(tool) is None:
            raise AssertionError(f"{tool} is missing: scripts/deps.sh "
                                 "installs it (pspp, r-cran-haven)")
    with open(DEF) as f:
        text = f.read()
    subprocess.run(["build/svarctl", "load", DEF], check=True,
                   capture_output=True)
    W = int(psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                 " w.survey_id WHERE s.key = :'p0' AND w.year = 2033",
                 KEY)[0][0])
    assert "Hvordan går det?" in text
    # The real Helse Vest RHF (code and name as in data/), so the RHF
    # count test_frame checks after this test stays that of the list.
    link = links(KEY, W, [("h1", "Helse Vest RHF", "ea", 10,
                           "helse-vest")])["h1"]
    for p in PEOPLE:
        p["key"] = answer(link, p)
    RIDS = {p["name"]: psql("SELECT id FROM response WHERE selector ="
                            " :'p0'", p["key"][:8])[0][0] for p in PEOPLE}
    # Started and completed on Oslo's clock, from the test's own query.
    TIMES = {p["name"]: tuple(psql(
        "SELECT coalesce(to_char(started_at AT TIME ZONE 'Europe/Oslo',"
        " 'YYYY-MM-DD HH24:MI:SS'), ''), coalesce(to_char(completed_at"
        " AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD HH24:MI:SS'), '')"
        " FROM response WHERE id = :'p0'", RIDS[p["name"]])[0])
        for p in PEOPLE}
    assert all(re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$",
                        TIMES[p["name"]][0]) for p in PEOPLE if 1 in p), TIMES
    # The test response: an admin preview makes these; here the flag
    # alone matters.
    psql("UPDATE response SET test = true WHERE id = :'p0'", RIDS["r5"])
    ADMIN = Client()
    admin_login(ADMIN, *new_admin("admin"))
    ANALYST = Client()
    admin_login(ANALYST, *new_admin("analyst"))

    def post(fields):
        body = ADMIN.get(f"/admin/open?wave={W}").body
        r = ADMIN.post("/admin/open", dict(fields, csrf=csrf(body), wave=W))
        assert r.status == 303, (r.status, r.body[:300])

    post({"action": "code", "var": "S1.other", "resp": RIDS["r2"],
          "code": f"o{BACKCODE}"})
    post({"action": "frame", "var": "M1.other", "code": str(FRAME[0]),
          "label": FRAME[1]})
    fid = psql("SELECT f.id FROM code_frame f JOIN survey s ON s.id ="
               " f.survey_id WHERE s.key = :'p0' AND f.item_id = 'M1'",
               KEY)[0][0]
    post({"action": "code", "var": "M1.other", "resp": RIDS["r2"],
          "code": f"f{fid}"})
    TMP = tempfile.mkdtemp(prefix="svar-export-")


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def people(status="completed", test=False):
    out = []
    for p in PEOPLE:
        if p["name"] == "r5" and not test:
            continue
        if status == "completed" and not p["done"]:
            continue
        out.append(p)
    return out


def out(name):
    return os.path.join(TMP, name)


def read_csv(path, sep=","):
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    bom = data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")),
                           delimiter=sep))
    return bom, rows[0], rows[1:]


def haven(path):
    r = subprocess.run(["Rscript", "tests/integration/haven_read.R", path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def legal(name):
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class Export(unittest.TestCase):
    def check_rows(self, header, rows, want, num=str, when=str):
        """rows (lists by header) against the people in want; when
        turns a started or completed cell into its text."""
        self.assertEqual(len(rows), len(want))
        ids = set()
        for row, p in zip(rows, want):
            got = dict(zip(header, row))
            for var, v in expected(p).items():
                self.assertEqual(num(got[var]), v, (p["name"], var))
            ids.add(got["id"])
            self.assertRegex(got["id"], r"^R[0-9A-F]{15}$")
            self.assertNotEqual(got["id"], RIDS[p["name"]])
            self.assertEqual(got["version"], "ea")
            self.assertEqual(got["unit"], f"{KEY}-h1")
            self.assertEqual(got["rhf"], "Helse Vest RHF")
            self.assertEqual(got["status"], p.get("status", "completed"
                             if p["done"] else "started"))
            self.assertEqual(got["channel"], "link")
            self.assertEqual(got["lang"], "nb")
            self.assertEqual(bool(got["completed"]), p["done"])
            self.assertEqual((when(got["started"]), when(got["completed"])),
                             TIMES[p["name"]], p["name"])
        self.assertEqual(len(ids), len(want))
        return ids

    def test_csv(self):
        svarctl("--format", "csv", "--wave", str(W), "--out", out("a.csv"))
        bom, header, rows = read_csv(out("a.csv"))
        self.assertFalse(bom)
        # Paradata, then the hidden variable, then questionnaire order.
        self.assertEqual(header[:14], [
            "id", "version", "unit", "unit_name", "rhf", "fylke",
            "status", "last_page", "lang", "started", "completed",
            "duration", "channel", "test"])
        self.assertEqual(header[14:], [
            "B1", "S1", "S1.raw", "S1.other", "S1.other.code",
            "S1.other.frame", "M1.1", "M1.1.raw", "M1.2", "M1.2.raw",
            "M1.8", "M1.8.raw", "M1.other", "M1.other.code",
            "M1.other.frame", "G1.a", "G1.b", "R1", "F1.x", "F1.y", "N1",
            "A1", "T1", "T1.frame"])
        ids = self.check_rows(header, rows, people())
        # The same ids in a second export: stable.
        r = svarctl("--format", "csv", "--wave", "2033", "--status", "all",
                    "--include-test")
        _, h2, rows2 = read_csv_text(r.stdout)
        self.assertEqual(len(rows2), len(people("all", True)))
        self.check_rows(h2, rows2, people("all", True))
        self.assertTrue(ids <= {dict(zip(h2, x))["id"] for x in rows2})
        # The audit has it: who, format, filters, rows.
        got = psql("SELECT actor, detail FROM audit WHERE action ="
                   " 'export' AND detail LIKE :'p0' ORDER BY id DESC"
                   " LIMIT 1", "format=csv wave=testexport 2033 status=all%")
        self.assertTrue(got[0][0].startswith("svarctl ("), got)
        self.assertIn("test=1", got[0][1])
        self.assertIn(f"rows={len(people('all', True))}", got[0][1])

    def test_csv_filters(self):
        r = svarctl("--format", "csv", "--wave", str(W), "--status",
                    "partial")
        h, rows = read_csv_text(r.stdout)[1:]
        self.check_rows(h, rows, [p for p in PEOPLE if not p["done"]])
        unit = psql("SELECT id FROM unit WHERE code = :'p0'",
                    f"{KEY}-h1")[0][0]
        r = svarctl("--format", "csv", "--wave", str(W), "--unit", unit,
                    "--version", "ea")
        self.assertEqual(len(read_csv_text(r.stdout)[2]), 3)
        r = svarctl("--format", "csv", "--wave", str(W), "--unit",
                    str(int(unit) + 100000))
        self.assertEqual(read_csv_text(r.stdout)[2], [])

    def test_csv_excel(self):
        svarctl("--format", "csv-excel", "--wave", str(W), "--out",
                out("e.csv"))
        bom, header, rows = read_csv(out("e.csv"), sep=";")
        self.assertTrue(bom)
        self.check_rows(header, rows, people())
        with open(out("e.csv"), "rb") as f:
            self.assertIn(b"\r\n", f.read())

    def test_codebook(self):
        svarctl("--format", "codebook-json", "--wave", str(W), "--out",
                out("cb.json"))
        with open(out("cb.json"), encoding="utf-8") as f:
            cb = json.load(f)
        v = {x["name"]: x for x in cb["variables"]}
        self.assertEqual(cb["responses"], 3)
        s1 = v["S1"]
        self.assertEqual(s1["legal_name"], "S1")
        self.assertEqual(s1["label"], "Hvordan går det?")
        self.assertEqual(s1["question"]["en"], "How are you?")
        self.assertEqual(s1["dontknow"], 9)
        self.assertEqual({x["code"]: x["label"] for x in s1["values"]},
                         {1: "Bra", 2: "Dårlig", 5: "Annet, noter",
                          9: "Vet ikke"})
        self.assertEqual(v["R1"]["asked_if"], "S1 = 1")
        self.assertEqual(v["G1.a"]["legal_name"], "G1_a")
        # n per state, from what the three completed respondents did.
        done = people()
        for var in ("S1", "R1", "A1", "G1.b"):
            states = [expected(p)[var] for p in done]
            self.assertEqual(v[var]["n"], {
                "answered": sum(s not in (SKIP, NOTASKED, NOTREACHED)
                                for s in states),
                "skipped": states.count(SKIP),
                "not_asked": states.count(NOTASKED),
                "not_reached": states.count(NOTREACHED)}, var)
        self.assertEqual({x["code"]: x["label"] for x in
                          v["M1.other.frame"]["values"]},
                         {FRAME[0]: FRAME[1]})
        svarctl("--format", "codebook", "--wave", str(W), "--lang", "en",
                "--out", out("cb.html"))
        with open(out("cb.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn("How are you?", page)
        self.assertIn("<td>S1 = 1</td>", page)
        self.assertIn("9 = Don&#39;t know (user-missing in .sav)", page)

    def test_codebook_earlier_wording(self):
        """An earlier wave of the same survey (2032) whose definition
        asks S1 in other words and names one of its options otherwise:
        the 2033 codebook shows the 2032 wording for S1's columns and
        for no unchanged item; the 2032 codebook shows none (2033 is
        later)."""
        with open(DEF) as f:
            text = f.read()
        old = (text.replace("wave 2033", "wave 2032", 1)
               .replace('text "Hvordan går det?"',
                        'text "Hvordan har du det?"', 1)
               .replace('@en "How are you?"', '@en "How do you do?"', 1)
               .replace('option 2 "Dårlig"\n    @en "Bad"\n    option 5',
                        'option 2 "Ikke bra"\n    @en "Not good"\n'
                        '    option 5', 1))
        self.assertNotEqual(old.count("Hvordan har du det?"), 0)
        self.assertEqual(old.count("Ikke bra"), 1)
        load_text(old)
        w2 = psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                  " w.survey_id WHERE s.key = :'p0' AND w.year = 2032",
                  KEY)[0][0]
        svarctl("--format", "codebook-json", "--wave", str(W), "--out",
                out("cb-earlier.json"))
        with open(out("cb-earlier.json"), encoding="utf-8") as f:
            v = {x["name"]: x for x in json.load(f)["variables"]}
        for name in ("S1", "S1.raw", "S1.other", "S1.other.frame"):
            self.assertEqual(len(v[name]["earlier"]), 1, name)
            e = v[name]["earlier"][0]
            self.assertEqual(e["year"], 2032)
            self.assertEqual(e["question"]["nb"], "Hvordan har du det?")
            self.assertEqual(e["question"]["en"], "How do you do?")
        e = v["S1"]["earlier"][0]
        self.assertEqual(e["label"], "Hvordan har du det?")
        self.assertEqual({x["code"]: x["label"] for x in e["values"]},
                         {1: "Bra", 2: "Ikke bra", 5: "Annet, noter",
                          9: "Vet ikke"})
        # The 2033 wording stays where it was.
        self.assertEqual(v["S1"]["label"], "Hvordan går det?")
        for name in ("M1.1", "G1.a", "R1", "N1", "T1"):
            self.assertNotIn("earlier", v[name], name)
        svarctl("--format", "codebook", "--wave", str(W), "--out",
                out("cb-earlier.html"))
        with open(out("cb-earlier.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn("<b>2032</b>: Hvordan har du det?<br>1 = Bra<br>"
                      "2 = Ikke bra", page)
        # Every column of item S1 (its value, raw, text, code, frame).
        s1cols = [n for n, x in v.items() if x.get("item") == "S1"]
        self.assertEqual(len(s1cols), 5)
        self.assertEqual(page.count("<b>2032</b>"), len(s1cols))
        svarctl("--format", "codebook-json", "--wave", str(w2), "--out",
                out("cb-2032.json"))
        with open(out("cb-2032.json"), encoding="utf-8") as f:
            v = {x["name"]: x for x in json.load(f)["variables"]}
        self.assertEqual(v["S1"]["label"], "Hvordan har du det?")
        self.assertNotIn("earlier", v["S1"])

    def check_stat(self, h, want, dta):
        self.assertEqual(len(h["rows"]), len(want))
        for row, p in zip(h["rows"], want):
            for var, v in expected(p).items():
                got = row[legal(var)]
                if v in TAG and var not in ("S1.other", "M1.other", "T1"):
                    v = TAG[v] if dta else v
                if got is None:
                    got = ""
                self.assertEqual(got, v, (p["name"], var))
            # Date-times, read back as such (POSIXct), on Oslo's clock.
            self.assertEqual((row["started"] or "", row["completed"] or ""),
                             TIMES[p["name"]], p["name"])
        for var in ("started", "completed"):
            self.assertEqual(h["vars"][var]["class"], "POSIXct", var)
        s1 = h["vars"]["S1"]
        self.assertEqual(s1["label"], "Hvordan går det?")
        self.assertEqual(s1["labels"]["9"], "Vet ikke")
        self.assertEqual(s1["labels"]["5"], "Annet, noter")
        g = h["vars"]["G1_a"]
        self.assertEqual(g["label"], "Hvordan virker dette? – Rad A")
        if dta:
            self.assertEqual(s1["labels"][".a"],
                             "Hoppet over (spurt, ikke besvart)")
            self.assertEqual(s1["labels"][".b"],
                             "Ikke spurt (filtrert bort)")
        else:
            self.assertEqual(s1["labels"]["-1"],
                             "Hoppet over (spurt, ikke besvart)")
            self.assertEqual(s1["na_range"], [-3, -1])
            self.assertEqual(s1["na_values"], [9])
            self.assertEqual(h["vars"]["A1"]["na_range"], [-3, -1])
            self.assertEqual(h["vars"]["A1"]["na_values"], [])

    def test_sav(self):
        svarctl("--format", "sav", "--wave", str(W), "--status", "all",
                "--out", out("a.sav"))
        self.check_stat(haven(out("a.sav")), people("all"), dta=False)
        # PSPP reads it: the dictionary with labels and missing values.
        syntax = out("d.sps")
        with open(syntax, "w") as f:
            f.write(f"GET FILE='{out('a.sav')}'.\nDISPLAY DICTIONARY.\n"
                    "LIST S1 R1 G1_b.\n")
        r = subprocess.run(["pspp", "-O", "format=txt", "-o",
                            out("d.txt"), syntax], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out("d.txt"), encoding="utf-8") as f:
            dd = f.read()
        self.assertIn("Hvordan går det?", dd)
        self.assertIn("Vet ikke", dd)
        # Value labels with PSPP's user-missing mark [a]: the three
        # states and "Vet ikke", not the valid codes.
        s1 = dd.split("|Hvordan går det?", 1)[1].split("+---", 1)[0]
        self.assertRegex(s1, r"-3\.00\[a\]\|Ikke nådd")
        self.assertRegex(s1, r"-1\.00\[a\]\|Hoppet over")
        self.assertRegex(s1, r"9\.00\[a\] \|Vet ikke")
        self.assertRegex(s1, r"1\.00    \|Bra")
        # Started and completed are date-times to PSPP too.
        for var in ("started", "completed"):
            self.assertRegex(dd, rf"\|{var}\s*\|[^\n]*DATETIME20\.0")
        # pspp-convert: the values as a table.
        subprocess.run(["pspp-convert", out("a.sav"), out("p.csv")],
                       check=True, capture_output=True)
        _, header, rows = read_csv(out("p.csv"))
        self.assertEqual(len(rows), len(people("all")))
        got = [dict(zip(header, r))["R1"] for r in rows]
        self.assertEqual([float(x) for x in got],
                         [float(expected(p)["R1"]) for p in people("all")])

        def when(v):
            # pspp-convert writes a date-time as mm/dd/yyyy hh:mm:ss.
            return (datetime.datetime.strptime(v, "%m/%d/%Y %H:%M:%S")
                    .strftime("%Y-%m-%d %H:%M:%S") if v.strip() else "")

        for r, p in zip(rows, people("all")):
            got = dict(zip(header, r))
            self.assertEqual((when(got["started"]), when(got["completed"])),
                             TIMES[p["name"]], p["name"])

    def test_dta(self):
        svarctl("--format", "dta", "--wave", str(W), "--status", "all",
                "--out", out("a.dta"))
        self.check_stat(haven(out("a.dta")), people("all"), dta=True)

    def test_xlsx(self):
        svarctl("--format", "xlsx", "--wave", str(W), "--out",
                out("a.xlsx"))
        r = subprocess.run(["/usr/bin/python3", "tests/integration/"
                            "xlsx_read.py", out("a.xlsx")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        book = json.loads(r.stdout)
        data = book["data"]

        def num(v):
            if v is None:
                return ""
            if isinstance(v, float) and v == int(v):
                return str(int(v))
            return str(v)

        def when(v):
            # A date-time cell, not a text that looks like one.
            self.assertIsInstance(v, dict, v)
            return v["datetime"]

        self.check_rows(data[0], data[1:], people(), num=num, when=when)
        names = {row[0]: row for row in book["variables"][1:]}
        self.assertEqual(names["S1"][1], "Hvordan går det?")
        self.assertIn("9 = Vet ikke", names["S1"][2])

    def test_bad_input(self):
        r = svarctl("--format", "pdf", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown format", r.stderr)
        r = svarctl("--format", "csv", "--wave", "1999", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no wave with that id or year", r.stderr)
        r = svarctl("--format", "csv", "--wave", str(W), "--version",
                    "nope", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such version", r.stderr)
        r = svarctl("--format", "csv", "--wave", str(W), "--status", "x",
                    check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--status is completed, partial or all", r.stderr)
        r = svarctl("--format", "csv", "--wave", str(W), "--out",
                    "/proc/nope/x.csv", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot write /proc/nope/x.csv", r.stderr)
        r = svarctl("--format", "xlsx", "--wave", str(W), check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("xlsx needs --out", r.stderr)


class AdminDownload(unittest.TestCase):
    """/admin/export: the same files through the admin's download."""

    def download(self, client, **fields):
        body = client.get("/admin/export").body
        f = dict({"wave": str(W), "format": "sav", "status": "completed",
                  "lang": "nb"}, **fields)
        return client.post("/admin/export", dict(f, csrf=csrf(body)))

    def test_form(self):
        r = ADMIN.get("/admin/export")
        self.assertEqual(r.status, 200)
        self.assertIn(f'<option value="{W}">testexport 2033</option>',
                      r.body)
        self.assertIn('<option value="sav" selected>SPSS (.sav)</option>',
                      r.body)
        self.assertEqual(Client().get("/admin/export").status, 303)

    def test_sav_dta_xlsx_csv(self):
        for fmt, ext in (("sav", "sav"), ("dta", "dta"), ("xlsx", "xlsx"),
                         ("csv", "csv"), ("codebook-json", "json")):
            r = self.download(ADMIN, format=fmt, status="all")
            self.assertEqual(r.status, 200, (fmt, r.body[:300]))
            self.assertEqual(r.header("content-disposition"),
                             f'attachment; filename="svar-testexport-2033'
                             f'.{ext}"')
            with open(out(f"web.{ext}"), "wb") as f:
                f.write(r.raw)
        self.check_stat = Export.check_stat.__get__(self)
        self.check_stat(haven(out("web.sav")), people("all"), dta=False)
        self.check_stat(haven(out("web.dta")), people("all"), dta=True)
        _, header, rows = read_csv(out("web.csv"))
        Export.check_rows(self, header, rows, people("all"))
        x = subprocess.run(["/usr/bin/python3", "tests/integration/"
                            "xlsx_read.py", out("web.xlsx")],
                           capture_output=True, text=True)
        self.assertEqual(x.returncode, 0, x.stderr)
        n = len(people("all"))
        self.assertEqual(len(json.loads(x.stdout)["data"]), n + 1)
        with open(out("web.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["responses"], n)
        name = psql("SELECT actor, detail FROM audit WHERE action ="
                    " 'export' AND object = 'export' ORDER BY id DESC"
                    " LIMIT 1")[0]
        self.assertEqual(name[1].split(" rows=")[1], str(n))
        self.assertIn("format=codebook-json", name[1])

    def test_analyst_gets_no_texts(self):
        r = self.download(ANALYST, format="csv")
        self.assertEqual(r.status, 200, r.body[:300])
        _, header, rows = read_csv_text(r.body)
        self.assertEqual(len(rows), 3)
        for col in ("S1.other", "M1.other", "T1", "T1.frame"):
            self.assertNotIn(col, header)
        self.assertIn("S1.raw", header)
        self.assertNotIn("via brev", r.body)

    def test_two_at_once_at_most(self):
        """Each export holds a worker and four connections: a third one
        at once is refused with a message, the form as it was."""
        held = subprocess.Popen(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1"],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True)
        def hold(slot, n):
            held.stdin.write("SELECT pg_advisory_lock(1398166101,"
                             f" {slot});\n")
            held.stdin.flush()
            for _ in range(200):
                if psql("SELECT count(*) FROM pg_locks WHERE locktype ="
                        " 'advisory' AND classid = 1398166101 AND objid"
                        " IN (1, 2) AND granted")[0][0] == str(n):
                    return
                time.sleep(0.05)
            self.fail(f"export slot {slot} was never taken")
        try:
            # One slot taken: the export takes the other.
            hold(1, 1)
            r = self.download(ADMIN, format="dta")
            self.assertEqual(r.status, 200, r.body[:300])
            hold(2, 2)
            r = self.download(ADMIN, format="dta")
            self.assertEqual(r.status, 429, r.body[:300])
            self.assertEqual(r.header("retry-after"), "10")
            self.assertIn("To andre eksporter kjører nå", r.body)
            self.assertIn('<option value="dta" selected>', r.body)
        finally:
            # psql waits for this answer before it exits: the slots are
            # free when wait() returns, not a moment later.
            held.stdin.write("SELECT pg_advisory_unlock_all();\n")
            held.stdin.close()
            held.wait(timeout=30)
        r = self.download(ADMIN, format="dta")
        self.assertEqual(r.status, 200, r.body[:300])

    def test_bad_input(self):
        r = self.download(ADMIN, format="pdf")
        self.assertEqual(r.status, 422)
        self.assertIn("Velg bølge, format", r.body)
        r = self.download(ADMIN, version="nope")
        self.assertEqual(r.status, 422)
        self.assertIn("no such version", r.body)
        self.assertIn('value="nope"', r.body)
        r = self.download(ADMIN, unit="x1")
        self.assertEqual(r.status, 422)
        self.assertIn("Enhet må være et enhetsnummer", r.body)
        r = self.download(ADMIN, wave="999999")
        self.assertEqual(r.status, 422)
        self.assertIn("no wave with that id or year", r.body)


def read_csv_text(text):
    rows = list(csv.reader(io.StringIO(text)))
    return False, rows[0], rows[1:]
