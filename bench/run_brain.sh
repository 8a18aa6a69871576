#!/usr/bin/env bash
# run_brain.sh — issue #6's ranking benchmark: 3,000 counties × 20 indicators × 12 quarters on a
# custom index (bench_brain.c), beside the same in pandas (brain_pandas.py), which also checks that
# scores, ranks and rank changes agree. Rows appended to bench/out/results.tsv (brain_* replaced).
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
cat "$rows" >&2
res="$out/results.tsv"
. "$root/bench/lib.sh"
bench_merge "$res" brain "$rows"
rm -f "$out/brain_values.csv" "$out/brain_c.csv"
