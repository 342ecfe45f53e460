#!/usr/bin/env bash
# Every test, as `npm test` runs it: build, typecheck, lint, unit + integration (node's test runner),
# browser e2e (Playwright driving Debian's Chromium). Every suite runs even when an earlier one fails;
# typecheck, lint and build count as one test each. The last line is the plain total:
#   ci: N passed, N failed
# and the exit code is non-zero when anything failed or nothing passed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0
failed=0
summary=()

record() { # suite passed failed seconds
  passed=$((passed + $2))
  failed=$((failed + $3))
  summary+=("$(printf '%-12s %4d passed, %d failed  (%ds)' "$1" "$2" "$3" "$4")")
}

check() { # suite command... : a one-test suite, passed when the command exits 0
  local name=$1 start=$SECONDS
  shift
  echo "== $name: $*"
  if "$@"; then record "$name" 1 0 $((SECONDS - start)); else record "$name" 0 1 $((SECONDS - start)); fi
}

check build npm run build
built=$([ -f dist/server/main.js ] && [ -f .next/BUILD_ID ] && echo yes || echo no)
check typecheck npx tsc --noEmit
check lint npx eslint --max-warnings=0 .

echo "== unit + integration"
start=$SECONDS
bash scripts/test-unit.sh --test-timeout=180000 --test-reporter=spec 2>&1 | tee "$logs/unit.log"
unit_exit=${PIPESTATUS[0]}
# The spec reporter's closing summary ("ℹ pass N", "ℹ fail N", "ℹ cancelled N"); a file reporter would
# not be flushed under --test-force-exit.
unit_pass=$(grep -aE '^ℹ pass [0-9]+' "$logs/unit.log" | tail -n 1 | awk '{print $3}')
unit_fail=$(grep -aE '^ℹ (fail|cancelled) [0-9]+' "$logs/unit.log" | tail -n 2 | awk '{s += $3} END {print s + 0}')
unit_pass=${unit_pass:-0}
if [ "$unit_exit" -ne 0 ] && [ "$unit_fail" -eq 0 ]; then unit_fail=1; fi
record unit "$unit_pass" "$unit_fail" $((SECONDS - start))

echo "== e2e (Playwright, Chromium)"
start=$SECONDS
if [ "$built" != yes ]; then
  echo "e2e: no build to test" >&2
  record e2e 0 1 $((SECONDS - start))
elif ! bash scripts/ensure-chromium.sh; then
  record e2e 0 1 $((SECONDS - start))
else
  rm -f test-results/e2e-results.json
  npx playwright test
  e2e_exit=$?
  read -r e2e_pass e2e_fail < <(node -e '
    try {
      const s = require("./test-results/e2e-results.json").stats;
      console.log((s.expected ?? 0) + (s.flaky ?? 0), s.unexpected ?? 0);
    } catch { console.log(0, 1); }')
  if [ "$e2e_exit" -ne 0 ] && [ "$e2e_fail" -eq 0 ]; then e2e_fail=1; fi
  record e2e "$e2e_pass" "$e2e_fail" $((SECONDS - start))
fi

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
echo "ci: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
