#!/usr/bin/env python3
"""Whole respondents under concurrency (issue 14 §1), and the first-answer
burst (§4). Standard library only.

  respondents.py run URL KEYS CONC SECONDS OUT [LABEL]
      CONC simulated respondents at once, each a person with a personal
      link and a connection of its own: GET /r/<key> (303), then per page
      GET, parse the form, fill it in (a choice per radio group and grid
      row, some checkboxes, a constant sum that adds up, a number in
      range, now and then a free text), POST with nav=next (303), follow
      the Location, until the thank-you page (200). New respondents start
      until SECONDS have passed; those under way then finish. Appends one
      JSON record to OUT: completed respondents/s, p50/p95/p99 per submit
      (POST to its 303), and CPU per completed respondent of the Kore
      processes, of PostgreSQL (backends, and the rest: autovacuum,
      checkpointer, WAL writer) and of this generator, from /proc. The
      server's processes are found from SVAR_BENCH_KORE_PIDS (parent pids,
      space separated) and SVAR_BENCH_PG_PIDFILE (postmaster.pid).
  respondents.py burst URL CONNS TRIALS OUT
      An idle server, then CONNS fresh connections at once, each sending
      one GET /healthz; the time to each first answer. TRIALS times, a
      second apart. Appends the worst and the percentiles to OUT.
  respondents.py table OUT
      The markdown table of the records in OUT.

Errors: a status that is not the one a person's browser expects, a lost
connection or a timeout count as errors; the run goes on and the record
carries the count (bench.sh fails the benchmark on any).
"""
import html
import http.client
import json
import multiprocessing
import os
import random
import re
import resource
import socket
import sys
import threading
import time
import urllib.parse

TICK = os.sysconf("SC_CLK_TCK")



def target(loc):
    """A Location as a browser requests it: path and query (a page
    save's redirect names the revision, ?v=, for the worker's memory)."""
    u = urllib.parse.urlparse(loc)
    return u.path + ("?" + u.query if u.query else "")


def page_path(path):
    """The page itself, without the query."""
    return path.split("?", 1)[0]

def die(msg):
    print(f"respondents.py: {msg}", file=sys.stderr)
    sys.exit(2)


def pct(vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not vals:
        return None
    k = max(0, min(len(vals) - 1, int(-(-p * len(vals) // 100)) - 1))
    return vals[k]


# ---------------------------------------------------------------------------
# CPU from /proc

def proc_stat(pid):
    """(ppid, utime+stime, cutime+cstime) in seconds, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return (int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK,
            (int(rest[13]) + int(rest[14])) / TICK)


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def children_of(parents):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st is not None and st[0] in parents:
                kids[int(d)] = st
    return kids


def server_cpu():
    """Seconds of CPU so far: Kore (parents, workers, reaped workers),
    PostgreSQL backends (a user@database in their title), the rest of
    PostgreSQL (postmaster, its reaped children such as autovacuum
    workers, and the background processes)."""
    cpu = {"kore": 0.0, "pg_backend": 0.0, "pg_other": 0.0}
    kp = [int(p) for p in os.environ.get("SVAR_BENCH_KORE_PIDS",
                                         "").split() if p.isdigit()]
    for p in kp:
        st = proc_stat(p)
        if st is not None:
            cpu["kore"] += st[1] + st[2]
    for st in children_of(set(kp)).values():
        cpu["kore"] += st[1]
    pidfile = os.environ.get("SVAR_BENCH_PG_PIDFILE", "")
    if pidfile and os.path.exists(pidfile):
        with open(pidfile) as f:
            pm = int(f.readline())
        st = proc_stat(pm)
        if st is not None:
            cpu["pg_other"] += st[1] + st[2]
        for pid, st in children_of({pm}).items():
            title = cmdline(pid)
            if re.match(r"postgres: \S+ \S+ ", title) and \
               "autovacuum" not in title:
                cpu["pg_backend"] += st[1]
            else:
                cpu["pg_other"] += st[1]
    return cpu


# ---------------------------------------------------------------------------
# PostgreSQL's own counters (as the superuser, over the PG* variables)

def psql(sql):
    import subprocess
    r = subprocess.run(["psql", "-U", "postgres", "-qAtX", "-F", "\t",
                        "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return [ln.split("\t") for ln in r.stdout.splitlines() if ln]


def have_pgss():
    rows = psql("SELECT 1 FROM pg_extension"
                " WHERE extname = 'pg_stat_statements'")
    return bool(rows)


TABLES = ("response", "answer")


def table_stats():
    """Cumulative counters of the respondent tables."""
    rows = psql("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd,"
                " autovacuum_count, autoanalyze_count, n_live_tup,"
                " pg_relation_size(relid), pg_indexes_size(relid)"
                " FROM pg_stat_user_tables WHERE relname IN"
                " ('response', 'answer')") or []
    keys = ("ins", "upd", "hot", "autovac", "autoanalyze", "live",
            "heap_bytes", "index_bytes")
    return {r[0]: dict(zip(keys, map(int, r[1:]))) for r in rows}


def commit_stats():
    """Cumulative commits of the app's database and WAL flushes of the
    cluster: saves that share a commit show as fewer of both."""
    rows = psql("SELECT (SELECT xact_commit FROM pg_stat_database"
                " WHERE datname = current_database()),"
                " (SELECT wal_sync FROM pg_stat_wal)") or []
    if not rows:
        return {}
    return {"commits": int(rows[0][0]), "wal_syncs": int(rows[0][1])}


def statements():
    """The respondent path's statements since the last reset, by name."""
    rows = psql("SELECT query, calls, total_exec_time, total_plan_time,"
                " shared_blks_hit + shared_blks_read, shared_blks_dirtied,"
                " wal_records, wal_fpi, wal_bytes FROM pgss.pg_stat_statements"
                " s JOIN pg_roles u ON u.oid = s.userid"
                " WHERE u.rolname = 'svar_app'") or []
    out = {}
    for q, calls, ex, pl, blks, dirt, walr, fpi, walb in rows:
        q = " ".join(q.split())
        m = re.search(r"UPDATE response SET rev|SELECT r\.id, r\.version_id"
                      r"|UPDATE response r SET status = 'opened'", q)
        name = {"UPDATE response SET rev": "save",
                "SELECT r.id, r.version_id": "load",
                "UPDATE response r SET status = 'opened'": "opened"}.get(
                    m.group(0) if m else "", "other")
        o = out.setdefault(name, {"calls": 0, "exec_ms": 0.0,
                                  "plan_ms": 0.0, "blks": 0, "dirtied": 0,
                                  "wal_records": 0, "wal_fpi": 0,
                                  "wal_bytes": 0})
        o["calls"] += int(calls)
        o["exec_ms"] += float(ex)
        o["plan_ms"] += float(pl)
        o["blks"] += int(blks)
        o["dirtied"] += int(dirt)
        o["wal_records"] += int(walr)
        o["wal_fpi"] += int(fpi)
        o["wal_bytes"] += int(float(walb))
    return out


# ---------------------------------------------------------------------------
# The form

TAG = re.compile(r"<(form|input|textarea|select|option|/select)\b([^>]*)>")
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


class Form:
    """The fields of the page's POST form (regular expressions rather
    than html.parser: the generator's own CPU is part of what is
    measured, and the renderer always writes attributes in double
    quotes)."""

    def __init__(self, page):
        self.action = None
        self.hidden = {}
        self.radios = {}        # name -> [values]
        self.checks = {}        # name -> [values]
        self.numeric = []       # names of numeric text inputs
        self.texts = []         # textareas
        self.selects = {}
        sel = None
        i = page.find('<form method="post"')
        j = page.find("</form>", i)
        if i < 0 or j < 0:
            return
        for tag, rest in TAG.findall(page, i, j):
            a = {k: html.unescape(v) for k, v in ATTR.findall(rest)}
            name = a.get("name")
            if tag == "form":
                self.action = a.get("action")
            elif tag == "input" and name:
                t = a.get("type", "text")
                if t == "hidden":
                    self.hidden[name] = a.get("value", "")
                elif t == "radio":
                    self.radios.setdefault(name, []).append(a.get("value"))
                elif t == "checkbox":
                    self.checks.setdefault(name, []).append(a.get("value"))
                elif t == "text" and a.get("inputmode") == "numeric":
                    self.numeric.append(name)
            elif tag == "textarea" and name:
                self.texts.append(name)
            elif tag == "select" and name:
                sel = name
                self.selects[name] = []
            elif tag == "option" and sel and a.get("value"):
                self.selects[sel].append(a["value"])
            elif tag == "/select":
                sel = None


def fill(form, rng):
    """What a person might answer: a list of (name, value)."""
    f = list(form.hidden.items())
    for name, vals in form.radios.items():
        if rng.random() < 0.92:
            f.append((name, rng.choice(vals)))
    for name, vals in form.checks.items():
        # The last option of a multiple choice is often an exclusive
        # "don't know"; leave it out so the answer is valid.
        pick = [v for v in vals[:-1] if rng.random() < 0.35]
        f.extend((name, v) for v in pick)
    for name, vals in form.selects.items():
        if vals:
            f.append((name, rng.choice(vals)))
    groups = {}
    for name in form.numeric:
        groups.setdefault(name.rsplit(".", 1)[0] if "." in name else name,
                          []).append(name)
    for _, names in groups.items():
        if len(names) == 1 and "." not in names[0]:
            f.append((names[0], str(rng.randint(25, 67))))
        else:
            # A constant sum: shares that add up to 100.
            cuts = sorted(rng.randint(0, 100) for _ in names[1:])
            parts = [b - a for a, b in zip([0] + cuts, cuts + [100])]
            f.extend((n, str(v)) for n, v in zip(names, parts))
    for name in form.texts:
        if rng.random() < 0.3:
            f.append((name, "Et kort svar fra benken, æøå."))
    f.append(("nav", "next"))
    return f


# ---------------------------------------------------------------------------
# One person

class Fail(Exception):
    pass


def respondent(base, key, rng, lat, stats):
    """One respondent from the link to the thank-you page on a connection
    of its own. Appends each submit's milliseconds to lat."""
    u = urllib.parse.urlparse(base)
    c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)

    def req(method, path, body=None):
        hdr = {}
        if body is not None:
            hdr["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            c.request(method, path, body=body, headers=hdr)
            r = c.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            raise Fail(f"{method} {path}: {type(e).__name__}") from None
        loc = r.getheader("Location")
        return r.status, (target(loc) if loc else None), \
            data

    try:
        s, path, _ = req("GET", f"/r/{key}")
        if s != 303 or path != f"/r/{key}/1":
            raise Fail(f"GET /r/{key}: {s} {path}")
        for _ in range(100):
            s, _, body = req("GET", path)
            if s != 200:
                raise Fail(f"GET page: {s}")
            form = Form(body.decode())
            action = page_path(path)
            if form.action != action or "csrf" not in form.hidden:
                raise Fail(f"GET page: no form for {path}")
            fields = fill(form, rng)
            t0 = time.perf_counter()
            s, loc, _ = req("POST", action, urllib.parse.urlencode(fields))
            lat.append((time.perf_counter() - t0) * 1000)
            if s == 200:
                # Something on the page was not valid (counted); a person
                # clears it and goes on.
                stats["invalid"] += 1
                fields = [(k, v) for k, v in fields
                          if k in ("csrf", "nav")]
                t0 = time.perf_counter()
                s, loc, _ = req("POST", action,
                                urllib.parse.urlencode(fields))
                lat.append((time.perf_counter() - t0) * 1000)
            if s != 303:
                raise Fail(f"POST page: {s}")
            if loc == f"/r/{key}/takk":
                break
            if not loc or not re.fullmatch(rf"/r/{key}/\d+(\?v=\d+)?", loc):
                raise Fail(f"POST page: Location {loc}")
            path = loc
        else:
            raise Fail("more than 100 pages")
        s, _, _ = req("GET", f"/r/{key}/takk")
        if s != 200:
            raise Fail(f"GET takk: {s}")
    finally:
        c.close()


def proc_main(base, keys, counter, lock, threads, deadline, seed, q):
    """One generator process: `threads` people at once."""
    lat, done, errs = [], [0], []
    invalid = [0]
    mu = threading.Lock()

    def person(i):
        rng = random.Random(seed * 1000 + i)
        mine = []
        stats = {"invalid": 0}
        while time.time() < deadline:
            with lock:
                k = counter.value
                if k >= len(keys):
                    break
                counter.value = k + 1
            try:
                respondent(base, keys[k], rng, mine, stats)
            except Fail as e:
                with mu:
                    errs.append(str(e))
                continue
            with mu:
                done[0] += 1
        with mu:
            lat.extend(mine)
            invalid[0] += stats["invalid"]

    ts = [threading.Thread(target=person, args=(i,))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    q.put({"lat": lat, "done": done[0], "errors": errs,
           "invalid": invalid[0],
           "cpu": ru.ru_utime + ru.ru_stime})


def read_keys(path):
    keys = []
    with open(path) as f:
        for ln in f:
            m = re.search(r"/r/([a-z0-9]{34})\b", ln)
            if m:
                keys.append(m.group(1))
    if not keys:
        die(f"no keys in {path}")
    return keys


def cmd_run(base, keyfile, conc, seconds, out, label=""):
    keys = read_keys(keyfile)
    conc, seconds = int(conc), float(seconds)
    nproc = min(conc, max(1, os.cpu_count() or 1) * 2)
    per = [conc // nproc + (1 if i < conc % nproc else 0)
           for i in range(nproc)]
    counter = multiprocessing.Value("l", 0)
    lock = multiprocessing.Lock()
    q = multiprocessing.Queue()
    pgss = have_pgss()
    if pgss:
        psql("SELECT pgss.pg_stat_statements_reset()")
    tab0 = table_stats()
    com0 = commit_stats()
    cpu0 = server_cpu()
    t0 = time.perf_counter()
    deadline = time.time() + seconds
    ps = [multiprocessing.Process(
        target=proc_main,
        args=(base, keys, counter, lock, n, deadline, i + 1, q))
        for i, n in enumerate(per)]
    for p in ps:
        p.start()
    res = [q.get() for _ in ps]
    for p in ps:
        p.join()
    elapsed = time.perf_counter() - t0
    cpu1 = server_cpu()
    tab1 = table_stats()
    com1 = commit_stats()
    stm = statements() if pgss else {}
    lat = sorted(x for r in res for x in r["lat"])
    done = sum(r["done"] for r in res)
    errs = [e for r in res for e in r["errors"]]
    gen = sum(r["cpu"] for r in res)
    per_ms = {k: ((cpu1[k] - cpu0[k]) * 1000 / done if done else None)
              for k in cpu0}
    rec = {"kind": "respondents", "label": label, "conc": conc,
           "done": done, "seconds": elapsed,
           "rps": done / elapsed if elapsed else 0,
           "submits": len(lat),
           "p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99),
           "max": lat[-1] if lat else None,
           "kore_ms": per_ms["kore"], "pg_backend_ms": per_ms["pg_backend"],
           "pg_other_ms": per_ms["pg_other"],
           "gen_ms": gen * 1000 / done if done else None,
           "gen_cpu_share": gen / elapsed if elapsed else None,
           "errors": len(errs), "invalid": sum(r["invalid"] for r in res),
           "keys_left": len(keys) - min(counter.value, len(keys)),
           "tables": {t: {k: tab1[t][k] - tab0.get(t, {}).get(k, 0)
                          if k not in ("live", "heap_bytes", "index_bytes")
                          else tab1[t][k] for k in tab1[t]}
                      for t in tab1},
           "statements": stm,
           "commits": {k: com1[k] - com0[k] for k in com1 if k in com0}}
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    for e in errs[:5]:
        print(f"    respondent error: {e}", file=sys.stderr)
    print(f"    {label} @{conc}: {done} respondents in {elapsed:.1f} s "
          f"({rec['rps']:.1f}/s), submit p50 {fmt(rec['p50'])} "
          f"p99 {fmt(rec['p99'])} ms, CPU/respondent kore "
          f"{fmt(rec['kore_ms'])} pg {fmt(rec['pg_backend_ms'])}+"
          f"{fmt(rec['pg_other_ms'])} gen {fmt(rec['gen_ms'])} ms, "
          f"errors {len(errs)}", file=sys.stderr)
    if rec["keys_left"] == 0:
        print("    (ran out of keys before the time was up)",
              file=sys.stderr)
    return 1 if errs else 0


def fmt(v, nd=1):
    return "–" if v is None else f"{v:.{nd}f}"


# ---------------------------------------------------------------------------
# The burst of fresh connections

def cmd_burst(base, conns, trials, out):
    u = urllib.parse.urlparse(base)
    conns, trials = int(conns), int(trials)
    req = (f"GET /healthz HTTP/1.1\r\nHost: {u.hostname}\r\n"
           "Connection: close\r\n\r\n").encode()
    worst, firsts, errors = [], [], 0

    def one(res, i, go):
        go.wait()
        t0 = time.perf_counter()
        try:
            s = socket.create_connection((u.hostname, u.port), timeout=15)
            s.sendall(req)
            data = s.recv(64)
            s.close()
            ok = data.startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        res[i] = ((time.perf_counter() - t0) * 1000, ok)

    for _ in range(trials):
        time.sleep(1.0)     # idle: workers back in their wait
        res = [None] * conns
        go = threading.Event()
        ts = [threading.Thread(target=one, args=(res, i, go))
              for i in range(conns)]
        for t in ts:
            t.start()
        go.set()
        for t in ts:
            t.join()
        ms = [r[0] for r in res]
        errors += sum(1 for r in res if not r[1])
        worst.append(max(ms))
        firsts.extend(ms)
    firsts.sort()
    rec = {"kind": "burst", "conns": conns, "trials": trials,
           "worst": max(worst), "p50": pct(firsts, 50),
           "p99": pct(firsts, 99), "errors": errors,
           "trial_worst": [round(w, 1) for w in worst]}
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(f"    burst of {conns} x {trials}: worst first answer "
          f"{rec['worst']:.1f} ms, p50 {rec['p50']:.2f} ms, errors {errors}",
          file=sys.stderr)
    return 1 if errors else 0


# ---------------------------------------------------------------------------
# The table

def cmd_table(out):
    recs = []
    with open(out) as f:
        for ln in f:
            if ln.strip():
                recs.append(json.loads(ln))
    rows = [r for r in recs if r.get("kind") == "respondents"]
    if rows:
        print("| database | conc | respondents/s | submit p50 ms | p95 | p99 "
              "| Kore CPU ms/resp | PG backends | PG other | server total "
              "| generator CPU ms/resp (cores) | errors |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in rows:
            tot = None
            if r["kore_ms"] is not None:
                tot = r["kore_ms"] + r["pg_backend_ms"] + r["pg_other_ms"]
            print(f"| {r['label']} | {r['conc']} | {r['rps']:.1f} | "
                  f"{fmt(r['p50'], 2)} | {fmt(r['p95'], 2)} | "
                  f"{fmt(r['p99'], 2)} | {fmt(r['kore_ms'])} | "
                  f"{fmt(r['pg_backend_ms'])} | {fmt(r['pg_other_ms'])} | "
                  f"{fmt(tot)} | {fmt(r['gen_ms'])} "
                  f"({fmt(r['gen_cpu_share'], 2)}) | {r['errors']} |")
    pg = [r for r in rows if r.get("statements") and r["done"]]
    if pg:
        print("\nInside PostgreSQL per completed respondent "
              "(pg_stat_statements, pg_stat_user_tables):\n")
        print("| database | conc | statements | save calls, µs each | "
              "load calls, µs each | exec ms | WAL kB | WAL full pages | "
              "response updates HOT | answer rows, HOT updates | "
              "autovacuum resp/answer | commits | WAL flushes |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in pg:
            d, st, tb = r["done"], r["statements"], r.get("tables", {})
            calls = sum(v["calls"] for v in st.values())
            ex = sum(v["exec_ms"] for v in st.values())
            wal = sum(v["wal_bytes"] for v in st.values())
            fpi = sum(v["wal_fpi"] for v in st.values())

            def each(name):
                v = st.get(name)
                if not v or not v["calls"]:
                    return "–"
                return (f"{v['calls'] / d:.1f}, "
                        f"{v['exec_ms'] * 1000 / v['calls']:.0f}")
            rs, an = tb.get("response", {}), tb.get("answer", {})
            hot = (f"{100 * rs['hot'] / rs['upd']:.0f} %"
                   if rs.get("upd") else "–")
            ahot = (f"{an['ins'] / d:.0f} ins, "
                    f"{100 * an['hot'] / an['upd']:.0f} % of {an['upd']}"
                    if an.get("upd") else
                    f"{an.get('ins', 0) / d:.0f} ins")
            print(f"| {r['label']} | {r['conc']} | {calls / d:.1f} | "
                  f"{each('save')} | {each('load')} | {ex / d:.2f} | "
                  f"{wal / d / 1024:.1f} | {fpi / d:.1f} | {hot} | "
                  f"{ahot} | {rs.get('autovac', 0)}/{an.get('autovac', 0)} "
                  f"| {per(r, 'commits')} | {per(r, 'wal_syncs')} |")
    for r in recs:
        if r.get("kind") == "burst":
            print(f"\nFirst answer under a burst of {r['conns']} fresh "
                  f"connections at an idle server, {r['trials']} trials: "
                  f"worst {r['worst']:.1f} ms (p50 {r['p50']:.2f} ms, "
                  f"p99 {r['p99']:.1f} ms), errors {r['errors']}; "
                  f"target < 100 ms: "
                  f"{'PASS' if r['worst'] < 100 and not r['errors'] else 'MISS'}")
    return 0


def per(r, key):
    """A commit counter per completed respondent, or – when not read."""
    v = r.get("commits", {}).get(key)
    return "–" if v is None or not r["done"] else f"{v / r['done']:.1f}"


def main(argv):
    cmds = {"run": (cmd_run, (5, 6)), "burst": (cmd_burst, (4, 4)),
            "table": (cmd_table, (1, 1))}
    if len(argv) < 2 or argv[1] not in cmds:
        die(__doc__)
    fn, (lo, hi) = cmds[argv[1]]
    if not lo <= len(argv) - 2 <= hi:
        die(__doc__)
    return fn(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
