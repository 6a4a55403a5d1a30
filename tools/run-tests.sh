#!/usr/bin/env bash
# Runs the whole test suite and ends with one line "N passed, M failed".
# Usage: tools/run-tests.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

# Interop tests drive Mesh with a Consul client we did not write (Debian's python3-consul).
if ! python3 -c 'import consul' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import consul' >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing python3-consul for the interop tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-consul) >/dev/null 2>&1 \
      || echo "warning: could not install python3-consul"
  fi
fi

# The metrics test checks the Prometheus output with promtool (Debian's prometheus package); it skips without it.
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing prometheus (promtool) for the metrics lint test"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) >/dev/null 2>&1 \
      || echo "warning: could not install prometheus (promtool)"
  fi
fi

# The UI's browser tests drive Debian's chromium headless (through playwright-core, which the test project's build
# fetches from npm; no browser download); they skip without it.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium for the UI browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "warning: could not install chromium"
  fi
fi

log=$(mktemp)
dotnet build Mesh.sln -c Release 2>&1 | tail -n 3
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  dotnet build Mesh.sln -c Release 2>&1 | grep -E 'error' | sort -u | head -n 50
  echo "0 passed, 1 failed"
  exit 1
fi

# A hung test fails the run (with a dump of where it hung) instead of stalling it.
dotnet test Mesh.sln -c Release --no-build --blame-hang-timeout 5min "$@" 2>&1 | tee "$log" \
  | grep -vE '^\s*$|^Test run for|^A total of|^Starting test execution|^VSTest|^Microsoft \(R\)|^Copyright' || true
test_status=${PIPESTATUS[0]}

passed=$(grep -E '^(Passed!|Failed!)' "$log" | sed -E 's/.*Passed: +([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^(Passed!|Failed!)' "$log" | sed -E 's/.*Failed: +([0-9]+),.*/\1/' | awk '{s+=$1} END {print s+0}')
[ -n "$passed" ] || passed=0
[ -n "$failed" ] || failed=0
rm -f "$log"
if [ "$test_status" -ne 0 ] && [ "$failed" = "0" ]; then
  failed=1 # the run itself failed (crash, timeout) without a counted failure
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" = "0" ]
