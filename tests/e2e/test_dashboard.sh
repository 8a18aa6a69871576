#!/usr/bin/env bash
# test_dashboard.sh [BIN] — the dashboard in a real browser against a real server.
#
# Builds the web directory (web/build.sh), makes a store with a catalogue of
# air stations (with coordinates, data/demo/sites.csv) and water sections
# (two with coordinates, the rest without), starts `ecobrain serve` with the
# HTTP face and the dashboard on 127.0.0.1 (free ports), feeds it with
# `ecobrain sim` (air and water devices replaying history fast, so complete
# hours and their AQI arrive within seconds and keep coming during the test),
# waits until /api/v1/aqi/latest has an AQI, then runs tests/e2e/dashboard.mjs
# (Chromium via playwright-core) and keeps its screenshot in build/dashboard.png.
#
# BIN: $1, else $ECOBRAIN (what CMake's e2e glob sets), else build/ecobrain.
# Skips (77) without /usr/bin/chromium, web/node_modules/playwright-core, node,
# curl, or a binary without the HTTP face. Server and simulators are always
# stopped on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-${ECOBRAIN:-$root/build/ecobrain}}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac

skip() { echo "skip: $*"; exit 77; }
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium not found (scripts/deps.sh installs it)"
[ -d "$root/web/node_modules/playwright-core" ] || skip "web/node_modules/playwright-core missing (run scripts/deps.sh)"
command -v node >/dev/null || skip "node not found (run scripts/deps.sh)"
command -v curl >/dev/null || skip "curl not found"
[ -x "$bin" ] || { echo "FAIL: no ecobrain binary at $bin"; exit 1; }
help=$("$bin" serve --help 2>&1 || true)
case "$help" in *--http-port-file*) ;; *) skip "$bin serve has no --http-port-file (HTTP face not built in)";; esac
case "$help" in *--web*) ;; *) skip "$bin serve has no --web (dashboard serving not built in)";; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eco-dash.XXXXXX")
srv=""; sims=()
cleanup() {
  local rc=$?
  set +e
  for p in "${sims[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${sims[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "$srv" ] && kill -0 "$srv" 2>/dev/null; then
    kill -TERM "$srv"
    for _ in $(seq 100); do kill -0 "$srv" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
  fi
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    echo "--- serve.log (tail)"; tail -n 30 "$tmp/serve.log" 2>/dev/null
    echo "--- sim.log (tail)"; tail -n 10 "$tmp/sim.log" 2>/dev/null
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the served directory
timeout 60 "$root/web/build.sh" "$tmp/web" >/dev/null

# ---- catalogue: 22 air stations (two per city, with coordinates), 11 water sections
sites="$root/data/demo/sites.csv"
store="$tmp/store"
{
  echo "code,kind,name,province,city,county,lon,lat"
  awk -F, 'NR > 1 && ($1 ~ /-0[12]$/) {printf "%s,air,%s,%s,%s市,%s,%s,%s\n", $1, $5, $4, $2, $3, $6, $7}' "$sites"
  i=0
  for c in $(tail -n +2 "$sites" | cut -d, -f2 | awk '!seen[$0]++'); do
    i=$((i + 1))
    case $i in
      1) ll="120.2100,30.2000" ;;   # two sections with coordinates (Qiantang at Hangzhou, Yong at Ningbo)
      2) ll="121.5500,29.8900" ;;
      *) ll="," ;;                   # the rest without: listed beside the map
    esac
    printf 'ZJ-W%02d,water,%s示范断面（合成）,浙江省,%s市,,%s\n' "$i" "$c" "$c" "$ll"
  done
} >"$tmp/sites.csv"
n_air=$(grep -c ",air," "$tmp/sites.csv")
n_water=4
{
  echo "mn,pw,site,profile"
  awk -F, 'NR > 1 && $2 == "air" {n++; printf "SIMA%08d,123456,%s,strict\n", n, $1}' "$tmp/sites.csv"
  for i in $(seq 11); do printf 'SIMW%08d,123456,ZJ-W%02d,strict\n' "$i" "$i"; done
} >"$tmp/devices.csv"
"$bin" site import --data "$store" "$tmp/sites.csv" >/dev/null
"$bin" device import --data "$store" "$tmp/devices.csv" >/dev/null

# ---- server
"$bin" serve --data "$store" --hj212 127.0.0.1:0 --port-file "$tmp/hj212.port" \
  --http 127.0.0.1:0 --http-port-file "$tmp/http.port" --web "$tmp/web" --sync normal \
  >"$tmp/serve.log" 2>&1 &
srv=$!
for _ in $(seq 150); do
  [ -s "$tmp/hj212.port" ] && [ -s "$tmp/http.port" ] && break
  kill -0 "$srv" 2>/dev/null || { echo "FAIL: serve exited early"; exit 1; }
  sleep 0.2
done
[ -s "$tmp/hj212.port" ] && [ -s "$tmp/http.port" ] || { echo "FAIL: serve wrote no port files within 30 s"; exit 1; }
hj=$(cat "$tmp/hj212.port"); hp=$(cat "$tmp/http.port")
url="http://127.0.0.1:$hp/"
echo "serve: HJ 212 on 127.0.0.1:$hj, HTTP on $url"

# ---- simulators: one tick = one minute of device time every 50 ms, replaying
# the last ~133 h up to the present minute (a complete hour every 3 s; inside the
# API's default 7-day windows); they run for the whole test (400 s at most), so
# live updates keep flowing while the browser watches.
"$bin" sim --target "127.0.0.1:$hj" --kind air --devices "$n_air" --interval-ms 50 --duration 400 --drain 5 \
  --seed 7 --quiet >>"$tmp/sim.log" 2>&1 &
sims+=($!)
"$bin" sim --target "127.0.0.1:$hj" --kind water --devices "$n_water" --interval-ms 50 --duration 400 --drain 5 \
  --seed 7 --quiet >>"$tmp/sim.log" 2>&1 &
sims+=($!)

# ---- wait for an AQI
ok=""
for _ in $(seq 120); do
  body=$(curl -sf --max-time 5 "${url}api/v1/aqi/latest" || true)
  if printf '%s' "$body" | grep -q '"aqi":[0-9]'; then ok=1; break; fi
  sleep 1
done
[ -n "$ok" ] || { echo "FAIL: no site with an AQI in /api/v1/aqi/latest within 120 s"; echo "$body" | head -c 600; exit 1; }
echo "serve: /api/v1/aqi/latest has AQI values"
# A few hours more, so that the site charts are lines (and the screenshot says something).
first=$(awk -F, 'NR == 2 {print $1}' "$tmp/sites.csv")
for _ in $(seq 120); do
  n=$(curl -sf --max-time 5 "${url}api/v1/series?site=$first&factor=a34004&granularity=hour" |
      sed -n 's/.*"count":\([0-9]*\).*/\1/p')
  [ "${n:-0}" -ge 8 ] && break
  sleep 1
done
echo "serve: $first has ${n:-0} hourly PM2.5 values"

# ---- the browser
mkdir -p "$root/build"
png="$root/build/dashboard.png"
timeout 360 node "$here/dashboard.mjs" "$url" "$png"
