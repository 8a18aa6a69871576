#!/usr/bin/env bash
# fuzz.sh — run every libFuzzer target in a build directory for a fixed time.
#
# Why: `make check` ends with a short fuzz run and `make fuzz` with a long one;
# both need the same thing: each build-fuzz/fuzz_<name> binary run on a copy
# of its seed corpus tests/fuzz/corpus/<name>/ (the repository is never
# modified: the working corpus is tests/fuzz/corpus/<name>/.cur/, which git
# ignores and which keeps what earlier runs found; a target without seeds
# works in <build>/fuzz-corpus/<name>/), with leak detection and
# UBSan aborting, and a non-zero exit on any crash, leak, UB, timeout or OOM.
# One summary line per target; the full log stays in <build>/fuzz-logs/.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS
#   env: FUZZ_MAX_LEN (default 4096), FUZZ_FRESH=1 (start from the seeds only)
set -euo pipefail

build=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS}
secs=${2:?usage: scripts/fuzz.sh BUILD_DIR SECONDS}
max_len=${FUZZ_MAX_LEN:-4096}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case "$secs" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;; esac
[ -d "$build" ] || { echo "fuzz.sh: no build directory '$build' (run: make fuzz-quick)" >&2; exit 2; }

shopt -s nullglob
targets=()
for t in "$build"/fuzz_*; do
  [ -f "$t" ] && [ -x "$t" ] && targets+=("$t")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz_* executables in '$build'" >&2
  exit 2
fi

logs="$build/fuzz-logs"
mkdir -p "$logs"
# leaks are failures; UB aborts (the code is built -fno-sanitize-recover=undefined too)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=0
for t in "${targets[@]}"; do
  bin=$(basename "$t")
  name=${bin#fuzz_}
  seeds="$root/tests/fuzz/corpus/$name"
  work="$seeds/.cur"
  [ -d "$seeds" ] || work="$build/fuzz-corpus/$name" # no seeds: do not create a corpus dir in the tree
  art="$build/fuzz-artifacts/$name"
  log="$logs/$bin.log"
  if [ "${FUZZ_FRESH:-0}" = 1 ]; then rm -rf "$work"; fi
  mkdir -p "$work" "$art"
  # copy the seeds into the working corpus (never fuzz the tracked files in place)
  if [ -d "$seeds" ]; then
    find "$seeds" -maxdepth 1 -type f -exec cp -f -t "$work" {} +
  fi
  # hj212: the shared captures, when the folder is there, as extra seeds in the
  # working corpus only (never copied into the repository): each line of
  # packets_ok.txt / packets_bad.txt with its "\r\n"
  if [ "$name" = hj212 ]; then
    shared="${ECO_SHARED_DIR:-$root/../shared}/testdata/hj212"
    if [ -f "$shared/packets_ok.txt" ] && [ -f "$shared/packets_bad.txt" ]; then
      i=0
      while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        [ -n "$line" ] || continue
        printf '%s\r\n' "$line" >"$work/shared-$i"
        i=$((i + 1))
      done < <(cat "$shared/packets_ok.txt" "$shared/packets_bad.txt")
    fi
  fi
  args=(-max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$art/")
  dict="$root/tests/fuzz/$name.dict"
  [ -f "$dict" ] && args+=(-dict="$dict")

  rc=0
  "$t" "${args[@]}" "$work" >"$log" 2>&1 || rc=$?

  getstat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n1; }
  execs=$(getstat number_of_executed_units); rate=$(getstat average_exec_per_sec)
  added=$(getstat new_units_added); rss=$(getstat peak_rss_mb)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")

  if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    printf '%s: OK   %s runs in %ss (%s/s), cov %s, ft %s, corpus %s (+%s new), peak %s MB\n' \
      "$bin" "${execs:-?}" "$secs" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${added:-0}" "${rss:-?}"
  else
    failed=1
    what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-zA-Z -]+|runtime error:.*|check failed:.*' "$log" || true)
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
    printf '%s: FAIL (exit %d) %s; input: %s; log: %s\n' \
      "$bin" "$rc" "${what:-see log}" "${artifact:-none}" "$log"
    grep -m20 -E 'ERROR:|runtime error|check failed|^    #[0-9]' "$log" | sed 's/^/    /' >&2 || true
  fi
done
exit $failed
