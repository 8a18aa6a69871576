#!/usr/bin/env bash
# `make check`: build with -Werror under ASan+UBSan, run every test through
# ctest, fuzz each parser briefly, and end with one summary line
# ("check: N passed, M failed") that counts ctest's tests and the fuzz targets.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SECONDS=${CHECK_FUZZ_SECONDS:-30}

scripts/deps.sh fuzz || exit 1
cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Debug -DECO_WERROR=ON -DECO_SANITIZE=ON -DECO_TESTS=ON >/dev/null || exit 1
cmake --build build-check -j"$JOBS" || exit 1

log=build-check/ctest.log
(cd build-check && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$JOBS") 2>&1 | tee "$log"
ctest_rc=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
[ -n "$total" ] || { total=0; failed=1; }
passed=$((total - failed))

fuzz_log=build-fuzz-check.log
if CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DECO_WERROR=ON -DECO_SANITIZE=ON -DECO_TESTS=OFF \
     -DECO_FUZZ=ON >/dev/null && cmake --build build-fuzz -j"$JOBS" >/dev/null; then
  scripts/fuzz.sh build-fuzz "$FUZZ_SECONDS" 2>&1 | tee "build-fuzz/$fuzz_log"
  fuzz_rc=${PIPESTATUS[0]}
  fp=$(grep -c ': OK ' "build-fuzz/$fuzz_log")
  ff=$(grep -c ': FAIL' "build-fuzz/$fuzz_log")
else
  echo "fuzz build failed"
  fuzz_rc=1 fp=0 ff=1
fi
passed=$((passed + fp))
failed=$((failed + ff))
echo "check: $passed passed, $failed failed"
[ "$ctest_rc" -eq 0 ] && [ "$fuzz_rc" -eq 0 ] && [ "$failed" -eq 0 ]
