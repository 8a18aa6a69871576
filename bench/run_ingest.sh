#!/usr/bin/env bash
# run_ingest.sh — the ingestion benchmark: 10,000 simulated devices against `ecobrain serve`
# on loopback, beside the bare-SQLite floor, rows appended to bench/out/results.tsv.
#
# Why this shape: issue #4 asks for sustained durable values/s, ack latency p50/p99, server
# RSS and RSS per idle connection with 10,000 concurrent devices on the same 2 cores as the
# simulator, and the same inserts done by a bare sqlite3 program (one transaction) as the
# floor. The server runs with its defaults (sync=full: every commit fsynced) except a
# per-device rate high enough not to throttle the simulator.
#
#   bench/run_ingest.sh [BUILD_DIR]     (default build-bench)
# Two load levels: BENCH_INGEST_INTERVAL_MS (300: 200,000 values/s offered by 10,000 devices)
# and BENCH_INGEST_LIGHT_MS (1000: 60,000 values/s), to show both the ceiling and the latency below it;
# both again with the recent tier off (`tier = false`, rows *_notier), for what the tier gives.
# Also the floor committed every 5,000 rows from scrambled devices, series-keyed and two-tier (the
# recent tier, docs/ingest.md), and per run the server's CPU seconds and what its mover moved.
# Knobs: BENCH_INGEST_DEVICES (10000), BENCH_INGEST_SECONDS (30),
#        BENCH_INGEST_IDLE (10000), BENCH_OUT (bench/out).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
out=${BENCH_OUT:-$root/bench/out}
mkdir -p "$out"
eb=$build/ecobrain
floor=$build/bench_store_floor
[ -x "$eb" ] && [ -x "$floor" ] || { echo "run_ingest.sh: build $build first (make bench)" >&2; exit 1; }
devices=${BENCH_INGEST_DEVICES:-10000}
interval=${BENCH_INGEST_INTERVAL_MS:-300}
seconds=${BENCH_INGEST_SECONDS:-30}
idle=${BENCH_INGEST_IDLE:-10000}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d /tmp/eco_bench_ingest.XXXXXX)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
rows="$out/.ingest_rows.tsv"
: >"$rows"
emit() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$rows"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

cat >"$tmp/serve.ini" <<INI
[hj212]
rate_per_device = 1000
rate_burst = 1000
max_connections = 30000
stats_interval_s = 5
INI
# the devices are in the catalogue, as in production (registration is not what is measured)
{
  echo "mn,pw"
  for k in A W C E; do
    awk -v k="$k" -v n="$devices" 'BEGIN { for (i = 1; i <= n; i++) printf "SIM%s%08d,123456\n", k, i }'
  done
} >"$tmp/devices.csv"
start_server() { # $1 = run name; SERVE_INI overrides the settings file
  rm -f "$tmp/port"
  [ -d "$tmp/data$1" ] || "$eb" device import --data "$tmp/data$1" "$tmp/devices.csv" 2>/dev/null
  "$eb" serve --data "$tmp/data$1" --hj212 127.0.0.1:0 --port-file "$tmp/port" \
    --config "${SERVE_INI:-$tmp/serve.ini}" 2>"$tmp/serve$1.log" &
  srv_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(cat "$tmp/port")
}
stop_server() { kill -TERM "$srv_pid"; wait "$srv_pid" || true; srv_pid=; }

echo "== ingest: RSS per idle connection ($idle connections)" >&2
start_server idle
sleep 0.5
rss0=$(rss_kib "$srv_pid")
/usr/bin/env python3 - "$port" "$idle" "$srv_pid" >"$tmp/idle.txt" <<'PY'
import socket, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for i in range(n):
    socks.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(2.0)  # let the server accept them all
rss = int(open(f"/proc/{pid}/status").read().split("VmRSS:")[1].split()[0])
print(rss)
for s in socks: s.close()
PY
rss1=$(cat "$tmp/idle.txt")
stop_server
emit ingest_idle connections "$idle" conns
emit ingest_idle server_rss_before "$rss0" KiB
emit ingest_idle server_rss_with_idle "$rss1" KiB
emit ingest_idle rss_per_idle_conn "$(awk -v a="$rss0" -v b="$rss1" -v n="$idle" 'BEGIN{printf "%.2f", (b-a)/n}')" KiB

load_run() { # $1 = interval ms, $2 = row-name suffix
  local iv=$1 tag=ingest_load$2
  echo "== ingest: $devices devices, one record per ${iv} ms each, ${seconds} s (sync=full)" >&2
  start_server "load$2"
  "$eb" sim --target "127.0.0.1:$port" --devices "$devices" --kind mixed --interval-ms "$iv" \
    --duration "$seconds" --window 8 --drain 120 --warmup 5 --quiet 2>"$tmp/sim$2.log" || true
  local hwm cpu; hwm=$(hwm_kib "$srv_pid")
  cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$srv_pid/stat") # utime + stime, clock ticks
  stop_server
  cat "$tmp/sim$2.log" >&2
  grep 'stats:' "$tmp/serveload$2.log" | tail -1 >&2
  local sim srvline vals secs p50 p99 unacked new commits offered
  sim=$(cat "$tmp/sim$2.log")
  vals=$(sed -n 's/.* acked (\([0-9]*\) values).*/\1/p' <<<"$sim")
  secs=$(sed -n 's/.*; \([0-9.]*\) s$/\1/p' <<<"$sim")
  p50=$(sed -n 's/.*ack ms p50 \([0-9]*\) p99.*/\1/p' <<<"$sim")
  p99=$(sed -n 's/.*ack ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$sim")
  unacked=$(sed -n 's/.* \([0-9]*\) unacked.*/\1/p' <<<"$sim")
  srvline=$(grep 'stats:' "$tmp/serveload$2.log" | tail -1)
  new=$(sed -n 's/.*values new \([0-9]*\),.*/\1/p' <<<"$srvline")
  commits=$(sed -n 's/.*commits \([0-9]*\) .*/\1/p' <<<"$srvline")
  offered=$(awk -v d="$devices" -v i="$iv" 'BEGIN{printf "%.0f", d*6*1000/i}')
  rate=$(awk -v v="$vals" -v s="$secs" 'BEGIN{printf "%.0f", v/s}')
  emit "$tag" devices "$devices" devices
  emit "$tag" interval_ms "$iv" ms
  emit "$tag" offered_values_per_s "$offered" values/s
  emit "$tag" values_acked "$vals" values
  emit "$tag" values_stored_new "$new" values
  emit "$tag" records_unacked "$unacked" records
  emit "$tag" seconds "$secs" s
  emit "$tag" durable_values_per_s "$rate" values/s
  emit "$tag" ack_ms_p50 "$p50" ms
  emit "$tag" ack_ms_p99 "$p99" ms
  emit "$tag" commits "$commits" commits
  emit "$tag" server_ack_ms_p50 "$(sed -n 's/.*ack ms p50 \([0-9]*\) p99.*/\1/p' <<<"$srvline")" ms
  emit "$tag" server_ack_ms_p99 "$(sed -n 's/.*ack ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$srvline")" ms
  emit "$tag" commit_ms_p50 "$(sed -n 's/.*errors [0-9]*, ms p50 \([0-9]*\) p99.*/\1/p' <<<"$srvline")" ms
  emit "$tag" commit_ms_p99 "$(sed -n 's/.*errors [0-9]*, ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$srvline")" ms
  emit "$tag" server_rss_peak "$hwm" KiB
  emit "$tag" server_cpu_s "$cpu" s
  emit "$tag" tier_moved "$(sed -n 's/.*recent tier moved \([0-9]*\) .*/\1/p' <<<"$srvline")" values
  emit "$tag" tier_move_ms "$(sed -n 's/.*recent tier moved [0-9]* (\([0-9]*\) ms).*/\1/p' <<<"$srvline")" ms
  emit "$tag" tier_waiting "$(sed -n 's/.*, waiting \([0-9]*\).*/\1/p' <<<"$srvline")" values
}
# the light load first: the heavy run leaves gigabytes of dirty pages whose writeback would
# stall the next run's fsyncs; sync between runs for the same reason
sync
load_run "${BENCH_INGEST_LIGHT_MS:-1000}" _light
sync
load_run "$interval" ""
# the same loads with the recent tier off (values straight into obs): what the tier gives
sed 's/^stats_interval_s = 5$/stats_interval_s = 5\n[store]\ntier = false/' "$tmp/serve.ini" >"$tmp/serve-notier.ini"
sync
SERVE_INI="$tmp/serve-notier.ini" load_run "${BENCH_INGEST_LIGHT_MS:-1000}" _light_notier
sync
SERVE_INI="$tmp/serve-notier.ini" load_run "$interval" _notier
# the same heavy load without the data-quality screens: what screening every value costs
sed 's/^stats_interval_s = 5$/stats_interval_s = 5\nscreens = false/' "$tmp/serve.ini" >"$tmp/serve-noscreens.ini"
sync
SERVE_INI="$tmp/serve-noscreens.ini" load_run "$interval" _noscreens

echo "== ingest floor: bare SQLite, the same number of rows in one transaction" >&2
vals=$(awk -F'\t' '$1=="ingest_load" && $2=="values_acked"{print $3}' "$rows")
rate=$(awk -F'\t' '$1=="ingest_load" && $2=="durable_values_per_s"{print $3}' "$rows")
"$floor" --rows "$vals" --dir "$tmp" --cache-mb 256 | tee -a "$rows"
frate=$(awk -F'\t' '$2=="values_per_s"{print $3}' "$rows" | tail -1)
emit ingest_load floor_ratio "$(awk -v a="$frate" -v b="$rate" 'BEGIN{printf "%.2f", a/b}')" "x (floor/server)"
ns=$(awk -F'\t' '$1=="ingest_load_noscreens" && $2=="durable_values_per_s"{print $3}' "$rows")
emit ingest_load screens_overhead_pct "$(awk -v a="$ns" -v b="$rate" 'BEGIN{printf "%.1f", (a/b - 1) * 100}')" "% (throughput without / with screens - 1)"

echo "== ingest floor, like for like: the same rows from scrambled devices, committed every 5,000, series-keyed and two-tier" >&2
"$floor" --rows "$vals" --dir "$tmp" --cache-mb 256 --batch 5000 --shuffle 1 --name ingest_floor_b5000 | tee -a "$rows" || true
"$floor" --rows "$vals" --dir "$tmp" --cache-mb 256 --batch 5000 --shuffle 1 --tier same --move 1000000 \
  --name ingest_floor_tier | tee -a "$rows" || true

echo "== ingest durability cost: 1,000,000 rows committed every 5,000 (the server's batch size) per sync mode" >&2
for m in full normal off; do
  "$floor" --rows 1000000 --dir "$tmp" --batch 5000 --sync "$m" --name "ingest_sync_$m" | tee -a "$rows"
done

res="$out/results.tsv"
. "$root/bench/lib.sh"
bench_merge "$res" ingest "$rows"
