#!/usr/bin/env bash
# 1 MiB byte-range requests through the repository's nginx config in front of an instance vs nginx alone on the same
# files (public: served from disk; private: authorised by the instance, sent via X-Accel-Redirect). wrk, 64 connections.
# Usage: bench/nginx.sh [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)"; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "nginx is required (apt-get install -y nginx-light)"; exit 1; }
command -v envsubst >/dev/null || { echo "envsubst is required (apt-get install -y gettext-base)"; exit 1; }
dotnet run --project bench/NginxFront -c Release -- "$@"
