#!/usr/bin/env bash
# Installs what Poolscope needs to build and run on Debian/Ubuntu, and only what is missing:
# a C++20 compiler, CMake, Ninja and Qt 6 (Core, Concurrent, Gui, Widgets, Test and the platform
# plugins), and hiredis (the C client of Redis) for the distributed engine. Uses sudo when not root.
# Sourced by run.sh and test.sh.
set -euo pipefail

poolscope_packages=(g++ cmake ninja-build qt6-base-dev qt6-qpa-plugins libgl-dev libhiredis-dev)
# What the tests add: the real toolchains of the emitters in clients/ (Go runs the reference
# program itself; Python runs its emitter's example), and /usr/bin/time for the benchmark script
# that runs Poolscope beside the Go reference program (tests/bench/vs-go.sh); redis-server, which the
# distributed engine's tests start on ports of their own (the package's own service is not used).
poolscope_test_packages=(golang-go python3 time redis-server)

poolscope_install_deps() {
    local missing=() pkg
    for pkg in "${poolscope_packages[@]}" "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]})) || return 0
    echo "poolscope: installing ${missing[*]}" >&2
    local sudo=()
    if [[ $(id -u) != 0 ]]; then
        command -v sudo >/dev/null || { echo "poolscope: need root or sudo to install ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the libFuzzer targets need: clang, and its runtimes where the distribution packs them apart
# (Debian 12's libclang-rt-dev holds libFuzzer and the sanitizers for clang).
poolscope_install_fuzz_deps() {
    poolscope_install_deps clang
    if apt-cache policy libclang-rt-dev 2>/dev/null | grep -qE 'Candidate: [0-9]'; then
        poolscope_install_deps libclang-rt-dev
    fi
}

# Configures (once) and builds one preset: default, asan or tsan.
poolscope_build() {
    local preset=$1 dir
    case $preset in
        default) dir=build ;;
        *) dir=build-$preset ;;
    esac
    if [[ ! -f $dir/build.ninja ]]; then
        cmake --preset "$preset" >/dev/null
    fi
    cmake --build --preset "$preset"
}
