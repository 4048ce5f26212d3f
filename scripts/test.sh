#!/usr/bin/env bash
# Installs what is missing, builds Poolscope and runs every test through ctest.
#   scripts/test.sh            the normal build
#   scripts/test.sh asan tsan  other presets (AddressSanitizer+UBSan, ThreadSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install_deps
presets=("$@")
((${#presets[@]})) || presets=(default)
for preset in "${presets[@]}"; do
    echo "== $preset: build" >&2
    poolscope_build "$preset"
    echo "== $preset: test" >&2
    ctest --preset "$preset" -j 2
done
