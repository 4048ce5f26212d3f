#include "engine/workload.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

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

// Rounds a millisecond in the fastest of a few trials of about two milliseconds each.
double calibrate()
{
    using Clock = std::chrono::steady_clock;
    constexpr auto kTrial = std::chrono::microseconds(2000);
    constexpr int kTrials = 6;
    std::uint64_t state = 0x2545f4914f6cdd1dULL;
    std::int64_t rounds = 16;
    for (;;) { // grow a trial until it lasts kTrial
        const auto start = Clock::now();
        for (std::int64_t i = 0; i < rounds; ++i)
            state = burnCpu(state);
        if (Clock::now() - start >= kTrial || rounds >= (std::int64_t {1} << 40))
            break;
        rounds *= 2;
    }
    double best = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        const auto start = Clock::now();
        for (std::int64_t i = 0; i < rounds; ++i)
            state = burnCpu(state);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
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
