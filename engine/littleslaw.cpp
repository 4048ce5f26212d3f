#include "engine/littleslaw.h"

#include <algorithm>

namespace engine {

void LittlesLawMeter::Sums::add(const Sums &other)
{
    arrivals += other.arrivals;
    arrivalTimes.add(other.arrivalTimes);
    departures += other.departures;
    departureTimes.add(other.departureTimes);
    latencies.add(other.latencies);
}

LittlesLawMeter::Sums &LittlesLawMeter::bucketFor(std::int64_t t)
{
    const std::int64_t index = std::max<std::int64_t>(t, 0) / kBucketNs;
    if (index < m_firstBucket)
        return m_beforeWindow;
    const auto at = static_cast<std::size_t>(index - m_firstBucket);
    if (at >= m_buckets.size())
        m_buckets.resize(at + 1);
    return m_buckets[at];
}

void LittlesLawMeter::arrived(std::int64_t submittedNs)
{
    for (Sums *sums : {&m_total, &bucketFor(submittedNs)}) {
        ++sums->arrivals;
        sums->arrivalTimes.add(submittedNs);
    }
}

void LittlesLawMeter::departed(std::int64_t submittedNs, std::int64_t collectedNs)
{
    // Keyed by the departure: the window's λ and W are of the results that came in during it.
    for (Sums *sums : {&m_total, &bucketFor(collectedNs)}) {
        ++sums->departures;
        sums->departureTimes.add(collectedNs);
        sums->latencies.add(collectedNs - submittedNs);
    }
}

void LittlesLawMeter::advanceTo(std::int64_t nowNs)
{
    const std::int64_t first = std::max<std::int64_t>(0, nowNs - kWindowNs) / kBucketNs;
    while (m_firstBucket < first) {
        if (!m_buckets.empty()) {
            m_beforeWindow.add(m_buckets.front());
            m_buckets.pop_front();
        }
        ++m_firstBucket;
    }
}

LittlesLaw LittlesLawMeter::law(const Sums &before, const Sums &in, std::int64_t fromNs,
                                std::int64_t toNs)
{
    LittlesLaw law;
    law.fromNs = fromNs;
    law.toNs = toNs;
    if (toNs <= fromNs)
        return law;
    const auto span = static_cast<long double>(toNs - fromNs);
    // ∫ jobs in the system = ∫ (arrived so far − departed so far): what was in before the window
    // stays all of it; what came (or left) at t during it counts from t to its end.
    const long double arrivedArea = before.arrivals * span
        + in.arrivals * static_cast<long double>(toNs) - in.arrivalTimes.value();
    const long double departedArea = before.departures * span
        + in.departures * static_cast<long double>(toNs) - in.departureTimes.value();
    law.meanInSystem = static_cast<double>((arrivedArea - departedArea) / span);
    law.resultRate = static_cast<double>(in.departures * 1e9L / span);
    law.meanLatencyS = in.departures > 0
        ? static_cast<double>(in.latencies.value() / in.departures / 1e9L)
        : 0.0;
    return law;
}

LittlesLaw LittlesLawMeter::overRun(std::int64_t nowNs) const
{
    return law(Sums {}, m_total, 0, nowNs);
}

LittlesLaw LittlesLawMeter::overWindow(std::int64_t nowNs) const
{
    Sums in;
    for (const Sums &bucket : m_buckets)
        in.add(bucket);
    return law(m_beforeWindow, in, windowStart(), nowNs);
}

} // namespace engine
