#!/usr/bin/env python3
"""End-to-end tests of the rules file and the webhooks (docs/alerts.md).

- the live path (serve with [alerts] rules) and `alerts scan --rules` over the stored
  history give the same alerts on the same data: an emission limit at the reference
  oxygen, the device's ZsAvg, a missing O2 (the gap), the furnace's 850 °C five-minute
  mean, a screen parameter from the file; each rule alert is in the problem ledger;
- a webhook receiver on 127.0.0.1 that refuses the first attempts gets every alert once;
- with the receiver down, every record is still acknowledged and the drops are counted.
Uses the helpers of ingest_e2e.py (Server, Client, frame). Exit 0 pass, 1 fail.
"""
import csv
import http.server
import io
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ingest_e2e as ie  # noqa: E402
from ingest_e2e import EB, Client, Server, check, frame, free_port  # noqa: E402

RULES = """
; the e2e rules: an SO2 limit of a stack at 11 % O2, the furnace rule, a screen parameter
[limit so2_stack1]
factor = a21026
limit = 100
o2_ref = 11
devices = STACK1

[threshold furnace_850]
factor = a01901
granularity = minute
below = 850
mean_s = 300
severity = high

[screen a19001]
valid_hi = 12
"""


def records():
    """25 minute records of STACK1 from 2026-05-01 10:00 (furnace temp, SO2, O2)."""
    out = []
    for i in range(25):
        furnace = [900, 840, 880, 870, 860][i // 5] + i % 5
        so2, o2, zs = 20 + i % 3, 10 + (i % 2) * 0.5, None
        if i in (7, 8):
            so2, o2 = 90 + (i - 7) * 5, 13   # 112.5 and 118.75 at 11 % O2: over 100; O2 13 > valid_hi 12
        if i == 15:
            so2, zs = 50, 130                # the device's own ZsAvg: judged instead of 50 x 10/11
        parts = [f"a01901-Avg={furnace},a01901-Flag=N"]
        parts.append(f"a21026-Avg={so2}" + (f",a21026-ZsAvg={zs}" if zs else "") + ",a21026-Flag=N")
        if i != 12:                          # no O2 in this record: the gap
            parts.append(f"a19001-Avg={o2},a19001-Flag=N")
        out.append(frame(f"QN=20260501100000{i:03d};ST=31;CN=2051;PW=p;MN=STACK1;Flag=5;"
                         f"CP=&&DataTime=202605011{i // 60:01d}{i % 60:02d}00;" + ";".join(parts) + "&&"))
    return out


class Receiver:
    """An HTTP receiver of webhooks on 127.0.0.1 that answers 503 to its first `fail` requests."""

    def __init__(self, fail):
        self.fail = fail
        self.attempts = 0
        self.got = []
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                rec.attempts += 1
                if rec.attempts <= rec.fail:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                rec.got.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.t.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def rows_of(out):
    return list(csv.DictReader(io.StringIO(out)))


def key(r):
    return (r["time"], r["screen"], r["mn"], r["factor"], r["granularity"], r["evidence"], r["severity"])


def test_rules_live_scan_webhook():
    rcv = Receiver(fail=3)
    srv = Server("rules", config=f"[alerts]\nrules = {{rules}}\nwebhook = http://127.0.0.1:{rcv.port}/hook\n"
                                  "webhook_backoff_ms = 20\n")
    rules = os.path.join(srv.dir, "rules.ini")
    with open(rules, "w") as f:
        f.write(RULES)
    srv.config = srv.config.replace("{rules}", rules)
    subprocess.run([EB, "device", "add", "--data", srv.data, "--mn", "STACK1", "--pw", "p"], check=True)
    srv.start()
    c = Client(srv.port)
    recs = records()
    for b in recs:
        c.send(b)
    check(c.wait_replies(len(recs)), "rules: every record acknowledged")
    c.close()
    lst = rows_of(subprocess.run([EB, "alerts", "list", "--data", srv.data], capture_output=True, text=True).stdout)
    end = time.time() + 30  # delivery is asynchronous: wait for it (no timing asserted)
    while len(rcv.got) < len(lst) and time.time() < end:
        time.sleep(0.05)
    srv.stop()
    rcv.close()
    scan = subprocess.run([EB, "alerts", "scan", "--data", srv.data, "--rules", rules], capture_output=True, text=True)
    srows = rows_of(scan.stdout)
    by = {r["screen"]: r for r in lst}
    check(sorted(by) == ["impossible", "rule:furnace_850", "rule:so2_stack1", "rule:so2_stack1/gap"] and len(lst) == 5,
          f"rules: the limit twice, its gap, the furnace, the O2 screen from the file ({[r['screen'] for r in lst]})")
    so2 = [r for r in lst if r["screen"] == "rule:so2_stack1"]
    check(len(so2) == 2 and so2[0]["evidence"] == "2026-05-01 10:07:00=112.5[C=90,O2=13]" and so2[0]["severity"] == "high",
          f"rules: SO2 90 at 13 % O2 is 112.5 at 11 %, over 100 ({so2[0]['evidence'] if so2 else ''})")
    check(len(so2) == 2 and so2[1]["evidence"] == "2026-05-01 10:15:00=130[ZsAvg]",
          f"rules: the device's ZsAvg is judged when it sends one ({so2[1]['evidence'] if len(so2) > 1 else ''})")
    gap = by.get("rule:so2_stack1/gap", {})
    check(gap.get("time") == "2026-05-01 10:12:00" and "O2=none" in gap.get("evidence", "") and gap.get("severity") == "low",
          f"rules: a record without O2 is a gap, reported ({gap})")
    fur = by.get("rule:furnace_850", {})
    check(fur.get("time") == "2026-05-01 10:05:00" and fur.get("evidence") == "2026-05-01 10:05:00=842",
          f"rules: the furnace's 10:05 five-minute mean of 842 °C is under 850 ({fur})")
    check(scan.returncode == 0 and sorted(map(key, srows)) == sorted(map(key, lst)),
          f"rules: the live path and alerts scan --rules give the same alerts ({len(lst)} vs {len(srows)}: {scan.stderr.strip()})")
    led = subprocess.run([EB, "ledger", "list", "--data", srv.data, "--format", "csv"], capture_output=True, text=True).stdout
    kinds = sorted(r.get("kind", "") for r in rows_of(led))
    check(kinds == sorted({r["screen"] for r in lst}),
          f"rules: the alerts are in the ledger, one problem per device, factor and rule ({kinds})")
    ids = [g["id"] for g in rcv.got]
    check(len(ids) == len(lst) and len(set(ids)) == len(ids) and rcv.attempts == len(lst) + 3,
          f"webhook: after 3 refusals every alert arrived once ({len(ids)} of {len(lst)}, {rcv.attempts} attempts)")
    sent = sorted((g["time"][:19].replace("T", " "), g["screen"], g["evidence"]) for g in rcv.got)
    check(sent == sorted((r["time"], r["screen"], r["evidence"]) for r in lst) and all(g.get("mn") == "STACK1" for g in rcv.got),
          "webhook: the documents are the alerts (the /api/v1/alerts entry shape)")
    check(f"{len(lst)} delivered, 3 retries, dropped 0" in srv.logtext(), "webhook: counted in the server's log")


def test_webhook_receiver_down():
    port = free_port()  # nothing listens there
    srv = Server("hookdown", config=f"[alerts]\nrules = {{rules}}\nwebhook = http://127.0.0.1:{port}/x\n"
                                     "webhook_tries = 3\nwebhook_backoff_ms = 10\n")
    rules = os.path.join(srv.dir, "rules.ini")
    with open(rules, "w") as f:
        f.write(RULES)
    srv.config = srv.config.replace("{rules}", rules)
    subprocess.run([EB, "device", "add", "--data", srv.data, "--mn", "STACK1", "--pw", "p"], check=True)
    srv.start()
    c = Client(srv.port)
    recs = records()
    for b in recs:
        c.send(b)
    check(c.wait_replies(len(recs)), "webhook down: every record still acknowledged")
    c.close()
    n = len(rows_of(subprocess.run([EB, "alerts", "list", "--data", srv.data], capture_output=True, text=True).stdout))
    srv.stop()
    log = srv.logtext()
    check(n == 5 and f"{n} queued, 0 delivered" in log and "alert dropped after 3 attempts" in log,
          f"webhook down: the alerts stored, then dropped and counted ({n}; {[l for l in log.splitlines() if 'webhooks:' in l]})")


def test_derived_rules():
    """The shipped rules' heavy-pollution (AQI > 200 at an air station) and below-target (a section worse
    than its target class two hours in a row) fire live, and the scan of the stored hours agrees."""
    shipped = os.path.join(os.environ.get("ECO_SRC", os.path.join(os.path.dirname(__file__), "../..")),
                           "data/rules/default.ini")
    srv = Server("derived", config=f"[alerts]\nrules = {shipped}\n")
    sites = os.path.join(ie.TMP, "derived-sites.csv")
    with open(sites, "w") as f:
        f.write("code,kind,name,zone\nA1,air,站,\nW1,water,断面,Ⅲ\n")
    subprocess.run([EB, "site", "import", "--data", srv.data, sites], check=True, capture_output=True)
    for mn, site in (("AIR1", "A1"), ("WAT1", "W1")):
        subprocess.run([EB, "device", "add", "--data", srv.data, "--mn", mn, "--pw", "p", "--site", site], check=True,
                       capture_output=True)
    srv.start()
    c = Client(srv.port)
    sent = 0
    for h, pm in enumerate((35, 260, 30)):  # the middle hour: PM2.5 260 -> AQI over 300
        c.send(frame(f"QN=20260501{h:02d}0000000;ST=22;CN=2061;PW=p;MN=AIR1;Flag=5;CP=&&DataTime=20260501{h:02d}0000;"
                     f"a21026-Avg=6,a21026-Flag=N;a21004-Avg=30,a21004-Flag=N;a21005-Avg=0.6,a21005-Flag=N;"
                     f"a05024-Avg=60,a05024-Flag=N;a34002-Avg=70,a34002-Flag=N;a34004-Avg={pm},a34004-Flag=N&&"))
        sent += 1
    for h, nh3 in enumerate((0.4, 1.8, 1.9, 0.3)):  # hours 1 and 2: NH3-N class Ⅴ, worse than Ⅲ twice
        c.send(frame(f"QN=20260501{h:02d}0000001;ST=21;CN=2061;PW=p;MN=WAT1;Flag=5;CP=&&DataTime=20260501{h:02d}0000;"
                     f"w01001-Avg=7.5,w01001-Flag=N;w01009-Avg=7.0,w01009-Flag=N;w01019-Avg=3.0,w01019-Flag=N;"
                     f"w21003-Avg={nh3},w21003-Flag=N;w21011-Avg=0.05,w21011-Flag=N&&"))
        sent += 1
    check(c.wait_replies(sent), "derived rules: every record acknowledged")
    c.close()
    srv.stop()
    lst = rows_of(subprocess.run([EB, "alerts", "list", "--data", srv.data, "--from", "2026-05-01", "--to", "2026-05-02"],
                                 capture_output=True, text=True).stdout)
    scan = rows_of(subprocess.run([EB, "alerts", "scan", "--data", srv.data, "--rules", shipped, "--from", "2026-05-01",
                                   "--to", "2026-05-02"], capture_output=True, text=True).stdout)
    mine = sorted((r["screen"], r["mn"], r["time"]) for r in lst if r["screen"].startswith("rule:"))
    check(mine == [("rule:below_target", "WAT1", "2026-05-01 02:00:00"), ("rule:heavy_pollution", "AIR1", "2026-05-01 01:00:00")],
          f"derived rules: heavy pollution at the hour over 200, the section at its second hour below target ({mine})")
    check(sorted(key(r) for r in lst) == sorted(key(r) for r in scan), "derived rules: the scan gives the same alerts")


def test_bad_rules_file():
    d = os.path.join(ie.TMP, "badrules")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "r.ini")
    with open(p, "w") as f:
        f.write("[threshold x]\nfactor = a34004\nabove = 150\nfro = 2\n")
    subprocess.run([EB, "device", "add", "--data", os.path.join(d, "data"), "--mn", "X", "--pw", "p"], check=True,
                   capture_output=True)
    r = subprocess.run([EB, "alerts", "scan", "--data", os.path.join(d, "data"), "--rules", p], capture_output=True, text=True)
    check(r.returncode == 2 and f"{p}:4: [threshold x] fro: unknown key" in r.stderr,
          f"rules: a bad key is refused naming file:line and key ({r.stderr.strip()})")
    shipped = os.path.join(os.environ.get("ECO_SRC", os.path.join(os.path.dirname(__file__), "../..")), "data/rules/default.ini")
    r = subprocess.run([EB, "alerts", "scan", "--data", os.path.join(d, "data"), "--rules", shipped], capture_output=True, text=True)
    check(r.returncode == 0, f"rules: the shipped data/rules/default.ini is valid ({r.stderr.strip()})")


def main():
    if not os.path.exists(EB):
        print(f"skip: {EB} not built")
        return 77
    test_rules_live_scan_webhook()
    test_webhook_receiver_down()
    test_derived_rules()
    test_bad_rules_file()
    print(f"{ie.checks - ie.failures}/{ie.checks} checks passed")
    return 1 if ie.failures else 0


if __name__ == "__main__":
    sys.exit(main())
