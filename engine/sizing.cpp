#include "engine/sizing.h"

#include "engine/durationformat.h"
#include "engine/echo.h"

#include <array>
#include <cmath>

namespace engine {

namespace {

struct MetricRow
{
    SizingTarget::Metric metric;
    const char *key;
    const char *name;
    bool milliseconds;
    double max; // the largest limit allowed
};

constexpr std::array<MetricRow, 6> kMetrics = {{
    {SizingTarget::Metric::WaitP95Ms, "p95_wait_ms", "p95 wait", true, 3.6e6},
    {SizingTarget::Metric::WaitP99Ms, "p99_wait_ms", "p99 wait", true, 3.6e6},
    {SizingTarget::Metric::WaitMeanMs, "wait_ms", "mean wait", true, 3.6e6},
    {SizingTarget::Metric::LatencyMeanMs, "latency_ms", "mean latency", true, 3.6e6},
    {SizingTarget::Metric::PWait, "p_wait", "P(wait)", false, 1.0},
    {SizingTarget::Metric::Utilization, "utilization", "utilization", false, 1.0},
}};

const MetricRow &rowOf(SizingTarget::Metric metric)
{
    return kMetrics.at(static_cast<std::size_t>(metric));
}

} // namespace

QString SizingTarget::metricsText()
{
    QStringList keys;
    for (const MetricRow &row : kMetrics)
        keys << QLatin1String(row.key);
    return keys.join(QLatin1String(", "));
}

std::optional<SizingTarget> SizingTarget::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = QStringLiteral("--size-for ") + message;
        return std::nullopt;
    };
    const qsizetype at = text.indexOf(QLatin1String("<="));
    if (at <= 0)
        return fail(QStringLiteral("'%1' is not FIGURE<=LIMIT; for example p95_wait_ms<=50 "
                                   "(FIGURE one of %2)")
                        .arg(echoed(text), metricsText()));
    const QString key = text.left(at).trimmed();
    const QString value = text.mid(at + 2).trimmed();
    for (const MetricRow &row : kMetrics) {
        if (key != QLatin1String(row.key))
            continue;
        bool ok = false;
        const double limit = value.toDouble(&ok);
        if (!ok || !std::isfinite(limit) || limit <= 0 || limit > row.max)
            return fail(QStringLiteral("%1 limit '%2' is not allowed; allowed: a number above 0, "
                                       "at most %3")
                            .arg(key, echoed(value))
                            .arg(row.max, 0, 'g', 10));
        return SizingTarget {row.metric, limit};
    }
    return fail(
        QStringLiteral("cannot size for '%1'; allowed: %2").arg(echoed(key), metricsText()));
}

QString SizingTarget::text() const
{
    return QLatin1String(rowOf(metric).key) + QStringLiteral("<=")
        + QString::number(limit, 'g', 10);
}

QString SizingTarget::name() const
{
    return QLatin1String(rowOf(metric).name);
}

double SizingTarget::predicted(const QueuePrediction &p) const
{
    constexpr double inf = QueueInputs::kInfinite;
    switch (metric) {
    case Metric::WaitP95Ms:
        return waitQuantileS(p, 0.95) * 1000.0;
    case Metric::WaitP99Ms:
        return waitQuantileS(p, 0.99) * 1000.0;
    case Metric::WaitMeanMs:
        return p.waitMeanS * 1000.0;
    case Metric::LatencyMeanMs:
        return p.latencyMeanS * 1000.0;
    case Metric::PWait:
        return p.pWait;
    case Metric::Utilization:
        return std::isfinite(p.utilization) ? p.utilization : inf;
    }
    return inf;
}

double SizingTarget::measured(const RunStats &s) const
{
    switch (metric) {
    case Metric::WaitP95Ms:
        return static_cast<double>(s.wait().quantile(0.95)) / 1e6;
    case Metric::WaitP99Ms:
        return static_cast<double>(s.wait().quantile(0.99)) / 1e6;
    case Metric::WaitMeanMs:
        return s.wait().mean() / 1e6;
    case Metric::LatencyMeanMs:
        return s.latency().mean() / 1e6;
    case Metric::PWait:
        return s.wait().fractionAbove(std::llround(0.02 * s.processing().mean()));
    case Metric::Utilization:
        return s.meanUtilization();
    }
    return 0.0;
}

QString SizingTarget::format(double value) const
{
    if (!std::isfinite(value))
        return QStringLiteral("∞");
    if (rowOf(metric).milliseconds)
        return displayDuration(std::llround(value * 1e6));
    return QString::number(value, 'f', 3);
}

SweepSpec SizingAnswer::verifyingRuns() const
{
    SweepSpec spec;
    spec.knob = KnobId::Workers;
    if (workers > 1)
        spec.values.push_back(workers - 1);
    spec.values.push_back(workers);
    return spec;
}

SizingAnswer sizePool(const PoolConfig &config, const SizingTarget &target)
{
    SizingAnswer answer;
    PoolConfig c = config;
    QueuePrediction previous;
    for (int workers = PoolConfig::kMinWorkers; workers <= PoolConfig::kMaxWorkers; ++workers) {
        c.workers = workers;
        const QueuePrediction p = predict(plannedInputs(c));
        if (target.met(target.predicted(p))) {
            answer.found = true;
            answer.workers = workers;
            answer.prediction = p;
            answer.below = previous;
            return answer;
        }
        previous = p;
    }
    const QueueInputs most = plannedInputs(c);
    if (config.workload == Workload::Cpu && most.servers < PoolConfig::kMaxWorkers)
        answer.why = QStringLiteral("no number of workers meets %1: cpu work is served by the %2 "
                                    "cores, and with all of them the %3 is %4")
                         .arg(target.text())
                         .arg(most.servers)
                         .arg(target.name(), target.format(target.predicted(previous)));
    else
        answer.why
            = QStringLiteral("no pool of up to %1 workers meets %2: with %1 the %3 is %4")
                  .arg(PoolConfig::kMaxWorkers)
                  .arg(target.text(), target.name(), target.format(target.predicted(previous)));
    return answer;
}

} // namespace engine
