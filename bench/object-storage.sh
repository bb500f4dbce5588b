#!/usr/bin/env bash
# Upload-complete → published with object storage (s3rver on 127.0.0.1) vs the local disk, same clip, same run.
# Usage: bench/object-storage.sh [rounds=3] [clip seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install -y ffmpeg)"; exit 1; }
scripts/prerequisites.sh test >/dev/null
dotnet run --project bench/ObjectStorage -c Release -- "$@"
