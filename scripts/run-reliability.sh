#!/usr/bin/env bash
# The reliability stages of issue #24 (docs/reliability.md), each run with a wall-time budget:
#   asan   the unit test suite built with AddressSanitizer + UBSan (asan preset, gcc)
#   tsan   the threaded parts under ThreadSanitizer (tsan preset, gcc): parallel backtest strategies,
#          covariance split over two threads, concurrent calls on shared const inputs
#   fuzz   every libFuzzer target of fuzz/ (fuzz preset, clang-14 with ASan + UBSan) for
#          KEEL_FUZZ_SECONDS each (default 60), two at a time, from fuzz/corpus/<target>/
# Each stage builds only what it runs (the library, the CLI where needed, and the executables
# named; no reference, slow, bench or Python targets) through ccache.
#   scripts/run-reliability.sh              all three stages
#   scripts/run-reliability.sh fuzz tsan    the stages named
# Environment: KEEL_FUZZ_SECONDS (per target), KEEL_FUZZ_ARTIFACTS (where a crashing input is
# kept; default build/fuzz/artifacts), KEEL_FUZZ_SEED (default 1). scripts/run-tests.sh (the
# README's test command) calls this after the ci suite and pytest when its label set contains
# "reliability".
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(asan tsan fuzz)
jobs=$(nproc)
fuzz_seconds=${KEEL_FUZZ_SECONDS:-60}
# Run budgets in seconds: the tests or fuzzing of a stage, after its build. A run over its budget
# is stopped and fails: a hang or a slowdown is a finding. Builds are timed and reported but not
# stopped, since their time depends on the compiler cache rather than on the code under test
# (docs/reliability.md has the measured build and run times from a fresh clone).
# KEEL_BUDGET_ASAN, KEEL_BUDGET_TSAN, KEEL_BUDGET_FUZZ override them.
budget_asan=${KEEL_BUDGET_ASAN:-900}
budget_tsan=${KEEL_BUDGET_TSAN:-300}
budget_fuzz=${KEEL_BUDGET_FUZZ:-600}

passed=0
failed=0
started_all=$SECONDS

build_asan() {
  cmake --preset asan >/dev/null
  local targets
  targets=$(ninja -C build/asan -t targets all | sed -n 's/^\(keel_[a-z]*_unit_tests\):.*/\1/p' | sort -u)
  cmake --build build/asan -j "$jobs" --target keel $targets
}

run_asan() {
  # detect_leaks: LeakSanitizer needs ptrace, absent in some containers; ASan's other checks stay.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir build/asan -L unit -j "$jobs" --timeout 600 --output-on-failure
}

build_tsan() {
  cmake --preset tsan >/dev/null
  cmake --build build/tsan -j "$jobs" --target keel_backtest_unit_tests keel_estimate_unit_tests
}

run_tsan() {
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  # Every backtest unit test (strategies run on context.threads() threads), the concurrency tests,
  # and the covariance tests (gram() splits over two threads).
  build/tsan/tests/keel_backtest_unit_tests --gtest_brief=1
  build/tsan/tests/keel_estimate_unit_tests --gtest_brief=1 --gtest_filter='Covariance*'
}

build_fuzz() {
  cmake --preset fuzz >/dev/null
  cmake --build build/fuzz -j "$jobs" --target keel_fuzzers
}

run_fuzz() {
  local artifacts=${KEEL_FUZZ_ARTIFACTS:-$PWD/build/fuzz/artifacts}
  # fuzz_read_file and fuzz_cli_inputs write each input to a file: in memory (/dev/shm) when there
  # is one, which ran file-reading targets 2.5 times faster than /tmp on a disk here (the other
  # targets parse in memory; docs/reliability.md section 2).
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
  local work
  work=$(mktemp -d)
  mkdir -p "$artifacts"
  local targets=()
  for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
  # Two targets at a time (one per core). Each works on a copy of its corpus, so a CI run never
  # rewrites fuzz/corpus; new inputs are kept under build/fuzz only.
  local pids=() names=() status=0 root=$PWD
  run_one() {
    local t=$1
    mkdir -p "$work/$t"
    cp fuzz/corpus/"$t"/* "$work/$t"/ 2>/dev/null || true
    # A fixed seed: two runs of a target mutate the same inputs in the same order (the time budget
    # only decides how far they get), so a finding in CI reproduces with the same command.
    (cd "$work" && "$root/build/fuzz/fuzz/$t" -seed="${KEEL_FUZZ_SEED:-1}" \
        -max_total_time="$fuzz_seconds" -max_len=4096 \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -close_fd_mask=1 \
        -artifact_prefix="$artifacts/$t-" -print_final_stats=1 "$work/$t" >"$work/$t.log" 2>&1)
  }
  for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    names+=("$t")
    if [ ${#pids[@]} -ge "$jobs" ]; then
      wait "${pids[0]}" || { status=1; echo "fuzz: ${names[0]} FAILED"; tail -40 "$work/${names[0]}.log"; }
      grep -h "stat::number_of_executed_units" "$work/${names[0]}.log" | sed "s/^/fuzz: ${names[0]} /" || true
      pids=("${pids[@]:1}")
      names=("${names[@]:1}")
    fi
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { status=1; echo "fuzz: ${names[$i]} FAILED"; tail -40 "$work/${names[$i]}.log"; }
    grep -h "stat::number_of_executed_units" "$work/${names[$i]}.log" | sed "s/^/fuzz: ${names[$i]} /" || true
  done
  rm -rf "$work"
  return $status
}

for stage in "${stages[@]}"; do
  case "$stage" in
    asan) budget=$budget_asan ;;
    tsan) budget=$budget_tsan ;;
    fuzz) budget=$budget_fuzz ;;
    *) echo "run-reliability.sh: unknown stage '$stage' (known: asan tsan fuzz)" >&2; exit 2 ;;
  esac
  echo "== reliability: $stage: build"
  t0=$SECONDS
  if ! "build_$stage"; then
    failed=$((failed + 1))
    echo "== reliability: $stage FAILED to build after $((SECONDS - t0)) s"
    continue
  fi
  built=$((SECONDS - t0))
  echo "== reliability: $stage: built in $built s; run (budget ${budget} s)"
  t1=$SECONDS
  # The run goes in a subshell under `timeout`, so a run over its budget is stopped and fails.
  export -f "run_$stage"
  export jobs fuzz_seconds
  if timeout "$budget" bash -euo pipefail -c "run_$stage"; then
    passed=$((passed + 1))
    echo "== reliability: $stage ok: build $built s, run $((SECONDS - t1)) s"
  else
    failed=$((failed + 1))
    echo "== reliability: $stage FAILED: build $built s, run $((SECONDS - t1)) s (budget ${budget} s)"
  fi
done
echo "== reliability: all stages in $((SECONDS - started_all)) s"
echo "reliability stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
