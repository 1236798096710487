#!/usr/bin/env python3
"""The funnel's speed (issue 11 "Speed"): one logged-in admin asks for
the funnel page, the page filtered to one version (its break-off table),
and the break-off table as CSV, n times each, one request at a time,
and prints p50 and p95 of the time to the whole answer (loopback, so
this is the server's time plus a few tenths of a millisecond).

    SVAR_BENCH_URL=http://127.0.0.1:9021 python3 tests/bench/funnel_bench.py \\
        <user> <password> <totp-secret> <wave> [n]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
os.environ.setdefault("SVAR_TEST_URL", os.environ.get(
    "SVAR_BENCH_URL", "http://127.0.0.1:9021"))

from svartest import Client, admin_login  # noqa: E402


def main():
    user, password, secret, wave = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    c = Client()
    admin_login(c, user, password, secret)
    targets = [
        ("funnel page", f"/admin/funnel?wave={wave}"),
        ("funnel page, version hf (break-off)",
         f"/admin/funnel?wave={wave}&version=hf"),
        ("break-off table (CSV)",
         f"/admin/funnel.csv?wave={wave}&table=pages"),
        ("progress over time (CSV)",
         f"/admin/funnel.csv?wave={wave}&table=days"),
    ]
    print("| request | n | p50 ms | p95 ms | target p50 < 100 ms |")
    print("|---|--:|--:|--:|---|")
    for name, path in targets:
        r = c.get(path)             # warm: plans, caches
        assert r.status == 200, (path, r.status)
        t = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = c.get(path)
            t.append(time.perf_counter() - t0)
            assert r.status == 200, (path, r.status)
        t.sort()
        p50 = statistics.median(t) * 1000
        p95 = t[max(0, int(len(t) * 0.95) - 1)] * 1000
        print(f"| {name} | {n} | {p50:.1f} | {p95:.1f} |"
              f" {'PASS' if p50 < 100 else 'MISS'} |")


if __name__ == "__main__":
    main()
