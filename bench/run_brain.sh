#!/usr/bin/env bash
# run_brain.sh — issue #6's benchmarks: (1) ranking 3,000 counties × 20 indicators × 12 quarters on a
# custom index (bench_brain.c), beside the same in pandas (brain_pandas.py), which also checks that
# scores, ranks and rank changes agree; (2) `targets report --data` for 30 targets over a store of
# 2,000 air sites × 8,760 hours × 6 pollutants (bench_targets_store.c), beside pandas computing the
# PM2.5/PM10 means from the same SQLite file (targets_pandas.py) and a bare sqlite3 scan of the values;
# the report from the daily-value cache (src/brain/airdays.c) and, for comparison, from the hours
# (ECO_AIRDAYS_HOURS=1, the route before the cache), the cache's build and one-day refresh, the report
# with one day changed since (recomputed from hours on the fly), and what the dirty-day triggers cost
# a bare SQLite insert of hour values (bench_store_floor with and without them, CPU seconds).
# Rows appended to bench/out/results.tsv (brain_* replaced).
#   bench/run_brain.sh [BUILD_DIR]   (default build-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
[[ $build = /* ]] || build="$root/$build"
out=${BENCH_OUT:-$root/bench/out}
mkdir -p "$out"
rows="$out/.brain_rows.tsv"
echo "== bench_brain (custom-index ranking, one core) and its pandas peer" >&2
"$build/bench_brain" --out "$out" >"$rows"
/usr/bin/python3 "$root/bench/brain_pandas.py" "$out" 5 >>"$rows"
c=$(awk -F'\t' '$2=="c_s"{print $3}' "$rows")
p=$(awk -F'\t' '$2=="pandas_s"{print $3}' "$rows")
printf 'brain_rank\tratio_vs_pandas\t%s\tx\n' "$(awk -v a="$p" -v b="$c" 'BEGIN{printf "%.2f", a/b}')" >>"$rows"
printf 'target\tbrain_rank_under_1s\t%s\tpass\n' "$(awk -v b="$c" 'BEGIN{print (b < 1.0) ? 1 : 0}')" >>"$rows"

# issue #6: the report of 30 targets over 2,000 sites x 1 year from the store (targets report --data), beside
# pandas reading the same SQLite file; the store (~6 GB, ~5 min to write) is kept in $out/targets_store
# and reused while bench_targets_store.c is unchanged.
store="$out/targets_store"
stamp=$(cksum <"$root/bench/bench_targets_store.c" | cut -d' ' -f1)
if [ ! -f "$store/.built-$stamp" ]; then
  echo "== writing the targets store (2,000 air sites x 8,760 hours x 6 pollutants)" >&2
  rm -rf "$store"
  "$build/bench_targets_store" --dir "$store" --sites 2000 --year 2025 >/dev/null
  touch "$store/.built-$stamp"
fi
values=$(sqlite3 "file:$store/ecobrain.db?mode=ro" "SELECT count(*) FROM obs WHERE gran = 2" 2>/dev/null || echo 0)
asof=2025-09-30
secs() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}'; }
report() { "$build/ecobrain" targets report --config "$root/bench/targets30.ini" --data "$store" --as-of "$asof" --format csv >"$1"; }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
# the daily-value cache: built once per store (the first rollup migrates the store to schema v5)
built=$("$build/ecobrain" store rollup --data "$store" --status 2>/dev/null | awk -F'\t' '$1=="built"{print $2}')
rollup_full=""
if [ "$built" != yes ]; then
  echo "== store rollup (the cache's first build)" >&2
  rollup_full=$(secs "$build/ecobrain" store rollup --data "$store")
fi
echo "== targets report --data from the hours (ECO_AIRDAYS_HOURS=1: the route before the cache)" >&2
h=$(ECO_AIRDAYS_HOURS=1 secs report "$out/brain_targets_hours.csv")
echo "== targets report --data (30 targets, as of $asof), three runs, and its pandas peer" >&2
c1=$(secs report "$out/brain_targets.csv"); c2=$(secs report /dev/null); c3=$(secs report /dev/null)
c=$(median3 "$c1" "$c2" "$c3")
same=$(cmp -s "$out/brain_targets.csv" "$out/brain_targets_hours.csv" && echo 1 || echo 0)
echo "== one hour value revised (2025-06-01, rewritten as it was: the trigger marks the day): report, rollup" >&2
sqlite3 "$store/ecobrain.db" "UPDATE obs SET rev = rev WHERE series = 5 AND gran = 2 AND t = 1748772000"
d1=$(secs report /dev/null)
r1=$(secs "$build/ecobrain" store rollup --data "$store" 2>/dev/null)
c_after=$(secs report /dev/null)
echo "== dirty-day triggers: 2 M hour values into bare SQLite, without and with them (CPU s, best of 3)" >&2
cpu() { /usr/bin/time -f '%U %S' "$build/bench_store_floor" --rows 2000000 --series 12000 --gran 2 --batch 5000 \
          --sync off --dir "$out" "$@" 2>&1 >/dev/null | awk '{printf "%.2f", $1+$2}'; }
best3() { printf '%s\n' "$@" | sort -n | head -1; }
f0=$(best3 "$(cpu)" "$(cpu)" "$(cpu)")
f1=$(best3 "$(cpu --airday-triggers)" "$(cpu --airday-triggers)" "$(cpu --airday-triggers)")
floor0=$(date +%s.%N)
sqlite3 "file:$store/ecobrain.db?mode=ro" "SELECT count(*), sum(length(vtext)) FROM obs WHERE gran = 2 AND t BETWEEN 1735660800 AND 1759276799" >/dev/null
floor1=$(date +%s.%N)
f=$(awk -v a="$floor0" -v b="$floor1" 'BEGIN{printf "%.3f", b-a}')
{
  printf 'brain_targets\tstore_values\t%s\tvalues\n' "$values"
  printf 'brain_targets\tc_s\t%s\ts\n' "$c"
  printf 'brain_targets\tc_from_hours_s\t%s\ts\n' "$h"
  printf 'brain_targets\tcache_same_as_hours\t%s\tbool\n' "$same"
  printf 'brain_targets\tc_one_dirty_day_s\t%s\ts\n' "$d1"
  printf 'brain_targets\trollup_one_day_s\t%s\ts\n' "$r1"
  printf 'brain_targets\tc_after_rollup_s\t%s\ts\n' "$c_after"
  [ -n "$rollup_full" ] && printf 'brain_targets\trollup_full_s\t%s\ts\n' "$rollup_full"
  printf 'brain_targets\tfloor_hour_insert_cpu_s\t%s\ts\n' "$f0"
  printf 'brain_targets\tfloor_hour_insert_triggers_cpu_s\t%s\ts\n' "$f1"
  printf 'brain_targets\ttrigger_cpu_overhead\t%s\tpct\n' "$(awk -v a="$f0" -v b="$f1" 'BEGIN{printf "%.1f", 100*(b-a)/a}')"
  printf 'brain_targets\tsqlite_scan_floor_s\t%s\ts\n' "$f"
  /usr/bin/python3 "$root/bench/targets_pandas.py" "$store" "$asof" "$out/brain_targets.csv"
} >>"$rows"
p=$(awk -F'\t' '$1=="brain_targets" && $2=="pandas_s"{print $3}' "$rows")
printf 'brain_targets\tratio_vs_pandas\t%s\tx\n' "$(awk -v a="$p" -v b="$c" 'BEGIN{printf "%.2f", a/b}')" >>"$rows"
printf 'target\tbrain_targets_under_1s\t%s\tpass\n' "$(awk -v b="$c" 'BEGIN{print (b < 1.0) ? 1 : 0}')" >>"$rows"
cat "$rows" >&2
res="$out/results.tsv"
. "$root/bench/lib.sh"
bench_merge "$res" brain "$rows"
rm -f "$out/brain_values.csv" "$out/brain_c.csv" "$out/brain_targets.csv" "$out/brain_targets_hours.csv"
