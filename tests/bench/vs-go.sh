#!/usr/bin/env bash
# Poolscope's headless run against the reference program in Go (tests/bench/goref), side by side:
# the same no-op jobs on 2 workers with queues of 100,000, the two programs alternating, ROUNDS
# rounds. Prints each run (jobs/s from the first send to the last result, the whole process's wall
# time, its peak resident memory, and for Poolscope the time the process spends around its run:
# start-up before the first job and everything after the last result) and the ratio of the
# medians of jobs/s.
#   tests/bench/vs-go.sh                     1,000,000 jobs, 3 rounds, build/app/poolscope
#   JOBS=100000 ROUNDS=5 POOLSCOPE=path tests/bench/vs-go.sh
# Exits non-zero when go or the poolscope binary is missing, or a run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${JOBS:-1000000}
rounds=${ROUNDS:-3}
poolscope=${POOLSCOPE:-build/app/poolscope}
command -v go > /dev/null || {
    echo "vs-go: go is not installed (apt-get install golang-go): nothing measured" >&2
    exit 1
}
command -v python3 > /dev/null || { echo "vs-go: python3 is needed to read the runs' JSON" >&2; exit 1; }
[[ -x $poolscope ]] || { echo "vs-go: $poolscope is not built (cmake --build build)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "vs-go: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd tests/bench/goref && go build -o "$work/goref" .)

# One run under /usr/bin/time (for its peak memory), timed to the nanosecond around it: prints
# "jobs/s process-seconds peak-MB around-run-%".
measure() {
    local kind=$1 start end
    shift
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "$@" > "$work/out"
    end=$(date +%s%N)
    python3 - "$kind" "$work/out" "$work/time" "$jobs" "$((end - start))" << 'PY'
import json, sys
kind, out, timing, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seconds = int(sys.argv[5]) / 1e9
run = json.load(open(out))
if kind == "go":
    rate = run["jobs_per_s"]
    assert run["results"] == jobs, "the Go program lost results"
    around = "-"
else:
    done = run["completed"] + run["failed"] + run["cancelled"]
    assert run["submitted"] == jobs and done == jobs, "Poolscope's accounting does not close"
    rate = jobs / (run["wall_ms"] / 1e3)
    around = f"{(seconds - run['wall_ms'] / 1e3) / (run['wall_ms'] / 1e3) * 100:.0f}"
kb = open(timing).read().split()[-1]
print(f"{rate:.0f} {seconds:.3f} {int(kb) / 1024:.0f} {around}")
PY
}

row='%-6s %-10s %14s %12s %10s %16s\n'
printf "$row" round program "jobs/s" "process s" "peak MB" "around run %"
go_rates=() ps_rates=()
for ((r = 1; r <= rounds; ++r)); do
    read -r rate secs mb around < <(measure go "$work/goref" -jobs "$jobs" -workers 2 -queue 100000 -results 100000)
    printf "$row" "$r" go "$rate" "$secs" "$mb" "$around"
    go_rates+=("$rate")
    read -r rate secs mb around < <(measure poolscope "$poolscope" --headless --quiet --summary-json \
        --jobs "$jobs" --workers 2 --interval-ms 0 --distribution fixed --mean-ms 0 \
        --queue-capacity 100000 --results-capacity 100000)
    printf "$row" "$r" poolscope "$rate" "$secs" "$mb" "$around"
    ps_rates+=("$rate")
done
python3 - "${go_rates[*]}" "${ps_rates[*]}" << 'PY'
import statistics, sys
go = statistics.median(map(float, sys.argv[1].split()))
ps = statistics.median(map(float, sys.argv[2].split()))
print(f"median jobs/s: go {go:,.0f}, poolscope {ps:,.0f}; poolscope / go = {ps / go:.2f}")
PY
