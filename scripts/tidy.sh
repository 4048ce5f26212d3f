#!/usr/bin/env bash
# Static checks on Poolscope's own sources (engine/, ui/, app/), each failing on any finding:
#   clang-format in check mode against .clang-format, on every tracked .cpp and .h;
#   clang-tidy 16 with .clang-tidy, on the compile commands of the build in build/.
#   scripts/tidy.sh            both (the build in build/ must exist: scripts/test.sh makes it)
#   scripts/tidy.sh format     only clang-format
# clang-tidy 16, not Debian 12's default 14: 14 cannot parse libstdc++ 12's <ranges>.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install_deps clang-format clang-tidy-16

echo "tidy: clang-format --dry-run --Werror on every tracked source" >&2
git ls-files -z -- '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror
[[ ${1:-} == format ]] && exit 0

[[ -f build/compile_commands.json ]] || {
    echo "tidy: build/compile_commands.json is missing; build first (scripts/test.sh default)" >&2
    exit 1
}
echo "tidy: clang-tidy-16 on engine/, ui/, app/" >&2
log=build/clang-tidy.log
status=0
run-clang-tidy-16 -clang-tidy-binary clang-tidy-16 -p build -quiet -j "$(nproc)" \
    "$PWD/(engine|ui|app)/" > "$log" 2>&1 || status=$?
# run-clang-tidy exits non-zero on any finding (WarningsAsErrors is '*'); show what it found.
if ((status != 0)) || grep -qE '(warning|error): ' "$log"; then
    grep -E -A3 '(warning|error): ' "$log" >&2 || tail -n 40 "$log" >&2
    echo "tidy: clang-tidy found problems (full log: $log)" >&2
    exit 1
fi
echo "tidy: clean" >&2
