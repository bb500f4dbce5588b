#!/usr/bin/env bash
# Starts N academy instances (default 35) on 127.0.0.1, all following each other, and prints their URLs.
# Usage: scripts/academies.sh [N] [--data DIR] [--port FIRST_PORT]   (Ctrl+C stops them)
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project tools/Academies -c Release -- "$@"
