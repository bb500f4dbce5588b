#!/usr/bin/env bash
# Ladder benchmark: our pipeline vs the PeerTube way vs the bare single ffmpeg command.
# Full run (default 60 s source) keeps both cores busy for several minutes; smoke it with: bench/ladder.sh --seconds 6
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/Ladder/Ladder.csproj -- "$@"
