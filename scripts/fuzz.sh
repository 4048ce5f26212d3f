#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS]   (default 30 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if ! command -v clang++ >/dev/null; then
    # Not a skip: a fuzz step that fuzzes nothing would pass while checking nothing.
    echo "fuzz: clang++ is not installed (scripts/test.sh installs it; or apt-get install clang)" >&2
    exit 1
fi
[[ -f build-fuzz/build.ninja ]] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
run() {
    local target=$1 status=0
    shift
    mkdir -p "build-fuzz/corpus/$target"
    echo "fuzz: $target for ${seconds}s" >&2
    # New finds go to the corpus folder; the committed seeds start it from valid inputs.
    "./build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 "$@" \
        "build-fuzz/corpus/$target" "tests/fuzz/seeds/$target" > "build-fuzz/$target.log" 2>&1 || status=$?
    grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY)" "build-fuzz/$target.log" || true
    if ((status != 0)); then
        tail -n 40 "build-fuzz/$target.log" >&2
        echo "fuzz: $target found a problem (exit $status); the input is in the working folder" >&2
    fi
    return "$status"
}
run fuzz_commandline -dict=tests/fuzz/commandline.dict
run fuzz_runfile
run fuzz_feed -dict=tests/fuzz/feed.dict
