#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace engine {

enum class ArrivalPattern : std::uint8_t { Fixed, Poisson, Burst };
enum class Distribution : std::uint8_t { Uniform, Fixed, Exponential, LogNormal };
enum class Workload : std::uint8_t { Wait, Cpu };

QString nameOf(ArrivalPattern pattern);
QString nameOf(Distribution distribution);
QString nameOf(Workload workload);
// Parse the lower-case names used on the command line; return false on anything else.
bool fromString(const QString &text, ArrivalPattern *out);
bool fromString(const QString &text, Distribution *out);
bool fromString(const QString &text, Workload *out);

// Every knob of a run. Defaults are the reference program's (3 workers, 15 jobs, 100 ms between
// jobs, 200–500 ms per job). A value type: copied freely across threads.
struct PoolConfig
{
    static constexpr int kMinWorkers = 1;
    static constexpr int kMaxWorkers = 256;
    static constexpr std::int64_t kMinJobs = 1;
    static constexpr std::int64_t kMaxJobs = 10'000'000;
    static constexpr int kMaxCapacity = 100'000;
    static constexpr int kAutoCapacity = -1; // as many as jobs, capped at kMaxCapacity
    static constexpr double kMaxIntervalMs = 10'000.0;
    static constexpr int kMaxBurstSize = 10'000;
    static constexpr double kMaxJobMs = 3'600'000.0; // one hour per job
    static constexpr double kMinSpeed = 0.01;
    static constexpr double kMaxSpeed = 100.0;
    static constexpr double kMaxDurationS = 86'400.0;

    int workers = 3;
    std::int64_t jobs = 15;
    bool continuous = false; // produce until stopped (or for durationS, when > 0)
    double durationS = 0.0; // continuous runs only; plan time, so the speed factor shortens it
    int queueCapacity = kAutoCapacity;
    int resultsCapacity = kAutoCapacity;
    double intervalMs = 100.0;
    ArrivalPattern arrival = ArrivalPattern::Fixed;
    int burstSize = 10;
    Distribution distribution = Distribution::Uniform;
    double minMs = 200.0; // uniform: [minMs, maxMs)
    double maxMs = 500.0;
    double meanMs = 350.0; // fixed, exponential, lognormal
    double failRatePercent = 0.0;
    Workload workload = Workload::Wait;
    double speed = 1.0; // divides every duration of the plan
    std::uint64_t seed = 0; // 0: pick one at start (the run records which)

    // Problems, one sentence each naming the field and what is allowed. Empty when valid.
    QStringList validate() const;
    bool isValid() const { return validate().isEmpty(); }

    int effectiveQueueCapacity() const { return resolveCapacity(queueCapacity); }
    int effectiveResultsCapacity() const { return resolveCapacity(resultsCapacity); }

    bool operator==(const PoolConfig &) const = default;

private:
    int resolveCapacity(int requested) const;
};

} // namespace engine

Q_DECLARE_METATYPE(engine::PoolConfig)
