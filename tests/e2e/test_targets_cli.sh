#!/usr/bin/env bash
# test_targets_cli.sh — `ecobrain targets report` on data whose answers are computed by hand here.
# Two cities of one province, PM2.5 constant: 28 all of 2024, 20 and 22 in 2025 H1. As of
# 2025-06-30 (D = 181 of N = 365): the province's mean is 21; the rest of the year, at last
# year's level (28), projects (21·181 + 28·184)/365 = 24.53, published 25 < 26 (on track), and
# the remaining 184 days must average below (25.5·365 − 21·181)/184 = 29.93 — 25.5, because "< 26"
# is judged on the published integer (at 30 the projection would be 25.54, published 26: at risk).
set -u
EB=${ECOBRAIN:-build/ecobrain}
[ -x "$EB" ] || { echo "skip: $EB not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 - "$EB" <<'PY'
import csv, io, os, subprocess, sys, tempfile, datetime
eb = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="eco_targets_")
fails = n = 0
def check(c, what):
    global fails, n
    n += 1
    print(("ok   " if c else "FAIL ") + what)
    if not c: fails += 1
with open(f"{tmp}/sites.csv", "w") as f:
    f.write("site,city,province\nSX,X,P\nSY,Y,P\n")
with open(f"{tmp}/hourly.csv", "w") as f:
    f.write("site,time,so2,no2,co,o3,pm10,pm2_5\n")
    d = datetime.date(2024, 1, 1)
    while d <= datetime.date(2025, 6, 30):
        for h in range(1, 25):
            for s, pm in (("SX", 20), ("SY", 22)):
                v = 28 if d.year == 2024 else pm
                f.write(f"{s},{d} {h:02d}:00,5,10,0.3,60,{v + 10},{v}\n")
        d += datetime.timedelta(days=1)
with open(f"{tmp}/plan.ini", "w") as f:
    f.write("[plan]\nname = test\nyear = 2025\n"
            "[target pm]\nindicator = air.pm2_5_mean\ncomparator = <\nvalue = 26\n"
            "[target good]\nindicator = air.good_ratio\ncomparator = >\nvalue = 92\n"
            "[target x]\nindicator = air.pm2_5_mean\nscope = X\nlevel = city\ncomparator = <\nvalue = 19\n"
            "[target strict]\nindicator = air.pm2_5_mean\ncomparator = <\nvalue = 21\n"
            "[target water]\nindicator = water.share_i_iii\ncomparator = >=\nvalue = 94\n")
r = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--input", f"{tmp}/hourly.csv",
                    "--sites", f"{tmp}/sites.csv", "--as-of", "2025-06-30", "--format", "csv", "--lang", "en"],
                   capture_output=True, text=True)
rows = {x["target"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
check(r.returncode == 0 and len(rows) == 5, f"report: five targets ({r.returncode} {r.stderr.strip()[:300]})")
pm = rows.get("pm", {})
check(pm.get("to_date") == "21" and pm.get("completeness") == "100%", f"pm: province mean 21 to date ({pm.get('to_date')})")
check(pm.get("projected") == f"{(21*181 + 28*184)/365:.1f}" and pm.get("required") == f"{(25.5*365 - 21*181)/184:.1f}",
      f"pm: projected {pm.get('projected')} and required {pm.get('required')}")
check(pm.get("status") == "on track", f"pm: on track ({pm.get('status')})")
good = rows.get("good", {})
check(good.get("to_date") == "100.0" and good.get("required") == f"{(92.05*365/100 - 181)/184*100:.1f}%" and good.get("status") == "on track",
      f"good days: 100 % so far, {good.get('required')} of the rest needed, on track")
x = rows.get("x", {})
# city X: 20 to date, needs < 19 (published: < 18.5): (18.5·365 − 20·181)/184 = 17.03, with last year at 28: at risk
check(x.get("to_date") == "20" and x.get("status") == "at risk" and x.get("required") == f"{(18.5*365 - 20*181)/184:.1f}",
      f"city X: at risk, must average {x.get('required')}")
check(rows.get("water", {}).get("status") == "not evaluated", "a water target is listed as not evaluated")
check(pm.get("furthest") == "", f"pm: no city is above 26 ({pm.get('furthest')})")
st = rows.get("strict", {})
check(st.get("furthest") == "Y 22" and st.get("status") == "at risk", f"strict: Y is the city furthest from < 21 ({st.get('furthest')}, {st.get('status')})")
r2 = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--input", f"{tmp}/hourly.csv",
                     "--sites", f"{tmp}/sites.csv", "--as-of", "2024-12-31"], capture_output=True, text=True)
check(r2.returncode == 2 and "before" in r2.stderr, "an as-of date before the plan's year is refused")
r3 = subprocess.run([eb, "targets", "report", "--config", f"{tmp}/plan.ini", "--input", f"{tmp}/nosuch.csv",
                     "--as-of", "2025-06-30"], capture_output=True, text=True)
check(r3.returncode != 0 and "could not read" in r3.stderr, "an input the assessment cannot read is an error, not 'no data'")
print(f"{n - fails}/{n} checks passed")
sys.exit(1 if fails else 0)
PY
