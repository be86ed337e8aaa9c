#!/usr/bin/env bash
# Regenerates Sources/EchoService/Generated from Protos/echo/v1/echo.proto.
#
# Needs protoc (Debian: apt-get install -y protobuf-compiler) and the two plugins, built from the
# package versions this project depends on (each ~2-4 min, release):
#   swift build -c release --product protoc-gen-swift          # in apple/swift-protobuf 1.39.0
#   swift build -c release --product protoc-gen-grpc-swift-2   # in grpc/grpc-swift-protobuf 2.4.1
# Point PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT at them, or leave them on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

PROTOC_GEN_SWIFT=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
PROTOC_GEN_GRPC_SWIFT=${PROTOC_GEN_GRPC_SWIFT:-$(command -v protoc-gen-grpc-swift-2 || true)}
command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }
[ -x "$PROTOC_GEN_SWIFT" ] || { echo "set PROTOC_GEN_SWIFT to protoc-gen-swift" >&2; exit 1; }
[ -x "$PROTOC_GEN_GRPC_SWIFT" ] || { echo "set PROTOC_GEN_GRPC_SWIFT to protoc-gen-grpc-swift-2" >&2; exit 1; }

out=Sources/EchoService/Generated
mkdir -p "$out"
protoc \
  --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
  --plugin=protoc-gen-grpc-swift-2="$PROTOC_GEN_GRPC_SWIFT" \
  -I Protos \
  --swift_out="$out" --swift_opt=Visibility=Public \
  --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true \
  Protos/echo/v1/echo.proto
echo "generated into $out:"
find "$out" -name '*.swift' | sort
