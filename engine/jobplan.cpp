#include "engine/jobplan.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

namespace engine {

namespace {

std::uint64_t splitmix64(std::uint64_t &x)
{
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

constexpr double kNsPerMs = 1e6;

} // namespace

Random::Random(std::uint64_t seed)
{
    for (auto &word : m_state)
        word = splitmix64(seed);
}

std::uint64_t Random::next()
{
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

double Random::uniform01()
{
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

JobPlan::JobPlan(const PoolConfig &config, std::uint64_t seed)
    : m_config(config)
    , m_arrivals(seed ^ 0x61727269766c73ULL)
    , m_durations(seed ^ 0x6475726174696fULL)
    , m_failures(seed ^ 0x6661696c757265ULL)
{ }

PlannedJob JobPlan::next()
{
    PlannedJob job;
    job.id = m_nextId;
    job.unitGap = nextUnitGap();
    job.processingNs = nextProcessingNs();
    job.fails = m_failures.uniform01() * 100.0 < m_config.failRatePercent;
    ++m_nextId;
    return job;
}

double JobPlan::nextUnitGap()
{
    const std::int64_t index = m_nextId - 1; // 0-based
    if (index == 0)
        return 0.0; // the first job is sent at once, as in the reference
    switch (m_config.arrival) {
    case ArrivalPattern::Fixed:
        return 1.0;
    case ArrivalPattern::Poisson:
        return -std::log1p(-m_arrivals.uniform01()); // exponential gaps, mean 1
    case ArrivalPattern::Burst:
        // Bursts of burstSize jobs sent back to back; bursts spaced so the mean rate stays one
        // job per interval.
        return index % m_config.burstSize == 0 ? static_cast<double>(m_config.burstSize) : 0.0;
    }
    return 1.0;
}

std::int64_t JobPlan::nextProcessingNs()
{
    const double u = m_durations.uniform01();
    double ms = 0.0;
    switch (m_config.distribution) {
    case Distribution::Uniform: {
        const double lo = m_config.minMs;
        const double hi = m_config.maxMs;
        if (lo == std::floor(lo) && hi == std::floor(hi)) {
            // Whole milliseconds, like the reference's rand.Intn(max-min)+min.
            ms = lo + std::floor(u * (hi - lo));
        } else {
            ms = lo + u * (hi - lo);
        }
        break;
    }
    case Distribution::Fixed:
        ms = m_config.meanMs;
        break;
    case Distribution::Exponential:
        ms = -std::log1p(-u) * m_config.meanMs;
        break;
    case Distribution::LogNormal: {
        // sigma 1: a heavy right tail; mu chosen so the mean is meanMs.
        constexpr double sigma = 1.0;
        if (m_config.meanMs <= 0.0) {
            ms = 0.0;
            break;
        }
        const double mu = std::log(m_config.meanMs) - sigma * sigma / 2.0;
        ms = std::exp(mu + sigma * standardNormal());
        break;
    }
    }
    ms = std::clamp(ms, 0.0, PoolConfig::kMaxJobMs);
    return std::llround(ms * kNsPerMs);
}

double JobPlan::standardNormal()
{
    // Box–Muller; both uniforms from the duration stream keep the stream self-contained.
    const double u1 = 1.0 - m_durations.uniform01(); // (0, 1]
    const double u2 = m_durations.uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t freshSeed()
{
    std::random_device device;
    std::uint64_t seed = (static_cast<std::uint64_t>(device()) << 32) ^ device()
        ^ static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    seed &= 0x7fffffffffffffffULL; // printable as a signed 64-bit number, too
    return seed == 0 ? 1 : seed;
}

} // namespace engine
