#pragma once

#include "engine/poolconfig.h"
#include "engine/queueingtheory.h"
#include "engine/runstats.h"
#include "engine/sweepspec.h"

#include <QString>
#include <optional>

namespace engine {

// What a pool must achieve: a figure of its steady state at most a limit, as "p95_wait_ms<=50",
// "p_wait<=0.2" or "utilization<=0.8".
struct SizingTarget
{
    enum class Metric : std::uint8_t {
        WaitP95Ms,
        WaitP99Ms,
        WaitMeanMs,
        LatencyMeanMs,
        PWait,
        Utilization,
    };

    Metric metric = Metric::WaitP95Ms;
    double limit = 0;

    // One sentence in *error naming what was wrong and what is allowed when the text is no target.
    static std::optional<SizingTarget> parse(const QString &text, QString *error);
    static QString metricsText(); // "p95_wait_ms, p99_wait_ms, …"

    QString text() const; // "p95_wait_ms<=50"
    QString name() const; // "p95 wait"
    // The figure by the theory, and as a run measured it. A run's P(wait) counts the jobs that
    // waited longer than 2 % of the mean processing time (handing a job to an idle worker takes
    // microseconds; a job that found every worker busy waits on the scale of a job).
    double predicted(const QueuePrediction &p) const;
    double measured(const RunStats &s) const;
    QString format(double value) const; // "12ms", "0.18"
    bool met(double value) const { return value <= limit; }
};

struct SizingAnswer
{
    bool found = false;
    int workers = 0; // the fewest that meet the target by the theory
    QueuePrediction prediction; // at `workers`
    QueuePrediction below; // at workers − 1 (when workers > 1)
    QString why; // when not found: what limits the pool

    // The runs that check it: one worker fewer (when there can be one), then the answer.
    SweepSpec verifyingRuns() const;
};

// The fewest workers (1 to PoolConfig::kMaxWorkers) whose predicted steady state meets the target
// under the configuration's load.
SizingAnswer sizePool(const PoolConfig &config, const SizingTarget &target);

} // namespace engine
