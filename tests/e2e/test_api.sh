#!/usr/bin/env bash
# test_api.sh — end-to-end tests of the HTTP API, SSE and static files (api_e2e.py does the work).
# Why a wrapper: ctest runs tests/e2e/test_*.sh; the HTTP and SSE clients are in Python's standard library.
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 "$here/api_e2e.py"
