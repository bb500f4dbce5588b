#!/usr/bin/env bash
# Installs what VideoPlatform needs from Debian's packages when it is missing, and restores .NET/npm packages.
# Usage: scripts/prerequisites.sh [run|test]   (test also installs the test-only clients and starts PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v ffprobe >/dev/null || need+=(ffmpeg)
# The web player and uploader are bundled by npm during `dotnet build` (Web/Web.csproj runs npm ci, then esbuild).
command -v npm >/dev/null || need+=(nodejs npm)
if [ "$mode" = test ]; then
  command -v pg_ctlcluster >/dev/null || need+=(postgresql)
  command -v aria2c >/dev/null || need+=(aria2)
  command -v mktorrent >/dev/null || need+=(mktorrent)
  command -v chromium >/dev/null || need+=(chromium)
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  # deploy/nginx/local.sh renders the nginx template with envsubst (tests and bench/nginx.sh).
  command -v envsubst >/dev/null || need+=(gettext-base)
  # promtool checks /metrics; a test starts prometheus on 127.0.0.1 to scrape an instance.
  command -v promtool >/dev/null || need+=(prometheus)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing from Debian: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  # PostgreSQL on 127.0.0.1 only, with a password for the tests' TCP connections.
  version=$(ls /etc/postgresql | sort -n | tail -1)
  echo "listen_addresses = '127.0.0.1'" | as_root tee "/etc/postgresql/$version/main/conf.d/videoplatform.conf" >/dev/null
  as_root pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    as_root su postgres -c "pg_isready -q -h 127.0.0.1" && break
    sleep 1
  done
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
fi

if [ "$mode" = test ]; then
  # Real WebTorrent tracker clients and PeerTube's tracker (tests and benchmarks). --ignore-scripts: their optional
  # WebRTC addon would try to download a binary; announce and relay need no WebRTC.
  (cd tools/tracker-clients && npm ci --ignore-scripts --no-audit --no-fund --silent)
  # PeerTube's own command-line client and the OpenAPI validator (ajv) for the PeerTube compatibility tests.
  (cd tools/peertube-clients && npm ci --ignore-scripts --no-audit --no-fund --silent)
  # A real S3-compatible server (s3rver) for the object storage tests and benchmark.
  (cd tools/s3-server && npm ci --ignore-scripts --no-audit --no-fund --silent)
  # axe-core (the accessibility audit the Chromium tests run on every page) and PeerTube's embed API client.
  (cd tools/browser-checks && npm ci --ignore-scripts --no-audit --no-fund --silent)
  # A real OpenID Connect provider (oidc-provider) for the academy sign-in tests.
  (cd tools/oidc-provider && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

dotnet restore VideoPlatform.sln --nologo -v q
