#!/usr/bin/env bash
# Runner overhead: upload-complete → published with one runner process (a separate `--Roles runner` process of the
# built Api, HTTP only) vs the in-process transcoder worker, same file, same run, interleaved; prints medians and the ratio.
# Usage: bench/runner.sh [clip seconds=10] [size=1280x720] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install -y ffmpeg)"; exit 1; }
exec dotnet run -c Release --project bench/Runner/Runner.csproj -- "$@"
