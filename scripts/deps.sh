#!/usr/bin/env bash
# Install what ecobrain needs on Debian 12, and nothing that is already there.
#
# Why a script and not a list in the README: CI and every new machine start
# bare, and `make run` / `make check` must work on them as root. Each group is
# checked with dpkg first, so a second run does no network traffic at all.
#
#   scripts/deps.sh            build + test dependencies
#   scripts/deps.sh bench      also the benchmark peers (python3-pandas)
#   scripts/deps.sh fuzz       also the fuzzing toolchain (clang, compiler-rt)
#
# The dashboard's front-end packages (web/package.json, pinned by
# web/package-lock.json) are installed with `npm ci` into web/node_modules
# when that folder is missing or older than the lockfile; never committed.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libcmocka-dev libssl-dev libjansson-dev
            libsqlite3-dev libuv1-dev libinih-dev libmicrohttpd-dev libzstd-dev zstd sqlite3 python3 bsdextrautils
            chromium fonts-noto-cjk)
fuzz_pkgs=(clang libclang-rt-14-dev)
bench_pkgs=(python3 python3-pandas python3-numpy wrk)

want=("${build_pkgs[@]}")
for g in "$@"; do
  case "$g" in
    bench) want+=("${bench_pkgs[@]}") ;;
    fuzz)  want+=("${fuzz_pkgs[@]}") ;;
    all)   want+=("${bench_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
    *) echo "deps.sh: unknown group '$g' (bench, fuzz, all)" >&2; exit 2 ;;
  esac
done

web_deps() {
  local w; w="$(dirname "$0")/../web"
  [ -f "$w/package-lock.json" ] || return 0
  if [ ! -d "$w/node_modules" ] || [ "$w/package-lock.json" -nt "$w/node_modules" ]; then
    echo "deps.sh: npm ci in web/"
    (cd "$w" && npm ci --no-audit --no-fund --loglevel=error) && touch "$w/node_modules"
  fi
}

missing=()
# Node.js may come from elsewhere than Debian (nodesource bundles npm): ask for
# the commands, not the packages.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { web_deps; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_deps
