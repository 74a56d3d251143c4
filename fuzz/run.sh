#!/usr/bin/env bash
# Builds the fuzz targets (clang-14, libFuzzer + ASan + UBSan) and runs each for SECONDS.
#   fuzz/run.sh SECONDS [TARGET...]     (default: every target)
# Each run starts from the committed seed corpus (fuzz/corpus/<target>, read-only here) plus a
# scratch corpus in the build directory that keeps what earlier runs found. A crash, leak, timeout
# or out-of-memory fails the script; its input is saved under fuzz/artifacts/<target>/.
# Environment: FUZZ_BUILD_DIR (default build/fuzz-build), FUZZ_JOBS (compile jobs, default 2),
# FUZZ_EXTRA (more libFuzzer flags), FUZZ_FRESH=1 (start from the committed corpus only, so the
# run's length does not grow with what earlier long runs found).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
ALL=(json_body_fuzzer expiration_fuzzer query_fuzzer router_fuzzer http_request_fuzzer)
TARGETS=("${@:-${ALL[@]}}")
BUILD=${FUZZ_BUILD_DIR:-build/fuzz-build}

declare -A DICT=([json_body_fuzzer]=json [expiration_fuzzer]=expiration [query_fuzzer]=query
                 [router_fuzzer]=router [http_request_fuzzer]=http)

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
cmake -S fuzz -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j "${FUZZ_JOBS:-2}" --target "${TARGETS[@]}"

status=0
for t in "${TARGETS[@]}"; do
  scratch="$BUILD/corpus/$t"
  if [ -n "${FUZZ_FRESH:-}" ]; then  # a bounded run: only the committed corpus is replayed
    scratch="$BUILD/corpus-fresh/$t"
    rm -rf "$scratch"
  fi
  artifacts="fuzz/artifacts/$t"
  mkdir -p "$scratch" "$artifacts" "fuzz/corpus/$t"
  log="$BUILD/$t.log"
  started=$(date +%s)
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a runaway allocation is a bug.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "$BUILD/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
       -dict="fuzz/dict/${DICT[$t]}.dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
       ${FUZZ_EXTRA:-} "$scratch" "fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(grep -o 'average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    units=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz: $t ok: $units inputs in $(( $(date +%s) - started )) s ($execs exec/s)"
  else
    echo "fuzz: $t FAILED (log $log; inputs in $artifacts/):"
    grep -E 'FUZZ FINDING|ERROR|SUMMARY|^    #[0-9]+ .* in (jitgate|LLVMFuzzer)' "$log" | head -30 || tail -30 "$log"
    status=1
  fi
done
exit $status
