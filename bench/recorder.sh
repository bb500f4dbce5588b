#!/usr/bin/env bash
# The load history's cost: segment serving req/s with the recorder on vs off (same run, aim >= 0.98x), and the dashboard's
# queries over a year of minute/hour samples (aim p99 < 100 ms). Usage: bench/recorder.sh [seconds per wrk run=10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)"; exit 1; }
dotnet run --project bench/Recorder -c Release -- "$@"
