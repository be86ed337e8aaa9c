#!/usr/bin/env bash
# End-to-end overhead over HTTP/2 on 127.0.0.1: `grpc-prometheus-demo load` against `serve` (every
# server family on: handling-time histogram and API-server families, plus /metrics) and against
# `serve --no-metrics` (no interceptor, no exporter), alternated in one run.
#
# The load client is the same in both (it always has the client interceptor with every
# histogram), so the ratio isolates the server side.
#
# Usage: scripts/bench-http2.sh [--rounds N (5)] [--rpcs N] [--concurrency N] [--mix unary|stream|all]
#                               [--demo PATH] [--results FILE]
# Prints one line per run and a summary; --results appends `name<TAB>value` lines for scripts/bench.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=5
RPCS=20000
CONCURRENCY=16
MIX=unary
DEMO=""
RESULTS=""
PORT=${BENCH_GRPC_PORT:-50551}
METRICS_PORT=${BENCH_METRICS_PORT:-50552}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rpcs) RPCS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --mix) MIX="$2"; shift 2 ;;
    --demo) DEMO="$2"; shift 2 ;;
    --results) RESULTS="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

if [[ -z "$DEMO" ]]; then
  # Built as a product of the root package from the Benchmarks package, so the release build of
  # grpc-swift is shared with the benchmarks.
  echo "Building grpc-prometheus-demo (release)..." >&2
  swift build -c release --package-path "$ROOT/Benchmarks" --product grpc-prometheus-demo >&2
  DEMO="$(swift build -c release --package-path "$ROOT/Benchmarks" --show-bin-path)/grpc-prometheus-demo"
fi

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

wait_for_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# One run: start the server in the given mode, drive it, print the load's throughput (rpc/s).
run_once() {
  local mode="$1"
  local args=(serve --host 127.0.0.1 --port "$PORT" --metrics-port "$METRICS_PORT")
  [[ "$mode" == "no-metrics" ]] && args+=(--no-metrics)
  "$DEMO" "${args[@]}" >/dev/null 2>&1 &
  SERVER_PID=$!
  wait_for_port "$PORT"
  # A short warm-up so that connection setup and first-use costs are not measured.
  "$DEMO" load --target "127.0.0.1:$PORT" --rpcs 500 --concurrency "$CONCURRENCY" --mix "$MIX" \
    >/dev/null 2>&1
  local output
  output="$("$DEMO" load --target "127.0.0.1:$PORT" --rpcs "$RPCS" --concurrency "$CONCURRENCY" \
    --mix "$MIX" 2>&1)"
  stop_server
  local throughput
  throughput="$(grep -o 'Throughput: [0-9]*' <<<"$output" | grep -o '[0-9]*$')"
  if [[ -z "$throughput" ]]; then
    echo "no throughput in the load's output:" >&2
    echo "$output" >&2
    return 1
  fi
  echo "$throughput"
}

echo "HTTP/2 loopback: $RPCS $MIX RPCs per run, concurrency $CONCURRENCY, $ROUNDS rounds" >&2
with=()
without=()
for round in $(seq 1 "$ROUNDS"); do
  # Alternate the order (ABBA...) so that drift in the machine's load hits both sides alike.
  if (( round % 2 == 1 )); then order=(metrics no-metrics); else order=(no-metrics metrics); fi
  for mode in "${order[@]}"; do
    rate="$(run_once "$mode")"
    echo "round $round  $mode  $rate rpc/s" >&2
    if [[ "$mode" == metrics ]]; then with+=("$rate"); else without+=("$rate"); fi
  done
done

summary="$(python3 - "${with[*]}" "${without[*]}" <<'PY'
import statistics, sys
w = [float(x) for x in sys.argv[1].split()]
n = [float(x) for x in sys.argv[2].split()]
mw, mn = statistics.median(w), statistics.median(n)
print(f"{mw:.0f} {mn:.0f} {100 * mw / mn:.1f} {100 * sum(w) / sum(n):.1f}")
PY
)"
read -r median_with median_without ratio ratio_of_sums <<<"$summary"
echo "with metrics:    median $median_with rpc/s  (${with[*]})"
echo "without metrics: median $median_without rpc/s  (${without[*]})"
echo "ratio: ${ratio}% of --no-metrics (medians), ${ratio_of_sums}% (sums)"
if [[ -n "$RESULTS" ]]; then
  {
    printf 'http2.with\t%s\n' "$median_with"
    printf 'http2.without\t%s\n' "$median_without"
    printf 'http2.ratio\t%s\n' "$ratio"
    printf 'http2.runs_with\t%s\n' "${with[*]}"
    printf 'http2.runs_without\t%s\n' "${without[*]}"
  } >>"$RESULTS"
fi
