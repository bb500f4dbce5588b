#!/usr/bin/env bash
# Tracker announces/s (HTTP and WebSocket): ours vs PeerTube's @peertube/bittorrent-tracker-server, same load, same run.
# Usage: bench/tracker.sh [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh test >/dev/null
dotnet run --project bench/Tracker -c Release -- "$@"
