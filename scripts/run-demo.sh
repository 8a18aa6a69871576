#!/usr/bin/env bash
# `make run`: start ecobrain on embedded defaults with demo data.
#
# Until the ingestion server lands, "the platform" is the air engine: this
# generates 18 months of synthetic hourly data for the demo network (44 sites
# in Zhejiang's 11 cities; see data/demo/README.md), then prints what an
# analyst would look at first — the latest hour's AQI, each city's year, the
# months either side of the 2026-03-01 switch of standards, and the worst days.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/ecobrain
D=.demo
mkdir -p "$D"
if [ ! -s "$D/hourly.csv" ]; then
  echo "Generating synthetic demo data (44 sites, 2025-01-01 .. 2026-06-30) ..."
  "$B" air synth --names data/demo/sites.csv --sites-per-city 4 --seed 2023 \
    --from 2025-01-01 --to 2026-06-30 -o "$D/hourly.csv"
fi
S=data/demo/sites.csv
H="$D/hourly.csv"
hr() { printf '\n== %s ==\n' "$1"; }

echo "ecobrain $("$B" --version | head -1 | cut -d' ' -f2) — demo on SYNTHETIC data (not measurements)"
last=$(tail -1 "$H" | cut -d, -f2)
hr "Real-time AQI, hour ending $last (HJ 633-2026), worst 8 sites"
grep -F ",$last," "$H" | (echo "site,time,so2,no2,co,o3,pm10,pm2_5"; cat) |
  "$B" air aqi --format csv --columns site,aqi,category,primary - |
  (read -r header; echo "$header"; sort -t, -k2,2nr | sed -n 1,8p) | column -t -s,

hr "2025 by city (HJ 663-2013 / GB 3095-2012), best composite index first"
"$B" air assess --period year --by city --sites "$S" --format csv \
  --columns entity,period,pm2_5_mean,pm10_mean,o3_8h_p90,composite_index,good_ratio,days_中度污染,days_重度污染 "$H" |
  awk -F, 'NR==1 || $2=="2025"' | (read -r header; echo "$header"; sort -t, -k6,6n) | column -t -s,

hr "Across the switch: province, February vs March 2026 (each under its own edition)"
"$B" air assess --period month --by province --sites "$S" --format text \
  --columns entity,period,edition,pm2_5_mean,composite_index,good_ratio,days_轻度污染,notes "$H" |
  awk 'NR==1 || /2026-0[23]/'

hr "The same months recomputed on one basis (--edition 2026)"
"$B" air assess --period month --by province --sites "$S" --edition 2026 --format text \
  --columns entity,period,edition,pm2_5_mean,composite_index,good_ratio,days_轻度污染 "$H" |
  awk 'NR==1 || /2026-0[23]/'

hr "Most polluted city-days of 2026 H1"
"$B" air assess --period day --by city --sites "$S" --format csv \
  --columns entity,period,aqi,category,primary,pm2_5,pm10,o3_8h "$H" |
  awk -F, 'NR==1 || ($2 >= "2026-01-01" && $3 != "")' | (read -r header; echo "$header"; sort -t, -k3,3nr | sed -n 1,8p) |
  column -t -s,

cat <<MSG

Data: $H ($(wc -l < "$H") rows). Try:
  $B air assess --period quarter --by city --sites $S --format text $H
  $B air aqi --help      $B air assess --help
MSG
