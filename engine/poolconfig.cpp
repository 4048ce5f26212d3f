#include "poolconfig.h"

#include <algorithm>
#include <cmath>

namespace engine {

namespace {

template<typename Enum, std::size_t N>
bool lookup(const QString &text, const char *const (&names)[N], Enum *out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (text == QLatin1String(names[i])) {
            *out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}

constexpr const char *kArrivalNames[] = {"fixed", "poisson", "burst"};
constexpr const char *kDistributionNames[] = {"uniform", "fixed", "exponential", "lognormal"};
constexpr const char *kWorkloadNames[] = {"wait", "cpu"};

QString number(double value)
{
    return QString::number(value, 'g', 12);
}

// Appends "FIELD must be between LO and HI (got V)" when value is outside [lo, hi] or not finite.
void checkRange(QStringList &problems, const char *field, double value, double lo, double hi,
                const QString &unit = {})
{
    if (std::isfinite(value) && value >= lo && value <= hi)
        return;
    problems << QStringLiteral("%1 must be between %2 and %3%4 (got %5)")
                    .arg(QLatin1String(field), number(lo), number(hi), unit, number(value));
}

} // namespace

QString nameOf(ArrivalPattern pattern)
{
    return QLatin1String(kArrivalNames[static_cast<int>(pattern)]);
}

QString nameOf(Distribution distribution)
{
    return QLatin1String(kDistributionNames[static_cast<int>(distribution)]);
}

QString nameOf(Workload workload)
{
    return QLatin1String(kWorkloadNames[static_cast<int>(workload)]);
}

bool fromString(const QString &text, ArrivalPattern *out)
{
    return lookup(text, kArrivalNames, out);
}

bool fromString(const QString &text, Distribution *out)
{
    return lookup(text, kDistributionNames, out);
}

bool fromString(const QString &text, Workload *out)
{
    return lookup(text, kWorkloadNames, out);
}

QStringList PoolConfig::validate() const
{
    QStringList problems;
    checkRange(problems, "workers", workers, kMinWorkers, kMaxWorkers);
    if (!continuous)
        checkRange(problems, "jobs", static_cast<double>(jobs), kMinJobs, kMaxJobs);
    if (durationS != 0.0 || !std::isfinite(durationS)) {
        if (!continuous)
            problems << QStringLiteral("duration-s must stay 0 unless the run is continuous");
        else
            checkRange(problems, "duration-s", durationS, 0.001, kMaxDurationS,
                       QStringLiteral(" s"));
    }
    if (queueCapacity != kAutoCapacity)
        checkRange(problems, "queue-capacity", queueCapacity, 0, kMaxCapacity);
    if (resultsCapacity != kAutoCapacity)
        checkRange(problems, "results-capacity", resultsCapacity, 0, kMaxCapacity);
    checkRange(problems, "interval-ms", intervalMs, 0, kMaxIntervalMs, QStringLiteral(" ms"));
    checkRange(problems, "burst-size", burstSize, 1, kMaxBurstSize);
    checkRange(problems, "min-ms", minMs, 0, kMaxJobMs, QStringLiteral(" ms"));
    checkRange(problems, "max-ms", maxMs, 0, kMaxJobMs, QStringLiteral(" ms"));
    checkRange(problems, "mean-ms", meanMs, 0, kMaxJobMs, QStringLiteral(" ms"));
    if (std::isfinite(minMs) && std::isfinite(maxMs) && minMs > maxMs)
        problems << QStringLiteral("min-ms must not exceed max-ms (got min-ms %1 > max-ms %2)")
                        .arg(number(minMs), number(maxMs));
    checkRange(problems, "fail-rate", failRatePercent, 0, 100, QStringLiteral(" %"));
    checkRange(problems, "speed", speed, kMinSpeed, kMaxSpeed);
    if (static_cast<int>(arrival) > static_cast<int>(ArrivalPattern::Burst))
        problems << QStringLiteral("arrival must be one of fixed, poisson, burst");
    if (static_cast<int>(distribution) > static_cast<int>(Distribution::LogNormal))
        problems << QStringLiteral(
            "distribution must be one of uniform, fixed, exponential, lognormal");
    if (static_cast<int>(workload) > static_cast<int>(Workload::Cpu))
        problems << QStringLiteral("workload must be one of wait, cpu");
    return problems;
}

int PoolConfig::resolveCapacity(int requested) const
{
    if (requested != kAutoCapacity)
        return requested;
    if (continuous)
        return kMaxCapacity;
    return static_cast<int>(std::clamp<std::int64_t>(jobs, 1, kMaxCapacity));
}

} // namespace engine
