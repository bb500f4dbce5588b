#!/usr/bin/env bash
# Runs one instance at http://127.0.0.1:9000 on SQLite and ./data, installing what it needs when missing.
# Extra arguments are passed to the instance, e.g. scripts/run.sh --Instance:Name "Académie de Lyon".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh run
dotnet build Api/Api.csproj -c Release --nologo -v q --disable-build-servers
exec dotnet Api/bin/Release/net10.0/VideoPlatform.Api.dll --Storage:Root ./data "$@"
