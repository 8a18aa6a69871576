#!/usr/bin/env bash
# run_brain.sh — issue #6's benchmarks: (1) ranking 3,000 counties × 20 indicators × 12 quarters on a
# custom index (bench_brain.c), beside the same in pandas (brain_pandas.py), which also checks that
# scores, ranks and rank changes agree; (2) `targets report --data` for 30 targets over a store of
# 2,000 air sites × 8,760 hours × 6 pollutants (bench_targets_store.c), beside pandas computing the
# PM2.5/PM10 means from the same SQLite file (targets_pandas.py) and a bare sqlite3 scan of the values.
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
echo "== targets report --data (30 targets, as of $asof) and its pandas peer" >&2
t0=$(date +%s.%N)
"$build/ecobrain" targets report --config "$root/bench/targets30.ini" --data "$store" --as-of "$asof" \
  --format csv >"$out/brain_targets.csv"
t1=$(date +%s.%N)
c=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
floor0=$(date +%s.%N)
sqlite3 "file:$store/ecobrain.db?mode=ro" "SELECT count(*), sum(length(vtext)) FROM obs WHERE gran = 2 AND t BETWEEN 1735660800 AND 1759276799" >/dev/null
floor1=$(date +%s.%N)
f=$(awk -v a="$floor0" -v b="$floor1" 'BEGIN{printf "%.3f", b-a}')
{
  printf 'brain_targets\tstore_values\t%s\tvalues\n' "$values"
  printf 'brain_targets\tc_s\t%s\ts\n' "$c"
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
rm -f "$out/brain_values.csv" "$out/brain_c.csv" "$out/brain_targets.csv"
