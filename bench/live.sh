#!/usr/bin/env bash
# One live over RTMP on loopback: segment availability latency (default and small-latency modes) and CPU per live
# (instance + its ffmpeg) against the same ffmpeg ladder run alone, in the same run.
# Usage: bench/live.sh [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project bench/Live -c Release -- "$@"
