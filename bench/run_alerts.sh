#!/usr/bin/env bash
# run_alerts.sh — what alerting costs the live path (issue #7's performance section).
#
# Why a replay: the question is how much slower ingestion gets when every new value goes through
# the data-quality screens, the rules file (data/rules/default.ini) and the ledger, at full speed.
# So the same replayed stretch of outlet data — BENCH_ALERTS_OUTLETS enterprise outlets (flue gas
# and effluent, 6 factors each) × BENCH_ALERTS_MINUTES one-minute records, DataTimes from
# yesterday 00:00 — is sent as fast as the server acknowledges it, twice, into fresh stores:
# once with the screens, the rules and the ledger on, once with all of them off. Durable values/s
# (acknowledged values / elapsed) and ack latency of each, and the overhead
# (rate without / rate with − 1). The issue scales it to 10,000 outlets × a day (86 M values); the
# default here is 2,000 × 120 minutes (1.44 M values a run) so that `make bench` stays short.
# Target: ≤ 10 % overhead.
# Usage: bench/run_alerts.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
eb=${1:-build-bench}/ecobrain
[[ $eb = /* ]] || eb="$root/$eb"
[ -x "$eb" ] || { echo "run_alerts.sh: $eb not built" >&2; exit 1; }
out="$here/out"
mkdir -p "$out"
rows=$(mktemp)
tmp=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp" "$rows"; }
trap cleanup EXIT
emit() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$rows"; }
outlets=${BENCH_ALERTS_OUTLETS:-2000}
minutes=${BENCH_ALERTS_MINUTES:-120}
half=$((outlets / 2))
start=$(date -d 'yesterday 00:00' '+%Y-%m-%d %H:%M:%S')

{
  echo "mn,pw"
  awk -v n="$half" 'BEGIN { for (i = 1; i <= n; i++) printf "SIMC%08d,123456\nSIME%08d,123456\n", i, i }'
} >"$tmp/devices.csv"
common="[hj212]
rate_per_device = 1000000
rate_burst = 1000000
max_connections = 30000
stats_interval_s = 0"
printf '%s\n[alerts]\nrules = %s\n' "$common" "$root/data/rules/default.ini" >"$tmp/on.ini"
printf '%s\nscreens = false\n[ledger]\nenabled = false\n' "$common" >"$tmp/off.ini"

run() { # $1 = on|off, $2 = round
  rm -f "$tmp/port"
  rm -rf "$tmp/data-$1"
  "$eb" device import --data "$tmp/data-$1" "$tmp/devices.csv" >/dev/null 2>&1
  "$eb" serve --data "$tmp/data-$1" --hj212 127.0.0.1:0 --port-file "$tmp/port" --config "$tmp/$1.ini" \
    2>"$tmp/serve-$1.log" &
  srv_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || { echo "run_alerts.sh: the server did not start:" >&2; cat "$tmp/serve-$1.log" >&2; exit 1; }
  local port; port=$(cat "$tmp/port")
  # two simulators (flue gas, effluent), each replaying `minutes` minute records per outlet as fast as acked
  local dur; dur=$(awk -v m="$minutes" 'BEGIN{printf "%.3f", m / 1000}')
  local t0; t0=$(date +%s.%N)
  "$eb" sim --target "127.0.0.1:$port" --devices "$half" --kind cems --interval-ms 1 --duration "$dur" \
    --start "$start" --window 8 --drain 300 --seed 7 --replay --quiet 2>"$tmp/sim-$1-c.log" &
  local s1=$!
  "$eb" sim --target "127.0.0.1:$port" --devices "$half" --kind effluent --interval-ms 1 --duration "$dur" \
    --start "$start" --window 8 --drain 300 --seed 8 --replay --quiet 2>"$tmp/sim-$1-e.log" || true
  wait "$s1" || true
  local secs; secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b - a}') # first send to last ack
  # the server's CPU time for the same work: steadier than the rate, which the disk's mood moves
  local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$srv_pid/stat")
  kill -TERM "$srv_pid"; wait "$srv_pid" || true; srv_pid=
  local vals=0 p50=0 p99=0
  for k in c e; do
    local s; s=$(cat "$tmp/sim-$1-$k.log")
    vals=$((vals + $(sed -n 's/.* acked (\([0-9]*\) values).*/\1/p' <<<"$s")))
    p50=$(awk -v a="$p50" -v b="$(sed -n 's/.*ack ms p50 \([0-9]*\) p99.*/\1/p' <<<"$s")" 'BEGIN{print (b > a ? b : a)}')
    p99=$(awk -v a="$p99" -v b="$(sed -n 's/.*ack ms p50 [0-9]* p99 \([0-9]*\) max.*/\1/p' <<<"$s")" 'BEGIN{print (b > a ? b : a)}')
  done
  local alerts; alerts=$(sed -n 's/.*; alerts \([0-9]*\).*/\1/p' "$tmp/serve-$1.log" | tail -1)
  local t="alerts_replay_$1_r$2"
  emit "$t" values_acked "$vals" values
  emit "$t" seconds "$secs" s
  emit "$t" durable_values_per_s "$(awk -v v="$vals" -v s="$secs" 'BEGIN{printf "%.0f", v/s}')" values/s
  emit "$t" ack_ms_p50 "$p50" ms
  emit "$t" ack_ms_p99 "$p99" ms
  emit "$t" server_cpu_s "$cpu" s
  emit "$t" alerts "${alerts:-0}" alerts
}

echo "== alerts: $outlets outlets × $minutes one-minute records replayed from $start, screens+rules+ledger on, then off" >&2
# alternated, the best of each: the order and the machine's other work move single runs by ±15 %
rounds=${BENCH_ALERTS_ROUNDS:-3}
for r in $(seq "$rounds"); do run on "$r"; run off "$r"; done
best() { awk -F'\t' -v p="alerts_replay_$1_r" 'index($1, p) == 1 && $2 == "durable_values_per_s" && $3 > m {m = $3} END {print m}' "$rows"; }
on=$(best on)
off=$(best off)
emit alerts_replay best_on_values_per_s "$on" values/s
emit alerts_replay best_off_values_per_s "$off" values/s
emit alerts_replay overhead_pct "$(awk -v a="$off" -v b="$on" 'BEGIN{printf "%.1f", (a/b - 1) * 100}')" \
  "% (best rate without alerting / best rate with - 1)"
cpu_min() { awk -F'\t' -v p="alerts_replay_$1_r" 'index($1, p) == 1 && $2 == "server_cpu_s" && (m == "" || $3 < m) {m = $3} END {print m}' "$rows"; }
con=$(cpu_min on)
coff=$(cpu_min off)
emit alerts_replay cpu_overhead_pct "$(awk -v a="$con" -v b="$coff" 'BEGIN{printf "%.1f", (a/b - 1) * 100}')" \
  "% (least server CPU with alerting / without - 1)"
printf 'target\talerts_replay\toverhead <= 10 %%\t\n' >>"$rows"
bench_merge "$out/results.tsv" alerts "$rows"
