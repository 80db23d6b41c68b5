#!/usr/bin/env bash
# Runs every test: the suite built with -Werror, the same suite under ASan + UBSan, and each
# libFuzzer target for 30 s on its corpus. Stops at the first failure with a non-zero status.
#
#   scripts/test.sh
#
# Environment: CRADLE_JOBS (parallel jobs, default: number of CPUs),
#              CRADLE_FUZZ_SECONDS (time per fuzz target, default 30),
#              CRADLE_BUILD_DIR (default build: the folders are build/ (RelWithDebInfo),
#              build-asan/ (Debug, sanitizers) and build-fuzz/ (clang)).
# The last lines are the total time and "N passed, N failed" (ctest's counts of both suites).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${CRADLE_JOBS:-$(nproc)}
fuzz_seconds=${CRADLE_FUZZ_SECONDS:-30}
# Build folders, relative to the repository root.
build=${CRADLE_BUILD_DIR:-build}
asan="$build-asan"
fuzz="$build-fuzz"
start_time=$SECONDS

tests_passed=0
tests_failed=0
suites_run=0
current_section=""

section() {
  current_section=$1
  printf '\n==== %s ====\n' "$1"
}

elapsed() {
  local seconds=$(($1))
  printf '%dm%02ds' $((seconds / 60)) $((seconds % 60))
}

finish() {
  local status=$?
  echo
  if [[ $status -ne 0 ]]; then
    echo "test.sh: FAILED in \"${current_section}\" (exit status ${status})"
  fi
  echo "total time $(elapsed $((SECONDS - start_time)))"
  # The last line, in the plain form CI reads.
  if [[ $suites_run -gt 0 ]]; then
    echo "${tests_passed} passed, ${tests_failed} failed"
  fi
  exit "$status"
}

cd "$root"
# Before anything else, so that a machine without the packages gets only the install line.
"$root/scripts/install-deps.sh" test
trap finish EXIT

# Configures a build folder with Ninja; a folder left by another generator is reconfigured
# from scratch rather than failing.
configure() {
  local dir=$1
  shift
  if [[ -f "$dir/CMakeCache.txt" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' \
    "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  mkdir -p "$dir"
  # Quiet unless it fails: the configure output is long and says little when all is well.
  cmake -S "$root" -B "$dir" -G Ninja -Wno-dev "$@" >"$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log"
    return 1
  }
}

# Runs ctest in a build folder and adds its counts to the totals.
run_ctest() {
  local dir=$1
  local log="$dir/ctest.log"
  local status=0
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" 2>&1 | tee "$log" ||
    status=$?
  # ctest's closing line: "97% tests passed, 2 tests failed out of 64"
  local counts
  local pattern='^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+)$'
  counts=$(sed -nE "s/$pattern/\\1 \\2/p" "$log" | tail -n 1)
  if [[ -n "$counts" ]]; then
    local failed=${counts% *}
    local total=${counts#* }
    tests_passed=$((tests_passed + total - failed))
    tests_failed=$((tests_failed + failed))
    suites_run=$((suites_run + 1))
  elif [[ $status -eq 0 ]]; then
    echo "test.sh: ctest printed no summary line in $dir" >&2
    status=1
  fi
  return "$status"
}

section "Build (RelWithDebInfo, -Werror) in $build/"
step_start=$SECONDS
configure "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRADLE_WERROR=ON
cmake --build "$build" -j "$jobs"
echo "built in $(elapsed $((SECONDS - step_start)))"

section "Tests in $build/"
run_ctest "$build"

section "Build (ASan + UBSan, Debug, -Werror) in $asan/"
step_start=$SECONDS
configure "$asan" -DCMAKE_BUILD_TYPE=Debug -DCRADLE_SANITIZE=ON -DCRADLE_WERROR=ON
cmake --build "$asan" -j "$jobs"
echo "built in $(elapsed $((SECONDS - step_start)))"

section "Tests under ASan + UBSan in $asan/"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_ctest "$asan"

section "Fuzz targets (clang, libFuzzer) in $fuzz/"
if [[ ! -f tests/fuzz/CMakeLists.txt ]]; then
  echo "no fuzz targets yet (tests/fuzz/CMakeLists.txt is missing): skipped"
else
  step_start=$SECONDS
  CC=clang CXX=clang++ configure "$fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRADLE_FUZZ=ON \
    -DCRADLE_BENCH=OFF
  # The executables bin/fuzz-* (not other fuzz-* targets such as a custom run target).
  mapfile -t fuzz_targets < <(ninja -C "$fuzz" -t targets all |
    sed -nE 's|^bin/(fuzz-[A-Za-z0-9_.-]+): CXX_EXECUTABLE_LINKER.*|\1|p' | sort -u)
  if [[ ${#fuzz_targets[@]} -eq 0 ]]; then
    echo "no fuzz-* targets defined: skipped"
  else
    cmake --build "$fuzz" -j "$jobs" --target "${fuzz_targets[@]}"
    echo "built ${fuzz_targets[*]} in $(elapsed $((SECONDS - step_start)))"

    section "Fuzzing each target for ${fuzz_seconds} s"
    # libFuzzer adds the inputs it finds to its first corpus folder: that is a scratch folder in
    # $fuzz/corpus/; the seed corpus tests/fuzz/corpus/<target>/ and the crashes kept as
    # regressions in tests/fuzz/regress/<target>/ are only read. tests/fuzz/<target>.dict is
    # used when present.
    fuzz_one() {
      local target=$1
      local options=(-max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$target/")
      if [[ -f "tests/fuzz/$target.dict" ]]; then
        options+=(-dict="tests/fuzz/$target.dict")
      fi
      local corpus_dirs=("$fuzz/corpus/$target")
      local dir
      for dir in "tests/fuzz/corpus/$target" "tests/fuzz/regress/$target"; do
        if [[ -d "$dir" ]]; then
          corpus_dirs+=("$dir")
        fi
      done
      mkdir -p "$fuzz/corpus/$target" "$fuzz/artifacts/$target"
      "$fuzz/bin/$target" "${options[@]}" "${corpus_dirs[@]}" >"$fuzz/$target.log" 2>&1
    }
    fuzz_failed=0
    # Up to $jobs fuzzers at a time; each gets one line when it ends.
    for ((i = 0; i < ${#fuzz_targets[@]}; i += jobs)); do
      pids=()
      batch=("${fuzz_targets[@]:i:jobs}")
      for target in "${batch[@]}"; do
        if [[ ! -x "$fuzz/bin/$target" ]]; then
          echo "test.sh: $fuzz/bin/$target was not built" >&2
          exit 1
        fi
        if [[ ! -d "tests/fuzz/corpus/$target" ]]; then
          echo "$target: no seed corpus in tests/fuzz/corpus/$target/ (starting empty)"
        fi
        fuzz_one "$target" &
        pids+=($!)
      done
      for index in "${!batch[@]}"; do
        target=${batch[$index]}
        log="$fuzz/$target.log"
        if wait "${pids[$index]}"; then
          runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
          found=$(find "$fuzz/corpus/$target" -type f | wc -l)
          echo "$target: ok, ${runs:-?} runs; $found inputs of its own in $fuzz/corpus/$target/"
        else
          fuzz_failed=1
          echo "$target: FAILED (log: $log; the input is in $fuzz/artifacts/$target/;"
          echo "  keep it as a regression in tests/fuzz/regress/$target/)"
          tail -n 40 "$log"
        fi
      done
    done
    if [[ $fuzz_failed -ne 0 ]]; then
      exit 1
    fi
  fi
fi

section "Done"
