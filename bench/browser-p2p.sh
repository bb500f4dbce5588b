#!/usr/bin/env bash
# Two headless Chromium viewers of the same lesson on 127.0.0.1: time to first frame, and the share of the second
# viewer's bytes that came from the first one (WebRTC through our tracker) after its first 20 s.
# Usage: bench/browser-p2p.sh [video seconds=120] [second viewer joins after s=10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install -y ffmpeg)"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is required at /usr/bin/chromium (apt-get install -y chromium)"; exit 1; }
exec dotnet run -c Release --project bench/BrowserP2P/BrowserP2P.csproj -- "$@"
