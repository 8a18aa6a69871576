#!/usr/bin/env bash
# run_water.sh — run the water benchmark and its pandas peer, update bench/out/results.tsv.
#
# Why a script: the issue's target (>= 30x pandas for classifying 10 M samples
# and for the section-month aggregation) compares the C engine with pandas on
# the same data in the same run, and the figures must land in the same
# machine-readable table as the air benchmark (name, metric, value, unit).
# It builds nothing; it runs
#   1. bench_water      — generates ~10 M samples x 24 items in memory (float32
#                          columns), times (a) the class of every sample
#                          (eco_water_classify_batch_f32) and (b) the
#                          section-month means + classes (eco_water_acc_add_batch_f32),
#                          then once the per-sample engine on the same data
#                          (reference, "before"), writes water_*.npy;
#   2. water_pandas.py  — the pandas peer on those files (Debian /usr/bin/python3);
#   3. compare          — exact-match rates of the classes, agreement of the means;
# then derives the ratios and checks the target, replaces the earlier water_*
# rows of results.tsv with the new ones and prints a summary.
#
#   bench/run_water.sh [BUILD_DIR]                  (default build-bench)
#   BENCH_W_SECTIONS=400 bench/run_water.sh         quick run (default 4567 sections)
# Other knobs: BENCH_RUNS (3), BENCH_PY_RUNS (2), BENCH_SEED (2026),
# BENCH_OUT (default bench/out), BENCH_PANDAS=0 to skip the peer,
# BENCH_W_REF=0 to skip the per-sample reference, BENCH_W_ISA=0|1 to cap the
# batch kernels at the portable or AVX2 build.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
out=${BENCH_OUT:-$root/bench/out}
[[ $out = /* ]] || out="$PWD/$out"
py=/usr/bin/python3 # Debian's python3-pandas, not a pyenv python on PATH
mkdir -p "$out"
res="$out/results.tsv"
tmp="$out/.water_rows.tsv"
: >"$tmp"

row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tmp"; }
note() { printf '%s\n' "$*" >&2; }

if [ ! -x "$build/bench_water" ]; then
  note "run_water.sh: $build/bench_water not found; build with: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DECO_TESTS=OFF -DECO_BENCH=ON && cmake --build build-bench"
  exit 1
fi

rss_of() { # name metric cmd...
  local name=$1 metric=$2
  shift 2
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$out/.water_rss" "$@" || return 1
    row "$name" "$metric" "$(($(tail -n 1 "$out/.water_rss") / 1024))" MiB
    rm -f "$out/.water_rss"
  else
    "$@"
  fi
}

t_start=$(date +%s)
note "== bench_water (C engine, in memory)"
rss_of water_bench c_peak_rss "$build/bench_water" --out "$out"
cat "$out/water_c/results.tsv" >>"$tmp"

pandas_ok=0
if [ "${BENCH_PANDAS:-1}" != 0 ] && [ -f "$out/water_values.npy" ] && "$py" -c 'import pandas, numpy' 2>/dev/null; then
  note "== pandas peer ($("$py" -c 'import pandas, numpy; print("pandas", pandas.__version__, "numpy", numpy.__version__)'))"
  if rss_of water_bench pandas_peak_rss "$py" "$root/bench/water_pandas.py" run "$out"; then
    cat "$out/water_pandas/results.tsv" >>"$tmp"
    note "== agreement C vs pandas"
    if "$py" "$root/bench/water_pandas.py" compare "$out" >"$out/.water_compare.tsv"; then
      cat "$out/.water_compare.tsv" >>"$tmp"
      pandas_ok=1
    fi
    rm -f "$out/.water_compare.tsv"
  fi
fi
[ $pandas_ok = 1 ] || { note "pandas peer: skipped"; row water_classify pandas_s skipped s; row water_aggregate pandas_s skipped s; }
row water_bench total_wall_s "$(($(date +%s) - t_start))" s

# ---- derived rows: ratios, checksums, targets
awk -F'\t' -v OFS='\t' '
  { v[$1 SUBSEP $2] = $3; print }
  function num(k) { return (k in v) && v[k] ~ /^[0-9.eE+-]+$/ }
  function ratio(name, metric, a, b) {
    if (num(a) && num(b) && v[b] > 0) printf "%s\t%s\t%.2f\tx\n", name, metric, v[a] / v[b]
  }
  function same(name, metric, a, b) {
    if ((a in v) && (b in v)) printf "%s\t%s\t%d\tbool\n", name, metric, (v[a] == v[b])
  }
  END {
    S = SUBSEP
    for (t = 1; t <= 2; t++) {
      n = t == 1 ? "water_classify" : "water_aggregate"
      ratio(n, "ratio_vs_pandas", n S "pandas_s", n S "c_s")
      ratio(n, "all_cores_ratio_vs_pandas", n S "pandas_s", n S "c_all_cores_s")
      ratio(n, "engine_ratio_vs_pandas", n S "pandas_s", n S "c_engine_s")
      ratio(n, "batch_speedup_vs_engine", n S "c_engine_s", n S "c_s")
      same("water_agree", (t == 1 ? "checksum_sample_class_equal" : "checksum_section_month_class_equal"),
           n S "c_checksum_class_sum", n S "pandas_checksum_class_sum")
    }
    k = "water_classify" S "pandas_s"
    if (num(k)) printf "target\twater_classify_ge_30x_pandas\t%d\tpass\n", (v[k] / v["water_classify" S "c_s"] >= 30)
    k = "water_aggregate" S "pandas_s"
    if (num(k)) printf "target\twater_aggregate_ge_30x_pandas\t%d\tpass\n", (v[k] / v["water_aggregate" S "c_s"] >= 30)
  }' "$tmp" >"$tmp.2"

# ---- merge: keep every other row of results.tsv, replace the water ones
. "$root/bench/lib.sh"
bench_merge "$res" water "$tmp.2"
rm -f "$tmp" "$tmp.2"

# ---- summary
awk -F'\t' '
  NR > 1 { v[$1 "/" $2] = $3 }
  function g(k) { return (k in v) ? v[k] : "-" }
  function m(k) { return (k in v) && v[k] ~ /^[0-9.eE+-]+$/ ? sprintf("%.2f M", v[k] / 1e6) : "-" }
  function pf(k) { return !(k in v) ? "n/a" : v[k] == 1 ? "PASS" : "FAIL" }
  END {
    printf "\nwater benchmark: %s sections (%s lakes) x %s samples = %s samples x %s items, %s %% missing; batch kernels: %s\n",
      g("water_bench/sections"), g("water_bench/lake_sections"), g("water_bench/samples_per_section"),
      m("water_bench/samples"), g("water_bench/items"), g("water_bench/missing_pct"), g("water_bench/kernel_isa")
    printf "  sample classes %%: none %s | I %s | II %s | III %s | IV %s | V %s | worse than V %s\n",
      g("water_bench/sample_class_0_pct"), g("water_bench/sample_class_1_pct"), g("water_bench/sample_class_2_pct"),
      g("water_bench/sample_class_3_pct"), g("water_bench/sample_class_4_pct"), g("water_bench/sample_class_5_pct"),
      g("water_bench/sample_class_6_pct")
    printf "  (a) classify        C %s s = %s samples/s | pandas %s s (%s samples/s) | %s x;  C on %s threads %s s | %s x\n",
      g("water_classify/c_s"), m("water_classify/c_samples_per_s"), g("water_classify/pandas_s"),
      m("water_classify/pandas_samples_per_s"), g("water_classify/ratio_vs_pandas"),
      g("water_bench/threads"), g("water_classify/c_all_cores_s"), g("water_classify/all_cores_ratio_vs_pandas")
    printf "  (b) section-month   C %s s = %s samples/s | pandas %s s (%s samples/s) | %s x;  C on %s threads %s s | %s x\n",
      g("water_aggregate/c_s"), m("water_aggregate/c_samples_per_s"), g("water_aggregate/pandas_s"),
      m("water_aggregate/pandas_samples_per_s"), g("water_aggregate/ratio_vs_pandas"),
      g("water_bench/threads"), g("water_aggregate/c_all_cores_s"), g("water_aggregate/all_cores_ratio_vs_pandas")
    printf "  per-sample engine (before, same data, one core): (a) %s s = %s x pandas; (b) %s s = %s x pandas; batch vs engine: %s sample-class and %s section-month-class mismatches, means %s %% bitwise\n",
      g("water_classify/c_engine_s"), g("water_classify/engine_ratio_vs_pandas"),
      g("water_aggregate/c_engine_s"), g("water_aggregate/engine_ratio_vs_pandas"),
      g("water_agree/batch_vs_engine_sample_class_mismatches"),
      g("water_agree/batch_vs_engine_section_month_class_mismatches"),
      g("water_agree/batch_vs_engine_section_month_mean_bitwise_pct")
    printf "  pandas read (npy -> DataFrame, not in (a)/(b)) %s s; peak RSS C %s MiB, pandas %s MiB; wall %s s\n",
      g("water_pandas/read_s"), g("water_bench/c_peak_rss"), g("water_bench/pandas_peak_rss"), g("water_bench/total_wall_s")
    printf "  agreement C vs pandas: class per sample %s %% (%s mismatches), section-month class %s %% (%s mismatches), section-month means %s %% within 1e-12 rel (%s %% bitwise); checksums equal %s / %s\n",
      g("water_agree/sample_class_exact_pct"), g("water_agree/sample_class_mismatches"),
      g("water_agree/section_month_class_exact_pct"), g("water_agree/section_month_class_mismatches"),
      g("water_agree/section_month_mean_rel_1e-12_pct"), g("water_agree/section_month_mean_bitwise_pct"),
      g("water_agree/checksum_sample_class_equal"), g("water_agree/checksum_section_month_class_equal")
    printf "  targets: (a) >= 30x pandas %s; (b) >= 30x pandas %s (one core)\n",
      pf("target/water_classify_ge_30x_pandas"), pf("target/water_aggregate_ge_30x_pandas")
  }' "$res"
note "results: $res"
