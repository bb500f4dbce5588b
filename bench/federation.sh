#!/usr/bin/env bash
# N academies (default 35) in one process, all following each other: publication → visible in all the others,
# deliveries/s in a burst, signature verifications/s against raw RSA verify, memory of the whole set.
# Usage: bench/federation.sh [academies=35] [publications=5] [first-port=9500]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project bench/FederationBench -c Release -- "$@"
