#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS]   (default 30 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if ! command -v clang++ >/dev/null; then
    echo "fuzz: clang++ is not installed; skipping the fuzz targets" >&2
    exit 0
fi
[[ -f build-fuzz/build.ninja ]] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build-fuzz/corpus/commandline
./build-fuzz/tests/fuzz/fuzz_commandline -max_total_time="$seconds" -dict=tests/fuzz/commandline.dict \
    -print_final_stats=1 build-fuzz/corpus/commandline 2>&1 | tail -n 12
