#!/usr/bin/env python3
"""Admin-area timings, for the README: the password step of a login
(argon2id verify plus a session row) and the admin pages, sequentially,
as one admin clicks. Standard library only.

    SVAR_BENCH_URL=http://127.0.0.1:8897 python3 tests/bench/admin_bench.py \
        <user> <password> <totp-secret> [n]
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
os.environ.setdefault("SVAR_TEST_URL", os.environ.get(
    "SVAR_BENCH_URL", "http://127.0.0.1:8897"))

from svartest import Client, csrf, totp  # noqa: E402


def ms(samples):
    s = sorted(samples)
    return "p50 %.1f ms, p99 %.1f ms (n=%d)" % (
        statistics.median(s) * 1000, s[int(len(s) * 0.99) - 1 if len(s) > 1
                                       else 0] * 1000, len(s))


def main():
    user, password, secret = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    steps = []
    for _ in range(n):
        c = Client()
        tok = csrf(c.get("/admin/login").body)
        t = time.perf_counter()
        r = c.post("/admin/login", {"csrf": tok, "name": user,
                                    "password": password})
        steps.append(time.perf_counter() - t)
        assert r.status == 303, r.status
    print("  login, password step (argon2id): " + ms(steps))
    c = Client()
    tok = csrf(c.get("/admin/login").body)
    c.post("/admin/login", {"csrf": tok, "name": user, "password": password})
    tok = csrf(c.get("/admin/login/kode").body)
    r = c.post("/admin/login/kode", {"csrf": tok, "code": totp(secret)})
    assert r.location == "/admin", (r.status, r.body[:200])
    # The full frame: every HF and all 356 kommuner in the wave's frame.
    wave = re.search(r'action="/admin/waves/(\d+)"', c.get("/admin").body)
    wave = wave.group(1) if wave else "1"
    tok = csrf(c.get("/admin/frame?wave=" + wave).body)
    c.post("/admin/frame", {"csrf": tok, "wave": wave, "action": "import"})
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "data",
                           "kommuner-2020.csv")) as f:
        r = c.post("/admin/frame", {"csrf": tok, "wave": wave,
                                    "action": "upload", "kind": "kommune",
                                    "to_frame": "1", "csv": f.read()})
    assert r.status == 200, (r.status, r.body[:300])
    unit = re.search(r'href="/admin/units/(\d+)"', c.get(
        "/admin/units?wave=" + wave).body).group(1)
    for path in ("/admin", "/admin/audit", "/admin/definitions",
                 "/admin/frame?wave=" + wave, "/admin/units?wave=" + wave,
                 "/admin/units/" + unit):
        times = []
        for _ in range(n * 4):
            t = time.perf_counter()
            r = c.get(path)
            times.append(time.perf_counter() - t)
            assert r.status == 200, (path, r.status)
        print("  GET %-22s %s" % (re.sub(r"\d+$", "<n>", path), ms(times)))


if __name__ == "__main__":
    main()
