#!/usr/bin/env bash
# run.sh — run the air benchmark and its peers, write bench/out/results.tsv.
#
# Why a script: the issue's targets compare the C engine with pandas and the
# CLI on the same data in the same run, and the numbers must land in one
# machine-readable table (name, metric, value, unit) that CI can diff. This
# script builds nothing (`make bench` does); it runs
#   1. bench_air        — generates the network, times (a) real-time AQI and
#                          (b) the assessment in memory, writes the hourly CSV;
#   2. air_pandas.py    — the pandas peer on that CSV (Debian /usr/bin/python3);
#   3. compare          — agreement of C and pandas results, checksums;
#   4. the CLI          — `ecobrain air aqi` / `air assess` end to end on the
#                          CSV ("skipped" when a subcommand is missing or fails);
# then derives the ratios and checks the targets.
#
#   bench/run.sh [BUILD_DIR]          (default build-bench)
#   BENCH_SITES=200 bench/run.sh      quick run (default 2000 sites)
# Other knobs: BENCH_RUNS (3), BENCH_PY_RUNS (2), BENCH_SEED, BENCH_SITES_PER_CITY,
# BENCH_OUT (default bench/out), BENCH_PANDAS=0 / BENCH_CLI=0 to skip a peer.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
out=${BENCH_OUT:-$root/bench/out}
[[ $out = /* ]] || out="$PWD/$out"
py=/usr/bin/python3 # Debian's python3-pandas, not a pyenv python on PATH
mkdir -p "$out"
res="$out/results.tsv"
tmp="$out/.rows.tsv"
: >"$tmp"

row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tmp"; }
note() { printf '%s\n' "$*" >&2; }

if [ ! -x "$build/bench_air" ]; then
  note "run.sh: $build/bench_air not found; build with: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DECO_TESTS=OFF -DECO_BENCH=ON && cmake --build build-bench"
  exit 1
fi

# peak RSS of a command (MiB) as a row, when /usr/bin/time is there
rss_of() { # name metric cmd...
  local name=$1 metric=$2
  shift 2
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$out/.rss_run" "$@" || return 1
    row "$name" "$metric" "$(($(tail -n 1 "$out/.rss_run") / 1024))" MiB
    rm -f "$out/.rss_run"
  else
    "$@"
  fi
}

note "== bench_air (C engine, in memory)"
rss_of air_bench c_peak_rss "$build/bench_air" --out "$out"
cat "$out/c/results.tsv" >>"$tmp"

# ---- pandas peer
pandas_ok=0
if [ "${BENCH_PANDAS:-1}" != 0 ] && [ -f "$out/air_hourly.csv" ] && "$py" -c 'import pandas, numpy' 2>/dev/null; then
  note "== pandas peer ($("$py" -c 'import pandas, numpy; print("pandas", pandas.__version__, "numpy", numpy.__version__)'))"
  if rss_of air_bench pandas_peak_rss "$py" "$root/bench/air_pandas.py" run "$out/air_hourly.csv" "$out/sites.csv" "$out/pandas"; then
    cat "$out/pandas/results.tsv" >>"$tmp"
    note "== agreement C vs pandas"
    if "$py" "$root/bench/air_pandas.py" compare "$out/c" "$out/pandas" >"$out/compare.tsv"; then
      cat "$out/compare.tsv" >>"$tmp"
      pandas_ok=1
    fi
  fi
fi
[ $pandas_ok = 1 ] || { note "pandas peer: skipped"; row air_aqi_realtime pandas_s skipped s; row air_assess_year pandas_s skipped s; }

# ---- CLI end to end: "$@" with stdout to $1; seconds (and peak RSS) as rows
timeit() { # name metric outfile cmd...
  local name=$1 metric=$2 dst=$3
  shift 3
  local t0 t1 rss=""
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$out/.rss" "$@" >"$dst" 2>"$out/.err" || return 1
    rss=$(tail -n 1 "$out/.rss")
  else
    "$@" >"$dst" 2>"$out/.err" || return 1
  fi
  t1=$(date +%s.%N)
  row "$name" "$metric" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')" s
  [ -n "$rss" ] && row "$name" "${metric%_s}_peak_rss" "$((rss / 1024))" MiB
  return 0
}

cli=$build/ecobrain
csv=$out/air_hourly.csv
cli_aqi_out=-
cli_city_out=-
probe=$out/.probe.csv
if [ -f "$csv" ]; then head -n 49 "$csv" >"$probe"; else : >"$probe"; fi # 48 hours of the first site
declare -A cli_cmds=(
  [aqi]="air aqi --mode realtime --edition auto --format csv"
  [assess_year_site]="air assess --period year --by site --sites $out/sites.csv"
  [assess_year_city]="air assess --period year --by city --sites $out/sites.csv"
  [assess_month_site]="air assess --period month --by site --sites $out/sites.csv"
)
for key in aqi assess_year_site assess_year_city assess_month_site; do
  read -r -a args <<<"${cli_cmds[$key]}"
  if [ "${BENCH_CLI:-1}" = 0 ] || [ ! -x "$cli" ] ||
    ! "$cli" "${args[@]}" "$probe" >"$out/.probe.out" 2>/dev/null || [ "$(wc -l <"$out/.probe.out")" -lt 2 ]; then
    note "cli ${cli_cmds[$key]}: skipped"
    row air_csv_end_to_end "cli_${key}_s" skipped s
    continue
  fi
  note "== ecobrain ${cli_cmds[$key]} $csv"
  if timeit air_csv_end_to_end "cli_${key}_s" "$out/cli_$key.csv" "$cli" "${args[@]}" "$csv"; then
    [ $key = aqi ] && cli_aqi_out=$out/cli_aqi.csv
    [ $key = assess_year_city ] && cli_city_out=$out/cli_assess_year_city.csv
  else
    note "cli ${cli_cmds[$key]}: failed ($(head -c 300 "$out/.err")): skipped"
    row air_csv_end_to_end "cli_${key}_s" skipped s
  fi
done
if [ $pandas_ok = 1 ] && { [ "$cli_aqi_out" != - ] || [ "$cli_city_out" != - ]; }; then
  "$py" "$root/bench/air_pandas.py" cli-check "$out/c" "$cli_aqi_out" "$cli_city_out" >>"$tmp" || note "cli-check failed"
fi
rm -f "$probe" "$out/.probe.out" "$out/.rss" "$out/.err"

# ---- derived rows: ratios, checksums, targets
awk -F'\t' -v OFS='\t' '
  { v[$1 SUBSEP $2] = $4 == "" ? "" : $3; print }
  function num(k) { return (k in v) && v[k] ~ /^[0-9.eE+-]+$/ }
  function ratio(name, metric, a, b) {
    if (num(a) && num(b) && v[b] > 0) printf "%s\t%s\t%.2f\tx\n", name, metric, v[a] / v[b]
  }
  function same(name, metric, a, b) {
    if ((a in v) && (b in v)) printf "%s\t%s\t%d\tbool\n", name, metric, (v[a] == v[b])
  }
  END {
    S = SUBSEP
    ratio("air_aqi_realtime", "ratio_vs_pandas", "air_aqi_realtime" S "pandas_s", "air_aqi_realtime" S "c_s")
    ratio("air_assess_year", "ratio_vs_pandas", "air_assess_year" S "pandas_s", "air_assess_year" S "c_s")
    ratio("air_assess_year", "all_cores_ratio_vs_pandas", "air_assess_year" S "pandas_s", "air_assess_year" S "c_all_cores_s")
    ratio("air_csv_end_to_end", "cli_aqi_ratio_vs_pandas", "air_end_to_end" S "pandas_read_aqi_s", "air_csv_end_to_end" S "cli_aqi_s")
    ratio("air_csv_end_to_end", "cli_assess_year_site_ratio_vs_pandas", "air_end_to_end" S "pandas_read_assess_s", "air_csv_end_to_end" S "cli_assess_year_site_s")
    ratio("air_csv_end_to_end", "cli_assess_year_city_ratio_vs_pandas", "air_end_to_end" S "pandas_read_assess_s", "air_csv_end_to_end" S "cli_assess_year_city_s")
    same("air_agree", "checksum_rt_aqi_equal", "air_aqi_realtime" S "c_checksum_aqi_sum", "air_aqi_realtime" S "pandas_checksum_aqi_sum")
    same("air_agree", "checksum_daily_aqi_equal", "air_assess_year" S "c_checksum_daily_aqi_sum", "air_assess_year" S "pandas_checksum_daily_aqi_sum")
    same("air_agree", "checksum_composite_equal", "air_assess_year" S "c_checksum_composite_sum", "air_assess_year" S "pandas_checksum_composite_sum")
    k = "air_aqi_realtime" S "c_values_per_s"
    if (num(k)) printf "target\taqi_realtime_ge_50M_values_per_s\t%d\tpass\n", (v[k] >= 50e6)
    k = "air_aqi_realtime" S "pandas_s"
    if (num(k)) printf "target\taqi_realtime_ge_30x_pandas\t%d\tpass\n", (v[k] / v["air_aqi_realtime" S "c_s"] >= 30)
    k = "air_assess_year" S "pandas_s"
    if (num(k)) printf "target\tassess_ge_30x_pandas\t%d\tpass\n", (v[k] / v["air_assess_year" S "c_s"] >= 30)
    if (num(k) && num("air_assess_year" S "c_all_cores_s"))
      printf "target\tassess_all_cores_ge_30x_pandas\t%d\tpass\n", (v[k] / v["air_assess_year" S "c_all_cores_s"] >= 30)
  }' "$tmp" >"$tmp.2"
{
  printf 'name\tmetric\tvalue\tunit\n'
  printf 'env\tcpu\t%s\tmodel\n' "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || echo unknown)"
  printf 'env\tcores\t%s\tcores\n' "$(nproc 2>/dev/null || echo 0)"
  printf 'env\tcommit\t%s\tgit\n' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  cat "$tmp.2"
} >"$res"
rm -f "$tmp" "$tmp.2"

# ---- summary
awk -F'\t' '
  NR > 1 { v[$1 "/" $2] = $3 }
  function g(k) { return (k in v) ? v[k] : "-" }
  function m(k) { return (k in v) && v[k] ~ /^[0-9.eE+-]+$/ ? sprintf("%.1f M", v[k] / 1e6) : "-" }
  function pf(k) { return !(k in v) ? "n/a" : v[k] == 1 ? "PASS" : "FAIL" }
  END {
    printf "\nair benchmark: %s sites (%s cities) x %s h, %s values, %s %% missing\n",
      g("air_bench/sites"), g("air_bench/cities"), g("air_bench/hours"), m("air_bench/values"), g("air_bench/missing_pct")
    printf "  (a) real-time AQI   C %s s = %s values/s (%s site-hours/s) | pandas %s s | %s x\n",
      g("air_aqi_realtime/c_s"), m("air_aqi_realtime/c_values_per_s"), m("air_aqi_realtime/c_site_hours_per_s"),
      g("air_aqi_realtime/pandas_s"), g("air_aqi_realtime/ratio_vs_pandas")
    printf "  (b) assessment      C %s s (one core) | pandas %s s | %s x;  C on %s threads %s s | %s x\n",
      g("air_assess_year/c_s"), g("air_assess_year/pandas_s"), g("air_assess_year/ratio_vs_pandas"),
      g("air_assess_year/c_threads"), g("air_assess_year/c_all_cores_s"), g("air_assess_year/all_cores_ratio_vs_pandas")
    printf "  CSV %s bytes: C write %s s, pandas read %s s\n", g("air_csv/bytes"), g("air_csv/c_write_s"), g("air_csv/pandas_read_s")
    printf "  end to end (CSV in): cli aqi %s s vs pandas read+aqi %s s (%s x); cli assess year/city %s s, year/site %s s, month/site %s s vs pandas read+assess %s s\n",
      g("air_csv_end_to_end/cli_aqi_s"), g("air_end_to_end/pandas_read_aqi_s"), g("air_csv_end_to_end/cli_aqi_ratio_vs_pandas"),
      g("air_csv_end_to_end/cli_assess_year_city_s"), g("air_csv_end_to_end/cli_assess_year_site_s"),
      g("air_csv_end_to_end/cli_assess_month_site_s"), g("air_end_to_end/pandas_read_assess_s")
    printf "  agreement C vs pandas: AQI per site-hour %s %%, daily AQI sites %s %% cities %s %%, daily IAQI %s %%, year stats %s %% / %s %%, month stats %s %% / %s %% (sites/cities, within 1e-6)\n",
      g("air_agree/rt_aqi_exact_pct"), g("air_agree/daily_aqi_sites_exact_pct"), g("air_agree/daily_aqi_cities_exact_pct"),
      g("air_agree/daily_iaqi_exact_pct"), g("air_agree/year_stats_sites_within_1e-6_pct"), g("air_agree/year_stats_cities_within_1e-6_pct"),
      g("air_agree/month_stats_sites_within_1e-6_pct"), g("air_agree/month_stats_cities_within_1e-6_pct")
    printf "  checksums equal: rt AQI %s, daily AQI %s, composite %s; CLI vs C: AQI %s %%, city composite %s %%\n",
      g("air_agree/checksum_rt_aqi_equal"), g("air_agree/checksum_daily_aqi_equal"), g("air_agree/checksum_composite_equal"),
      g("air_agree/cli_rt_aqi_exact_pct"), g("air_agree/cli_city_year_composite_match_pct")
    printf "  targets: >= 50 M values/s %s; (a) >= 30x pandas %s; (b) >= 30x pandas %s on one core, %s on all cores\n",
      pf("target/aqi_realtime_ge_50M_values_per_s"), pf("target/aqi_realtime_ge_30x_pandas"), pf("target/assess_ge_30x_pandas"),
      pf("target/assess_all_cores_ge_30x_pandas")
  }' "$res"
note "results: $res"
