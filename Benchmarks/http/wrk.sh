#!/usr/bin/env bash
# HTTP speed of the API with wrk, beside a bare Hummingbird route in the same run:
#
#   Benchmarks/http/wrk.sh [seconds per endpoint, default 20]
#
# Builds `mirror` and `HTTPBaseline` in release, starts `mirror serve` (local mode, fake
# exchange, SQLite in a temporary folder) and the baseline on loopback, signs in as the demo
# user, then runs wrk (2 threads, 32 connections) against: the baseline's GET /health,
# mirror's GET /health, and mirror's authenticated GET /copy-attempts. Prints wrk's reports.
set -euo pipefail
seconds="${1:-20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product mirror --package-path "$root" --scratch-path "$root/.build-release"
swift build -c release --product HTTPBaseline --package-path "$root/Benchmarks" --scratch-path "$root/Benchmarks/.build"
mirror_bin="$root/.build-release/release/mirror"
baseline_bin="$root/Benchmarks/.build/release/HTTPBaseline"

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && exec env -u REDIS_URL MIRROR_MODE=local EXCHANGE=fake PORT=58300 LOG_LEVEL=error \
    DATABASE_URL="$work/mirror.sqlite" "$mirror_bin" serve) >"$work/mirror.log" 2>&1 &
pids+=($!)
"$baseline_bin" 58301 >"$work/baseline.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
    curl -fsS -o /dev/null http://127.0.0.1:58300/health 2>/dev/null \
        && curl -fsS -o /dev/null http://127.0.0.1:58301/health 2>/dev/null && break
    sleep 0.5
done
token="$(curl -fsS -X POST -H 'content-type: application/json' -d '{"name":"demo"}' \
    http://127.0.0.1:58300/auth/dev-sign-in | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')"
[[ -n "$token" ]] || { echo "dev sign-in gave no token" >&2; exit 1; }

run() { echo "=== $1"; shift; wrk -t2 -c32 -d"${seconds}s" --latency "$@"; echo; }
run "bare Hummingbird GET /health" http://127.0.0.1:58301/health
run "mirror GET /health" http://127.0.0.1:58300/health
run "mirror GET /copy-attempts (authenticated, demo user)" -H "Authorization: Bearer $token" \
    "http://127.0.0.1:58300/copy-attempts?limit=20"
