#!/usr/bin/env bash
# `make run`: start ecobrain on embedded defaults with demo data.
#
# Two parts. First the air engine on 18 months of synthetic hourly data for
# the demo network (44 sites in Zhejiang's 11 cities; data/demo/README.md):
# the latest hour's AQI, each city's year, the months either side of the
# 2026-03-01 switch of standards, and the worst days. Then the platform
# itself: `ecobrain serve` on .demo/store with a catalogue of those air
# stations plus a water section, a flue-gas (CEMS) and an effluent outlet per
# city, fed by `ecobrain sim` devices over HJ 212 on 127.0.0.1:${HJ212_PORT:-6000}, with
# the HTTP API and the dashboard on 127.0.0.1:${HTTP_PORT:-8080}.
# It runs until Ctrl-C, which stops the simulators and flushes the server.
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

# ---------------------------------------------------------------- the platform
port=${HJ212_PORT:-6000}
store="$D/store"
hr "The platform: HJ 212 server on 127.0.0.1:$port, store $store"
cities=$(tail -n +2 "$S" | cut -d, -f2 | awk '!seen[$0]++')
{
  echo "code,kind,name,province,city,county,lon,lat"
  tail -n +2 "$S" | awk -F, '{printf "%s,air,%s,%s,%s,%s,%s,%s\n", $1, $5, $4, $2, $3, $6, $7}'
  i=0
  for c in $cities; do
    i=$((i + 1))
    printf 'ZJ-W%02d,water,%s示范断面（合成）,浙江省,%s,,,\n' "$i" "$c" "$c"
    printf 'ZJ-C%02d,outlet,%s示范企业废气排口（合成）,浙江省,%s,,,\n' "$i" "$c" "$c"
    printf 'ZJ-E%02d,outlet,%s示范企业废水排口（合成）,浙江省,%s,,,\n' "$i" "$c" "$c"
  done
} >"$D/catalogue-sites.csv"
{
  echo "mn,pw,site,profile"
  tail -n +2 "$S" | awk -F, '{printf "SIMA%08d,123456,%s,strict\n", NR, $1}'
  for i in $(seq 11); do
    printf 'SIMW%08d,123456,ZJ-W%02d,strict\nSIMC%08d,123456,ZJ-C%02d,strict\nSIME%08d,123456,ZJ-E%02d,strict\n' \
      "$i" "$i" "$i" "$i" "$i" "$i"
  done
} >"$D/catalogue-devices.csv"
"$B" site import --data "$store" "$D/catalogue-sites.csv"
"$B" device import --data "$store" "$D/catalogue-devices.csv"
http_port=${HTTP_PORT:-8080}
[ -f build/web/index.html ] || { [ -d web/node_modules ] && web/build.sh build/web; } || true
"$B" serve --data "$store" --hj212 "127.0.0.1:$port" --http "127.0.0.1:$http_port" 2>"$D/serve.log" &
srv=$!
sims=()
stop_all() {
  trap - INT TERM
  echo; echo "stopping the simulators and the server (flushing) ..."
  [ ${#sims[@]} -gt 0 ] && kill -INT "${sims[@]}" 2>/dev/null
  wait "${sims[@]}" 2>/dev/null
  kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
  tail -1 "$D/serve.log"
  exit 0
}
trap stop_all INT TERM
sleep 0.5
kill -0 "$srv" 2>/dev/null || { echo "the server did not start:"; cat "$D/serve.log"; exit 1; }
n_air=$(($(wc -l < "$S") - 1))
for spec in "air $n_air" "water 11" "cems 11" "effluent 11"; do
  set -- $spec
  "$B" sim --target "127.0.0.1:$port" --kind "$1" --devices "$2" --interval-ms 1000 --duration 86400 \
    --seed 2023 --quiet 2>>"$D/sim.log" &
  sims+=($!)
done
cat <<MSG
$((n_air + 33)) simulated devices (air stations, water sections, CEMS and effluent outlets) now send
a minute record a second each (history replayed up to the present minute), and the server
acknowledges each only after it is committed. Look at:
  tail -f $D/serve.log                     # connections, refusals, counters every minute
  $B export --data $store --granularity hour --format csv | tail
  $B export --data $store --mn SIMA00000001 --factor a34004 | tail
  $B device list --data $store --format text
  $B alerts list --data $store --format text        # data-quality screens on every stored value
  $B export --data $store --format air | $B air aqi --format text - | tail   # stored hours -> AQI
  $B targets report --data $store --config data/targets/example-2026.ini --lang en   # air and water targets
  $B rank --index cwqi --data $store --period \$(date +%Y-%m) --by city        # water sections' CWQI
The dashboard (一张网) and the API, on this machine only:
  http://127.0.0.1:$http_port/                      # map, AQI table, alerts, live over SSE
  curl -s http://127.0.0.1:$http_port/api/v1/aqi/latest | head -c 600
  curl -s 'http://127.0.0.1:$http_port/api/v1/latest?granularity=hour&format=csv' | head
  curl -s http://127.0.0.1:$http_port/metrics | grep ecobrain_values_total
Press Ctrl-C to stop (the server flushes before it exits).
MSG
wait "$srv"

