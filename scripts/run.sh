#!/usr/bin/env bash
# Installs what is missing, builds Poolscope and starts it; arguments go to the app
# (scripts/run.sh --headless runs the reference without a window).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install_deps
poolscope_build default >&2
exec ./build/app/poolscope "$@"
