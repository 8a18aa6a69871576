#!/usr/bin/env bash
# run_hj212.sh — run the HJ 212 codec benchmark and append its rows to bench/out/results.tsv.
#
# Why a script of its own: bench/run.sh drives the air benchmark and writes
# results.tsv from scratch; this one runs after it (make bench calls both) and
# APPENDS the codec's rows (name, metric, value, unit) — replacing the hj212
# rows of an earlier run, so running it twice does not duplicate them. It
# builds nothing (`make bench` does). bench_hj212.c explains what is timed.
#
#   bench/run_hj212.sh [BUILD_DIR]          (default build-bench)
# Knobs: BENCH_HJ212_PACKETS (20000), BENCH_HJ212_RUNS (7), BENCH_SEED, BENCH_OUT (default bench/out).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
out=${BENCH_OUT:-$root/bench/out}
[[ $out = /* ]] || out="$PWD/$out"
bin=$build/bench_hj212
if [ ! -x "$bin" ]; then
  echo "run_hj212.sh: $bin not found; build with: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DECO_TESTS=OFF -DECO_BENCH=ON && cmake --build build-bench" >&2
  exit 1
fi
mkdir -p "$out"
res="$out/results.tsv"
rows="$out/.hj212_rows.tsv"
args=(--packets "${BENCH_HJ212_PACKETS:-20000}" --runs "${BENCH_HJ212_RUNS:-7}")
[ -n "${BENCH_SEED:-}" ] && args+=(--seed "$BENCH_SEED")

echo "== bench_hj212 (HJ 212 framing + parsing, one core)" >&2
"$bin" "${args[@]}" >"$rows"

. "$root/bench/lib.sh"
bench_merge "$res" hj212 "$rows"
rm -f "$rows"

awk -F'\t' '
  { v[$1 "/" $2] = $3 }
  function g(k) { return (k in v) ? v[k] : "-" }
  function pf(k) { return !(k in v) ? "n/a" : v[k] == 1 ? "PASS" : "FAIL" }
  END {
    printf "\nhj212 benchmark: %s packets, segments %s..%s bytes (mean %s), %s fields/packet\n",
      g("hj212_bench/packets"), g("hj212_bench/segment_min"), g("hj212_bench/segment_max"),
      g("hj212_bench/segment_mean"), g("hj212_bench/fields_per_packet")
    printf "  CRC floor       %s packets/s  %s MB/s\n", g("hj212_crc_floor/packets_per_s"), g("hj212_crc_floor/mb_per_s")
    printf "  frame only      %s packets/s  %s MB/s\n", g("hj212_frame_only/packets_per_s"), g("hj212_frame_only/mb_per_s")
    printf "  frame + parse   %s packets/s  %s MB/s  (%s x the CRC floor)\n", g("hj212_frame_parse/packets_per_s"),
      g("hj212_frame_parse/mb_per_s"), g("hj212_frame_parse/ratio_vs_crc_floor")
    printf "  targets: >= 2 M packets/s %s; within 3x of the CRC floor %s\n",
      pf("target/hj212_ge_2M_packets_per_s"), pf("target/hj212_within_3x_crc_floor")
  }' "$res" >&2
echo "results: $res" >&2
