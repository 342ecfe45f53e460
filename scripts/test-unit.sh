#!/usr/bin/env bash
# Unit and integration tests: node's test runner over every *.test.ts in the tree (node 20 has no glob
# arguments, so the files are listed here). Extra arguments are passed to node --test.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find engine server components test -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency=1 --test-force-exit "$@" "${files[@]}"
