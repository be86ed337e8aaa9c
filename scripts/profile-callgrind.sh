#!/usr/bin/env bash
# Counts instructions per RPC with valgrind's callgrind: repeatable whatever else the machine runs.
#
# Usage: scripts/profile-callgrind.sh server|client BASELINE|counters|histogram|all|pass-through|
#                                     cancellation-handler|wrapped-writer|wrapped-messages
#                                     [unary|error|receive|send] [RPCs (10000)]
#        scripts/profile-callgrind.sh e2e none|server|client|both|pass-through [RPCs (3000)]
#
# valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 emits, and crashes on the `sigsuspend` of an
# async main, so the binaries are copied with their debug info stripped (function names stay),
# the Swift runtime libraries likewise, and the profiling mains wait on a semaphore instead.
# The callgrind output is left in $OUT (default /tmp/grpc-prometheus-callgrind) for
# `callgrind_annotate`. Instructions include the process's start-up; compare two runs with the same
# RPC count, or two RPC counts, to get a per-RPC difference.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-/tmp/grpc-prometheus-callgrind}"
mkdir -p "$OUT/lib"

if [[ "${1:-}" == e2e ]]; then
  product=profile-e2e
  shift
  args=("$1" "${2:-3000}")
  rpcs=$(( ${2:-3000} + 1000 ))  # profile-e2e warms up with 1,000 RPCs
else
  product=profile-interceptors
  args=("$1" "$2" "${3:-unary}" "${4:-10000}")
  rpcs=${4:-10000}
fi

swift build -c release --package-path "$ROOT/Benchmarks" --product "$product" >&2
bin="$(swift build -c release --package-path "$ROOT/Benchmarks" --show-bin-path)/$product"
cp "$bin" "$OUT/$product" && strip -g "$OUT/$product"
swift_lib="$(dirname "$(dirname "$(command -v swift)")")/lib/swift/linux"
if [[ ! -e "$OUT/lib/libswiftCore.so" ]]; then
  cp "$swift_lib"/*.so "$OUT/lib/" && strip -g "$OUT/lib"/*.so
fi

name="$(IFS=-; echo "${args[*]}")"
LD_LIBRARY_PATH="$OUT/lib" valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$name" \
  "$OUT/$product" "${args[@]}" 2>"$OUT/valgrind.$name.log"
total=$(grep -o 'Collected : [0-9]*' "$OUT/valgrind.$name.log" | grep -o '[0-9]*$')
echo "$name: $total instructions, $(( total / rpcs )) per RPC (start-up included)"
