#!/usr/bin/env bash
# 1 GiB resumable upload in 8 MiB chunks on loopback: memory growth and throughput vs a plain streamed file copy.
# Usage: bench/upload.sh [MiB=1024]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project bench/Upload -c Release -- "$@"
