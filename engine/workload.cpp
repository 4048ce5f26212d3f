#include "engine/workload.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>

namespace engine {

namespace {

// One round: a few microseconds of integer mixing the optimizer cannot drop.
std::uint64_t burnCpu(std::uint64_t state)
{
    for (int i = 0; i < 512; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    return state;
}

std::atomic<std::uint64_t> s_sink {0};

// Nanoseconds of CPU time this thread has used: what its computation cost, whatever else shared
// the cores meanwhile (on a busy machine wall time would count the waits for a core too, and
// jobs calibrated by it would come out short for the rest of the process).
std::int64_t threadCpuNs()
{
#ifdef __linux__
    timespec now {};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) == 0)
        return std::int64_t {now.tv_sec} * 1'000'000'000 + now.tv_nsec;
#endif
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Rounds a millisecond of CPU time, in the fastest of a few trials of about two milliseconds.
double calibrate()
{
    constexpr std::int64_t kTrialNs = 2'000'000;
    constexpr int kTrials = 6;
    std::uint64_t state = 0x2545f4914f6cdd1dULL;
    std::int64_t rounds = 16;
    for (;;) { // grow a trial until it costs kTrialNs
        const std::int64_t start = threadCpuNs();
        for (std::int64_t i = 0; i < rounds; ++i)
            state = burnCpu(state);
        if (threadCpuNs() - start >= kTrialNs || rounds >= (std::int64_t {1} << 40))
            break;
        rounds *= 2;
    }
    double best = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        const std::int64_t start = threadCpuNs();
        for (std::int64_t i = 0; i < rounds; ++i)
            state = burnCpu(state);
        const double ms = static_cast<double>(threadCpuNs() - start) / 1e6;
        if (ms > 0)
            best = std::max(best, static_cast<double>(rounds) / ms);
    }
    s_sink.store(state, std::memory_order_relaxed);
    return std::max(best, 1.0);
}

} // namespace

double cpuRoundsPerMs()
{
    static const double rate = calibrate();
    return rate;
}

std::int64_t cpuRoundsFor(std::int64_t wallNs)
{
    if (wallNs <= 0)
        return 0;
    return std::max<std::int64_t>(
        1, std::llround(static_cast<double>(wallNs) / 1e6 * cpuRoundsPerMs()));
}

std::int64_t computeRounds(std::int64_t rounds, std::int64_t jobId, const CancelToken &cancel)
{
    std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ static_cast<std::uint64_t>(jobId);
    std::int64_t done = 0;
    for (; done < rounds; ++done) {
        if (cancel.isCancelled())
            break;
        state = burnCpu(state);
    }
    // Publish the result so the loop has an observable effect.
    s_sink.store(state, std::memory_order_relaxed);
    return done;
}

bool runWorkload(Workload workload, std::int64_t wallNs, bool fails, std::int64_t jobId,
                 CancelToken &cancel)
{
    if (wallNs > 0) {
        if (workload == Workload::Wait) {
            const auto deadline = CancelToken::Clock::now() + std::chrono::nanoseconds(wallNs);
            if (!cancel.waitUntil(deadline))
                return false;
        } else {
            const std::int64_t rounds = cpuRoundsFor(wallNs);
            if (computeRounds(rounds, jobId, cancel) < rounds)
                return false;
        }
    } else if (cancel.isCancelled()) {
        return false;
    }
    if (fails)
        throw JobFailure("simulated fault");
    return true;
}

} // namespace engine
