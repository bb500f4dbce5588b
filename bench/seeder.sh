#!/usr/bin/env bash
# Seeder throughput: aria2 from our peer wire vs the same file over HTTP from our server. Usage: bench/seeder.sh [MiB=256]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh test >/dev/null
dotnet run --project bench/Seeder -c Release -- "$@"
