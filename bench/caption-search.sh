#!/usr/bin/env bash
# GET /api/v1/search/videos with 10,000 lessons x 200 caption cues (caption words, title words, absent words) vs GET /health,
# SQLite and PostgreSQL, with the search's query plans. Usage: bench/caption-search.sh [lessons=10000] [cues=200] [requests=400] [sqlite|postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh test >/dev/null
export VP_TEST_POSTGRES="${VP_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres}"
dotnet run --project bench/CaptionSearch -c Release -- "$@"
