#!/usr/bin/env bash
# npm run generate:grpc — TypeScript types of every module's .proto (requests, responses,
# service definitions), written next to it in api/grpc/generated/, with the same loader options
# the app loads the protos with (GRPC_LOADER_OPTIONS). test/architecture/grpc-types.spec.ts fails
# when they are stale. Usage: generate-grpc-types.sh [OUT_ROOT] (default: the source tree).
set -euo pipefail
cd "$(dirname "$0")/.."
out_root="${1:-}"
for proto in src/modules/*/api/grpc/*.proto; do
  dir="$(dirname "$proto")"
  out="${out_root:+$out_root/}$dir/generated"
  rm -rf "$out"
  mkdir -p "$out"
  node_modules/.bin/proto-loader-gen-types --keepCase=false --longs=String --enums=String --defaults --oneofs \
    --grpcLib=@grpc/grpc-js --includeComments --outDir="$out" "$proto" >/dev/null
done
