#!/usr/bin/env bash
# 1 MiB byte-range requests on an HLS fragmented MP4: our Kestrel vs nginx serving the same files (wrk, 64 connections).
# Usage: bench/media-serving.sh [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)"; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "nginx is required (apt-get install -y nginx-light)"; exit 1; }
dotnet run --project bench/MediaServing -c Release -- "$@"
