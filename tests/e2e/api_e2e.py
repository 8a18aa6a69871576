#!/usr/bin/env python3
"""End-to-end tests of the HTTP face (`ecobrain serve --http`), fed by `ecobrain sim`.

What is checked, each against something other than the API itself:
- the routes documented in docs/api.md == the paths of /api/v1/openapi.json ==
  the routes that answer (every documented GET answers, unknown paths 404);
- /latest equals the last row of /series for the same series, and both equal
  what the simulator was acknowledged for (its acked log);
- /aqi/latest equals what `ecobrain air aqi` computes from the same hour's values;
- keyset pagination of /series returns every row once, in order, as one big page does;
- JSON and CSV of a route carry the same rows;
- parameters: every bad one is a 400 naming it; methods 405; bodies 413;
- access: 401 without/with an unknown token, 403 for a read token writing,
  writes land in the catalogue; tokens are configured as SHA-256 digests only;
- SSE: hello, value and aqi events while data flows, alert events from the
  screens, Last-Event-ID resume, a `reset` when the client fell out of the
  buffer, a 503 over max_sse_clients;
- static files: served from --web, no path traversal;
- /healthz and /metrics;
- the problem ledger: a pH spike over HJ 212 opens a problem that is acknowledged, assigned, resolved
  and closed through the API (write token; 403 for a read token), refusals are 400s naming state and
  action, the history is complete, and the CLI (`ecobrain ledger`) shows and acts on the same ledger.
Every server listens on 127.0.0.1 on a port the kernel picks and is stopped here.
Exit 0 pass, 1 fail, 77 skip.
"""
import csv
import datetime
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import crc212, frame  # noqa: E402

EB = os.environ.get("ECOBRAIN", "build/ecobrain")
SRC = os.environ.get("ECO_SRC", os.path.join(os.path.dirname(__file__), "../.."))
TMP = tempfile.mkdtemp(prefix="eco_api_")
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


class Server:
    def __init__(self, name, config="", web=None):
        self.dir = os.path.join(TMP, name)
        os.makedirs(self.dir, exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.config = config
        self.web = web
        self.p = None

    def catalogue(self, sites, devices):
        sp = os.path.join(self.dir, "sites.csv")
        dp = os.path.join(self.dir, "devices.csv")
        with open(sp, "w") as f:
            f.write("code,kind,name,province,city,county,lon,lat,zone\n" + "".join(s + "\n" for s in sites))
        with open(dp, "w") as f:
            f.write("mn,pw,site,profile\n" + "".join(d + "\n" for d in devices))
        subprocess.run([EB, "site", "import", "--data", self.data, sp], check=True, capture_output=True)
        subprocess.run([EB, "device", "import", "--data", self.data, dp], check=True, capture_output=True)

    def start(self):
        hp, pp = os.path.join(self.dir, "hj212.port"), os.path.join(self.dir, "http.port")
        for f in (hp, pp):
            if os.path.exists(f):
                os.unlink(f)
        cmd = [EB, "serve", "--data", self.data, "--hj212", "127.0.0.1:0", "--port-file", hp,
               "--http", "127.0.0.1:0", "--http-port-file", pp]
        if self.web:
            cmd += ["--web", self.web]
        if self.config:
            cfgp = os.path.join(self.dir, "serve.ini")
            with open(cfgp, "w") as f:
                f.write(self.config)
            cmd += ["--config", cfgp]
        self.logf = open(os.path.join(self.dir, "serve.log"), "a")
        self.p = subprocess.Popen(cmd, stderr=self.logf, stdout=self.logf)
        for _ in range(200):
            if os.path.exists(hp) and os.path.exists(pp):
                self.hj212 = int(open(hp).read())
                self.http = int(open(pp).read())
                return self
            if self.p.poll() is not None:
                raise RuntimeError("server exited: " + open(os.path.join(self.dir, "serve.log")).read()[-2000:])
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(timeout=60)
        self.logf.close()
        return self.p.returncode

    def req(self, path, method="GET", body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.http, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def json(self, path, headers=None):
        st, h, d = self.req(path, headers=headers)
        try:
            return st, json.loads(d)
        except ValueError:
            return st, None

    def csv(self, path):
        st, h, d = self.req(path)
        return st, list(csv.DictReader(io.StringIO(d.decode())))


class Sse:
    """A Server-Sent Events reader in a thread: events as (id, type, data dict)."""

    def __init__(self, port, path="/api/v1/stream", headers=None):
        self.events = []
        self.status = None
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        hdr = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n{hdr}\r\n".encode())
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        buf = b""
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    break
                buf += d
                if self.status is None and b"\r\n" in buf:
                    self.status = int(buf.split(b" ", 2)[1])
                for m in re.finditer(rb"id: (\d+)\nevent: |event: (\w+)\nid: (\d+)\ndata: (.*)\n\n", buf):
                    pass
                # parse complete events (the chunked framing puts size lines between; strip them)
                text = buf.decode(errors="replace")
                evs = re.findall(r"event: (\w+)\nid: (\d+)\ndata: (.*?)\n\n", text, re.S)
                self.events = [(int(i), t, _loads(dd)) for t, i, dd in evs]
        except OSError:
            pass

    def wait(self, pred, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if pred(self.events):
                return True
            time.sleep(0.05)
        return pred(self.events)

    def wait_open(self, timeout=15):
        """Until the status line has come: the server registers a stream (and what it wants, such as
        minute values) before it answers, so from then on the stream sees every commit."""
        return self.wait(lambda e: self.status is not None, timeout)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def _loads(s):
    s = re.sub(r"\r\n[0-9A-Fa-f]+\r\n", "", s)  # a chunk boundary inside an event
    try:
        return json.loads(s)
    except ValueError:
        return None


def sim(srv, kind, n, secs, extra=()):
    log = os.path.join(srv.dir, f"acked-{kind}.csv")
    r = subprocess.run([EB, "sim", "--target", f"127.0.0.1:{srv.hj212}", "--devices", str(n), "--kind", kind,
                        "--interval-ms", "20", "--duration", str(secs), "--seed", "7", "--acked-log", log, "--quiet"]
                       + list(extra), capture_output=True, text=True, timeout=300)
    return r.returncode, log


SITES = ["A1,air,西湖,浙江省,杭州市,西湖区,120.15,30.27,",
         "A2,air,下沙,浙江省,杭州市,钱塘区,120.34,30.31,",
         "A3,air,市监测站,浙江省,宁波市,海曙区,121.55,29.87,",
         "W1,water,闸口断面,浙江省,杭州市,上城区,120.17,30.21,Ⅲ",
         "P1,outlet,某厂废水排口,浙江省,宁波市,,,,"]
DEVICES = ["SIMA00000001,123456,A1,strict", "SIMA00000002,123456,A2,strict", "SIMA00000003,123456,A3,strict",
           "SIMW00000001,123456,W1,strict", "EFF-1,p,P1,strict"]


def documented_routes():
    routes = set()
    with open(os.path.join(SRC, "docs/api.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^### `(GET|POST) (/[^` ]*)`", line)
            if m:
                routes.add((m.group(1), m.group(2)))
    return routes


def test_main():
    web = os.path.join(TMP, "web")
    os.makedirs(os.path.join(web, "vendor"), exist_ok=True)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>ecobrain</title>")
    with open(os.path.join(web, "vendor", "x.js"), "w") as f:
        f.write("1;")
    with open(os.path.join(TMP, "secret.txt"), "w") as f:
        f.write("TOPSECRET-CONTENT")
    srv = Server("main", config="[http]\nsse_buffer = 16\nmax_sse_clients = 3\n", web=web)
    srv.catalogue(SITES, DEVICES)
    srv.start()
    sse = Sse(srv.http)
    check(sse.wait(lambda e: any(t == "hello" for _, t, _ in e) or sse.status is not None, 10) and sse.status == 200,
          f"sse: connected ({sse.status})")

    # ---- data flows in
    rc_a, log_a = sim(srv, "air", 3, 3)
    rc_w, log_w = sim(srv, "water", 1, 3, ["--bad-rate", "0.1"])
    check(rc_a == 0 and rc_w == 0, "sim: every record acknowledged")

    # ---- openapi == docs == routes
    st, doc = srv.json("/api/v1/openapi.json")
    check(st == 200 and doc and doc.get("openapi", "").startswith("3."), "openapi: a 3.x document")
    spec = set()
    for p, ops in (doc or {}).get("paths", {}).items():
        for m in ops:
            spec.add((m.upper(), p))
    docs = documented_routes()
    check(spec == docs, f"openapi: the same routes as docs/api.md (only in openapi {sorted(spec - docs)}, "
                        f"only in docs {sorted(docs - spec)})")
    need = {"/api/v1/series": "?site=A1", "/api/v1/stream": None, "/api/v1/ledger/item": None,
            "/api/v1/targets": None}
    for m, p in sorted(spec):
        if m != "GET" or need.get(p, "") is None:
            continue
        st, _, _ = srv.req(p + need.get(p, ""))
        check(st == 200, f"route answers: GET {p} -> {st}")
    st, _, d = srv.req("/api/v1/nothing")
    check(st == 404 and json.loads(d)["error"] == "not_found", "unknown route: 404 with a JSON error")
    st, _, d = srv.req("/api/v1/targets")
    check(st == 404 and json.loads(d)["error"] == "not_configured", f"targets without a plan: 404 not_configured ({st})")
    st, _, d = srv.req("/api/v1/latest", method="POST", body=b"{}")
    check(st == 405, f"wrong method: 405 ({st})")

    # ---- latest vs series vs the simulator's acknowledged values
    acked = {}
    for row in csv.reader(open(log_a)):
        if row and row[1] == "2061":
            key = (row[0], row[3])
            if key not in acked or row[2] > acked[key][0]:
                acked[key] = (row[2], float(row[4]))
    st, lat = srv.json("/api/v1/latest?granularity=hour&kind=air")
    rows = lat["rows"] if lat else []
    check(st == 200 and len(rows) == len(acked) and len(rows) >= 18,
          f"latest: one hour row per air series ({len(rows)} rows, {len(acked)} acknowledged series)")
    bad = 0
    for r in rows:
        a = acked.get((r["mn"], r["factor"]))
        t = r["time"].replace("-", "").replace("T", "").replace(":", "")[:14]
        if not a or a[0] != t or abs(a[1] - r["value"]) > 1e-9:
            bad += 1
    check(rows and bad == 0, f"latest: every value is the newest the simulator was acknowledged for ({bad} differ)")
    r0 = rows[0] if rows else {"mn": "", "factor": "", "time": "", "value": None, "site": ""}
    st, ser = srv.json(f"/api/v1/series?mn={r0['mn']}&factor={r0['factor']}&granularity=hour&limit=10000")
    last = ser["rows"][-1] if ser and ser["rows"] else {}
    check(st == 200 and last.get("time") == r0["time"] and last.get("value") == r0["value"],
          f"series: its last row is the latest value ({last} vs {r0})")
    st, lcsv = srv.csv("/api/v1/latest?granularity=hour&kind=air&format=csv")
    same = len(lcsv) == len(rows) and all(c["mn"] == j["mn"] and c["factor"] == j["factor"] and c["time"] == j["time"]
                                          and float(c["value"]) == j["value"] for c, j in zip(lcsv, rows))
    check(st == 200 and same, "latest: CSV carries the same rows as JSON")
    st, h, _ = srv.req("/api/v1/latest", headers={"Accept": "text/csv"})
    check(h.get("content-type", "").startswith("text/csv"), "Accept: text/csv answers CSV")
    # a large answer asked for again comes from the snapshot, zstd-compressed for clients that accept it
    plain = srv.req("/api/v1/latest")[2]
    st, h, z = srv.req("/api/v1/latest", headers={"Accept-Encoding": "zstd"})
    check(st == 200 and h.get("content-encoding") == "zstd" and z[:4] == b"\x28\xb5\x2f\xfd" and len(z) < len(plain),
          f"latest: zstd for clients that accept it ({len(z)} of {len(plain)} bytes)")
    if shutil.which("zstd"):
        d = subprocess.run(["zstd", "-dc"], input=z, capture_output=True).stdout
        check(d == plain, "latest: the zstd answer decompresses to the plain one")
    st, h, p2 = srv.req("/api/v1/latest")
    check(h.get("content-encoding") is None and p2 == plain, "latest: plain for clients that do not")
    st, a1 = srv.json("/api/v1/latest?site=A1&granularity=hour")
    check(a1 and a1["rows"] and all(r["site"] == "A1" for r in a1["rows"]), "latest: site filter")

    # ---- pagination
    st, full = srv.json("/api/v1/series?site=A1&granularity=minute&limit=10000")
    allrows = full["rows"] if full else []
    pages, cur, n = [], None, 0
    while n < 1000:
        q = "/api/v1/series?site=A1&granularity=minute&limit=37" + (f"&after={cur}" if cur else "")
        st, pg = srv.json(q.replace("+", "%2B").replace("|", "%7C"))
        if st != 200:
            break
        pages += pg["rows"]
        cur = pg["next"]
        n += 1
        if not cur:
            break
    key = lambda r: (r["mn"], r["time"], r["factor"])
    check(len(allrows) > 100 and [key(r) for r in pages] == [key(r) for r in allrows],
          f"series: {n} pages of 37 = one page of {len(allrows)}, no gap, no repeat")
    check(allrows == sorted(allrows, key=key), "series: ordered by device, time, factor")
    st, h, _ = srv.req("/api/v1/series?site=A1&granularity=minute&limit=5&format=csv")
    check(h.get("x-next-cursor", "").count("|") == 2, "series: CSV pages carry X-Next-Cursor")

    # ---- AQI against the CLI's air engine
    st, aq = srv.json("/api/v1/aqi/latest")
    sites = {s["site"]: s for s in (aq["sites"] if aq else [])}
    check(st == 200 and set(sites) == {"A1", "A2", "A3"}, f"aqi: every air site ({sorted(sites)})")
    lines = ["site,time,so2,no2,co,o3,pm10,pm2_5"]
    for s in sites.values():
        v = s["values"]
        t = s["time"][:19].replace("T", " ")
        lines.append(",".join([s["site"], t] + ["" if v[k] is None else repr(v[k]) for k in
                                                ("so2", "no2", "co", "o3", "pm10", "pm2_5")]))
    cli = subprocess.run([EB, "air", "aqi", "--format", "csv", "--columns", "site,aqi,category,primary", "-"],
                         input="\n".join(lines) + "\n", capture_output=True, text=True)
    cli_rows = {r["site"]: r for r in csv.DictReader(io.StringIO(cli.stdout))}
    agree = all(str(s["aqi"] if s["aqi"] is not None else "") == cli_rows.get(k, {}).get("aqi") and
                (s["category"] or "") == cli_rows[k]["category"] for k, s in sites.items())
    check(cli.returncode == 0 and sites and agree, f"aqi: the same AQI and category as `air aqi` ({cli.stderr[:200]})")
    check(all(s["color"] and s["color"].startswith("#") for s in sites.values() if s["aqi"] is not None),
          "aqi: HJ 633 colours")
    st, wl = srv.json("/api/v1/water/latest")
    w = (wl or {}).get("sites", [])
    check(st == 200 and len(w) == 1 and 1 <= (w[0]["class"] or 0) <= 6 and w[0]["target"] == "Ⅲ" and
          isinstance(w[0]["meets"], bool), f"water: the section's class and target ({w})")

    # ---- sites, devices
    st, s1 = srv.json("/api/v1/sites?kind=air")
    check(st == 200 and s1["count"] == 3 and all(s["kind"] == "air" for s in s1["sites"]), "sites: kind filter")
    st, geo = srv.json("/api/v1/sites?format=geojson")
    check(st == 200 and geo["type"] == "FeatureCollection" and len(geo["features"]) == 4,
          "sites: GeoJSON leaves out the site without coordinates")
    st, h, d = srv.req("/api/v1/devices")
    dj = json.loads(d)
    check(st == 200 and dj["count"] == 5 and b"123456" not in d and b'"pw"' not in d,
          "devices: listed, never with their passwords")
    check(any(x["online"] for x in dj["devices"]), "devices: those that sent are online")
    # health counters: the simulator's frames and its corrupted ones, a wrong password
    s = socket.create_connection(("127.0.0.1", srv.hj212), timeout=10)
    s.sendall(frame("QN=20260501080000000;ST=32;CN=2051;PW=wrong;MN=EFF-1;Flag=5;CP=&&DataTime=20260501080000;"
                    "w01001-Avg=7.1,w01001-Flag=N&&"))
    s.recv(4096)
    s.close()
    ok = False
    for _ in range(50):
        dv = {x["mn"]: x for x in srv.json("/api/v1/devices")[1]["devices"]}
        if dv["EFF-1"]["refused"] == 1:
            ok = True
            break
        time.sleep(0.1)
    a1d, w1d = dv["SIMA00000001"], dv["SIMW00000001"]
    check(ok and dv["EFF-1"]["frames_ok"] == 0, f"devices: a wrong password counts as refused ({dv['EFF-1']})")
    check(a1d["frames_ok"] > 100 and a1d["frames_bad"] == 0 and not a1d["connected"],
          f"devices: frames accepted, none broken, disconnected after the run ({a1d})")
    check(w1d["frames_bad"] > 0, f"devices: corrupted frames on its connection counted ({w1d})")

    # ---- bad parameters: 400 naming them
    for q, word in [("/api/v1/latest?kind=lake", "kind"), ("/api/v1/latest?granularity=week", "granularity"),
                    ("/api/v1/series?site=A1&limit=0", "limit"), ("/api/v1/series?site=A1&limit=x", "limit"),
                    ("/api/v1/series?site=A1&from=2026-02-30", "from"), ("/api/v1/series", "site or mn"),
                    ("/api/v1/series?site=A1&from=2024-01-01&to=2026-01-01", "366"),
                    ("/api/v1/series?site=A1&from=2026-05-02&to=2026-05-01", "after"),
                    ("/api/v1/series?site=A1&after=garbage", "after"), ("/api/v1/sites?format=xml", "format"),
                    ("/api/v1/latest?sitee=A1", "sitee"), ("/api/v1/alerts?limit=99999", "limit"),
                    ("/api/v1/stream?minute=2", "minute")]:
        st, _, d = srv.req(q)
        try:
            e = json.loads(d)
        except ValueError:
            e = {}
        check(st == 400 and e.get("error") == "bad_request" and word in e.get("detail", ""),
              f"400 for {q}: {e.get('detail')}")

    # ---- alerts: a pH spike from a real frame, seen by /alerts and by SSE
    s = socket.create_connection(("127.0.0.1", srv.hj212), timeout=10)
    ph = [7.88, 7.90, 7.87, 7.89, 7.91, 7.90, 7.88, 7.89, 7.90, 7.91, 9.34, 10.21, 8.47, 7.92, 7.90, 7.89]
    for i, v in enumerate(ph):
        s.sendall(frame(f"QN=202605010800{i:05d};ST=32;CN=2051;PW=p;MN=EFF-1;Flag=5;"
                        f"CP=&&DataTime=20260501{8 + i // 60:02d}{i % 60:02d}00;w01001-Avg={v},w01001-Flag=N;"
                        f"w01018-Avg={30 + (i % 5)},w01018-Flag=N&&"))
    got = b""
    end = time.time() + 20
    while got.count(b"\r\n") < len(ph) and time.time() < end:
        got += s.recv(65536)
    s.close()
    st, al = srv.json("/api/v1/alerts?from=2026-05-01&to=2026-05-02")
    a = (al or {}).get("alerts", [])
    check(st == 200 and len(a) == 1 and a[0]["screen"] == "spike" and a[0]["site"] == "P1" and
          a[0]["evidence"].endswith("08:12:00=8.47"), f"alerts: the spike, with its site and evidence ({a})")
    st, al2 = srv.json("/api/v1/alerts?from=2026-05-01&to=2026-05-02&screen=flat")
    check(st == 200 and al2["count"] == 0, "alerts: screen filter")
    check(sse.wait(lambda e: any(t == "alert" and d and d.get("screen") == "spike" and d.get("site") == "P1"
                                 for _, t, d in e), 10), "sse: the alert arrived live")
    # the buffer is 16 events: this client, connected from the start, fell behind at some point or kept up;
    # either way it saw values and AQI changes
    check(any(t == "value" for _, t, _ in sse.events) and any(t == "aqi" for _, t, _ in sse.events),
          f"sse: value and aqi events ({len(sse.events)} events)")
    ids = [i for i, _, _ in sse.events]
    check(ids == sorted(ids) and len(ids) == len(set(ids)), "sse: ids increase, none repeated")
    head = max(ids) if ids else 0
    sse.close()

    # ---- resume and lag
    r1 = Sse(srv.http, headers={"Last-Event-ID": str(head - 3)})
    check(r1.wait(lambda e: len([1 for i, t, _ in e if t != "hello"]) >= 3, 10) and
          [i for i, t, _ in r1.events if t != "hello"][:3] == [head - 2, head - 1, head],
          f"sse: Last-Event-ID resumes right after it ({[i for i, _, _ in r1.events][:5]})")
    check(head > 17, f"sse: more events than the buffer of 16 holds ({head})")
    r2 = Sse(srv.http, headers={"Last-Event-ID": "1"})
    check(r2.wait(lambda e: any(t == "reset" for _, t, _ in e), 10), "sse: a client that fell out of the buffer is told to reset")
    r3 = Sse(srv.http)
    r4 = Sse(srv.http)
    check(r4.wait(lambda e: r4.status is not None, 10) and r4.status == 503, f"sse: over max_sse_clients: 503 ({r4.status})")
    for x in (r1, r2, r3, r4):
        x.close()

    # ---- review fixes: values as sent that JSON cannot hold, cache keys, minute events, metrics
    s = socket.create_connection(("127.0.0.1", srv.hj212), timeout=10)
    s.sendall(frame("QN=20260501090000000;ST=22;CN=2061;PW=p;MN=EFF-1;Flag=5;CP=&&DataTime=20260501090000;"
                    "w01001-Avg=.5,w01001-Flag=N&&"))
    s.recv(4096)
    s.close()
    st, _, d = srv.req("/api/v1/series?mn=EFF-1&factor=w01001&from=2026-05-01&to=2026-05-02")
    try:
        vals = [r["value"] for r in json.loads(d)["rows"]]
    except ValueError:
        vals = None
    check(st == 200 and vals == [0.5], f"series: a value sent as '.5' is valid JSON 0.5 ({d[:120]!r})")
    st, poisoned = srv.json("/api/v1/latest?site=A2%7Cfactor%3Da34002")
    st, real = srv.json("/api/v1/latest?site=A2&factor=a34002")
    check(poisoned["count"] == 0 and real["count"] >= 1, "latest: a value containing '|' cannot pose as two arguments")
    st, _, m = srv.req("/metrics")
    series_lines = [l.rsplit(" ", 1)[0] for l in m.decode().splitlines() if l and not l.startswith("#")]
    check(len(series_lines) == len(set(series_lines)), "metrics: no series twice")
    fine = Sse(srv.http, "/api/v1/stream?minute=1")
    check(fine.wait_open(), "sse: minute=1 stream open")  # a fixed sleep here lost the race under load
    rc_f, _ = sim(srv, "air", 1, 1)
    check(fine.wait(lambda e: any(t == "value" and d and d.get("granularity") == "minute" for _, t, d in e), 15),
          "sse: minute=1 streams minute values")
    fine.close()
    st, h, _ = srv.req("/api/v1/latest", headers={"Accept-Encoding": "zstd;q=0, gzip"})
    check(h.get("content-encoding") is None, "zstd;q=0 is a refusal")
    fut = Sse(srv.http, headers={"Last-Event-ID": "999999999"})
    check(fut.wait(lambda e: any(t == "reset" for _, t, _ in e), 10), "sse: an id from another server run is told to reset")
    fut.close()


    # ---- static files
    st, h, d = srv.req("/")
    check(st == 200 and b"ecobrain" in d and h.get("content-type", "").startswith("text/html"), "static: / is index.html")
    st, h, d = srv.req("/vendor/x.js")
    check(st == 200 and h.get("content-type", "").startswith("text/javascript"), "static: vendor files")
    os.symlink(TMP, os.path.join(web, "up"))
    for p in ["/../secret.txt", "/%2e%2e/secret.txt", "/vendor/../../secret.txt", "/.hidden", "//etc/passwd",
              "/vendor/..%2f..%2fsecret.txt", "/up/secret.txt"]:
        st, _, d = srv.req(p)
        check(st in (400, 404) and b"TOPSECRET" not in d, f"static: no traversal with {p} ({st})")

    # ---- operations
    st, hz = srv.json("/healthz")
    check(st == 200 and hz["status"] == "ok" and hz["schema"] >= 3, "healthz")
    st, _, m = srv.req("/metrics")
    mt = m.decode()
    fr = re.search(r'ecobrain_frames_total\{result="ok"\} (\d+)', mt)
    check(st == 200 and fr and int(fr.group(1)) > 0 and "ecobrain_http_requests_total{route=" in mt and
          "ecobrain_sse_clients" in mt, "metrics: Prometheus text with frames and HTTP requests")
    st, h, d = srv.req("/api/v1/latest", headers={"Origin": "https://evil.example"})
    check("access-control-allow-origin" not in h, "CORS: off unless configured")
    st, h, d = srv.req("/api/v1/latest", method="HEAD")
    check(st == 200 and d == b"", "HEAD: headers only")
    gone = False
    for _ in range(50):
        mm = re.search(r"^ecobrain_sse_clients (\d+)", srv.req("/metrics")[2].decode(), re.M)
        if mm and mm.group(1) == "0":
            gone = True
            break
        time.sleep(0.1)
    check(gone, "sse: clients that hung up are let go (no data needed to notice)")
    check(srv.stop() == 0, "server: stops cleanly with SSE clients around")


def test_auth():
    rtok, wtok = "reader-token-1", "writer-token-2"
    rh, wh = hashlib.sha256(rtok.encode()).hexdigest(), hashlib.sha256(wtok.encode()).hexdigest()
    cli = subprocess.run([EB, "token", "hash", rtok], capture_output=True, text=True).stdout.strip()
    check(cli == rh, "token hash: SHA-256 as the config holds it")
    srv = Server("auth", config=f"[http]\nread_token_sha256 = {rh}\nwrite_token_sha256 = {wh}\n"
                                "max_body = 2048\ncatalogue_refresh_s = 1\ncors_origin = https://gis.example.cn\n")
    srv.catalogue(SITES[:1], DEVICES[:1])
    srv.start()
    st, _, d = srv.req("/api/v1/sites")
    check(st == 401 and json.loads(d)["error"] == "unauthorized", "auth: no token, 401")
    st, _, _ = srv.req("/api/v1/sites", headers={"Authorization": "Bearer nope"})
    check(st == 401, "auth: unknown token, 401")
    st, _, _ = srv.req("/api/v1/sites", headers={"Authorization": f"Bearer {rtok}"})
    check(st == 200, "auth: read token reads")
    st, _, _ = srv.req("/api/v1/sites", headers={"Authorization": f"Bearer {wtok}"})
    check(st == 200, "auth: write token reads too")
    st, _, _ = srv.req("/healthz")
    check(st == 200, "auth: /healthz stays open")
    st, h, _ = srv.req("/api/v1/sites", method="OPTIONS", headers={"Origin": "https://gis.example.cn",
                                                                  "Access-Control-Request-Method": "GET"})
    check(st == 204 and h.get("access-control-allow-origin") == "https://gis.example.cn" and
          "Authorization" in h.get("access-control-allow-headers", ""), f"CORS: preflight answered ({st})")
    st, h, _ = srv.req("/api/v1/sites", headers={"Authorization": f"Bearer {rtok}"})
    check(h.get("access-control-allow-origin") == "https://gis.example.cn", "CORS: the configured origin on answers")
    body = json.dumps([{"code": "N1", "kind": "noise", "name": "新站", "city": "杭州市", "lon": 120.1, "lat": 30.2}])
    st, _, _ = srv.req("/api/v1/sites", method="POST", body=body, headers={"Authorization": f"Bearer {rtok}"})
    check(st == 403, f"auth: a read token cannot write, 403 ({st})")
    st, _, _ = srv.req("/api/v1/sites", method="POST", body=body)
    check(st == 401, "auth: writing without a token, 401")
    st, _, d = srv.req("/api/v1/sites", method="POST", body=b"{not json", headers={"Authorization": f"Bearer {wtok}"})
    check(st == 400 and "not JSON" in json.loads(d)["detail"], "POST: bad JSON is a 400 saying so")
    st, _, d = srv.req("/api/v1/sites", method="POST", body=json.dumps({"code": "X", "kind": "volcano"}),
                       headers={"Authorization": f"Bearer {wtok}"})
    check(st == 400 and "volcano" in json.loads(d)["detail"], "POST: a bad kind is a 400 naming it")
    st, _, _ = srv.req("/api/v1/sites", method="POST", body=b"[" + b" " * 4000 + b"]",
                       headers={"Authorization": f"Bearer {wtok}"})
    check(st == 413, f"POST: a body over max_body is a 413 ({st})")
    st, _, d = srv.req("/api/v1/sites", method="POST", body=body, headers={"Authorization": f"Bearer {wtok}"})
    check(st == 200 and json.loads(d)["written"] == 1, "POST: the write token writes")
    ok = False
    for _ in range(60):
        st, s = srv.json("/api/v1/sites?kind=noise", headers={"Authorization": f"Bearer {rtok}"})
        if s and s["count"] == 1 and s["sites"][0]["name"] == "新站":
            ok = True
            break
        time.sleep(0.1)
    check(ok, "POST: the new site is in the catalogue the API serves")
    lst = subprocess.run([EB, "site", "list", "--data", srv.data], capture_output=True, text=True).stdout
    check("N1" in lst and "A1" in lst, "POST: stored, and nothing else lost")
    check(srv.stop() == 0, "auth server stops")


def send_ph(srv, base, ph, mn="EFF-1", pw="p"):
    """pH (w01001) minute records at base + i minutes over one connection; returns the replies seen."""
    s = socket.create_connection(("127.0.0.1", srv.hj212), timeout=10)
    for i, v in enumerate(ph):
        t = base + datetime.timedelta(minutes=i)
        s.sendall(frame(f"QN={t:%Y%m%d%H%M%S}{i:03d};ST=32;CN=2051;PW={pw};MN={mn};Flag=5;"
                        f"CP=&&DataTime={t:%Y%m%d%H%M%S};w01001-Avg={v},w01001-Flag=N&&"))
    got = b""
    end = time.time() + 20
    while got.count(b"\r\n") < len(ph) and time.time() < end:
        got += s.recv(65536)
    s.close()
    return got.count(b"\r\n")


def test_ledger():
    rtok, wtok = "ledger-reader", "ledger-writer"
    rh, wh = hashlib.sha256(rtok.encode()).hexdigest(), hashlib.sha256(wtok.encode()).hexdigest()
    R, W = {"Authorization": f"Bearer {rtok}"}, {"Authorization": f"Bearer {wtok}"}
    srv = Server("ledger", config=f"[http]\nread_token_sha256 = {rh}\nwrite_token_sha256 = {wh}\n"
                                  "[ledger]\nquiet_hours = 24\n")
    srv.catalogue(SITES, DEVICES)
    srv.start()
    # readings of the last hour (Beijing time), so that the hysteresis sweep leaves the problem open
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=8)
    base = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=45)
    ph = [7.88, 7.90, 7.87, 7.89, 7.91, 7.90, 7.88, 7.89, 7.90, 7.91, 9.34, 10.21, 8.47, 7.92, 7.90, 7.89]
    check(send_ph(srv, base, ph) == len(ph), "ledger: the pH readings acknowledged")

    def act(body, headers=W):
        st, _, d = srv.req("/api/v1/ledger/action", method="POST", body=json.dumps(body), headers=headers)
        try:
            return st, json.loads(d)
        except ValueError:
            return st, {}

    st, led = srv.json("/api/v1/ledger", headers=R)
    ps = (led or {}).get("problems", [])
    check(st == 200 and len(ps) == 1 and ps[0]["state"] == "open" and ps[0]["kind"] == "spike" and
          ps[0]["site"] == "P1" and ps[0]["mn"] == "EFF-1" and ps[0]["factor"] == "w01001" and
          ps[0]["severity"] == "high" and ps[0]["alerts"] == 1 and ps[0]["assignee"] is None,
          f"ledger: the spike opened one problem ({ps})")
    pid = ps[0]["id"] if ps else 0
    st, al = srv.json("/api/v1/alerts?from=2000-01-01", headers=R)
    alerts = (al or {}).get("alerts", [])
    st, it = srv.json(f"/api/v1/ledger/item?id={pid}", headers=R)
    check(st == 200 and it and len(alerts) == 1 and [a["id"] for a in it["alerts"]] == [alerts[0]["id"]] and
          it["alerts"][0]["evidence"] == alerts[0]["evidence"],
          "ledger/item: the problem's alert is the stored alert")
    h0 = (it or {}).get("history", [])
    check(len(h0) == 1 and h0[0]["action"] == "open" and h0[0]["by"] == "ecobrain" and h0[0]["from"] is None and
          h0[0]["to"] == "open" and h0[0]["alert"] == alerts[0]["id"], f"ledger/item: opened by the alert ({h0})")
    st, _ = srv.json("/api/v1/ledger")
    check(st == 401, "ledger: reading needs the token when reads are protected")

    # ---- access and refusals
    st, _ = act({"id": pid, "action": "ack", "by": "李科长"}, headers=R)
    check(st == 403, f"ledger/action: a read token cannot act, 403 ({st})")
    st, _ = act({"id": pid, "action": "ack", "by": "李科长"}, headers={})
    check(st == 401, f"ledger/action: no token, 401 ({st})")
    st, e = act({"id": pid, "action": "close", "by": "李科长"})
    check(st == 400 and "is open" in e.get("detail", "") and "'close'" in e.get("detail", ""),
          f"ledger/action: close on an open problem is a 400 naming both ({e.get('detail')})")
    st, e = act({"id": pid, "action": "delete", "by": "李科长"})
    check(st == 400 and "delete" in e.get("detail", ""), f"ledger/action: an unknown action, 400 ({e.get('detail')})")
    st, e = act({"id": 99999, "action": "ack", "by": "李科长"})
    check(st == 404 and "99999" in e.get("detail", ""), f"ledger/action: an unknown id, 404 ({st})")
    st, e = act({"id": pid, "action": "ack"})
    check(st == 400 and "by" in e.get("detail", ""), "ledger/action: who acts is required")
    st, e = act({"id": pid, "action": "ack", "by": "x", "nott": "typo"})
    check(st == 400 and "nott" in e.get("detail", ""), "ledger/action: an unknown key is a 400 naming it")
    st, _, d = srv.req("/api/v1/ledger/action", method="POST", body=b"{oops", headers=W)
    check(st == 400 and "not JSON" in json.loads(d)["detail"], "ledger/action: bad JSON, 400")

    # ---- the life of the problem
    st, a1 = act({"id": pid, "action": "ack", "by": "李科长", "note": "收到"})
    check(st == 200 and a1.get("problem", {}).get("state") == "acknowledged", f"ledger: acknowledged ({st})")
    st, e = act({"id": pid, "action": "ack", "by": "李科长"})
    check(st == 400 and "is acknowledged" in e.get("detail", "") and "'ack'" in e.get("detail", ""),
          f"ledger: acknowledging twice is a 400 naming state and action ({e.get('detail')})")
    st, e = act({"id": pid, "action": "assign", "by": "李科长"})
    check(st == 400 and "to" in e.get("detail", ""), "ledger: assign needs to whom")
    st, e = act({"id": pid, "action": "assign", "by": "李科长", "to": "王工", "due": "2026-02-30"})
    check(st == 400 and "2026-02-30" in e.get("detail", ""), "ledger: a bad due date is a 400 naming it")
    st, a2 = act({"id": pid, "action": "assign", "by": "李科长", "to": "王工", "due": "2020-01-10",
                  "note": "请今天到现场"})
    p2 = a2.get("problem", {})
    check(st == 200 and p2.get("state") == "assigned" and p2.get("assignee") == "王工" and p2.get("due") == "2020-01-10",
          f"ledger: assigned with a due date ({p2})")
    # a due date long past: overdue while it is not resolved
    st, od = srv.json("/api/v1/ledger?overdue=1", headers=R)
    check(p2.get("overdue") is True and od and od["count"] == 1 and od["problems"][0]["overdue"] is True,
          f"ledger: past its due date and not resolved: overdue ({od})")
    st, a3 = act({"id": pid, "action": "resolve", "by": "王工", "note": "pH 探头已校准"})
    check(st == 200 and a3.get("problem", {}).get("state") == "resolved", "ledger: resolved")
    st, od = srv.json("/api/v1/ledger?overdue=1", headers=R)
    check(a3.get("problem", {}).get("overdue") is False and od and od["count"] == 0, "ledger: resolved is not overdue")
    st, a4 = act({"id": pid, "action": "close", "by": "李科长"})
    check(st == 200 and a4.get("problem", {}).get("state") == "closed", "ledger: closed")
    st, e = act({"id": pid, "action": "reopen", "by": "李科长"})
    check(st == 400 and "is closed" in e.get("detail", "") and "'reopen'" in e.get("detail", ""),
          f"ledger: a closed problem stays closed ({e.get('detail')})")
    st, it = srv.json(f"/api/v1/ledger/item?id={pid}", headers=R)
    h = (it or {}).get("history", [])
    chain = [(x["action"], x["by"], x["from"], x["to"]) for x in h]
    check(chain == [("open", "ecobrain", None, "open"), ("ack", "李科长", "open", "acknowledged"),
                    ("assign", "李科长", "acknowledged", "assigned"), ("resolve", "王工", "assigned", "resolved"),
                    ("close", "李科长", "resolved", "closed")],
          f"ledger: the history is complete, refusals left no trace ({chain})")
    check([x["note"] for x in h[1:]] == ["收到", "请今天到现场", "pH 探头已校准", ""] and
          h[2]["assignee"] == "王工" and h[2]["due"] == "2020-01-10", "ledger: notes, assignee and due in the history")
    times = [x["time"] for x in h]
    check(times == sorted(times), "ledger: history in time order")

    # ---- list: filters, CSV = JSON, bad parameters
    for q, n in [("state=closed", 1), ("state=open", 0), ("site=P1", 1), ("site=A1", 0), ("limit=1", 1)]:
        st, l2 = srv.json(f"/api/v1/ledger?{q}", headers=R)
        check(st == 200 and l2["count"] == n, f"ledger: ?{q} gives {n} ({l2 and l2['count']})")
    for q, word in [("state=gone", "state"), ("limit=0", "limit"), ("stat=open", "stat"), ("overdue=2", "overdue")]:
        st, _, d = srv.req(f"/api/v1/ledger?{q}", headers=R)
        check(st == 400 and word in json.loads(d).get("detail", ""), f"ledger: 400 for ?{q}")
    st, _, d = srv.req("/api/v1/ledger/item", headers=R)
    check(st == 400 and "id" in json.loads(d).get("detail", ""), "ledger/item: id is required")
    st, _, d = srv.req("/api/v1/ledger/item?id=424242", headers=R)
    check(st == 404, "ledger/item: an unknown id, 404")
    st, _, d = srv.req("/api/v1/ledger?format=csv", headers=R)
    rows = list(csv.DictReader(io.StringIO(d.decode())))
    st, lj = srv.json("/api/v1/ledger", headers=R)
    check(st == 200 and [(r["id"], r["state"], r["assignee"], r["last_alert"]) for r in rows] ==
          [(str(p["id"]), p["state"], p["assignee"] or "", p["last_alert"]) for p in lj["problems"]],
          "ledger: CSV carries the same rows as JSON")

    # ---- closed is final: the spike again opens a new problem; the CLI sees and acts on the same ledger
    check(send_ph(srv, base + datetime.timedelta(minutes=20), ph) == len(ph), "ledger: a second spike acknowledged")
    st, led = srv.json("/api/v1/ledger", headers=R)
    ps = (led or {}).get("problems", [])
    check(st == 200 and len(ps) == 2 and ps[0]["state"] == "open" and ps[0]["id"] != pid and ps[1]["state"] == "closed",
          f"ledger: after close, a new alert opens a new problem ({[(p['id'], p['state']) for p in ps]})")
    new = ps[0]["id"] if ps else 0
    cli = subprocess.run([EB, "ledger", "show", str(pid), "--data", srv.data, "--format", "json"],
                         capture_output=True, text=True)
    try:
        cj = json.loads(cli.stdout)
    except ValueError:
        cj = {}
    check(cli.returncode == 0 and cj.get("problem", {}).get("state") == "closed" and
          [(x["action"], x["by"], x["from"], x["to"], x["note"]) for x in cj.get("history", [])] ==
          [(x["action"], x["by"], x["from"], x["to"], x["note"]) for x in h],
          f"CLI: ledger show gives the API's history ({cli.stderr.strip()})")
    cli = subprocess.run([EB, "ledger", "list", "--data", srv.data, "--format", "csv"], capture_output=True, text=True)
    cl = list(csv.DictReader(io.StringIO(cli.stdout)))
    check(cli.returncode == 0 and [(r["id"], r["state"]) for r in cl] == [(str(p["id"]), p["state"]) for p in ps],
          "CLI: ledger list shows the API's problems")
    cli = subprocess.run([EB, "ledger", "reopen", str(pid), "--data", srv.data, "--by", "cli"],
                         capture_output=True, text=True)
    check(cli.returncode == 2 and "is closed" in cli.stderr and "'reopen'" in cli.stderr,
          f"CLI: the same refusal ({cli.stderr.strip()})")
    cli = subprocess.run([EB, "ledger", "ack", str(new), "--data", srv.data, "--by", "值班员", "--note", "cli"],
                         capture_output=True, text=True)
    st, it2 = srv.json(f"/api/v1/ledger/item?id={new}", headers=R)
    h2 = (it2 or {}).get("history", [])
    check(cli.returncode == 0 and it2 and it2["problem"]["state"] == "acknowledged" and h2[-1]["by"] == "值班员" and
          h2[-1]["note"] == "cli", f"CLI: an ack from the CLI is in the API's history ({cli.stderr.strip()})")
    cli = subprocess.run([EB, "ledger", "export", "--data", srv.data], capture_output=True, text=True)
    ex = list(csv.DictReader(io.StringIO(cli.stdout)))
    check(cli.returncode == 0 and len(ex) == len(h) + len(h2) and
          [r["action"] for r in ex if r["problem"] == str(pid)] == [x["action"] for x in h],
          f"CLI: ledger export has every problem with its whole history ({len(ex)} rows)")
    check(srv.stop() == 0, "ledger server stops")
PLAN = """[plan]
name = 测试目标
year = 2025
[target pm25]
title = PM2.5
indicator = air.pm2_5_mean
comparator = <
value = 30
[target good]
indicator = air.good_ratio
comparator = >=
value = 90
[target hz]
indicator = air.pm10_mean
scope = 杭州市
level = city
comparator = <=
value = 60
[target a1]
indicator = air.pm2_5_mean
scope = A1
level = site
comparator = <
value = 35
[target mod]
indicator = air.days_moderate
comparator = <=
value = 5
"""


def test_brain():
    plan = os.path.join(TMP, "plan.ini")
    with open(plan, "w") as f:
        f.write(PLAN)
    srv = Server("brain", config=f"[http]\ntargets_plan = {plan}\n")
    srv.catalogue(SITES, DEVICES)
    srv.start()
    subprocess.run([EB, "sim", "--target", f"127.0.0.1:{srv.hj212}", "--devices", "3", "--kind", "air",
                    "--interval-ms", "1", "--duration", "3", "--start", "2025-06-01 00:00:00", "--seed", "9",
                    "--quiet"], capture_output=True, text=True, timeout=300)
    for lang in ("en", "zh"):
        st, js = srv.json(f"/api/v1/targets?as_of=2025-06-02&lang={lang}")
        cli = subprocess.run([EB, "targets", "report", "--config", plan, "--data", srv.data, "--as-of", "2025-06-02",
                              "--format", "csv", "--lang", lang], capture_output=True, text=True)
        rows = list(csv.DictReader(io.StringIO(cli.stdout)))
        api = (js or {}).get("targets", [])
        check(st == 200 and cli.returncode == 0 and len(api) == len(rows) == 5,
              f"targets ({lang}): one entry per target, as the CLI ({st}, {len(api)} vs {len(rows)})")
        same = all(a["id"] == c["target"] and a["status_text"] == c["status"] and a["reason"] == c["reason"]
                   and a["goal"] == c["goal"] and a["furthest"] == c["furthest"]
                   and ((a["value"] is None and c["to_date"] == "") or
                        (a["value"] is not None and c["to_date"] != "" and abs(a["value"] - float(c["to_date"])) < 1e-9))
                   for a, c in zip(api, rows))
        check(api and same, f"targets ({lang}): value, status, goal, reason and furthest equal the CLI's report")
    st, js = srv.json("/api/v1/targets?as_of=2025-06-02&lang=en")
    api = (js or {}).get("targets", [])
    check(all(isinstance(a["value"], (int, float)) and isinstance(a["target"], (int, float)) for a in api),
          "targets: every entry has a numeric value and target (the dashboard's gauges)")
    check(all(a["status"] in ("on_track", "at_risk", "missed", "met", "no_data") for a in api)
          and js.get("as_of") == "2025-06-02" and js.get("days_elapsed") == 153 and js.get("days_total") == 365,
          f"targets: status keys, as_of and days ({js.get('as_of')}, {js.get('days_elapsed')}/{js.get('days_total')})")
    pm = next((a for a in api if a["id"] == "pm25"), {})
    check(pm.get("comparator") == "<" and pm.get("target") == 30 and pm.get("scope") == "province"
          and pm.get("period") == "2025-01-01..2025-12-31" and pm.get("completeness") is not None,
          f"targets: comparator, target, scope, period, completeness ({pm})")
    st, c = srv.csv("/api/v1/targets?as_of=2025-06-02&lang=en&format=csv")
    check(st == 200 and [r["id"] for r in c] == [a["id"] for a in api] and
          all(r["reason"] == a["reason"] for r, a in zip(c, api)), "targets: CSV carries the same rows")
    st, _, d = srv.req("/api/v1/targets?as_of=2024-05-01")
    check(st == 400 and b"as_of" in d, f"targets: as_of before the plan's year is a 400 naming it ({st})")
    st, _, d = srv.req("/api/v1/targets?as_of=tomorrow")
    check(st == 400, f"targets: a bad as_of is a 400 ({st})")
    srv.stop()


def test_air():
    """/air/assess and /aqi/daily against `air assess` on the store's exported hourly table."""
    srv = Server("air", config="[hj212]\nrate_per_device = 1000000\nrate_burst = 1000000\n[store]\nsync = off\n")
    srv.catalogue(SITES[:3], DEVICES[:3])
    srv.start()
    # three stations, two and a half days of minutes from 2026-02-27 (across the 2026-03-01 switch)
    r = subprocess.run([EB, "sim", "--target", f"127.0.0.1:{srv.hj212}", "--devices", "3", "--kind", "air",
                        "--interval-ms", "1", "--duration", "3.6", "--start", "2026-02-27 00:00:00", "--seed", "11",
                        "--quiet"], capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, f"air: every record acknowledged ({r.stderr.strip()[-200:]})")
    sites = os.path.join(srv.dir, "sites-air.csv")
    with open(sites, "w") as f:
        f.write("site,city,county,province\nA1,杭州市,西湖区,浙江省\nA2,杭州市,钱塘区,浙江省\nA3,宁波市,海曙区,浙江省\n")
    hourly = subprocess.run([EB, "export", "--data", srv.data, "--format", "air"], capture_output=True, text=True).stdout
    cols = "entity,pm2_5_mean,pm10_mean,o3_8h_p90,composite_index,good_days,good_ratio"
    for by, period in [("city", "2026-02-27..2026-02-28"), ("site", "2026-02-27..2026-02-28"),
                       ("province", "2026-02-27..2026-03-01")]:
        cli = subprocess.run([EB, "air", "assess", "--period", period, "--by", by, "--sites", sites, "--format", "csv",
                              "--columns", cols, "-"], input=hourly, capture_output=True, text=True)
        want = list(csv.DictReader(io.StringIO(cli.stdout)))
        st, got = srv.csv(f"/api/v1/air/assess?by={by}&period={period}&format=csv")
        same = len(want) == len(got) and len(want) > 0 and all(
            all((w[k] == "" and g[k] == "") or (w[k] != "" and g[k] != "" and float(w[k]) == float(g[k]))
                for k in cols.split(",")[1:]) and w["entity"] == g["entity"] for w, g in zip(want, got))
        check(st == 200 and same, f"air/assess by {by} {period}: the figures of `air assess` ({want[:1]} vs {got[:1]})")
    # daily AQI of a site: the same days and figures as `air assess --period day`
    cli = subprocess.run([EB, "air", "assess", "--period", "day", "--by", "site", "--format", "csv",
                          "--columns", "entity,period,aqi,category,pm2_5", "-"], input=hourly, capture_output=True,
                         text=True)
    want = [w for w in csv.DictReader(io.StringIO(cli.stdout)) if w["entity"] == "A1"
            and "2026-02-27" <= w["period"] <= "2026-03-01"]
    st, dj = srv.json("/api/v1/aqi/daily?site=A1&period=2026-02-27..2026-03-01")
    got = (dj or {}).get("days", [])
    same = len(want) == len(got) == 3 and all(
        w["period"] == g["date"] and w["aqi"] == ("" if g["aqi"] is None else str(g["aqi"]))
        and w["category"] == (g["category"] or "") for w, g in zip(want, got))
    check(st == 200 and same, f"aqi/daily: the days of `air assess --period day` ({want} vs {got})")
    check(got and got[-1]["edition"] == "2026" and got[0]["edition"] == "2012",
          "aqi/daily: each day under the edition in force (2026-03-01 switch)")
    for q, word in [("/api/v1/air/assess?period=2026-13", "period"), ("/api/v1/air/assess?by=street", "by"),
                    ("/api/v1/air/assess?basis=2019", "basis"), ("/api/v1/aqi/daily?period=2026-01-01..2026-03-31", "31 days"),
                    ("/api/v1/air/assess?period=2024-01-01..2026-01-01", "366")]:
        st, _, d = srv.req(q)
        check(st == 400 and word in json.loads(d).get("detail", ""), f"400 for {q}")
    check(srv.stop() == 0, "air server stops")


def test_rankings():
    # the same store read by the route and by `ecobrain rank --data`: air in January 2024 and 2025 (so the
    # change against a year earlier exists), the simulator's minute a millisecond with the rate limit lifted
    srv = Server("rankings", config="[hj212]\nrate_per_device = 1000000\nrate_burst = 1000000\n")
    srv.catalogue(SITES, DEVICES)
    srv.start()
    for start, seed in (("2024-01-01 00:00:00", 3), ("2025-01-01 00:00:00", 4)):
        subprocess.run([EB, "sim", "--target", f"127.0.0.1:{srv.hj212}", "--devices", "3", "--kind", "air",
                        "--interval-ms", "1", "--duration", "2", "--start", start, "--seed", str(seed), "--quiet"],
                       capture_output=True, text=True, timeout=300)
    compared = 0
    for index in ("composite", "composite-change", "pm2_5", "good-days"):
        for by in ("city", "county", "site"):
            for period in ("2025-01", "2025", "2025-01-01..2025-01-02"):
                st, js = srv.json(f"/api/v1/rankings?index={index}&by={by}&period={period}")
                cli = subprocess.run([EB, "rank", "--data", srv.data, "--index", index, "--by", by, "--period", period],
                                     capture_output=True, text=True)
                rows = list(csv.DictReader(io.StringIO(cli.stdout)))
                api = (js or {}).get("rankings", [])
                same = (st == 200 and cli.returncode == 0 and len(api) == len(rows) > 0 and all(
                    a["entity"] == c["entity"] and a["rank"] == (int(c["rank"]) if c["rank"] else None)
                    for a, c in zip(api, rows)) and all(
                    (a[k] is None and c[ck] == "") or (a[k] is not None and c[ck] != "" and abs(a[k] - float(c[ck])) < 1e-9)
                    for a, c in zip(api, rows) for k, ck in (("value", "value"), ("prev_value", "prev_value"),
                                                            ("change", "change"), ("change_rank", "change_rank")))
                    and all(a["meets_all"] == (c["meets_all"] == "yes") for a, c in zip(api, rows)))
                if not same:
                    print(index, by, period, st, js, cli.stdout, cli.stderr)
                compared += same
    check(compared == 36, f"rankings: entity, value, rank, change and change_rank equal `rank --data` ({compared}/36 cases)")
    st, js = srv.json("/api/v1/rankings?by=site&period=2025-01-01..2025-01-02&lang=en")
    api = (js or {}).get("rankings", [])
    check(st == 200 and len(api) == 3 and all(isinstance(a["value"], float) and isinstance(a["change"], float)
                                              and a["rank"] >= 1 and a["edition"] == "2012" for a in api),
          f"rankings: three sites with a composite, a change against 2024 and the edition ({api})")
    check(js.get("index") == "composite" and js.get("by") == "site" and js.get("from") == "2025-01-01"
          and js.get("to") == "2025-01-02" and js.get("prev_from") == "2024-01-01" and js.get("title") == "composite index"
          and js.get("count") == 3, f"rankings: the answer names index, level, period and the previous one ({js})")
    vals = sorted(a["value"] for a in api)
    check(all(a["rank"] == 1 + sum(v < a["value"] for v in vals) for a in api), "rankings: rank 1 + the number of lower values")
    st, c = srv.csv("/api/v1/rankings?by=site&period=2025-01-01..2025-01-02&format=csv")
    check(st == 200 and [r["entity"] for r in c] == [a["entity"] for a in api] and
          [r["rank"] for r in c] == [str(a["rank"]) for a in api], "rankings: CSV carries the same rows")
    st, js = srv.json("/api/v1/rankings?by=site&period=2025-01-01..2025-01-02&top=1")
    top = [a["entity"] for a in (js or {}).get("rankings", [])]
    check(st == 200 and top == [api[0]["entity"], api[-1]["entity"]], f"rankings: top=1 keeps the best and the worst ({top})")
    st, js = srv.json("/api/v1/rankings?period=2019-07")
    check(st == 200 and js.get("rankings") == [] and js.get("count") == 0, f"rankings: a period without data is empty ({st})")
    st, js = srv.json("/api/v1/rankings?index=cwqi&period=2025-01")
    check(st == 200 and js.get("rankings") == [] and js.get("index") == "cwqi",
          f"rankings: CWQI of a store without water sections is an empty list ({st}, {js})")
    st, js = srv.json("/api/v1/rankings")
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()  # Beijing
    last = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    check(st == 200 and js.get("period") == last, f"rankings: default period is the last complete month ({js.get('period')} vs {last})")
    for q, name in (("index=aqi", b"index"), ("period=2025-13", b"period"), ("by=town", b"by"), ("top=0", b"top"),
                    ("nosuch=1", b"nosuch")):
        st, _, d = srv.req(f"/api/v1/rankings?{q}")
        check(st == 400 and name in d, f"rankings: {q} is a 400 naming it ({st}, {d[:120]!r})")
    srv.stop()


def main():
    if not os.access(EB, os.X_OK):
        print(f"skip: {EB} not built")
        return 77
    test_main()
    test_auth()
    test_ledger()
    test_brain()
    test_air()
    test_rankings()
    print(f"{checks - failures}/{checks} checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
