#!/usr/bin/env bash
# Installs what is missing, builds Poolscope and runs every test through ctest, three times: a
# normal build (then clang-format and clang-tidy, scripts/tidy.sh), an AddressSanitizer+UBSan build
# and a ThreadSanitizer build; the whole suite then fuzzes the parsers. The tests also need the
# emitters' toolchains (golang-go, python3): installed here.
#   scripts/test.sh            all three
#   scripts/test.sh default    only the presets named (default, asan, tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install_deps "${poolscope_test_packages[@]}"
presets=("$@")
fuzz=0
if ((${#presets[@]} == 0)); then
    presets=(default asan tsan)
    fuzz=1 # the whole suite also fuzzes the parsers for a bounded time
fi
for preset in "${presets[@]}"; do
    echo "== $preset: build" >&2
    poolscope_build "$preset"
    echo "== $preset: test" >&2
    ctest --preset "$preset" -j 2
    if [[ $preset == default ]]; then
        echo "== static checks: clang-format and clang-tidy" >&2
        scripts/tidy.sh
    fi
done
if ((fuzz)); then
    echo "== fuzz: the command-line parser, the run-file reader and the feed decoder, 30 s each" >&2
    poolscope_install_fuzz_deps
    scripts/fuzz.sh 30
fi
