#!/usr/bin/env bash
# run_ingest_long.sh — does the ingestion rate hold as the store grows? One saturating load of
# 10,000 simulated devices for minutes (run_ingest.sh's heavy load, longer), the server's counters
# every 10 s (values stored, the recent tier's values moved and waiting), then the server left idle
# until its mover has moved everything: the mover's catch-up rate.
#
#   bench/run_ingest_long.sh [BUILD_DIR]      (default build-bench)
# Knobs: BENCH_INGEST_DEVICES (10000), BENCH_INGEST_INTERVAL_MS (300), BENCH_INGEST_SECONDS (240),
#        BENCH_INGEST_STORE_INI (extra [store] lines, e.g. "tier = false"), BENCH_OUT (bench/out).
# Prints tab-separated rows (name metric value unit) and the time series; wall-clock figures on a
# shared VM are noisy: the server's CPU seconds and the bytes it wrote to the disk are printed too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
eb=$build/ecobrain
[ -x "$eb" ] || { echo "run_ingest_long.sh: build $build first (make bench)" >&2; exit 1; }
devices=${BENCH_INGEST_DEVICES:-10000}
interval=${BENCH_INGEST_INTERVAL_MS:-300}
seconds=${BENCH_INGEST_SECONDS:-240}
name=${BENCH_NAME:-ingest_long}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d /tmp/eco_bench_long.XXXXXX)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cat >"$tmp/serve.ini" <<INI
[hj212]
rate_per_device = 1000
rate_burst = 1000
max_connections = 30000
stats_interval_s = 10
[store]
${BENCH_INGEST_STORE_INI:-}
INI
{
  echo "mn,pw"
  for k in A W C E; do
    awk -v k="$k" -v n="$devices" 'BEGIN { for (i = 1; i <= n; i++) printf "SIM%s%08d,123456\n", k, i }'
  done
} >"$tmp/devices.csv"
"$eb" device import --data "$tmp/data" "$tmp/devices.csv" 2>/dev/null
"$eb" serve --data "$tmp/data" --hj212 127.0.0.1:0 --port-file "$tmp/port" --config "$tmp/serve.ini" \
  2>"$tmp/serve.log" &
srv_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
sync
echo "== $name: $devices devices, a record each ${interval} ms, ${seconds} s" >&2
"$eb" sim --target "127.0.0.1:$port" --devices "$devices" --kind mixed --interval-ms "$interval" \
  --duration "$seconds" --window 8 --drain 120 --warmup 5 --quiet 2>"$tmp/sim.log" || true
cpu_load=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$srv_pid/stat")
wb_load=$(awk '/^write_bytes:/ {printf "%.0f", $2 / 1048576}' "/proc/$srv_pid/io")
cat "$tmp/sim.log" >&2
# idle: the mover catches up
t0=$(date +%s.%N)
for _ in $(seq 600); do
  w=$(grep 'stats:' "$tmp/serve.log" | tail -1 | sed -n 's/.*, waiting \([0-9]*\).*/\1/p')
  [ "${w:-0}" = 0 ] && break
  sleep 2
done
t1=$(date +%s.%N)
cpu_end=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$srv_pid/stat")
wb_end=$(awk '/^write_bytes:/ {printf "%.0f", $2 / 1048576}' "/proc/$srv_pid/io")
db_mb=$(du -sm "$tmp/data" | cut -f1)
hwm=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$srv_pid/status") # peak RSS: is the backlog's memory bounded?
kill -TERM "$srv_pid"; wait "$srv_pid" || true; srv_pid=
echo "== the server's counters every 10 s: s, values stored/s, moved/s, waiting" >&2
grep 'stats:' "$tmp/serve.log" | awk '
  { n = 0; m = 0; w = 0
    if (match($0, /values new [0-9]+/)) n = substr($0, RSTART + 11, RLENGTH - 11)
    if (match($0, /recent tier moved [0-9]+/)) m = substr($0, RSTART + 18, RLENGTH - 18)
    if (match($0, /waiting [0-9]+/)) w = substr($0, RSTART + 8, RLENGTH - 8)
    i++; printf "%d\t%.0f\t%.0f\t%d\n", i * 10, (n - pn) / 10, (m - pm) / 10, w; pn = n; pm = m }' | tee "$tmp/series.tsv" >&2
sim=$(cat "$tmp/sim.log")
vals=$(sed -n 's/.* acked (\([0-9]*\) values).*/\1/p' <<<"$sim")
secs=$(sed -n 's/.*; \([0-9.]*\) s$/\1/p' <<<"$sim")
emit() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }
emit "$name" values_acked "$vals" values
emit "$name" durable_values_per_s "$(awk -v v="$vals" -v s="$secs" 'BEGIN{printf "%.0f", v/s}')" values/s
emit "$name" ack_ms_p50 "$(sed -n 's/.*ack ms p50 \([0-9]*\) p99.*/\1/p' <<<"$sim")" ms
emit "$name" ack_ms_p99 "$(sed -n 's/.*ack ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$sim")" ms
last=$(grep 'stats:' "$tmp/serve.log" | tail -1)
emit "$name" commit_ms_p99 "$(sed -n 's/.*errors [0-9]*, ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$last")" ms
emit "$name" server_cpu_s_load "$cpu_load" s
emit "$name" server_cpu_s_total "$cpu_end" s
# the rate in the first and the last quarter of the load (the store small, the store large)
q=$(awk -v s="$seconds" 'BEGIN{printf "%d", s / 40}')
emit "$name" rate_first_quarter "$(awk -F'\t' -v q="$q" 'NR>1 && NR<=q+1 {s+=$2; n++} END{printf "%.0f", n? s/n : 0}' "$tmp/series.tsv")" values/s
emit "$name" rate_last_quarter "$(awk -F'\t' -v q="$q" -v s="$seconds" 'NR>(s/10)-q && NR<=s/10 {t+=$2; n++} END{printf "%.0f", n? t/n : 0}' "$tmp/series.tsv")" values/s
emit "$name" catchup_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')" s
emit "$name" waiting_at_end_of_load "$(awk -F'\t' -v s="$seconds" 'NR==int(s/10) {print $4}' "$tmp/series.tsv")" values
emit "$name" store_mb "$db_mb" MiB
emit "$name" server_rss_peak "$hwm" MiB
emit "$name" written_mib_load "$wb_load" MiB
emit "$name" written_mib_total "$wb_end" "MiB (WAL and database, to the disk)"
emit "$name" written_kib_per_value "$(awk -v w="$wb_end" -v v="$vals" 'BEGIN{printf "%.2f", w * 1024 / v}')" KiB
