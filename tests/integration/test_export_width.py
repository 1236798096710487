"""String widths in .sav and .dta: each string column is declared as wide
as the longest value the export writes in it, in bytes, no wider and no
narrower. Four respondents answer a survey of the test's own over HTTP
through the link of a unit whose code (40 bytes) and name (over 200
bytes) are longer than the paradata's old fixed widths: one types a text
longer than its maxlen and saves it (kept as typed, exported as
skipped), one answers a text and then goes back and routes it away (its
value kept, exported as not asked), one gives an "Annet" text an admin
back-codes, and one writes a text of 2,100 bytes (.dta holds 2,045).
The files are read back by R haven (values, and the SPSS format of
each string), PSPP (the dictionary's formats) and, for .dta's storage
types, the test's own reading of Stata's format-118 header; every
expected value and width comes from what the test itself sent."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from svartest import Client, admin_login, csrf, new_admin, psql, start
from test_export import haven, legal

KEY = "testexportw"
DEF = "tests/defs/export-width-2034.svar"
DTA_MAX = 2045

# A valid HF code (lowercase, digits, -_.; at most 64) of 40 bytes, and
# a name of more than 200 bytes with multi-byte letters around byte 200.
CODE = "testexportw-helseforetak-med-lang-kode-1"
NAME = ("Helseforetaket for Sør-Trøndelag, Møre og Romsdal, avdeling for "
        "særdeles lange navn: " + "æøå" * 30 + " slutt")
FYLKE = "Trøndelag"
RHF = "Helse Vest RHF"

OTHER = "annet svar, kodet"
LONG = "ø" * 1050                  # 1,050 characters, 2,100 bytes
KEPT = "æ" * 300                   # answered, then routed away
WRONG = "x" * 30                   # T3 allows 20 characters

# Per person: the pages posted in turn, (page, fields, nav).
PEOPLE = [
    ("a", [(1, {"S1": "5", "S1.other": OTHER, "T1": LONG, "T3": "ok"},
            "next"),
           (2, {"S2": "1"}, "next")]),
    ("b", [(1, {"S1": "1", "T1": "kort", "T3": ""}, "next"),
           (2, {"T2": KEPT}, "prev"),
           (1, {"S1": "2", "T1": "kort", "T3": ""}, "next"),
           (2, {"S2": "2"}, "next")]),
    ("c", [(1, {"S1": "1", "T1": "", "T3": WRONG}, "save")]),
    ("d", [(1, {"S1": "1", "T1": "hei", "T3": ""}, "next"),
           (2, {"T2": "kort svar", "S2": "1"}, "next")]),
]

# What each text column holds per person, as the test answered: only
# an answered text is written; skipped, kept-but-wrong, not asked and
# not reached are empty.
TEXTS = {
    "S1.other": {"a": OTHER},
    "T1": {"a": LONG, "b": "kort", "d": "hei"},
    "T2": {"d": "kort svar"},
    "T3": {"a": "ok"},
}


def nbytes(s):
    return len(s.encode("utf-8"))


def cut(s, n):
    """At most n bytes of s, not splitting a character."""
    b = s.encode("utf-8")[:n]
    return b.decode("utf-8", errors="ignore")


def setUpModule():
    global W, RIDS, ROWS, TMP
    for tool in ("pspp", "Rscript"):
        if shutil.which(tool) is None:
            raise AssertionError(f"{tool} is missing: scripts/deps.sh "
                                 "installs it (pspp, r-cran-haven)")
    subprocess.run(["build/svarctl", "load", DEF], check=True,
                   capture_output=True)
    W = int(psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                 " w.survey_id WHERE s.key = :'p0' AND w.year = 2034",
                 KEY)[0][0])
    # The real Helse Vest RHF as parent (its code and name as in data/,
    # so the RHF count test_frame checks stays that of the list).
    link = psql("""
        WITH r AS (INSERT INTO unit (kind, code, name)
                   VALUES ('rhf', 'helse-vest', :'p3')
                   ON CONFLICT (kind, code) DO UPDATE
                   SET name = excluded.name RETURNING id),
             u AS (INSERT INTO unit (kind, code, name, fylke, parent_id)
                   SELECT 'hf', :'p0', :'p1', :'p2', r.id FROM r
                   RETURNING id),
             wu AS (INSERT INTO wave_unit (wave_id, unit_id, stage)
                    SELECT :'p4', u.id, 'distributed' FROM u RETURNING id)
        INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)
        SELECT wu.id, v.id, translate(substr(md5(:'p0'), 1, 8), '01', 'xy'),
               translate(substr(md5(:'p0' || 'v'), 1, 26), '01', 'xy')
          FROM wu, version v WHERE v.wave_id = :'p4' AND v.key = 'wa'
        RETURNING '/u/' || selector || verifier""",
                CODE, NAME, FYLKE, RHF, W)[0][0]
    keys = {}
    for name, posts in PEOPLE:
        c = Client()
        key, r = start(c, link)
        for page, fields, nav in posts:
            path = f"/r/{key}/{page}"
            r = c.get(path)
            assert r.status == 200, (name, path, r.status)
            r = c.post(path, dict(fields, csrf=csrf(r.body), nav=nav))
            assert r.status == 303, (name, path, r.status, r.body[:300])
        keys[name] = key
    RIDS = {n: psql("SELECT id FROM response WHERE selector = :'p0'",
                    k[:8])[0][0] for n, k in keys.items()}
    # What went in: T3 kept as typed, T2 kept but no longer asked.
    state = dict(psql("SELECT var, state FROM answer WHERE response_id ="
                      " :'p0' AND var IN ('T2', 'T3')", RIDS["b"]) +
                 psql("SELECT 'c' || var, state FROM answer WHERE"
                      " response_id = :'p0' AND var = 'T3'", RIDS["c"]))
    assert state == {"T2": "n", "T3": "s", "cT3": "i"}, state
    # The paradata the test expects, from its own reading of the rows.
    ROWS = []
    for name, _ in PEOPLE:
        eid, status, page, lang, channel = psql(
            "SELECT export_id, status, page_id, lang, channel FROM response"
            " WHERE id = :'p0'", RIDS[name])[0]
        row = {"id": eid, "version": "wa", "unit": CODE, "unit_name": NAME,
               "rhf": RHF, "fylke": FYLKE, "status": status,
               "last_page": page, "lang": lang, "channel": channel}
        for var, by in TEXTS.items():
            row[var] = by.get(name, "")
        ROWS.append(row)
    assert [r["status"] for r in ROWS] == ["completed", "completed",
                                           "started", "completed"], ROWS
    admin = Client()
    admin_login(admin, *new_admin("admin"))
    body = admin.get(f"/admin/open?wave={W}").body
    r = admin.post("/admin/open", {"csrf": csrf(body), "wave": W,
                                   "action": "code", "var": "S1.other",
                                   "resp": RIDS["a"], "code": "o1"})
    assert r.status == 303, (r.status, r.body[:300])
    assert psql("SELECT value FROM answer_coded WHERE response_id = :'p0'"
                " AND var = 'S1'", RIDS["a"]) == [["1"]]
    TMP = tempfile.mkdtemp(prefix="svar-width-")


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def export(fmt, name):
    path = os.path.join(TMP, name)
    r = subprocess.run(["build/svarctl", "export", "--format", fmt,
                        "--wave", str(W), "--status", "all", "--out", path],
                       capture_output=True, text=True)
    assert r.returncode == 0, (fmt, r.returncode, r.stderr)
    return path


def widths():
    """Per string column the longest value the test expects written, in
    bytes (at least 1, as the formats want)."""
    return {col: max(1, max(nbytes(r[col]) for r in ROWS))
            for col in ROWS[0]}


def dta_str_types(path):
    """Stata's storage type of each variable, from the header of a
    format-118 file as Stata documents it (dta_118.html): <K> the
    number of variables, <variable_types> one 2-byte code each (1-2045
    str#), <varnames> 129 bytes each."""
    with open(path, "rb") as f:
        d = f.read(1 << 20)
    assert d.startswith(b"<stata_dta><header><release>118</release>"), d[:60]
    order = "little" if b"<byteorder>LSF</byteorder>" in d[:100] else "big"
    i = d.index(b"<K>") + 3
    k = int.from_bytes(d[i:i + 2], order)
    i = d.index(b"<variable_types>") + len(b"<variable_types>")
    types = [int.from_bytes(d[i + 2 * j:i + 2 * j + 2], order)
             for j in range(k)]
    i = d.index(b"<varnames>") + len(b"<varnames>")
    names = [d[i + 129 * j:i + 129 * (j + 1)].split(b"\0")[0].decode()
             for j in range(k)]
    return dict(zip(names, types))


def pspp_formats(path):
    """Each variable's print format as PSPP's DISPLAY DICTIONARY shows
    it (A<width> for a string)."""
    syntax = os.path.join(TMP, "w.sps")
    txt = os.path.join(TMP, "w.txt")
    with open(syntax, "w") as f:
        f.write(f"GET FILE='{path}'.\nDISPLAY DICTIONARY.\n")
    r = subprocess.run(["pspp", "-O", "format=txt", "-o", txt, syntax],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(txt, encoding="utf-8") as f:
        out = f.read()
    fmts = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")]
        got = [c for c in cells if re.fullmatch(r"A\d+", c)]
        if len(cells) > 2 and got and cells[1]:
            fmts.setdefault(cells[1], got[0])
    return fmts


class Widths(unittest.TestCase):
    def check_values(self, h, dta):
        """Every string value whole (in .dta cut to 2,045 bytes at a
        character boundary), and nothing but what the test answered."""
        self.assertEqual(len(h["rows"]), len(ROWS))
        for got, want in zip(h["rows"], ROWS):
            for col, v in want.items():
                if dta:
                    v = cut(v, DTA_MAX)
                self.assertEqual(got[legal(col)] or "", v, col)
        for col in widths():
            self.assertEqual(h["vars"][legal(col)]["class"], "character",
                             col)

    def test_sav(self):
        path = export("sav", "w.sav")
        h = haven(path)
        self.check_values(h, dta=False)
        fmts = pspp_formats(path)
        for col, w in widths().items():
            self.assertEqual(h["vars"][legal(col)]["format"], f"A{w}", col)
            self.assertEqual(fmts.get(legal(col)), f"A{w}", (col, fmts))

    def test_dta(self):
        path = export("dta", "w.dta")
        self.check_values(haven(path), dta=True)
        types = dta_str_types(path)
        for col, w in widths().items():
            self.assertEqual(types[legal(col)], min(w, DTA_MAX), col)
        # .dta's most, for the 2,100-byte text; T2's kept 600 bytes and
        # T3's 30 wrong ones count for nothing.
        self.assertEqual(types["T1"], DTA_MAX)
        self.assertEqual(types["T2"], nbytes("kort svar"))
        self.assertEqual(types["T3"], 2)

    def test_codebook(self):
        """The codebook states the same widths, .dta's cut not applied."""
        with open(export("codebook-json", "w.json"), encoding="utf-8") as f:
            cols = {c["name"]: c for c in json.load(f)["variables"]}
        for col, w in widths().items():
            self.assertEqual(cols[col]["width"], w, col)

    def test_analyst_without_texts(self):
        """Without the texts' columns the widths still hold."""
        client = Client()
        admin_login(client, *new_admin("analyst"))
        body = client.get("/admin/export").body
        r = client.post("/admin/export", {
            "csrf": csrf(body), "wave": str(W), "format": "dta",
            "status": "all", "lang": "nb"})
        self.assertEqual(r.status, 200, r.body[:300])
        path = os.path.join(TMP, "analyst.dta")
        with open(path, "wb") as f:
            f.write(r.raw)
        types = dta_str_types(path)
        self.assertNotIn("T1", types)
        self.assertEqual(types["unit_name"], nbytes(NAME))
        self.assertEqual(types["unit"], nbytes(CODE))
