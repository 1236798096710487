#!/usr/bin/env python3
"""Simulated respondents who behave as people do when things go wrong,
and a check of the database against what each was told (issue 14 §5-6).
Standard library only; the form is read and filled as in
tests/bench/respondents.py.

  people.py drive URL KEYS N CONC OUT [strict|person]
      N respondents (personal links from the KEYS file, `svarctl tokens`
      output), CONC at once, each on a connection of its own, from the
      link to the thank-you page. Writes OUT (JSON): per key what the
      respondent was told was saved (a 303 after its POST), whether it
      finished and when, and whether it was cut off and resumed.
      strict: any status other than the expected one, or a lost
      connection, fails that respondent (the two-server test: the
      balancer must hide a restart). person (the fault test): a 503, a
      lost connection or a timeout means "not saved"; the person waits a
      moment, reloads the page and sends it again, as a browser user
      would. In person mode some respondents also submit a page twice at
      once (a double click), answer a page in two tabs (the later tab's
      answers are the ones told saved last), or leave after a save and
      come back later through their link (cut off, then resumed).
      SVAR_PEOPLE_DOUBLE, _TABS, _CUTOFF: the share of pages (double,
      tabs) or respondents (cutoff), defaults 0.05, 0.03, 0.1.
  people.py verify OUT
      Reads the database (psql, PG* variables, a role that may read
      response and answer) and prints the counts; exits 1 when a finished
      respondent is not completed or was completed twice, an answer told
      saved is missing or has another value, a response is duplicated, or
      a cut-off respondent did not resume where it left off.
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from respondents import (Form, fill, page_path, read_keys,  # noqa: E402
                         target)

# How long a person keeps trying before giving up on a page (s).
PATIENCE = 120


class Failed(Exception):
    pass


class Retry(Exception):
    """Not saved: the server said 503 or the connection broke."""


class Person:
    def __init__(self, base, key, rng, strict):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port or 80
        self.key, self.rng, self.strict = key, rng, strict
        self.c = None
        self.saved = {}         # var -> value last told saved
        self.retries = 0
        self.resent = 0
        self.doubles = 0
        self.tabs = 0

    def conn(self):
        if self.c is None:
            self.c = http.client.HTTPConnection(self.host, self.port,
                                                timeout=20)
        return self.c

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None

    def req(self, method, path, body=None, c=None):
        """(status, Location path, body); Retry when not answered."""
        own = c is None
        reused = own and self.c is not None
        c = c or self.conn()
        hdr = {}
        if body is not None:
            hdr["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            c.request(method, path, body=body, headers=hdr)
            r = c.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            if own:
                self.close()
            else:
                c.close()
            if self.strict and reused and isinstance(
                    e, (http.client.RemoteDisconnected, ConnectionResetError,
                        BrokenPipeError)):
                # A kept-alive connection the other side closed before
                # any answer: a browser opens a new one and sends the
                # request again (Chromium does so for any method on a
                # reused connection). Counted.
                self.resent += 1
                return self.req(method, path, body)
            if self.strict:
                raise Failed(f"{method} {path}: {type(e).__name__}")
            raise Retry() from None
        if r.getheader("Connection", "").lower() == "close":
            if own:
                self.close()
            else:
                c.close()
        if r.status == 503 and not self.strict:
            raise Retry()
        loc = r.getheader("Location")
        return r.status, (target(loc) if loc else None), \
            data

    def patiently(self, fn):
        """fn() until it does not raise Retry, as a person reloads."""
        t0 = time.time()
        while True:
            try:
                return fn()
            except Retry:
                self.retries += 1
                if time.time() - t0 > PATIENCE:
                    raise Failed("gave up after retrying") from None
                time.sleep(0.2 + self.rng.random() * 0.8)

    def start(self):
        def go():
            s, loc, _ = self.req("GET", f"/r/{self.key}")
            if s != 303 or not loc:
                raise Failed(f"GET link: {s}")
            return loc
        return self.patiently(go)

    def page(self, path, double, tabs):
        """One page: read, fill, send; the Location after it."""
        def go():
            s, loc, body = self.req("GET", path)
            if s == 303 and loc and loc.startswith(f"/r/{self.key}/"):
                # A save whose answer was lost did happen: the response
                # has moved on (or is completed); go where it says.
                return loc
            if s != 200:
                raise Failed(f"GET {path}: {s}")
            form = Form(body.decode())
            action = page_path(path)
            if form.action != action:
                raise Failed(f"GET {path}: no form")
            fields = fill(form, self.rng)
            other = None
            if tabs:
                # The same page open in a second tab, answered there
                # after this one: its answers are saved last.
                c2 = http.client.HTTPConnection(self.host, self.port,
                                                timeout=20)
                s2, _, body2 = self.req("GET", path, c=c2)
                c2.close()
                if s2 != 200:
                    raise Failed(f"GET {path} (second tab): {s2}")
                other = fill(Form(body2.decode()), self.rng)
            enc = urllib.parse.urlencode(fields)
            if double:
                loc = self.post_twice(action, enc)
                self.doubles += 1
            else:
                loc = self.post(action, enc)
            if loc is None:
                # Not valid (a mix the filler got wrong): cleared, sent
                # again; nothing of this page counts as told saved.
                fields = [(k, v) for k, v in fields if k in ("csrf", "nav")]
                loc = self.post(action, urllib.parse.urlencode(fields))
                if loc is None:
                    raise Failed(f"POST {action}: empty page refused")
            self.told(form, fields)
            if other is not None:
                loc2 = self.post(action, urllib.parse.urlencode(other))
                # After the first tab completed the response, the second
                # only gets the thank-you page: nothing changes after
                # completion, so nothing of it was told saved.
                if loc2 is not None and not loc.endswith("/takk"):
                    self.told(form, other)
                    loc = loc2
                self.tabs += 1
            return loc
        return self.patiently(go)

    def post(self, path, enc, c=None):
        s, loc, _ = self.req("POST", path, enc, c=c)
        if s == 200:
            return None
        if s != 303 or not loc:
            raise Failed(f"POST {path}: {s}")
        return loc

    def post_twice(self, path, enc):
        """A double click: the same form sent on two connections at
        once. Both must end in a redirect; either may be the one that
        saved."""
        res = [None, None]

        def second():
            c2 = http.client.HTTPConnection(self.host, self.port, timeout=20)
            try:
                res[1] = self.post(path, enc, c=c2)
            except (Retry, Failed) as e:
                res[1] = e
            finally:
                c2.close()
        t = threading.Thread(target=second)
        t.start()
        try:
            res[0] = self.post(path, enc)
        finally:
            t.join()
        if isinstance(res[1], Failed):
            raise res[1]
        if isinstance(res[1], Retry):
            raise Retry()
        if res[0] is None or res[1] is None:
            return None
        return res[0]

    def told(self, form, fields):
        """Record what a 303 said was saved: one value per radio group,
        number and text; a multiple choice is left out (stored per
        option)."""
        single = set(form.radios) | set(form.numeric) | set(form.texts) \
            | set(form.selects)
        posted = dict((k, v) for k, v in fields if k in single)
        for name in single:
            if name in posted:
                self.saved[name] = posted[name]
            else:
                # Left empty now: whatever was saved before is gone.
                self.saved.pop(name, None)


def walk(p, rec, resumed, cutoff_at):
    """From the link to the thank-you page, or to the page where the
    person leaves (cutoff_at pages in). True when it left."""
    key, rng, strict = p.key, p.rng, p.strict
    try:
        path = p.start()
        if resumed:
            rec["resumed"] = path
        pages = 0
        while True:
            double = not strict and not resumed and rng.random() < DOUBLE
            tabs = not strict and not resumed and not double and \
                rng.random() < TABS
            loc = p.page(path, double, tabs)
            pages += 1
            if loc == f"/r/{key}/takk":
                rec["finished_at"] = time.time()
                break
            if not re.fullmatch(rf"/r/{key}/\d+(\?v=\d+)?", loc):
                raise Failed(f"Location {loc}")
            path = loc
            if pages == cutoff_at:
                # Leaves; comes back later through the link.
                rec["cut"] = page_path(path)
                return True
        s, _, _ = p.patiently(lambda: p.req("GET", f"/r/{key}/takk"))
        if s != 200:
            raise Failed(f"GET takk: {s}")
        rec["finished"] = True
    except Failed as e:
        rec["error"] = str(e)
    finally:
        p.close()
        rec["saved"] = dict(p.saved)
        rec["stats"] = [p.retries, p.doubles, p.tabs, p.resent]
    return False


def run_person(base, key, rng, strict, cutoff_at):
    """The record for this key, and the person when it left midway."""
    p = Person(base, key, rng, strict)
    rec = {"finished": False, "cut": None, "resumed": None, "error": None}
    left = walk(p, rec, False, cutoff_at)
    return rec, (p if left else None)


def resume(base, key, rec, p, strict):
    """A cut-off respondent comes back through its link."""
    walk(p, rec, True, None)


DOUBLE = float(os.environ.get("SVAR_PEOPLE_DOUBLE", "0.05"))
TABS = float(os.environ.get("SVAR_PEOPLE_TABS", "0.03"))
CUTOFF = float(os.environ.get("SVAR_PEOPLE_CUTOFF", "0.1"))


def cmd_drive(base, keyfile, n, conc, out, mode="person"):
    keys = read_keys(keyfile)[:int(n)]
    if len(keys) < int(n):
        print(f"people.py: only {len(keys)} keys", file=sys.stderr)
        return 2
    strict = mode == "strict"
    recs, later = {}, []
    mu = threading.Lock()
    nxt = [0]
    t0 = time.time()

    def worker(i):
        rng = random.Random(i)
        while True:
            with mu:
                if nxt[0] >= len(keys):
                    return
                k = keys[nxt[0]]
                nxt[0] += 1
            cut = None
            if not strict and rng.random() < CUTOFF:
                cut = rng.randint(2, 12)
            rec, p = run_person(base, k, rng, strict, cut)
            with mu:
                recs[k] = rec
                if p is not None:
                    later.append((k, p))

    def run(n_threads, fn):
        ts = [threading.Thread(target=fn, args=(i,)) for i in range(n_threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    run(int(conc), worker)
    # The cut-off ones come back, in a second wave.
    todo = list(later)

    def back(i):
        while True:
            with mu:
                if not todo:
                    return
                k, p = todo.pop()
            resume(base, k, recs[k], p, strict)
    run(min(int(conc), max(1, len(later))), back)
    elapsed = time.time() - t0
    with open(out, "w") as f:
        json.dump({"started": t0, "seconds": elapsed, "base": base,
                   "respondents": recs}, f)
    fin = sum(1 for r in recs.values() if r["finished"])
    errs = [r["error"] for r in recs.values() if r["error"]]
    st = [sum(r["stats"][i] for r in recs.values()) for i in range(4)]
    print(f"drive: {len(recs)} respondents in {elapsed:.1f} s, {fin} "
          f"finished, {len(errs)} failed; {st[0]} retries after 503 or a "
          f"lost connection, {st[1]} double submits, {st[2]} pages in two "
          f"tabs, {len(later)} cut off; {st[3]} requests sent again on a "
          f"new connection after a kept-alive one closed unanswered",
          file=sys.stderr)
    for e in errs[:5]:
        print(f"drive: failed: {e}", file=sys.stderr)
    return 0


def psql(sql):
    r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-F",
                        "\t", "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"people.py: psql: {r.stderr.strip()}")
    return [ln.split("\t") for ln in r.stdout.splitlines() if ln]


def cmd_verify(out):
    with open(out) as f:
        data = json.load(f)
    recs = data["respondents"]
    sels = ",".join(f"'{k[:8]}'" for k in recs)
    rows = psql("SELECT r.selector || r.verifier, r.status,"
                " extract(epoch FROM r.completed_at),"
                " (SELECT count(*) FROM response r2"
                "  WHERE r2.invitation_id = r.invitation_id)"
                f" FROM response r WHERE r.selector IN ({sels})")
    resp = {k: (st, float(ca) if ca else None, int(n))
            for k, st, ca, n in rows}
    ans = {}
    for k, var, val, state in psql(
            "SELECT r.selector || r.verifier, a.var, coalesce(a.value,"
            " '\\N'), a.state FROM answer a JOIN response r ON r.id ="
            f" a.response_id WHERE r.selector IN ({sels})"):
        ans[(k, var)] = (val, state)
    bad = []
    fin = done_once = told = found = 0
    dup = 0
    cut = resumed = 0
    failed = 0
    for k, r in recs.items():
        st = resp.get(k)
        if st is None:
            bad.append(f"{k[:8]}: no response row")
            continue
        if st[2] != 1:
            dup += 1
            bad.append(f"{k[:8]}: {st[2]} responses for one invitation")
        if r["error"]:
            failed += 1
        if r["finished"]:
            fin += 1
            # Completed exactly once: completed, and not moved by a later
            # save (completed_at no later than the redirect to takk).
            if st[0] == "completed" and st[1] is not None and \
               st[1] <= r["finished_at"] + 0.5:
                done_once += 1
            else:
                bad.append(f"{k[:8]}: finished but {st[0]} at {st[1]}")
        if r["cut"]:
            cut += 1
            if r["resumed"] == r["cut"]:
                resumed += 1
            else:
                bad.append(f"{k[:8]}: left on {r['cut']}, came back on "
                           f"{r['resumed']}")
        for var, val in r["saved"].items():
            told += 1
            got = ans.get((k, var))
            if got is not None and got[0] == val:
                found += 1
            else:
                bad.append(f"{k[:8]}: {var} told saved {val!r}, "
                           f"database {got!r}")
    print(f"verify: {len(recs)} respondents: {fin} finished, {done_once} "
          f"of them completed exactly once; {failed} gave up; {told} "
          f"answers told saved, {found} in the database with that value; "
          f"{dup} duplicated responses; {cut} cut off, {resumed} resumed "
          f"where they left off")
    for b in bad[:10]:
        print(f"verify: {b}", file=sys.stderr)
    ok = not bad and failed == 0 and fin == len(recs)
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 7 and argv[1] == "drive" and len(argv) <= 8:
        return cmd_drive(*argv[2:])
    if len(argv) == 3 and argv[1] == "verify":
        return cmd_verify(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
