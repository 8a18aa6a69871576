# lib.sh — what the bench scripts share (sourced, not run).
#
# bench_merge RES PREFIX ROWS: replace in RES (bench/out/results.tsv) the rows of an earlier run
# whose name starts with PREFIX_ (and the "target" rows named PREFIX_...) by the rows in ROWS, so
# that each script can run alone or after the others without duplicating rows.
bench_merge() {
  local res=$1 prefix=$2 rows=$3
  if [ -s "$res" ]; then
    awk -F'\t' -v p="^${prefix}_" '!($1 ~ p || ($1 == "target" && $2 ~ p))' "$res" >"$res.new"
  else
    printf 'name\tmetric\tvalue\tunit\n' >"$res.new"
  fi
  cat "$rows" >>"$res.new"
  mv "$res.new" "$res"
}
