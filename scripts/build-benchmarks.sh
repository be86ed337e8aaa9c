#!/usr/bin/env bash
# Builds the benchmarks (release) without running any timing, so CI can check that they compile:
# the benchmark targets and profiling helpers and, unless --no-demo, the demo that the HTTP/2
# benchmark drives. Measured on the 2-core machine with other builds running (BENCHMARKS.md): a
# clean build takes about 8 minutes without the demo and about 26 with it; an incremental one, a
# minute or two.
#
# Usage: scripts/build-benchmarks.sh [--no-demo]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO=1
[[ "${1:-}" == "--no-demo" ]] && DEMO=0
cd "$ROOT/Benchmarks"
start=$(date +%s)
swift build -c release
if [[ "$DEMO" == 1 ]]; then
  swift build -c release --product grpc-prometheus-demo
fi
echo "Benchmarks built in $(( $(date +%s) - start )) s"
