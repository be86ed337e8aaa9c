#!/usr/bin/env bash
# Generates the Python stubs for Protos/echo/v1/echo.proto with grpc_tools.protoc.
#
# Usage: interop/gen.sh [OUT_DIR]        (default: interop/gen, git-ignored)
# Env:   PYTHON  the interpreter that has grpcio-tools (default: .venv/bin/python
#                if it exists, else python3)
#
# The output is importable as `from echo.v1 import echo_pb2, echo_pb2_grpc`
# once OUT_DIR is on sys.path (the interop scripts do that with --gen-dir).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${1:-$repo_root/interop/gen}"

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$repo_root/.venv/bin/python" ]]; then
    PYTHON="$repo_root/.venv/bin/python"
  else
    PYTHON=python3
  fi
fi

mkdir -p "$out_dir"
"$PYTHON" -m grpc_tools.protoc \
  --proto_path="$repo_root/Protos" \
  --python_out="$out_dir" \
  --pyi_out="$out_dir" \
  --grpc_python_out="$out_dir" \
  "$repo_root/Protos/echo/v1/echo.proto"

# Make echo/ and echo/v1/ regular packages so imports work on every Python.
touch "$out_dir/echo/__init__.py" "$out_dir/echo/v1/__init__.py"

echo "generated Python stubs in $out_dir" >&2
