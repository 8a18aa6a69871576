#!/usr/bin/env bash
# test_targets_store.sh — `targets report --data` (the store read straight into arrays) gives the
# byte-identical report of the CSV route (`export --format air` + `targets report --input --sites`)
# on the same store: two devices at one site (the later MN wins an hour, as a later CSV row does),
# an outlet's flue-gas SO2 (same code as ambient SO2: left out), sites in two cities, every format
# and both languages, three as-of dates, both edition bases. Data: `serve` fed by `sim`.
set -u
EB=${ECOBRAIN:-build/ecobrain}
[ -x "$EB" ] || { echo "skip: $EB not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 - "$EB" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import os, subprocess, sys, tempfile, time, signal
eb = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import e2e_lib
tmp = tempfile.mkdtemp(prefix="eco_tstore_")
data = f"{tmp}/data"
from e2e_lib import check, finish
srv, port, data, log = e2e_lib.store_serve(eb, tmp)
# from 2024-12-31 06:00, a minute a tick: two plan years, a year boundary, whole days
def sim(kind, ndev, seed):
    return subprocess.run([eb, "sim", "--target", f"127.0.0.1:{port}", "--devices", str(ndev), "--kind", kind,
                           "--interval-ms", "1", "--duration", "4", "--start", "2024-12-31 06:00:00",
                           "--seed", str(seed), "--quiet"], capture_output=True, text=True, timeout=300)
ra, rc_ = sim("air", 4, 3), sim("cems", 1, 5)
srv.send_signal(signal.SIGTERM); srv.wait(timeout=60); log.close()
check(ra.returncode == 0 and rc_.returncode == 0, f"sim: every record acknowledged ({ra.stderr.strip()[-200:]})")
air = subprocess.run([eb, "export", "--data", data, "--format", "air"], capture_output=True, text=True)
with open(f"{tmp}/hourly.csv", "w") as f: f.write(air.stdout)
rows = air.stdout.count("\n") - 1
check(air.returncode == 0 and rows > 24 * 4, f"the store holds hours of four air devices ({rows} rows)")
keys = [tuple(l.split(",")[:2]) for l in air.stdout.splitlines()[1:]]
check(len(keys) - len(set(keys)) > 0, f"two devices report the same hours of site A1 ({len(keys) - len(set(keys))} hours)")
check(not any(k[0] == "O1" for k in keys), "the outlet's flue-gas values are not air data")
with open(f"{tmp}/asites.csv", "w") as f:
    f.write("site,city,county,province\nA1,杭州市,西湖区,P省\nA2,杭州市,钱塘区,P省\nA3,宁波市,海曙区,P省\n")
with open(f"{tmp}/plan.ini", "w") as f:
    f.write("[plan]\nname = t\nyear = 2025\n"
            "[target pm25]\nindicator = air.pm2_5_mean\ncomparator = <\nvalue = 30\n"
            "[target pm10]\nindicator = air.pm10_mean\ncomparator = <=\nvalue = 60\n"
            "[target o3]\nindicator = air.o3_8h_p90\ncomparator = <\nvalue = 160\n"
            "[target ci]\nindicator = air.composite\ncomparator = <=\nvalue = 3.5\nbasis = 2012\n"
            "[target good]\nindicator = air.good_ratio\ncomparator = >=\nvalue = 90\n"
            "[target good26]\nindicator = air.good_ratio\ncomparator = >=\nvalue = 90\nbasis = 2026\n"
            "[target mod]\nindicator = air.days_moderate\ncomparator = <=\nchange = -20%\n"
            "[target heavy]\nindicator = air.days_heavy\ncomparator = <=\nvalue = 3\n"
            "[target hz]\nindicator = air.pm2_5_mean\nscope = 杭州市\nlevel = city\ncomparator = <\nvalue = 30\n"
            "[target nb]\nindicator = air.good_ratio\nscope = 宁波市\nlevel = city\ncomparator = >\nvalue = 85\n"
            "[target a1]\nindicator = air.pm2_5_mean\nscope = A1\nlevel = site\ncomparator = <\nvalue = 30\n"
            "[target xh]\nindicator = air.composite\nscope = 西湖区\nlevel = county\ncomparator = <\nvalue = 4\n"
            "[target noise]\nindicator = noise.compliance\ncomparator = >=\nvalue = 80\n")
same = 0
def route():
    r = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--data", data, "--as-of", "2025-01-02",
                        "--format", "csv"], capture_output=True, text=True, env=dict(os.environ, ECO_AIRDAYS_TRACE="1"))
    return r.stderr
# first from the hours (the cache not built yet), then from the daily-value cache (`store rollup`)
check("from hours" in route(), f"before `store rollup` the report reads the hours ({route().strip()[-120:]})")
for way in ("hours", "cache"):
  if way == "cache":
    ro = subprocess.run([eb, "store", "rollup", "--data", data], capture_output=True, text=True)
    check(ro.returncode == 0 and "rebuilt" in ro.stderr, f"store rollup builds the cache ({ro.stderr.strip()[-160:]})")
    check("from cache (0 changed days" in route(), f"after it the report reads the cache ({route().strip()[-120:]})")
  for asof in ("2025-01-01", "2025-01-02", "2025-12-31"):
    for fmt in ("csv", "json", "text"):
        for lang in ("zh", "en"):
            a = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--data", data, "--as-of", asof,
                                "--format", fmt, "--lang", lang], capture_output=True)
            b = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--input", f"{tmp}/hourly.csv",
                                "--sites", f"{tmp}/asites.csv", "--as-of", asof, "--format", fmt, "--lang", lang],
                               capture_output=True)
            ok = a.returncode == 0 and b.returncode == 0 and a.stdout == b.stdout and len(a.stdout) > 200
            if not ok:
                print(a.stderr.decode()[-500:], b.stderr.decode()[-500:])
                for x, y in zip(a.stdout.decode().splitlines(), b.stdout.decode().splitlines()):
                    if x != y: print(" store:", x, "\n   csv:", y)
            check(ok, f"{way}: as of {asof}, {fmt}, {lang}: --data is byte-identical to the CSV route")
            same += ok
out = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--data", data, "--as-of", "2025-01-02",
                      "--format", "csv", "--lang", "en"], capture_output=True, text=True).stdout
check("on track" in out or "at risk" in out or "missed" in out, "the report evaluates targets (a status is given)")
check(out.count("not evaluated") == 1, "the noise target (not computed by the report) is listed as not evaluated")
e = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--data", f"{tmp}/nothing", "--as-of",
                    "2025-01-04"], capture_output=True, text=True)
check(e.returncode != 0 and "nothing" in e.stderr, f"a missing store is an error naming it ({e.stderr.strip()[:120]})")
finish()
PY
