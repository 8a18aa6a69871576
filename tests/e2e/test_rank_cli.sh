#!/usr/bin/env bash
# test_rank_cli.sh — `ecobrain rank` on data whose answers are computed by hand here.
# Why constant concentrations: with the same value every hour, every daily value, MDA8 and
# percentile equals it, so the composite index is the sum of value/limit (GB 3095-2012:
# SO2 60, NO2 40, PM10 70, PM2.5 35 annual-type limits; CO 4 (24 h); O3 160 (8 h)).
set -u
EB=${ECOBRAIN:-build/ecobrain}
[ -x "$EB" ] || { echo "skip: $EB not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 - "$EB" <<'PY'
import csv, io, subprocess, sys, tempfile, os
eb = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="eco_rank_")
fails = 0; n = 0
def check(c, what):
    global fails, n
    n += 1
    print(("ok   " if c else "FAIL ") + what)
    if not c: fails += 1
# cities: A and C identical (a tie), B with twice the PM2.5; in May 2024 everyone had 25 % more PM2.5
conc = {"A": (10, 20, 0.5, 100, 40, 20), "B": (10, 20, 0.5, 100, 40, 40), "C": (10, 20, 0.5, 100, 40, 20)}
with open(os.path.join(tmp, "sites.csv"), "w") as f:
    f.write("site,city\n")
    for c in conc: f.write(f"S{c},{c}\n")
with open(os.path.join(tmp, "hourly.csv"), "w") as f:
    f.write("site,time,so2,no2,co,o3,pm10,pm2_5\n")
    for year, k in ((2024, 1.25), (2025, 1.0)):
        for d in range(1, 32):
            for h in range(1, 25):
                ts = f"{year}-05-{d:02d} {h:02d}:00" if h < 24 else f"{year}-05-{d:02d} 24:00"
                for c, (so2, no2, co, o3, pm10, pm25) in conc.items():
                    f.write(f"S{c},{ts},{so2},{no2},{co},{o3},{pm10},{pm25 * k:g}\n")
def rank(*args):
    r = subprocess.run([eb, "rank", "--input", os.path.join(tmp, "hourly.csv"), "--sites", os.path.join(tmp, "sites.csv")] + list(args),
                       capture_output=True, text=True)
    return r.returncode, list(csv.DictReader(io.StringIO(r.stdout))), r.stderr
ci = lambda so2, no2, co, o3, pm10, pm25: so2/60 + no2/40 + co/4 + o3/160 + pm10/70 + pm25/35
rc, rows, err = rank("--index", "composite", "--period", "2025-05")
got = {r["entity"]: r for r in rows}
check(rc == 0 and len(rows) == 3, f"composite: three cities ranked ({rc}, {err.strip()[:200]})")
check(got["A"]["value"] == f"{ci(*conc['A']):.2f}" and got["B"]["value"] == f"{ci(*conc['B']):.2f}",
      f"composite: the index is the sum of value/limit (A {got['A']['value']}, B {got['B']['value']})")
check(got["A"]["rank"] == "1" and got["C"]["rank"] == "1" and got["B"]["rank"] == "3", "composite: A and C tie at 1, B is 3rd")
prevA = ci(10, 20, 0.5, 100, 40, 25)
want = round((round(ci(*conc['A']), 2) - round(prevA, 2)) / round(prevA, 2) * 100, 1)
check(got["A"]["prev_value"] == f"{prevA:.2f}" and abs(float(got["A"]["change"]) - want) < 1e-9,
      f"composite: change vs May 2024 ({got['A']['change']} vs {want})")
rc, rows, err = rank("--index", "pm2_5", "--period", "2025-05")
got = {r["entity"]: r for r in rows}
check(got["B"]["value"] == "40" and got["B"]["rank"] == "3" and got["B"]["change"] == "-20.0",
      f"pm2_5: B 40 µg/m³, 3rd, -20 % ({got['B']})")
rc, rows, err = rank("--index", "good-days", "--period", "2025-05")
check(all(r["value"] == "100.0" and r["rank"] == "1" for r in rows), "good-days: every day good, all share rank 1")
# a custom index: two indicators, min-max, weights 3:1
with open(os.path.join(tmp, "idx.ini"), "w") as f:
    f.write("[index]\nname = test\n[indicator pm]\ndirection = lower\nweight = 3\n[indicator green]\ndirection = higher\n")
with open(os.path.join(tmp, "vals.csv"), "w") as f:
    f.write("entity,period,pm,green\nA,2025-Q4,30,10\nB,2025-Q4,40,30\nA,2026-Q1,20,10\nB,2026-Q1,40,30\nC,2026-Q1,30,20\n")
r = subprocess.run([eb, "rank", "--index", "test", "--config", os.path.join(tmp, "idx.ini"), "--period", "2026-Q1",
                    "--input", os.path.join(tmp, "vals.csv")], capture_output=True, text=True)
got = {x["entity"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
# 2026-Q1: pm 20..40, green 10..30: A (100*3+0)/4=75, B (0+100)/4=25, C (50*3+50)/4=50
check(r.returncode == 0 and got["A"]["value"] == "75.00" and got["C"]["value"] == "50.00" and got["B"]["value"] == "25.00",
      f"custom: scores 75/50/25 ({r.stdout.strip()} {r.stderr.strip()})")
# 2025-Q4 (A, B only): A 75, B 25 -> ranks 1, 2; in 2026-Q1 B is 3rd: rank_change -1
check(got["B"]["prev_rank"] == "2" and got["B"]["rank_change"] == "-1" and got["C"]["prev_rank"] == "",
      f"custom: previous ranks and rank change (B {got['B']['prev_rank']} -> {got['B']['rank']})")
r = subprocess.run([eb, "rank", "--index", "nosuch", "--period", "2025", "--input", os.path.join(tmp, "hourly.csv")],
                   capture_output=True, text=True)
check(r.returncode == 2 and "--config" in r.stderr, "an unknown index without a definition is a usage error")
print(f"{n - fails}/{n} checks passed")
sys.exit(1 if fails else 0)
PY
