#!/usr/bin/env bash
# jitgate's side-by-side benchmark suite; `make bench` runs it after building build/release.
#   bench/run.sh [--runs N] [--duration S] [--write-duration S] [--only STEPS] [--profile]
#                [--update-doc docs/PERFORMANCE.md]
# BUILD selects the build directory (default build/release; it needs JITGATE_BENCH=ON).
# What it measures and how: docs/PERFORMANCE.md. Needs `make deps-bench` (nginx, wrk, PostgreSQL,
# perf). Everything runs on 127.0.0.1; the Python driver stops every server it started on exit,
# including on SIGINT/SIGTERM, and this trap forwards those to it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
for tool in wrk nginx pgbench; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "bench: $tool not found; run 'make deps-bench'" >&2; exit 1; }
done
/usr/bin/python3 bench/suite/run.py --build "$BUILD" "$@" &
driver=$!
trap 'kill -TERM "$driver" 2>/dev/null || true; wait "$driver"' INT TERM HUP
wait "$driver"
