#!/usr/bin/env bash
# Runs every test of swift-grpc-prometheus. Installs what the tests need when it is missing
# (idempotent): Debian's `prometheus` package (prometheus + promtool) and a Python venv in .venv with
# grpcio, grpcio-tools and prometheus-client. Then checks formatting, runs `swift test` and builds
# the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "==> installing Debian's prometheus package (prometheus, promtool)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "prometheus and promtool are missing and there is no apt-get: install Prometheus 2.x so both are on PATH" >&2
    exit 1
  fi
fi

if [ -f interop/requirements.txt ]; then
  if ! .venv/bin/python -c 'import grpc, grpc_tools, prometheus_client, py_grpc_prometheus' \
    2>/dev/null; then
    echo "==> creating .venv with grpcio, grpcio-tools, prometheus-client, py-grpc-prometheus"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r interop/requirements.txt
  fi
fi

echo "==> swift format lint --strict"
git ls-files -z '*.swift' | grep -zv '/Generated/' | xargs -0 swift format lint --strict

echo "==> swift build --build-tests (every target, the demo and the example included)"
swift build --build-tests

echo "==> swift test"
swift test --skip-build "$@"

# The benchmarks are a separate package (Benchmarks/): build them, release, so that they cannot rot.
# Nothing is timed here. GRPC_PROMETHEUS_SKIP_BENCHMARKS=1 skips this when iterating locally.
if [ "${GRPC_PROMETHEUS_SKIP_BENCHMARKS:-0}" != 1 ]; then
  echo "==> building the benchmarks (release, not run)"
  scripts/build-benchmarks.sh --no-demo
  echo "==> smoke-running the py-grpc-prometheus comparison (interop/py_grpc_prometheus_direct.py, a few ops)"
  .venv/bin/python interop/py_grpc_prometheus_direct.py bench --samples 1 --ops 100 >/dev/null
fi
