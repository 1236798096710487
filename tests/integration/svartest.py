"""Helpers for the integration tests: a small HTTP client that keeps
cookies and does not follow redirects, and psql for looking at the
database. Standard library only."""
import http.client
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

BASE = os.environ.get("SVAR_TEST_URL", "http://127.0.0.1:8898")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def location(self):
        """Where it sends the browser, without the revision a page save's
        redirect names for the worker's memory (?v=, web_rcache.c): the
        tests compare pages. follow() and .raw_location keep it."""
        loc = self.header("location")
        return re.sub(r"\?v=\d+$", "", loc) if loc else loc

    @property
    def raw_location(self):
        return self.header("location")


class Client:
    """One browser: its own cookies."""

    def __init__(self, keep=False, base=None):
        """keep: one connection for every request, as a browser keeps
        one (and Kore keeps it on one worker); else a new one each.
        base: another server than the one under test."""
        u = urllib.parse.urlparse(base or BASE)
        self.host, self.port = u.hostname, u.port
        self.cookies = {}
        self.keep = None
        if keep:
            self.keep = http.client.HTTPConnection(self.host, self.port,
                                                   timeout=30)

    def request(self, method, path, body=None, headers=None):
        conn = self.keep or http.client.HTTPConnection(self.host, self.port,
                                                       timeout=30)
        h = dict(headers or {})
        path = urllib.parse.urlparse(path)
        target = path.path + ("?" + path.query if path.query else "")
        jar = [f"{k}={v}" for (k, p), v in self.cookies.items()
               if target.startswith(p)]
        if jar:
            h["Cookie"] = "; ".join(jar)
        if isinstance(body, (dict, list)):
            body = urllib.parse.urlencode(body, doseq=True)
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, target, body=body, headers=h)
        r = conn.getresponse()
        raw = r.read()
        # A PDF (the admin's letters) and the .sav, .dta and .xlsx
        # exports are bytes (in .raw); every page must be UTF-8.
        ctype = r.getheader("content-type") or ""
        binary = ctype == "application/pdf" or ctype.startswith(
            "application/x-") or "spreadsheetml" in ctype
        resp = Response(r.status, r.getheaders(),
                        "" if binary else raw.decode("utf-8"))
        resp.raw = raw
        if self.keep is None:
            conn.close()
        elif r.will_close:
            raise AssertionError("the server closed a kept connection")
        for k, v in resp.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                m = re.search(r"Path=([^;]+)", v)
                self.cookies[(name, m.group(1) if m else "/")] = value
        return resp

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, headers=None):
        return self.request("POST", path, fields, headers)

    def follow(self, path, limit=5):
        r = self.get(path)
        while r.status in (301, 302, 303) and limit > 0:
            path = r.raw_location
            r = self.get(path)
            limit -= 1
        r.path = re.sub(r"\?v=\d+$", "", path)
        return r


def csrf(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no csrf field in page"
    return m.group(1)


def psql(sql, *args, user=None):
    """Runs SQL as the owner (or `user`); returns rows as lists of
    strings. Arguments are psql variables: write :'p0', :'p1' in the SQL
    and psql quotes them, so no value is ever pasted into the text."""
    cmd = ["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-F", "\t"]
    if user is not None:
        cmd += ["-U", user]
    for i, a in enumerate(args):
        cmd += ["-v", f"p{i}={a}"]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def load_text(text):
    """svarctl load of a definition given as text; the finished process
    (raises if it fails)."""
    with tempfile.NamedTemporaryFile("w", suffix=".svar",
                                     delete=False) as f:
        f.write(text)
    try:
        return subprocess.run(["build/svarctl", "load", f.name], check=True,
                              capture_output=True, text=True)
    finally:
        os.unlink(f.name)


def new_token():
    """A fresh personal invitation: (link path, code)."""
    out = subprocess.run(["build/svarctl", "tokens", "fastlege", "1"],
                         capture_output=True, text=True, check=True).stdout
    url, code = out.split()
    return url, code


def unit_link(kind="hf"):
    rows = psql("SELECT l.selector || l.verifier FROM unit_link l"
                " JOIN version v ON v.id = l.version_id"
                " WHERE v.key = :'p0' ORDER BY l.id LIMIT 1", kind)
    return "/u/" + rows[0][0]


def key_of(path):
    m = re.match(r"/r/([a-z0-9]+)", urllib.parse.urlparse(path).path)
    return m.group(1)


def response_row(key):
    rows = psql("SELECT id, status, page_id, completed_at FROM response"
                " WHERE selector = :'p0'", key[:8])
    return rows[0] if rows else None


def answers(key):
    rows = psql("SELECT a.var, coalesce(a.value, ''), a.state FROM answer a"
                " JOIN response r ON r.id = a.response_id"
                " WHERE r.selector = :'p0'", key[:8])
    return {v: (val, st) for v, val, st in rows}


def start(client, link):
    """Opens a unit link, presses Start if it shows the start page, and
    returns (key, the page it lands on)."""
    r = client.get(link)
    if r.status == 200:
        r = client.post(link, {"csrf": csrf(r.body)})
    assert r.status == 303, (r.status, r.body[:300])
    r = client.follow(r.location)
    assert r.status == 200, (r.status, r.body[:300])
    return key_of(r.path), r


def complete(client, key, limit=60):
    """Answers nothing on every page, pressing Neste until the end;
    returns the number of pages posted."""
    r = client.follow(f"/r/{key}")
    for n in range(limit):
        if r.path.endswith("/takk"):
            return n
        assert r.status == 200, (r.status, r.path)
        r = client.post(r.path, {"csrf": csrf(r.body), "nav": "next"})
        assert r.status == 303, (r.status, r.body[:300])
        r = client.follow(r.location)
    raise AssertionError("no thank-you page after %d pages" % limit)


def totp(secret, steps=0):
    """The TOTP code for `secret`, `steps` 30-second steps from now, as
    an authenticator app computes it (oathtool, an independent peer)."""
    t = int(time.time()) + 30 * steps
    return subprocess.run(["oathtool", "--totp", "-b", secret, "-N", f"@{t}"],
                          capture_output=True, text=True,
                          check=True).stdout.strip()


_admins = 0


def new_admin(role="admin", password="et langt nok passord"):
    """A fresh account through svarctl user add and the enrolment page;
    returns (name, password, secret). The enrolment spends the code of
    the step before now, so logins can use steps 0 and +1."""
    global _admins
    _admins += 1
    name = "t%s%dx%d" % (role[:2], os.getpid(), _admins)
    out = subprocess.run(["build/svarctl", "user", "add", name, "--role",
                          role], capture_output=True, text=True,
                         check=True).stdout
    path = re.search(r"(/admin/enrol/[a-z0-9]+)", out).group(1)
    c = Client()
    r = c.get(path)
    assert r.status == 200, (r.status, r.body[:300])
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>',
                       r.body).group(1)
    r = c.post(path, {"csrf": csrf(r.body), "password": password,
                      "password2": password, "code": totp(secret, -1)})
    assert r.status == 200 and "Kontoen er klar" in r.body, \
        (r.status, r.body[:500])
    return name, password, secret


def admin_login(client, name, password, secret, steps=0):
    """Logs `client` in; returns the response to the code step."""
    r = client.get("/admin/login")
    assert r.status == 200, r.status
    r = client.post("/admin/login", {"csrf": csrf(r.body), "name": name,
                                     "password": password})
    assert r.status == 303 and r.location == "/admin/login/kode", \
        (r.status, r.body[:300])
    r = client.get("/admin/login/kode")
    return client.post("/admin/login/kode", {"csrf": csrf(r.body),
                                             "code": totp(secret, steps)})
