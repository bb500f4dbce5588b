#!/usr/bin/env bash
# Runs the whole test suite (unit + integration on SQLite and PostgreSQL, ffmpeg, real clients, Chromium) and ends
# with the line "N passed, N failed, N skipped" computed from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh test || exit 1
export VP_TEST_POSTGRES="${VP_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres}"

results=TestResults
rm -rf "$results"
dotnet build VideoPlatform.sln --nologo -v q --no-restore || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/VideoPlatform.Tests tests/VideoPlatform.IntegrationTests; do
  name=$(basename "$project")
  dotnet test "$project" --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" --blame-hang-timeout 10m --blame-hang-dump-type none \
    -- NUnit.NumberOfTestWorkers=1 || status=1
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$failed" -ne 0 ]; then
  # The console log is long; repeat each failure (name and the start of its message) next to the summary line.
  echo "Failed tests:"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); inresult = 1; shown = 0; print "  - " name; next }
      inresult && /<Message>/ { inmessage = 1; sub(/.*<Message>/, "") }
      inmessage && shown < 12 { line = $0; sub(/<\/Message>.*/, "", line); print "      " line; shown++ }
      inmessage && /<\/Message>/ { inmessage = 0 }
      /<\/UnitTestResult>/ { inresult = 0; inmessage = 0 }
    ' "$trx" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
