#!/usr/bin/env python3
"""Helpers for tests/bench/bench.sh: key files, preparing responses,
the sequential respondent, parsing wrk and pgbench output, memory, and
the final report. Standard library only.

  bench.py pairs TOKENS                 key<TAB>csrf for the tokens, in order
  bench.py prep URL PAIRS               POST page 1 and save page 2 of each
  bench.py respondents URL PAIRS OUT    whole respondents, one after another
  bench.py wrk NAME CONNS RAW OUT       parse a wrk run, append a result
  bench.py pgbench NAME CONNS RAW LOGDIR OUT
  bench.py rss KOREPID PGPIDFILE OUT    RSS of Kore workers and PostgreSQL
  bench.py report OUT MODE MDFILE       the table, targets, exit status
"""
import concurrent.futures
import glob
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.parse

GRID_ROWS = ("telefon", "skriftlig", "video")
GRID_CODES = ("1", "2", "3", "4", "9")


def die(msg):
    print(f"bench.py: {msg}", file=sys.stderr)
    sys.exit(2)


def append(out, rec):
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")


def psql(sql):
    r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-F", "\t",
                        "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        die(f"psql: {r.stderr.strip()}")
    return [ln.split("\t") for ln in r.stdout.splitlines() if ln]


def read_pairs(path):
    with open(path) as f:
        return [tuple(ln.split()) for ln in f if ln.strip()]


# ---------------------------------------------------------------------------
# Keys

def cmd_pairs(tokens):
    keys = []
    with open(tokens) as f:
        for ln in f:
            m = re.search(r"/r/([a-z0-9]{34})\b", ln)
            if m:
                keys.append(m.group(1))
    if not keys:
        die(f"no keys in {tokens}")
    csrf = dict(psql("SELECT selector || verifier, csrf FROM response"
                     " WHERE invitation_id IS NOT NULL"))
    missing = [k for k in keys if k not in csrf]
    if missing:
        die(f"{len(missing)} token keys have no response row")
    for k in keys:
        print(f"{k}\t{csrf[k]}")


# ---------------------------------------------------------------------------
# HTTP

class Conn:
    """One keep-alive connection that reconnects if the server closed it
    between requests (counted in .reconnects)."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port or 80
        self.c = None
        self.reconnects = 0

    def request(self, method, path, fields=None):
        body, headers = None, {}
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (0, 1):
            fresh = self.c is None
            if fresh:
                self.c = http.client.HTTPConnection(self.host, self.port,
                                                    timeout=30)
            try:
                self.c.request(method, path, body=body, headers=headers)
                r = self.c.getresponse()
                r.read()
                loc = r.getheader("Location")
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, (urllib.parse.urlparse(loc).path
                                  if loc else None)
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                self.close()
                if fresh or attempt == 1:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


def grid(rng):
    return {f"Q3_1.{r}": rng.choice(GRID_CODES) for r in GRID_ROWS}


def cmd_prep(base, pairs_file):
    """Each response: page 1 with nav=next, then the grid on page 2 with
    nav=save, so that it is 'started' and page 2 shows answers."""
    pairs = read_pairs(pairs_file)
    nthreads = 8
    chunks = [pairs[i::nthreads] for i in range(nthreads)]

    def work(chunk):
        c, rng, bad = Conn(base), random.Random(len(chunk)), []
        for key, csrf in chunk:
            try:
                s1, l1 = c.request("POST", f"/r/{key}/1",
                                   {"csrf": csrf, "nav": "next"})
                f = grid(rng)
                f.update(csrf=csrf, nav="save")
                s2, l2 = c.request("POST", f"/r/{key}/2", f)
            except OSError as e:
                bad.append(f"{key}: {e}")
                c.close()
                continue
            if (s1, l1) != (303, f"/r/{key}/2") or \
               (s2, l2) != (303, f"/r/{key}/lagret"):
                bad.append(f"{key}: {s1} {l1}, {s2} {l2}")
        c.close()
        return bad

    with concurrent.futures.ThreadPoolExecutor(nthreads) as ex:
        bad = [b for r in ex.map(work, chunks) for b in r]
    for b in bad[:5]:
        print(f"prep: unexpected: {b}", file=sys.stderr)
    if bad:
        die(f"prep: {len(bad)} of {len(pairs)} responses failed")
    keys = ",".join(f"'{k[:8]}'" for k, _ in pairs)
    rows = psql("SELECT count(*) FROM response WHERE status = 'started'"
                f" AND selector IN ({keys})")
    if int(rows[0][0]) != len(pairs):
        die(f"prep: only {rows[0][0]} of {len(pairs)} responses started")


def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_vals:
        return None
    k = max(0, min(len(sorted_vals) - 1,
                   int(-(-p * len(sorted_vals) // 100)) - 1))
    return sorted_vals[k]


def cmd_respondents(base, pairs_file, out):
    """Each token from the first GET to the thank-you page, one after
    another on one keep-alive connection; every page is fetched (GET,
    200) and then posted empty with nav=next (303), following Location."""
    pairs = read_pairs(pairs_file)
    c = Conn(base)
    times, errors, requests, unexpected = [], 0, 0, []
    t_all = time.perf_counter()
    for key, csrf in pairs:
        t0 = time.perf_counter()
        n = 0

        def expect(method, path, status, fields=None):
            nonlocal n
            n += 1
            s, loc = c.request(method, path, fields)
            if s != status:
                raise ValueError(f"{method} {path}: {s} (want {status})")
            return loc

        try:
            path = expect("GET", f"/r/{key}", 303)
            if path != f"/r/{key}/1":
                raise ValueError(f"GET /r/{key}: Location {path}")
            for _ in range(100):
                expect("GET", path, 200)
                loc = expect("POST", path, 303, {"csrf": csrf, "nav": "next"})
                if loc == f"/r/{key}/takk":
                    break
                if not loc or not re.fullmatch(rf"/r/{key}/\d+", loc) or \
                   loc == path:
                    raise ValueError(f"POST {path}: Location {loc}")
                path = loc
            else:
                raise ValueError("more than 100 pages")
            expect("GET", f"/r/{key}/takk", 200)
        except (ValueError, OSError, http.client.HTTPException) as e:
            errors += 1
            unexpected.append(f"{key}: {e}")
            c.close()
            requests += n
            continue
        times.append((time.perf_counter() - t0) * 1000)
        requests += n
    elapsed = time.perf_counter() - t_all
    c.close()
    # The database must agree: every respondent counted as ok is completed.
    keys = ",".join(f"'{k[:8]}'" for k, _ in pairs)
    done = int(psql("SELECT count(*) FROM response WHERE status ="
                    f" 'completed' AND selector IN ({keys})")[0][0])
    if done != len(times):
        errors += abs(len(times) - done)
        unexpected.append(f"database: {done} completed, {len(times)} ok")
    for u in unexpected[:5]:
        print(f"respondent: {u}", file=sys.stderr)
    times.sort()
    append(out, {"test": "respondent (sequential)", "kind": "respondent",
                 "conns": 1, "rps": len(times) / elapsed if elapsed else 0,
                 "p50": pct(times, 50), "p99": pct(times, 99),
                 "errors": errors, "n": len(pairs),
                 "requests": requests, "reconnects": c.reconnects,
                 "seconds": elapsed})


# ---------------------------------------------------------------------------
# Parsing tool output

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"latency '{text}'")
    return float(m.group(1)) * UNIT_MS[m.group(2)]


def cmd_wrk(name, conns, raw, out, expect):
    """wrk --latency output plus the lines our Lua done() prints:
    'status <code> <count>'."""
    with open(raw) as f:
        text = f.read()
    rec = {"test": f"{name}", "kind": name, "conns": int(conns)}
    problems = []
    m = re.search(r"^Requests/sec:\s*([0-9.]+)", text, re.M)
    if not m:
        problems.append("no Requests/sec line")
    rec["rps"] = float(m.group(1)) if m else None
    for p in ("50", "99"):
        m = re.search(rf"^\s*{p}(?:\.0+)?%\s+(\S+)", text, re.M)
        try:
            rec["p" + p] = to_ms(m.group(1)) if m else None
        except ValueError as e:
            rec["p" + p] = None
            problems.append(str(e))
        if not m:
            problems.append(f"no {p}% line")
    m = re.search(r"^\s*(\d+) requests in ([0-9.]+\w+)", text, re.M)
    rec["requests"] = int(m.group(1)) if m else None
    sock = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    m = re.search(r"Socket errors:\s*connect (\d+), read (\d+), "
                  r"write (\d+), timeout (\d+)", text)
    if m:
        sock = dict(zip(sock, map(int, m.groups())))
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    non23 = int(m.group(1)) if m else 0
    statuses = {}
    for code, n in re.findall(r"^status (\d+) (\d+)$", text, re.M):
        statuses[code] = statuses.get(code, 0) + int(n)
    wrong = sum(n for c, n in statuses.items() if c != expect)
    if not statuses and rec["requests"]:
        problems.append("no status counts from the Lua script")
    rec["statuses"] = statuses
    rec["socket"] = sock
    rec["non2xx3xx"] = non23
    rec["errors"] = sum(sock.values()) + max(non23, wrong)
    rec["problems"] = problems
    # Connections per Kore worker half way through (ss -tnp), if sampled.
    if os.path.exists(raw + ".ss"):
        with open(raw + ".ss") as f:
            pids = re.findall(r"pid=(\d+)", f.read())
        rec["perworker"] = sorted((pids.count(p) for p in set(pids)),
                                  reverse=True)
    append(out, rec)
    detail = " ".join(f"{c}:{n}" for c, n in sorted(statuses.items()))
    print(f"    {name}@{conns}: {rec['rps']} req/s, p50 {rec['p50']} ms, "
          f"p99 {rec['p99']} ms, statuses {detail or '-'}, socket {sock}",
          file=sys.stderr)
    for p in problems:
        print(f"    {name}@{conns}: PARSE PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


def cmd_pgbench(name, conns, raw, logdir, out):
    with open(raw) as f:
        text = f.read()
    rec = {"test": name, "kind": name, "conns": int(conns)}
    problems = []
    m = re.search(r"^tps = ([0-9.]+) \(without initial connection time\)",
                  text, re.M) or re.search(r"^tps = ([0-9.]+)", text, re.M)
    rec["rps"] = float(m.group(1)) if m else None
    if not m:
        problems.append("no tps line")
    m = re.search(r"^latency average = ([0-9.]+) ms", text, re.M)
    rec["avg"] = float(m.group(1)) if m else None
    if not m:
        problems.append("no latency average line")
    m = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    rec["errors"] = int(m.group(1)) if m else 0
    # Percentiles from the sampled per-transaction log (-l): the third
    # column is the latency in microseconds.
    lat = []
    for path in glob.glob(os.path.join(logdir, "*")):
        with open(path) as f:
            for ln in f:
                parts = ln.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    lat.append(int(parts[2]) / 1000.0)
    lat.sort()
    rec["p50"], rec["p99"] = pct(lat, 50), pct(lat, 99)
    rec["sampled"] = len(lat)
    rec["problems"] = problems
    append(out, rec)
    print(f"    {name}: {rec['rps']} tps, avg {rec['avg']} ms, "
          f"p50 {rec['p50']} ms, p99 {rec['p99']} ms "
          f"({len(lat)} sampled), failed {rec['errors']}", file=sys.stderr)
    for p in problems:
        print(f"    {name}: PARSE PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


# ---------------------------------------------------------------------------
# Memory

def proc_children():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for ln in f:
                if ln.startswith("VmRSS:"):
                    return int(ln.split()[1])
    except OSError:
        pass
    return None


def comm(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def cmd_rss(korepid, pgpidfile, out):
    kids = proc_children()
    rec = {"kind": "rss", "workers": [], "parent": None, "pg": None,
           "pgprocs": 0}
    if korepid and korepid.isdigit():
        rec["parent"] = rss_kib(int(korepid))
        for pid in sorted(kids.get(int(korepid), [])):
            name = comm(pid)
            kib = rss_kib(pid)
            if kib is not None:
                rec["workers"].append({"pid": pid, "name": name,
                                       "kib": kib})
    if pgpidfile and os.path.exists(pgpidfile):
        with open(pgpidfile) as f:
            master = int(f.readline())
        todo, total, n = [master], 0, 0
        while todo:
            pid = todo.pop()
            kib = rss_kib(pid)
            if kib is not None:
                total += kib
                n += 1
            todo.extend(kids.get(pid, []))
        rec["pg"], rec["pgprocs"] = total, n
    append(out, rec)


# ---------------------------------------------------------------------------
# Report

ROWS = [("pgbench -N", None), ("pgbench -S", None),
        ("load", 8), ("load", 64), ("load", 256),
        ("save", 8), ("save", 64), ("save", 256),
        ("respondent (sequential)", None)]


def fmt(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        if nd == 1 and v >= 100:
            return f"{v:.0f}"
        return f"{v:.{nd}f}"
    return str(v)


def header_line():
    total = "?"
    try:
        free = subprocess.run(["free", "-g"], capture_output=True,
                              text=True).stdout
        m = re.search(r"^Mem:\s+(\d+)", free, re.M)
        total = m.group(1) if m else "?"
    except OSError:
        pass
    ncpu = subprocess.run(["nproc"], capture_output=True,
                          text=True).stdout.strip()
    return (f"Svar benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}: "
            f"nproc {ncpu}, memory {total} GiB (free -g), "
            f"kernel {platform.release()}")


def cmd_report(out, mode, mdfile):
    recs = []
    if os.path.exists(out):
        with open(out) as f:
            recs = [json.loads(ln) for ln in f if ln.strip()]
    res = {}
    rss = None
    for r in recs:
        if r["kind"] == "rss":
            rss = r
        elif r["kind"] in ("load", "save"):
            res[(r["kind"], r["conns"])] = r
        else:
            res[(r["test"], None)] = r
    pgn = (res.get(("pgbench -N", None)) or {}).get("rps")
    pgs = (res.get(("pgbench -S", None)) or {}).get("rps")

    lines = [header_line(), "",
             "| test | conns | req/s | p50 ms | p99 ms | errors | ratio |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for name, conns in ROWS:
        r = res.get((name, conns))
        if r is None:
            continue
        ratio = None
        base = pgn if name == "save" else pgs if name == "load" else None
        if base and r.get("rps") is not None:
            ratio = r["rps"] / base
        label = name
        if name == "load":
            label = "load (GET page 2)"
        elif name == "save":
            label = "save (POST page 2)"
        unit = " tps" if name.startswith("pgbench") else ""
        lines.append(f"| {label} | {r['conns']} | {fmt(r.get('rps'))}{unit}"
                     f" | {fmt(r.get('p50'), 2)} | {fmt(r.get('p99'), 2)}"
                     f" | {r.get('errors', 0)} | "
                     f"{fmt(ratio, 2) if ratio is not None else ''} |")
    lines.append("")
    notes = []
    for k in ("pgbench -N", "pgbench -S"):
        r = res.get((k, None))
        if r:
            notes.append(f"{k}: latency avg {fmt(r.get('avg'), 3)} ms "
                         f"(p50/p99 from {r.get('sampled', 0)} sampled "
                         "transactions)")
    r = res.get(("respondent (sequential)", None))
    if r:
        notes.append(f"respondent: {r['n']} respondents, {r['requests']} "
                     f"requests in {r['seconds']:.1f} s; p50/p99 are ms "
                     "per whole respondent")
    odd = []
    for (kind, conns), r in sorted((k, v) for k, v in res.items()
                                   if k[1] is not None):
        st = r.get("statuses", {})
        extra = {c: n for c, n in st.items()
                 if c != ("303" if kind == "save" else "200")}
        sock = {k: v for k, v in r.get("socket", {}).items() if v}
        if extra or sock:
            odd.append(f"{kind}@{conns}: statuses {extra} socket {sock}")
    notes += odd
    spread = [f"{k}@{c} {'+'.join(map(str, r['perworker']))}"
              for (k, c), r in sorted((k, v) for k, v in res.items()
                                      if k[1] is not None)
              if r.get("perworker")]
    if spread:
        notes.append("connections per Kore worker, half way through: "
                     + ", ".join(spread))
    if any(r.get("socket", {}).get("timeout") for r in res.values()):
        notes.append("wrk counts a timeout for every connection whose "
                     "request is older than 10 s, at each 2 s check")
    if rss:
        for w in rss["workers"]:
            notes.append(f"RSS {w['name']} (pid {w['pid']}): "
                         f"{w['kib'] / 1024:.1f} MiB")
        if rss.get("parent") is not None:
            notes.append(f"RSS kore [parent]: {rss['parent'] / 1024:.1f} MiB")
        if rss.get("pg") is not None:
            notes.append(f"RSS PostgreSQL ({rss['pgprocs']} processes, "
                         f"sum): {rss['pg'] / 1024:.1f} MiB")
    lines += [f"- {n}" for n in notes]

    # Targets (from the issue); a miss is reported, not a failure.
    checks = []
    if mode == "full":
        s64, l64 = res.get(("save", 64)), res.get(("load", 64))
        s256, l256 = res.get(("save", 256)), res.get(("load", 256))

        def ok(c):
            return "PASS" if c else "MISS"

        if s64 and pgn:
            checks.append((ok(s64["rps"] >= 0.5 * pgn and s64["p99"] is not
                              None and s64["p99"] < 50 and
                              s64["errors"] == 0),
                           f"save@64 ≥ 0.5 × pgbench -N ({s64['rps']:.0f} vs "
                           f"{0.5 * pgn:.0f}/s), p99 < 50 ms "
                           f"({fmt(s64['p99'], 2)}), 0 errors "
                           f"({s64['errors']})"))
        if l64 and pgs:
            checks.append((ok(l64["rps"] >= 0.25 * pgs),
                           f"load@64 ≥ 0.25 × pgbench -S ({l64['rps']:.0f} "
                           f"vs {0.25 * pgs:.0f}/s)"))
        for r, what in ((l256, "load@256"), (s256, "save@256")):
            if r:
                checks.append((ok(r["errors"] == 0 and r["p99"] is not None
                                  and r["p99"] < 250),
                               f"{what}: 0 errors ({r['errors']}), p99 < "
                               f"250 ms ({fmt(r['p99'], 2)})"))
        if rss and rss["workers"]:
            big = max(w["kib"] for w in rss["workers"]) / 1024
            checks.append((ok(big < 64), f"each Kore worker RSS < 64 MiB "
                           f"(largest {big:.1f} MiB)"))
    if checks:
        lines.append("")
        lines.append("Targets:")
        lines += [f"- {s}: {t}" for s, t in checks]

    text = "\n".join(lines) + "\n"
    sys.stdout.write("\n" + text)
    if mdfile:
        with open(mdfile, "w") as f:
            f.write(text)

    # Did the benchmark itself break?
    broken = []
    for r in recs:
        if r["kind"] == "rss":
            continue
        if r.get("problems"):
            broken.append(f"{r['test']}: {'; '.join(r['problems'])}")
        if r.get("errors"):
            broken.append(f"{r['test']}@{r['conns']}: {r['errors']} errors")
        if r.get("rps") in (None, 0) and r["kind"] != "rss":
            broken.append(f"{r['test']}@{r['conns']}: no throughput")
    for b in broken:
        print(f"BENCHMARK ERROR: {b}", file=sys.stderr)
    return 1 if broken else 0


def main(argv):
    if len(argv) < 2:
        die(__doc__)
    cmd, a = argv[1], argv[2:]
    if cmd == "pairs" and len(a) == 1:
        cmd_pairs(*a)
    elif cmd == "prep" and len(a) == 2:
        cmd_prep(*a)
    elif cmd == "respondents" and len(a) == 3:
        cmd_respondents(*a)
    elif cmd == "wrk" and len(a) == 5:
        return cmd_wrk(*a)
    elif cmd == "pgbench" and len(a) == 5:
        return cmd_pgbench(*a)
    elif cmd == "rss" and len(a) == 3:
        cmd_rss(*a)
    elif cmd == "report" and len(a) == 3:
        return cmd_report(*a)
    else:
        die(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
