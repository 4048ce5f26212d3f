#!/usr/bin/env bash
# Jobs per second through Redis: poolscope --engine with 1, 2 and 4 poolscope-worker processes (one
# worker thread each), beside the local engine with as many worker threads, on a redis-server of
# the script's own (a free loopback port, no persistence). No-op jobs sent at once, so what is
# measured is the round trips: a job is an XADD, an XREADGROUP, two XADDs and an XACK.
#   tests/bench/redis-engine.sh                  20,000 jobs, 3 rounds
#   JOBS=50000 ROUNDS=5 BUILD=build tests/bench/redis-engine.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${JOBS:-20000}
rounds=${ROUNDS:-3}
build=${BUILD:-build}
command -v redis-server > /dev/null || { echo "redis-engine: redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "redis-engine: python3 is needed to read the runs' JSON" >&2; exit 1; }
for b in poolscope poolscope-worker; do
    [[ -x $build/app/$b ]] || { echo "redis-engine: $build/app/$b is not built" >&2; exit 1; }
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
redis=$!
workers=()
cleanup() {
    ((${#workers[@]})) && kill "${workers[@]}" 2> /dev/null
    kill "$redis" 2> /dev/null
    wait 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.1; done

rate() { # jobs/s from a run's summary, its accounting checked
    python3 -c '
import json, sys
run = json.load(sys.stdin)
assert run["completed"] == run["submitted"] == int(sys.argv[1]), "a job without its result"
print(round(run["throughput_per_s"]))' "$jobs"
}
flags=(--headless --quiet --summary-json --jobs "$jobs" --interval-ms 0 --distribution fixed --mean-ms 0)
printf '%-8s %-8s %14s %14s\n' round workers "redis jobs/s" "local jobs/s"
for ((r = 1; r <= rounds; ++r)); do
    for n in 1 2 4; do
        workers=()
        for ((i = 1; i <= n; ++i)); do
            "$build/app/poolscope-worker" --redis "redis://127.0.0.1:$port/bench" --name "w$i" 2> /dev/null &
            workers+=($!)
        done
        sleep 0.3
        remote=$("$build/app/poolscope" "${flags[@]}" --engine "redis://127.0.0.1:$port/bench" | rate)
        kill "${workers[@]}"
        wait "${workers[@]}" 2> /dev/null || true
        workers=()
        local_rate=$("$build/app/poolscope" "${flags[@]}" --workers "$n" | rate)
        printf '%-8s %-8s %14s %14s\n' "$r" "$n" "$remote" "$local_rate"
    done
done
