#!/usr/bin/env bash
# test_rank_store.sh — `rank --data` (the store read straight into arrays, eco_rank_report) prints
# byte for byte what the CSV route prints (`export --format air` + `rank --input --sites`) on the
# same store: every built-in index, by city, county and site, a month, a quarter, a year and a
# FROM..TO range, csv/json/text; two devices at one site (the later MN wins an hour), an outlet's
# flue-gas SO2 left out. Data: `serve` fed by `sim` in January 2024 and January 2025, so that the
# change against a year earlier exists. Pattern of test_targets_store.sh.
set -u
EB=${ECOBRAIN:-build/ecobrain}
[ -x "$EB" ] || { echo "skip: $EB not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 - "$EB" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import csv, io, os, subprocess, sys, tempfile, time, signal
eb = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import e2e_lib
tmp = tempfile.mkdtemp(prefix="eco_rstore_")
data = f"{tmp}/data"
from e2e_lib import check, finish
srv, port, data, log = e2e_lib.store_serve(eb, tmp)
def sim(kind, ndev, seed, start):
    return subprocess.run([eb, "sim", "--target", f"127.0.0.1:{port}", "--devices", str(ndev), "--kind", kind,
                           "--interval-ms", "1", "--duration", "2", "--start", start,
                           "--seed", str(seed), "--quiet"], capture_output=True, text=True, timeout=300)
runs = [sim("air", 4, 3, "2024-01-01 00:00:00"), sim("air", 4, 4, "2025-01-01 00:00:00"),
        sim("cems", 1, 5, "2025-01-01 00:00:00")]
srv.send_signal(signal.SIGTERM); srv.wait(timeout=60); log.close()
check(all(r.returncode == 0 for r in runs), f"sim: every record acknowledged ({runs[0].stderr.strip()[-200:]})")
air = subprocess.run([eb, "export", "--data", data, "--format", "air"], capture_output=True, text=True)
with open(f"{tmp}/hourly.csv", "w") as f: f.write(air.stdout)
keys = [tuple(l.split(",")[:2]) for l in air.stdout.splitlines()[1:]]
check(air.returncode == 0 and any(k[1].startswith("2024") for k in keys) and any(k[1].startswith("2025") for k in keys),
      f"the store holds hours of 2024 and 2025 ({len(keys)} rows)")
check(len(keys) - len(set(keys)) > 0, "two devices report the same hours of site A1")
with open(f"{tmp}/asites.csv", "w") as f:
    f.write("site,city,county,province\nA1,杭州市,西湖区,P省\nA2,杭州市,钱塘区,P省\nA3,宁波市,海曙区,P省\n")
def rank(src, *args):
    extra = ["--data", data] if src == "store" else ["--input", f"{tmp}/hourly.csv", "--sites", f"{tmp}/asites.csv"]
    return subprocess.run([eb, "rank"] + extra + list(args), capture_output=True)
def trace():
    return rank("store", "--index", "composite", "--period", "2025-01").stderr.decode()
os.environ["ECO_AIRDAYS_TRACE"] = "1"
check("from hours" in trace(), "before `store rollup` rank --data reads the hours")
ro = subprocess.run([eb, "store", "rollup", "--data", data], capture_output=True, text=True)
check(ro.returncode == 0 and "rebuilt" in ro.stderr, f"store rollup builds the cache ({ro.stderr.strip()[-160:]})")
check("from cache (0 changed days" in trace(), f"after it rank --data reads the daily-value cache ({trace().strip()[-100:]})")
del os.environ["ECO_AIRDAYS_TRACE"]
same = total = 0
for index in ("composite", "composite-change", "pm2_5", "good-days"):
    for by in ("city", "county", "site"):
        for period in ("2025-01", "2025-Q1", "2025", "2025-01-01..2025-01-02"):
            for fmt in ("csv", "json", "text"):
                args = ["--index", index, "--by", by, "--period", period, "--format", fmt, "--lang", "en" if fmt == "text" else "zh"]
                a, b = rank("store", *args), rank("csv", *args)
                ok = a.returncode == b.returncode == 0 and a.stdout == b.stdout and len(a.stdout) > 20
                if not ok:
                    print(" ".join(args), a.returncode, b.returncode, a.stderr.decode()[-300:], b.stderr.decode()[-300:])
                    for x, y in zip(a.stdout.decode().splitlines(), b.stdout.decode().splitlines()):
                        if x != y: print(" store:", x, "\n   csv:", y)
                same += ok
                total += 1
check(same == total, f"--data (from the cache) is byte-identical to the CSV route ({same}/{total} index/level/period/format cases)")
a = rank("store", "--index", "composite", "--by", "site", "--period", "2025-01-01..2025-01-02", "--top", "1")
b = rank("csv", "--index", "composite", "--by", "site", "--period", "2025-01-01..2025-01-02", "--top", "1")
check(a.returncode == 0 and a.stdout == b.stdout, "--top 1: the same best and worst from both routes")
rows = list(csv.DictReader(io.StringIO(rank("store", "--index", "composite", "--by", "site", "--period",
                                            "2025-01-01..2025-01-02").stdout.decode())))
check(len(rows) == 3 and all(r["value"] and r["change"] and r["rank"] for r in rows),
      f"the range ranks three sites with a value and a change against 2024 ({rows})")
# the ranks follow the values (1 = lowest composite), ties shared
vals = sorted(float(r["value"]) for r in rows)
check(all(int(r["rank"]) == 1 + sum(v < float(r["value"]) for v in vals) for r in rows), "ranks: 1 + the number of lower values")
e = rank("store", "--index", "composite", "--period", "2023-05")
check(e.returncode == 2 and b"no city has data" in e.stderr, f"a period without data is said so ({e.stderr.decode().strip()[:120]})")
e = rank("store", "--index", "composite", "--period", "2025-5")
check(e.returncode == 2 and b"--period" in e.stderr, "a malformed period is a usage error naming --period")
finish()
PY
