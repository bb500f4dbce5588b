#!/usr/bin/env bash
# GET /api/v1/videos?count=25&sort=-publishedAt with 100,000 videos vs GET /health, on SQLite and PostgreSQL.
# Usage: bench/api-list.sh [videos=100000] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh test >/dev/null
export VP_TEST_POSTGRES="${VP_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres}"
dotnet run --project bench/ApiList -c Release -- "$@"
