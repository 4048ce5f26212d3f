#pragma once

#include "engine/poolconfig.h"

#include <array>
#include <cstdint>

namespace engine {

// One job as the plan sees it, before any thread touches it.
struct PlannedJob
{
    std::int64_t id = 0;
    double unitGap = 0.0; // gap after the previous arrival, in producer intervals
    std::int64_t processingNs = 0; // plan time; the speed factor divides it
    bool fails = false;
};

// Small, fast, seedable generator (xoshiro256**), seeded through splitmix64. Same seed, same
// sequence on every platform: the distributions below are written out, not std::*_distribution.
class Random
{
public:
    explicit Random(std::uint64_t seed);
    std::uint64_t next();
    double uniform01(); // [0, 1)

private:
    std::array<std::uint64_t, 4> m_state {};
};

// Seeded generator of arrivals, processing times and failures. Each comes from its own stream, so
// changing the interval or the failure rate leaves the processing times alone.
class JobPlan
{
public:
    JobPlan(const PoolConfig &config, std::uint64_t seed);

    PlannedJob next();
    std::int64_t generated() const { return m_nextId - 1; }

private:
    double nextUnitGap();
    std::int64_t nextProcessingNs();
    double standardNormal();

    PoolConfig m_config;
    Random m_arrivals;
    Random m_durations;
    Random m_failures;
    std::int64_t m_nextId = 1;
};

// A seed for runs that asked for none (seed 0): never returns 0.
std::uint64_t freshSeed();

} // namespace engine
