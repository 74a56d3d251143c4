#!/usr/bin/env bash
# `make test-asan`: builds the asan preset (ASan + UBSan, -O1 -g) with only the targets it runs, then
# runs the unit test binaries, the store suite and the API suite (tests/api) against the sanitized
# binary. Every sanitized process (tests, `jitgate serve`, `jitgate init`, client verbs) has its
# stderr copied into one fresh directory (the API suite gets JITGATE_BIN = a wrapper that execs the
# real binary, same pid, stderr through tee); a sanitizer report from any of them fails the run, even
# when it came from a server whose exit status no test looked at. (ASan's log_path is not used: with
# ASan and UBSan together, GCC 12's UBSan reports ignore it and go to stderr only.)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build/asan
JOBS=${JOBS:-2}
UNIT_TESTS=(jg_core_tests jg_http_tests jg_app_tests jg_api_tests jg_cli_tests jg_store_tests)
t0=$(date +%s)

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset asan "${launcher[@]}" >/dev/null
targets=(jitgate)
for t in "${UNIT_TESTS[@]}"; do
  if ninja -C "$BUILD" -t query "$t" >/dev/null 2>&1; then targets+=("$t"); fi
done
cmake --build "$BUILD" --target "${targets[@]}" -j"$JOBS"
t1=$(date +%s)

reports=$(mktemp -d /tmp/jitgate-asan-reports-XXXXXX)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=0

# JITGATE_BIN for the API suite: the sanitized binary, its stderr also kept in $reports.
wrapper="$reports/jitgate"
printf '#!/usr/bin/env bash\nexec %q "$@" 2> >(exec tee -a %q.$$ >&2)\n' \
  "$PWD/$BUILD/jitgate" "$reports/stderr" >"$wrapper"
chmod +x "$wrapper"

# Fails the run when any sanitized process reported something.
REPORT_RE='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'
check_reports() {
  local bad
  bad=$(grep -lE "$REPORT_RE" "$reports"/stderr.* 2>/dev/null || true)
  if [ -n "$bad" ]; then
    echo "test-asan: sanitizer reports after $1:" >&2
    mkdir -p "$reports/kept"
    for f in $bad; do
      echo "=== $f" >&2
      grep -E -A40 "$REPORT_RE" "$f" | head -c 20000 >&2
      mv "$f" "$reports/kept/"
    done
    failed=1
  fi
  rm -f "$reports"/stderr.*
}

# PostgreSQL runs in its own suites, not under the sanitizers.
declare -A FILTER=([jg_store_tests]="-Postgres/*:Pg*")
for t in "${targets[@]:1}"; do
  echo "test-asan: $t"
  if ! "$BUILD/tests/$t" --gtest_brief=1 --gtest_filter="${FILTER[$t]:-*}" \
      2> >(tee -a "$reports/stderr.$t" >&2); then
    echo "test-asan: $t FAILED" >&2
    failed=1
  fi
  wait  # for the tee of the last process substitution
done
check_reports "the unit tests"
t2=$(date +%s)

echo "test-asan: tests/api against $BUILD/jitgate"
if ! JITGATE_BIN="$wrapper" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api; then
  echo "test-asan: tests/api FAILED" >&2
  failed=1
fi
check_reports "the API suite"

# The error paths of two safety proofs (a full disk, a broken audit chain): ~10 s.
echo "test-asan: tests/safety disk full and audit tampering"
if ! JITGATE_BIN="$wrapper" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    tests/safety/test_disk_full.py tests/safety/test_audit_tamper.py; then
  echo "test-asan: tests/safety FAILED" >&2
  failed=1
fi
check_reports "the safety proofs"
t3=$(date +%s)

echo "test-asan: build $((t1 - t0))s, unit tests $((t2 - t1))s, API + safety suites $((t3 - t2))s, total $((t3 - t0))s"
if [ "$failed" -ne 0 ]; then
  echo "test-asan: FAILED (reports kept in $reports)" >&2
  exit 1
fi
rm -rf "$reports"
echo "test-asan: OK, no sanitizer report"
