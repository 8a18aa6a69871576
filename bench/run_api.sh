#!/usr/bin/env bash
# run_api.sh — the HTTP face under load (issue #8's performance section).
#
# Why these runs: a duty officer's map asks for the latest values of every
# station many times a second across many screens, and a researcher's script
# pulls month-long series; both while the platform keeps ingesting. So: a
# store with 2,000 air stations (their latest hour in the live table) and one
# station with a month of hourly values; `ecobrain sim` keeps 2,000 devices
# sending ~10,000 values/s the whole time; wrk on loopback measures
#   (a) /api/v1/latest?granularity=hour   (12,000 rows, all 2,000 stations)
#   (b) /api/v1/series, one factor, one month of hours (720 rows)
# req/s and p99. The peer, run on the same store file in the same run: the
# same questions asked of SQLite directly (Python's sqlite3, the query a
# script would write) — the floor an API answer over the file could reach
# without the live table.
#
# Targets (issue #8): latest p99 <= 5 ms at >= 5,000 req/s; series month p99 <= 20 ms.
# Usage: bench/run_api.sh BUILD_DIR   (after `make bench` built it)
#        BENCH_API_INI=FILE: a settings file for the server (e.g. "[store]\ntier = false")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
B=${1:-build-bench}/ecobrain
[ -x "$B" ] || { echo "run_api.sh: $B not built" >&2; exit 1; }
command -v wrk >/dev/null || { echo "run_api.sh: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }
out="$here/out"
mkdir -p "$out"
rows=$(mktemp)
work=$(mktemp -d)
srv=""
sim=""
cleanup() {
  [ -n "$sim" ] && kill "$sim" 2>/dev/null || true
  [ -n "$srv" ] && kill -TERM "$srv" 2>/dev/null && wait "$srv" 2>/dev/null || true
  rm -rf "$work" "$rows"
}
trap cleanup EXIT
emit() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$rows"; }
N=${BENCH_API_SITES:-2000}
DUR=${BENCH_API_SECONDS:-10}
CONN=${BENCH_API_CONNECTIONS:-16}

echo "== HTTP API: $N air stations, wrk -c$CONN -d${DUR}s on loopback while ingesting ~10,000 values/s"
awk -v n="$N" 'BEGIN {
  srand(2023); split("杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市", c, " ")
  print "code,kind,name,province,city,county,lon,lat"
  for (i = 1; i <= n; i++) printf "B%05d,air,站%d,浙江省,%s,,%.4f,%.4f\n", i, i, c[(i % 11) + 1], 118 + rand() * 4, 27.2 + rand() * 3.6
  print "M00001,air,月序列站,浙江省,杭州市,,120.1,30.3"
}' >"$work/sites.csv"
{
  echo "mn,pw,site"
  awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "SIMA%08d,123456,B%05d\n", i, i }'
  echo "MONTH0001,123456,M00001"
} >"$work/devices.csv"
"$B" site import --data "$work/store" "$work/sites.csv" >/dev/null
"$B" device import --data "$work/store" "$work/devices.csv" >/dev/null
"$B" serve --data "$work/store" --hj212 127.0.0.1:0 --port-file "$work/hj.port" --http 127.0.0.1:0 \
  --http-port-file "$work/http.port" --sync normal --quiet ${BENCH_API_INI:+--config "$BENCH_API_INI"} 2>"$work/serve.log" &
srv=$!
for _ in $(seq 100); do [ -s "$work/http.port" ] && [ -s "$work/hj.port" ] && break; sleep 0.1; done
HJ=$(cat "$work/hj.port")
HTTP=$(cat "$work/http.port")

# a month of hourly values of one station, sent as CN 2061 frames (the 9014s awaited)
python3 - "$HJ" <<'PY'
import socket, sys, time, datetime
def crc(b):
    c = 0xFFFF
    for x in b:
        c = (c >> 8) ^ x
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return c
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
now = datetime.datetime.utcnow() + datetime.timedelta(hours=8)
t0 = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=744)
n = 0
for h in range(744):
    t = t0 + datetime.timedelta(hours=h)
    dt = t.strftime("%Y%m%d%H%M%S")
    seg = (f"QN={dt}000;ST=22;CN=2061;PW=123456;MN=MONTH0001;Flag=5;CP=&&DataTime={dt};"
           f"a34004-Avg={20 + h % 30},a34004-Flag=N;a34002-Avg={40 + h % 50},a34002-Flag=N&&").encode()
    s.sendall(b"##%04d" % len(seg) + seg + b"%04X\r\n" % crc(seg))
    n += 1
    if n % 40 == 0:
        time.sleep(1.0)  # under the per-device rate limit (50 frames/s)
buf = b""
s.settimeout(60)
while buf.count(b"CN=9014") < n:
    d = s.recv(65536)
    if not d:
        break
    buf += d
print(f"month series: {buf.count(b'CN=9014')} of {n} hours acknowledged")
PY

# every station's latest hour: 70 one-minute ticks quickly (an hour closes in them)
"$B" sim --target "127.0.0.1:$HJ" --kind air --devices "$N" --interval-ms 20 --duration 1.4 --quiet 2>/dev/null || true
sleep 1
curl -s "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour" -o "$work/latest.json"
nrows=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['count'])" "$work/latest.json")
size=$(stat -c %s "$work/latest.json")
echo "latest table: $nrows hour rows, answer $size bytes"
emit api_latest rows "$nrows" rows
emit api_latest answer_bytes "$size" bytes

# steady ingestion during the measurements: N devices, 6 values a record, one record every 1.2 s each
"$B" sim --target "127.0.0.1:$HJ" --kind air --devices "$N" --interval-ms 1200 --duration $((DUR * 4 + 30)) \
  --quiet 2>/dev/null &
sim=$!
sleep 3
# values stored (new, same or revised: the steady run resends minutes the first one already stored)
metric_new() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk '/^ecobrain_values_total/ && !/failed/ {s += $2} END {print s + 0}'; }
t0=$(date +%s.%N)
v0=$(metric_new)

wrk_run() { # name url [header]
  if [ $# -ge 3 ]; then
    wrk -t1 -c"$CONN" -d"${DUR}s" --latency -H "$3" "$2" >"$work/$1.wrk" 2>&1 || true
  else
    wrk -t1 -c"$CONN" -d"${DUR}s" --latency "$2" >"$work/$1.wrk" 2>&1 || true
  fi
  local rps p99 p50
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$1.wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$1.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")
  to_ms() { awk -v x="$1" 'BEGIN { if (x ~ /us$/) printf "%.3f", x / 1000; else if (x ~ /ms$/) printf "%.3f", x + 0; else if (x ~ /s$/) printf "%.3f", x * 1000; else print "" }'; }
  emit "$1" connections "$CONN" conns
  emit "$1" req_per_s "$rps" req/s
  emit "$1" p50_ms "$(to_ms "$p50")" ms
  emit "$1" p99_ms "$(to_ms "$p99")" ms
  grep -E "Non-2xx|Socket errors" "$work/$1.wrk" || true
}
wrk_run api_latest "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour"
wrk_run api_latest_zstd "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour" "Accept-Encoding: zstd"
# the same with 4 connections: 16 threads of a thread-per-connection server on 2 cores queue behind
# each other and behind wrk, so both figures are reported
CONN_SAVED=$CONN
CONN=4
wrk_run api_latest_zstd_c4 "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour" "Accept-Encoding: zstd"
CONN=1
wrk_run api_latest_zstd_c1 "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour" "Accept-Encoding: zstd"
CONN=$CONN_SAVED
zsize=$(curl -s -H "Accept-Encoding: zstd" "http://127.0.0.1:$HTTP/api/v1/latest?granularity=hour" | wc -c)
emit api_latest_zstd answer_bytes "$zsize" bytes
from=$(date -d '-31 days' +%F)
wrk_run api_series_month "http://127.0.0.1:$HTTP/api/v1/series?mn=MONTH0001&factor=a34004&granularity=hour&from=$from&limit=10000"
CONN=4
wrk_run api_series_month_c4 "http://127.0.0.1:$HTTP/api/v1/series?mn=MONTH0001&factor=a34004&granularity=hour&from=$from&limit=10000"
CONN=1
wrk_run api_series_month_c1 "http://127.0.0.1:$HTTP/api/v1/series?mn=MONTH0001&factor=a34004&granularity=hour&from=$from&limit=10000"
CONN=$CONN_SAVED
curl -s "http://127.0.0.1:$HTTP/api/v1/series?mn=MONTH0001&factor=a34004&granularity=hour&from=$from&limit=10000" \
  -o "$work/series.json"
srows=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['count'])" "$work/series.json")
emit api_series_month rows "$srows" rows
v1=$(metric_new)
t1=$(date +%s.%N)
emit api_ingest values_per_s_during "$(awk -v a="$v0" -v b="$v1" -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%.0f", (b-a)/(t1-t0)}')" values/s

# the floor: the same questions asked of the SQLite file directly, while ingestion goes on
python3 - "$work/store/ecobrain.db" "$from" "$rows" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
# since schema v5 recent values may still be in the recent tier: obs_all is obs plus them, each once
obs = "obs_all" if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'obs_all'").fetchone() else "obs"
def bench(name, sql, args=(), n=30):
    lat = []
    rows = 0
    t_end = time.time() + 8
    for i in range(n):
        t = time.perf_counter()
        rows = len(db.execute(sql, args).fetchall())
        lat.append(time.perf_counter() - t)
        if time.time() > t_end and i >= 5:
            break
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    qps = len(lat) / sum(lat)
    with open(sys.argv[3], "a") as f:
        f.write(f"{name}\treq_per_s\t{qps:.1f}\treq/s (one connection)\n{name}\tp99_ms\t{p99:.3f}\tms\n{name}\trows\t{rows}\trows\n")
    print(f"{name}: {qps:.1f} queries/s, p99 {p99:.2f} ms, {rows} rows")
latest = f"""SELECT d.site, d.mn, s.factor, o.t, o.value, o.flag FROM {obs} o JOIN series s ON s.id = o.series
            JOIN device d ON d.id = s.device
            JOIN (SELECT series, max(t) AS t FROM {obs} WHERE gran = 2 AND gran >= 2 GROUP BY series) m
              ON m.series = o.series AND m.t = o.t WHERE o.gran = 2 AND o.gran >= 2"""
try:
    bench("floor_sqlite_latest", latest)
except sqlite3.Error as e:
    print("floor latest:", e)
month = f"""SELECT o.t, o.value, o.flag FROM {obs} o JOIN series s ON s.id = o.series JOIN device d ON d.id = s.device
           WHERE d.mn = 'MONTH0001' AND s.factor = 'a34004' AND o.gran = 2 AND o.gran >= 2
           AND o.t >= strftime('%s', ?) ORDER BY o.t"""
try:
    bench("floor_sqlite_series_month", month, (sys.argv[2],), n=300)
except sqlite3.Error as e:
    print("floor series:", e)
PY
r=$(awk -F'\t' '$1=="api_latest" && $2=="req_per_s" {a=$3} $1=="floor_sqlite_latest" && $2=="req_per_s" {b=$3} END {if (a && b) printf "%.1f", a/b}' "$rows")
[ -n "$r" ] && emit api_latest ratio_vs_sqlite "$r" "x (API req/s / SQLite queries/s)"
r=$(awk -F'\t' '$1=="api_series_month" && $2=="req_per_s" {a=$3} $1=="floor_sqlite_series_month" && $2=="req_per_s" {b=$3} END {if (a && b) printf "%.1f", a/b}' "$rows")
[ -n "$r" ] && emit api_series_month ratio_vs_sqlite "$r" "x (API req/s / SQLite queries/s)"
printf 'target\tapi_latest\tp99 <= 5 ms at >= 5000 req/s\t\ntarget\tapi_series_month\tp99 <= 20 ms\t\n' >>"$rows"
sed -i 's/^floor_sqlite_latest/api_floor_latest/; s/^floor_sqlite_series_month/api_floor_series_month/' "$rows"
bench_merge "$out/results.tsv" api "$rows"
