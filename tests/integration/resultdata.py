"""Shared by test_results.py and test_open.py: a results survey loaded
under a key of the test's own (so coding in one never moves the other's
figures), units with RHF parents, and respondents who answer over HTTP
with answers drawn from a seeded generator. The tests compute every
expected figure from these answers, never from Svar's queries."""
import html
import math
import random
import re

from svartest import Client, csrf, load_text, psql, start

Z = 1.959963984540054


def load(key, year):
    """Loads tests/defs/results-<year>.svar as survey `key`; returns the
    wave id."""
    with open(f"tests/defs/results-{year}.svar") as f:
        text = f.read().replace("survey testresults", f"survey {key}", 1)
    load_text(text)
    return int(psql("SELECT w.id FROM wave w JOIN survey s ON s.id ="
                    " w.survey_id WHERE s.key = :'p0' AND w.year = :'p1'",
                    key, year)[0][0])


def links(key, wave, spec):
    """Units and links: spec is [(hf code, rhf name, version key,
    forwarded count[, rhf code])]; returns {hf code: link path}. The RHF's
    code is its name unless given (a real one's code leaves the count of
    RHF that test_frame checks as it is)."""
    out = {}
    for code, rhf, version, fwd, *rcode in spec:
        ucode = f"{key}-{code}"
        rows = psql("""
            WITH r AS (INSERT INTO unit (kind, code, name)
                       VALUES ('rhf', :'p5', :'p2')
                       ON CONFLICT (kind, code) DO UPDATE
                       SET name = excluded.name RETURNING id),
                 u AS (INSERT INTO unit (kind, code, name, parent_id)
                       SELECT 'hf', :'p0', :'p0', r.id FROM r
                       ON CONFLICT (kind, code) DO UPDATE
                       SET name = excluded.name RETURNING id),
                 wu AS (INSERT INTO wave_unit (wave_id, unit_id, stage,
                                               forwarded_count)
                        SELECT :'p1', u.id, 'distributed', :'p4' FROM u
                        RETURNING id)
            INSERT INTO unit_link (wave_unit_id, version_id, selector,
                                   verifier)
            SELECT wu.id, v.id,
                   translate(substr(md5(:'p0' || :'p1'), 1, 8), '01', 'xy'),
                   translate(substr(md5(:'p0' || :'p1' || 'v'), 1, 26),
                             '01', 'xy')
              FROM wu, version v WHERE v.wave_id = :'p1' AND v.key = :'p3'
            RETURNING '/u/' || selector || verifier""",
                    ucode, wave, rhf, version, fwd,
                    rcode[0] if rcode else rhf)
        out[code] = rows[0][0]
    return out


def draw(rnd, other_s1=0.15, other_m1=0.3):
    """One respondent's answers, as the form fields to post per page
    and as the values the tests count."""
    a = {}
    r = rnd.random()
    a["S1"] = None if r < 0.06 else (1 if r < 0.45 else 2 if r < 0.7 else
                                     3 if r < 1 - other_s1 else 5)
    if a["S1"] == 5:
        a["S1.other"] = rnd.choice(["via sms", "brev", "telefon"])
    m1 = [c for c, p in ((1, 0.6), (2, 0.45)) if rnd.random() < p]
    if rnd.random() < other_m1:
        m1.append(8)
        a["M1.other"] = rnd.choice(["app på nettbrett", "papir", "sms"])
    a["M1"] = m1
    a["S2"] = rnd.choice([1, 2, None]) if a["S1"] == 1 else None
    a["N1"] = rnd.choice([None, 99] + [rnd.choice(range(11))
                                       for _ in range(12)])
    a["A1"] = rnd.randint(22, 68)
    a["G"] = rnd.choice([1, 2, 2])
    if rnd.random() < 0.4:
        a["T1"] = rnd.choice(["mer tid", "bedre skjema", "ingenting"])
    return a


def fields(a, page):
    if page == 1:
        f = {}
        if a["S1"] is not None:
            f["S1"] = str(a["S1"])
        if "S1.other" in a:
            f["S1.other"] = a["S1.other"]
        if a["M1"]:
            f["M1"] = [str(c) for c in a["M1"]]
        if "M1.other" in a:
            f["M1.other"] = a["M1.other"]
        return f
    f = {"A1": str(a["A1"]), "G": str(a["G"])}
    if a["S2"] is not None:
        f["S2"] = str(a["S2"])
    if a["N1"] is not None:
        f["N1"] = str(a["N1"])
    if "T1" in a:
        f["T1"] = a["T1"]
    return f


def answer(link, a, complete=True):
    """One respondent through the unit link: page 1, then page 2 (the
    last). Returns the response's key."""
    c = Client()
    key, r = start(c, link)
    for page in (1, 2) if complete else (1,):
        path = f"/r/{key}/{page}"
        r = c.get(path)
        assert r.status == 200, (path, r.status)
        data = dict(fields(a, page), csrf=csrf(r.body), nav="next")
        r = c.post(path, data)
        assert r.status == 303, (path, r.status, r.body[:300])
    if complete:
        assert r.location.endswith("/takk"), r.location
    return key


def body_rows(body, caption):
    """The body rows of the table whose caption starts with `caption`:
    [label, cell, ...], tags stripped."""
    parts = body.split("<caption>" + caption, 1)
    assert len(parts) == 2, f"no table {caption!r}"
    table = parts[1].split("</table>", 1)[0]
    tbody = table.split("<tbody>", 1)[1]
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", tbody, re.S):
        out.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr,
                                        re.S)])
    return out


def head_cols(body, caption):
    parts = body.split("<caption>" + caption, 1)
    table = parts[1].split("</table>", 1)[0]
    thead = table.split("<thead>", 1)[1].split("</thead>", 1)[0]
    first = re.findall(r"<tr>(.*?)</tr>", thead, re.S)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<th[^>]*>(.*?)</th>", first, re.S)][1:]


def fpc(n, frame):
    if not frame or frame <= 1 or frame < n:
        return 1.0
    return math.sqrt((frame - n) / (frame - 1))


def share(k, n, frame=0):
    """(percent, margin in points) as the page should print them."""
    p = k / n
    # In the order app/core/stats.c multiplies, so the doubles agree.
    return 100 * p, 100 * (Z * math.sqrt(p * (1 - p) / n) * fpc(n, frame))


def cell(k, n, frame=0):
    """The three cells (n, %, ±) of k of n, suppressed under 5."""
    if 0 < k < 5 or 0 < n < 5:
        return ["<5", "–", "–"]
    if n == 0:
        return [str(k), "–", "–"]
    p, m = share(k, n, frame)
    return [str(k), "%.1f" % p, "±%.1f" % m]
