#!/usr/bin/env bash
# Order prepare + sign per second: the Swift Polymarket adapter beside Polymarket's official
# Python client (py-clob-client-v2 1.2.1), same order, same machine, one run:
#
#   Benchmarks/polymarket-signing.sh [Python iterations, default 2000]
#
# 1. builds PolymarketSigningCheck and the benchmarks in release, and runs the check: the adapter
#    signs a fixed-salt, fixed-time order;
# 2. package-benchmark runs PolymarketSigningBenchmarks;
# 3. python/clob_signing.py installs the client into a temporary venv, signs the same order and
#    requires the same body bytes (the "check:" line), then times it — as installed (pure-Python
#    secp256k1 in eth-keys) and again with coincurve (libsecp256k1) added;
# 4. prints the figures and the ratios, with the machine's load at each step.
# Builds are retried twice: other work in the same tree can change a source mid-build.
# Needs python3 with venv and PyPI access. docs/BENCHMARKS.md records a run.
# SIGNING_SCRATCH_PATH builds elsewhere than Benchmarks/.build (SwiftPM locks a build directory by
# its path, so a second checkout mounted at the same path would wait for the first one's builds).
set -euo pipefail
iterations="${1:-2000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="${SIGNING_SCRATCH_PATH:-$here/.build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "tree: $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet HEAD -- . ../Sources 2>/dev/null || echo ' + uncommitted changes')"
echo "start $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"

retry() { "$@" || "$@" || "$@"; }
build() {
    swift build -c release --package-path "$here" --scratch-path "$scratch" --product PolymarketSigningCheck \
        >"$work/build.log" 2>&1 \
        && swift build -c release --package-path "$here" --scratch-path "$scratch" \
            --product PolymarketSigningBenchmarks >>"$work/build.log" 2>&1
}
retry build || { cat "$work/build.log"; exit 1; }
"$scratch/release/PolymarketSigningCheck" >"$work/check.json"
echo "built $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "--- Swift, package-benchmark (up to 10 s or 50,000 samples per benchmark)"
bench() {
    (cd "$here" && swift package --scratch-path "$scratch" benchmark --target PolymarketSigningBenchmarks \
        --format jmh --path stdout --no-progress) >"$work/swift.out" 2>&1
}
retry bench || { cat "$work/swift.out"; exit 1; }
grep '^\[{' "$work/swift.out" >"$work/swift.json"
echo "swift done $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "--- py-clob-client-v2, $iterations orders and $iterations signatures per configuration"
python3 "$here/python/clob_signing.py" "$work/check.json" --iterations "$iterations" --also-coincurve \
    | tee "$work/python.out"
echo "python done $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/swift.json" "$work/python.out" <<'EOF'
import json, sys

swift = {}
for element in json.load(open(sys.argv[1])):
    name = element["benchmark"].split(".", 3)[-1].replace("_", " ")
    wall = element["secondaryMetrics"]["Time (wall clock)"]  # microseconds
    mallocs = element["secondaryMetrics"].get("Malloc (total)", {}).get("scorePercentiles", {}).get("50.0")
    swift[name[:3]] = (name, wall["scorePercentiles"]["50.0"], wall["score"], element["measurementIterations"], mallocs)
python = [json.loads(line[len("RESULT "):]) for line in open(sys.argv[2]) if line.startswith("RESULT ")]

rows = []
for key in sorted(swift):
    name, p50, mean, samples, mallocs = swift[key]
    rows.append((f"Swift {name}", p50, mean, samples, f"{mallocs:,.0f} mallocs" if mallocs else ""))
for result in python:
    label = f"Python {result['ecc_backend'].replace('ECCBackend', '')}"
    rows.append((f"{label}: create_order + body", result["order"]["p50_us"], result["order"]["mean_us"], result["iterations"], ""))
    rows.append((f"{label}: sign one digest", result["sign"]["p50_us"], result["sign"]["mean_us"], result["iterations"], ""))

print(f"\n{'':58} {'p50 µs':>9} {'ops/s p50':>10} {'mean µs':>9} {'ops/s mean':>11} {'samples':>8}")
for label, p50, mean, samples, note in rows:
    print(f"{label:58} {p50:9.1f} {1e6 / p50:10,.0f} {mean:9.1f} {1e6 / mean:11,.0f} {samples:8,} {note}")

adapter = swift["(a)"]
print()
for result in python:
    order = result["order"]
    print(f"ratio Swift (a) / py-clob-client-v2 with {result['ecc_backend']}: "
          f"{order['p50_us'] / adapter[1]:.1f}x at p50, {order['mean_us'] / adapter[2]:.1f}x on the mean")
EOF
