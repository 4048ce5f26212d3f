#include "engine/runcomparison.h"

#include "engine/durationformat.h"
#include "engine/knob.h"

#include <cmath>

namespace engine {

namespace {

using Unit = ComparedFigure::Unit;

// The half-width of the difference of two independent means' intervals; −1 unless both have one.
double noiseOf(const BatchMeans::Interval &a, const BatchMeans::Interval &b)
{
    if (!a.valid || !b.valid)
        return -1;
    return std::hypot(a.halfWidth, b.halfWidth);
}

void addDistribution(std::vector<ComparedFigure> &figures, const QString &name, const Histogram &a,
                     const Histogram &b, double meanNoise)
{
    figures.push_back(
        {name + QStringLiteral(" mean"), Unit::Nanoseconds, a.mean(), b.mean(), meanNoise});
    for (const auto &[label, q] : {std::pair {" p50", 0.50}, {" p95", 0.95}, {" p99", 0.99}})
        figures.push_back({name + QLatin1String(label), Unit::Nanoseconds,
                           static_cast<double>(a.quantile(q)), static_cast<double>(b.quantile(q))});
}

} // namespace

RunComparison compareRuns(const PoolConfig &configA, std::uint64_t seedA, const RunStats &a,
                          const PoolConfig &configB, std::uint64_t seedB, const RunStats &b)
{
    RunComparison c;
    for (const Knob &k : knobs()) {
        if (k.id == KnobId::Seed)
            continue;
        if (k.differs(configA, configB))
            c.configDifferences << QStringLiteral("%1 %2 → %3")
                                       .arg(QLatin1String(k.flag), k.text(configA),
                                            k.text(configB));
    }
    if (seedA != seedB)
        c.configDifferences << QStringLiteral("seed %1 → %2").arg(seedA).arg(seedB);

    auto &f = c.figures;
    const auto count = [](std::int64_t v) {
        return static_cast<double>(v);
    };
    f.push_back(
        {QStringLiteral("jobs sent"), Unit::Count, count(a.submitted()), count(b.submitted())});
    f.push_back({QStringLiteral("completed"), Unit::Count, count(a.count(JobStatus::Completed)),
                 count(b.count(JobStatus::Completed))});
    f.push_back({QStringLiteral("failed"), Unit::Count, count(a.count(JobStatus::Failed)),
                 count(b.count(JobStatus::Failed))});
    f.push_back({QStringLiteral("cancelled"), Unit::Count, count(a.count(JobStatus::Cancelled)),
                 count(b.count(JobStatus::Cancelled))});
    f.push_back(
        {QStringLiteral("wall time"), Unit::Nanoseconds, count(a.wallNs()), count(b.wallNs())});
    f.push_back(
        {QStringLiteral("throughput"), Unit::PerSecond, a.throughputPerS(), b.throughputPerS()});
    f.push_back(
        {QStringLiteral("utilization"), Unit::Share, a.meanUtilization(), b.meanUtilization()});
    addDistribution(f, QStringLiteral("wait"), a.wait(), b.wait(),
                    noiseOf(a.steadyWait(), b.steadyWait()));
    addDistribution(f, QStringLiteral("processing"), a.processing(), b.processing(),
                    noiseOf(a.steadyProcessing(), b.steadyProcessing()));
    addDistribution(f, QStringLiteral("latency"), a.latency(), b.latency(),
                    noiseOf(a.steadyLatency(), b.steadyLatency()));
    f.push_back(
        {QStringLiteral("queue depth mean"), Unit::Count, a.meanQueueDepth(), b.meanQueueDepth()});
    f.push_back({QStringLiteral("queue depth max"), Unit::Count, count(a.maxQueueDepth()),
                 count(b.maxQueueDepth())});
    return c;
}

QString figureText(Unit unit, double value)
{
    switch (unit) {
    case Unit::Count:
        return value == std::floor(value) ? QString::number(value, 'f', 0)
                                          : QString::number(value, 'f', 2);
    case Unit::PerSecond:
        return QString::number(value, 'f', 2) + QStringLiteral("/s");
    case Unit::Nanoseconds:
        return displayDuration(std::llround(value));
    case Unit::Share:
        return QString::number(100.0 * value, 'f', 1) + QStringLiteral(" %");
    }
    return {};
}

QString differenceText(Unit unit, double difference)
{
    // A difference too small to show at the figure's precision is none.
    if (difference == 0 || figureText(unit, std::abs(difference)) == figureText(unit, 0.0))
        return QStringLiteral("0");
    const QString sign = difference > 0 ? QStringLiteral("+") : QStringLiteral("−");
    if (unit == Unit::Share) // of two shares: percentage points
        return sign + QString::number(100.0 * std::abs(difference), 'f', 1) + QStringLiteral(" pp");
    return sign + figureText(unit, std::abs(difference));
}

} // namespace engine
