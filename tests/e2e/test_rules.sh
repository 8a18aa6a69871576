#!/usr/bin/env bash
# test_rules.sh — the rules file and webhooks end to end (rules_e2e.py does the work).
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 "$here/rules_e2e.py"
