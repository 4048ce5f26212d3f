#pragma once

#include "engine/exactsum.h"

#include <cstdint>
#include <deque>

namespace engine {

// Little's law, L = λ·W, measured: L is the mean number of jobs in the system (submitted, result
// not yet collected) from its time integral; λ the rate of results; W the mean latency of the jobs
// whose results came in.
struct LittlesLaw
{
    std::int64_t fromNs = 0; // the stretch of run time measured
    std::int64_t toNs = 0;
    double meanInSystem = 0.0; // L, jobs
    double resultRate = 0.0; // λ, results per second
    double meanLatencyS = 0.0; // W, of the results in the stretch
    double predicted() const { return resultRate * meanLatencyS; }
};

// Measures Little's law over the whole run and over a trailing window of it. Over a whole run that
// starts and ends empty the two sides are the same integral; over a window they differ by the jobs
// that straddle its edges, so a lasting gap says the pool is not in a steady state (L above λW:
// jobs pile up; below: it drains what came before the window).
//
// Exact whatever order the events come in: arrivals and departures are kept as counts and sums of
// their times per bucket of run time, and the buckets that fall out of the window fold into one sum
// of everything before it, so memory stays at a window's worth of buckets however long the run.
class LittlesLawMeter
{
public:
    static constexpr std::int64_t kWindowNs = 10'000'000'000; // 10 s
    static constexpr std::int64_t kBucketNs
        = 100'000'000; // the window's start moves in 100 ms steps

    void arrived(std::int64_t submittedNs);
    void departed(std::int64_t submittedNs, std::int64_t collectedNs);
    // Moves the window to end at `nowNs` (it never moves back).
    void advanceTo(std::int64_t nowNs);

    LittlesLaw overRun(std::int64_t nowNs) const;
    // Over [windowStart(), nowNs]: the whole run while it is younger than the window.
    LittlesLaw overWindow(std::int64_t nowNs) const;
    std::int64_t windowStart() const { return m_firstBucket * kBucketNs; }

private:
    struct Sums
    {
        std::int64_t arrivals = 0;
        ExactSum arrivalTimes;
        std::int64_t departures = 0;
        ExactSum departureTimes;
        ExactSum latencies;
        void add(const Sums &other);
    };
    Sums &bucketFor(std::int64_t t);
    static LittlesLaw law(const Sums &before, const Sums &in, std::int64_t fromNs,
                          std::int64_t toNs);

    Sums m_total;
    Sums m_beforeWindow; // of everything before windowStart()
    std::deque<Sums> m_buckets; // from windowStart() on, one per kBucketNs
    std::int64_t m_firstBucket = 0;
};

} // namespace engine
