#!/usr/bin/env bash
# Builds the benchmarks (release) without running any timing, so CI can check they still compile:
# the benchmark targets, the profiling helper and the demo the HTTP/2 benchmark drives. A clean
# build on a 2-core machine takes about 15-25 minutes (see BENCHMARKS.md); an incremental one, a
# minute or two.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/Benchmarks"
start=$(date +%s)
swift build -c release
swift build -c release --product grpc-prometheus-demo
echo "Benchmarks built in $(( $(date +%s) - start )) s"
