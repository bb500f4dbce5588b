#!/usr/bin/env bash
# One live over RTMP on loopback: segment availability latency (default and small-latency modes) and CPU per live
# (instance beyond its idle CPU + its ffmpeg, after a warm-up) against the same ffmpeg ladder run alone, in the same run;
# a class of headless Chromium viewers joining the live (P2P share of their segment bytes after the first 30 s).
# Usage: bench/live.sh [seconds=20] [class viewers=6] [class-only]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project bench/Live -c Release -- "$@"
