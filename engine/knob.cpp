#include "engine/knob.h"

#include <QJsonValue>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

namespace engine {

namespace {

constexpr const char *kArrivalNames[] = {"fixed", "poisson", "burst"};
constexpr const char *kArrivalLabels[] = {"Fixed interval", "Poisson (random gaps)", "Bursts"};
constexpr const char *kDistributionNames[] = {"uniform", "fixed", "exponential", "lognormal"};
constexpr const char *kDistributionLabels[]
    = {"Uniform (min to max)", "Fixed (the mean)", "Exponential", "Log-normal (heavy tail)"};
constexpr const char *kWorkloadNames[] = {"wait", "cpu"};
constexpr const char *kWorkloadLabels[] = {"Wait (sleep, like I/O)", "CPU (computation)"};

constexpr double kMaxSeed = 9223372036854775807.0; // 2^63 − 1, as the command line allows

bool isContinuous(const PoolConfig &c)
{
    return c.continuous;
}

// The table. Ranges come from PoolConfig's constants, which the engine uses too.
// Long: a table: one row of designated initializers per knob.
// NOLINTNEXTLINE(readability-function-size)
const std::array<Knob, kKnobCount> &table()
{
    using C = PoolConfig;
    static const std::array<Knob, kKnobCount> rows = {{
        {.id = KnobId::Workers,
         .flag = "workers",
         .name = "workers",
         .label = "Workers",
         .type = KnobType::Integer,
         .field = &C::workers,
         .min = C::kMinWorkers,
         .max = C::kMaxWorkers,
         .group = KnobGroup::Pool,
         .live = true,
         .logScale = true,
         .help = "workers in the pool",
         .toolTip = "Workers in the pool: each takes one job at a time from the shared queue. "
                    "Applies at once, even mid-run."},
        {.id = KnobId::QueueCapacity,
         .flag = "queue-capacity",
         .name = "queue capacity",
         .label = "Queue",
         .type = KnobType::Integer,
         .field = &C::queueCapacity,
         .min = 0,
         .max = C::kMaxCapacity,
         .group = KnobGroup::Pool,
         .logScale = true,
         .special = C::kAutoCapacity,
         .specialText = "as many as jobs, at most 100000",
         .help = "job queue slots; 0 is an unbuffered hand-off",
         .toolTip = "Slots in the jobs channel; when full the producer blocks (backpressure); 0 "
                    "is an unbuffered hand-off"},
        {.id = KnobId::ResultsCapacity,
         .flag = "results-capacity",
         .name = "results capacity",
         .label = "Results",
         .type = KnobType::Integer,
         .field = &C::resultsCapacity,
         .min = 0,
         .max = C::kMaxCapacity,
         .group = KnobGroup::Pool,
         .logScale = true,
         .special = C::kAutoCapacity,
         .specialText = "as many as jobs, at most 100000",
         .help = "results queue slots; 0 is an unbuffered hand-off",
         .toolTip = "Slots in the results channel; when full, workers block until the collector "
                    "takes a result; 0 is an unbuffered hand-off"},
        {.id = KnobId::Jobs,
         .flag = "jobs",
         .name = "jobs",
         .label = "Jobs",
         .type = KnobType::Integer,
         .field = &C::jobs,
         .min = static_cast<double>(C::kMinJobs),
         .max = static_cast<double>(C::kMaxJobs),
         .group = KnobGroup::Producer,
         .logScale = true,
         .help = "jobs to send",
         .toolTip = "Jobs the producer sends into the queue before closing it; the workers then "
                    "drain the queue and exit",
         .appliesTo =
             [](const C &c) {
                 return !c.continuous;
             }},
        {.id = KnobId::Continuous,
         .flag = "continuous",
         .name = "continuous",
         .label = "Continuous (until stopped)",
         .type = KnobType::Switch,
         .field = &C::continuous,
         .group = KnobGroup::Producer,
         .help = "send jobs until stopped (or for --duration-s)",
         .toolTip = "Keep producing jobs until stopped (or for the duration below) instead of a "
                    "fixed number"},
        {.id = KnobId::Duration,
         .flag = "duration-s",
         .name = "duration",
         .label = "Duration",
         .type = KnobType::Real,
         .field = &C::durationS,
         .min = 0.001,
         .max = C::kMaxDurationS,
         .group = KnobGroup::Producer,
         .unit = " s",
         .decimals = 3,
         .logScale = true,
         .special = 0.0,
         .specialText = "until stopped",
         .help = "length of a continuous run in seconds (plan time)",
         .toolTip = "How long a continuous run produces, in plan seconds (the speed factor "
                    "shortens it); 0 runs until stopped",
         .appliesTo = isContinuous},
        {.id = KnobId::Interval,
         .flag = "interval-ms",
         .name = "interval",
         .label = "Interval",
         .type = KnobType::Real,
         .field = &C::intervalMs,
         .min = 0,
         .max = C::kMaxIntervalMs,
         .group = KnobGroup::Producer,
         .live = true,
         .unit = " ms",
         .decimals = 3,
         .logScale = true,
         .help = "mean time between job arrivals",
         .toolTip = "Time the producer waits between jobs (the mean gap for Poisson arrivals and "
                    "bursts). Applies at once, even mid-run."},
        {.id = KnobId::Arrival,
         .flag = "arrival",
         .name = "arrival",
         .label = "Arrival",
         .type = KnobType::Choice,
         .field = &C::arrival,
         .group = KnobGroup::Producer,
         .choices = kArrivalNames,
         .choiceLabels = kArrivalLabels,
         .help = "arrival pattern",
         .toolTip = "How the producer spaces jobs: a fixed interval, random (Poisson) gaps, or "
                    "bursts sent back to back"},
        {.id = KnobId::BurstSize,
         .flag = "burst-size",
         .name = "burst size",
         .label = "Burst",
         .type = KnobType::Integer,
         .field = &C::burstSize,
         .min = 1,
         .max = C::kMaxBurstSize,
         .group = KnobGroup::Producer,
         .logScale = true,
         .help = "jobs per burst (--arrival burst)",
         .toolTip = "Jobs in each burst; bursts are spaced so that on average one job arrives "
                    "per interval",
         .appliesTo =
             [](const C &c) {
                 return c.arrival == ArrivalPattern::Burst;
             }},
        {.id = KnobId::Distribution,
         .flag = "distribution",
         .name = "distribution",
         .label = "Distribution",
         .type = KnobType::Choice,
         .field = &C::distribution,
         .group = KnobGroup::Jobs,
         .choices = kDistributionNames,
         .choiceLabels = kDistributionLabels,
         .help = "processing time distribution",
         .toolTip = "How long each job takes: uniform between min and max, always the mean "
                    "(fixed), or exponential / log-normal around the mean (a long tail of slow "
                    "jobs)"},
        {.id = KnobId::MinMs,
         .flag = "min-ms",
         .name = "min duration",
         .label = "Min",
         .type = KnobType::Real,
         .field = &C::minMs,
         .min = 0,
         .max = C::kMaxJobMs,
         .group = KnobGroup::Jobs,
         .unit = " ms",
         .decimals = 3,
         .logScale = true,
         .help = "uniform: shortest processing time",
         .toolTip = "Shortest job of the uniform distribution",
         .appliesTo =
             [](const C &c) {
                 return c.distribution == Distribution::Uniform;
             }},
        {.id = KnobId::MaxMs,
         .flag = "max-ms",
         .name = "max duration",
         .label = "Max",
         .type = KnobType::Real,
         .field = &C::maxMs,
         .min = 0,
         .max = C::kMaxJobMs,
         .group = KnobGroup::Jobs,
         .unit = " ms",
         .decimals = 3,
         .logScale = true,
         .help = "uniform: processing times stay below this",
         .toolTip = "Longest job of the uniform distribution",
         .appliesTo =
             [](const C &c) {
                 return c.distribution == Distribution::Uniform;
             }},
        {.id = KnobId::MeanMs,
         .flag = "mean-ms",
         .name = "mean duration",
         .label = "Mean",
         .type = KnobType::Real,
         .field = &C::meanMs,
         .min = 0,
         .max = C::kMaxJobMs,
         .group = KnobGroup::Jobs,
         .unit = " ms",
         .decimals = 3,
         .logScale = true,
         .help = "fixed, exponential, lognormal: mean processing time",
         .toolTip = "Mean job duration of the fixed, exponential and log-normal distributions",
         .appliesTo =
             [](const C &c) {
                 return c.distribution != Distribution::Uniform;
             }},
        {.id = KnobId::FailRate,
         .flag = "fail-rate",
         .name = "fail rate",
         .label = "Fail rate",
         .type = KnobType::Real,
         .field = &C::failRatePercent,
         .min = 0,
         .max = 100,
         .group = KnobGroup::Jobs,
         .unit = " %",
         .decimals = 2,
         .help = "percent of jobs whose work throws",
         .toolTip = "Chance that a job fails; a failed job still sends exactly one result (its "
                    "error) to the collector"},
        {.id = KnobId::Workload,
         .flag = "workload",
         .name = "workload",
         .label = "Workload",
         .type = KnobType::Choice,
         .field = &C::workload,
         .group = KnobGroup::Jobs,
         .choices = kWorkloadNames,
         .choiceLabels = kWorkloadLabels,
         .help = "wait: simulated I/O; cpu: computation that takes the planned time on a free core",
         .toolTip = "What a worker does during a job: wait (sleeps, so many workers overlap) or "
                    "compute (a fixed amount of work that takes the planned time on a free core; "
                    "more workers than cores share them, so every job takes longer)"},
        {.id = KnobId::Speed,
         .flag = "speed",
         .name = "speed",
         .label = "Speed",
         .type = KnobType::Real,
         .field = &C::speed,
         .min = C::kMinSpeed,
         .max = C::kMaxSpeed,
         .group = KnobGroup::Playback,
         .live = true,
         .unit = "\u00d7",
         .decimals = 2,
         .logScale = true,
         .help = "divides every duration",
         .toolTip = "Playback speed: every duration of the plan is divided by it (2\u00d7 runs "
                    "twice as fast). Applies at once, even mid-run."},
        {.id = KnobId::Seed,
         .flag = "seed",
         .name = "seed",
         .label = "Seed",
         .type = KnobType::Seed,
         .field = &C::seed,
         .min = 1,
         .max = kMaxSeed,
         .group = KnobGroup::Playback,
         .special = 0.0,
         .specialText = "random",
         .help = "random seed: same seed, same run plan (the summary prints the one used)",
         .toolTip = "Random seed for arrivals, job durations and failures: the same seed replays "
                    "the same plan. Empty (or 0) picks a new seed at each start."},
    }};
    return rows;
}

QString numberText(double value)
{
    return QString::number(value, 'g', 12);
}

// Whether value, a whole number, fits the integer type T.
template<typename T> bool fits(double value)
{
    return std::isfinite(value) && value >= static_cast<double>(std::numeric_limits<T>::min())
        && value < static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
}

} // namespace

QString Knob::jsonKey() const
{
    return QString::fromLatin1(flag).replace(QLatin1Char('-'), QLatin1Char('_'));
}

QString Knob::objectName() const
{
    QString camel;
    bool upper = false;
    for (const char *c = name; *c; ++c) {
        if (*c == ' ') {
            upper = true;
            continue;
        }
        camel += upper ? QChar::fromLatin1(*c).toUpper() : QChar::fromLatin1(*c);
        upper = false;
    }
    return camel;
}

QString Knob::allowedText() const
{
    switch (type) {
    case KnobType::Integer:
        return QStringLiteral("an integer from %1 to %2")
            .arg(QString::number(min, 'f', 0), QString::number(max, 'f', 0));
    case KnobType::Real:
        return QStringLiteral("a number from %1 to %2").arg(numberText(min), numberText(max));
    case KnobType::Choice: {
        QStringList names;
        for (const char *choice : choices)
            names << QLatin1String(choice);
        return QStringLiteral("one of ") + names.join(QLatin1String(", "));
    }
    case KnobType::Seed:
        return QStringLiteral("an integer from 1 to %1")
            .arg(std::numeric_limits<std::int64_t>::max());
    case KnobType::Switch:
        return QStringLiteral("no value");
    }
    return {};
}

std::optional<std::size_t> Knob::choiceIndex(const QString &choice) const
{
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (choice == QLatin1String(choices[i]))
            return i;
    }
    return std::nullopt;
}

QString Knob::choiceName(std::size_t index) const
{
    return index < choices.size() ? QLatin1String(choices[index]) : QString();
}

QString Knob::defaultText() const
{
    return text(PoolConfig {});
}

double Knob::number(const PoolConfig &config) const
{
    return std::visit([&config](auto member) { return static_cast<double>(config.*member); },
                      field);
}

bool Knob::setNumber(PoolConfig &config, double value) const
{
    return std::visit(
        [&config, value](auto member) {
            using T = std::remove_reference_t<decltype(config.*member)>;
            if constexpr (std::is_same_v<T, double>) {
                config.*member = value;
            } else if constexpr (std::is_same_v<T, bool>) {
                config.*member = value != 0;
            } else if constexpr (std::is_enum_v<T>) {
                using U = std::underlying_type_t<T>;
                if (!fits<U>(value))
                    return false;
                config.*member = static_cast<T>(static_cast<U>(value));
            } else {
                if (!fits<T>(value))
                    return false;
                config.*member = static_cast<T>(value);
            }
            return true;
        },
        field);
}

bool Knob::differs(const PoolConfig &a, const PoolConfig &b) const
{
    return std::visit([&](auto member) { return a.*member != b.*member; }, field);
}

bool Knob::isSpecial(const PoolConfig &config) const
{
    return special && number(config) == *special;
}

QString Knob::text(const PoolConfig &config) const
{
    if (isSpecial(config))
        return QLatin1String(specialText);
    switch (type) {
    case KnobType::Switch:
        return number(config) != 0 ? QStringLiteral("on") : QStringLiteral("off");
    case KnobType::Choice:
        return choiceName(static_cast<std::size_t>(number(config)));
    case KnobType::Seed:
        return QString::number(config.seed);
    case KnobType::Integer:
    case KnobType::Real:
        break;
    }
    return numberText(number(config));
}

std::span<const Knob> knobs()
{
    return table();
}

const Knob &knob(KnobId id)
{
    return table()[static_cast<std::size_t>(id)];
}

QJsonObject configToJson(const PoolConfig &config)
{
    QJsonObject json;
    for (const Knob &k : knobs()) {
        QJsonValue value;
        switch (k.type) {
        case KnobType::Integer:
            value = static_cast<qint64>(k.number(config));
            break;
        case KnobType::Real:
            value = k.number(config);
            break;
        case KnobType::Switch:
            value = k.number(config) != 0;
            break;
        case KnobType::Choice:
            value = k.text(config);
            break;
        case KnobType::Seed:
            value = QString::number(config.seed); // a JSON number holds 53 bits, a seed 64
            break;
        }
        json.insert(k.jsonKey(), value);
    }
    return json;
}

namespace {

// Reads one knob's value from v into config; a sentence naming the key when it cannot.
QString readKnob(const Knob &k, const QJsonValue &v, PoolConfig &config)
{
    const QString key = k.jsonKey();
    switch (k.type) {
    case KnobType::Integer:
    case KnobType::Real:
        if (!v.isDouble())
            return QStringLiteral("config field %1 is not a number").arg(key);
        // Out of the knob's range is validate()'s to say; out of the field's type, here.
        if (!k.setNumber(config, v.toDouble()))
            return QStringLiteral("config field %1 is out of range").arg(key);
        return {};
    case KnobType::Switch:
        if (!v.isBool())
            return QStringLiteral("config field %1 is not true or false").arg(key);
        k.setNumber(config, v.toBool() ? 1 : 0);
        return {};
    case KnobType::Choice:
        if (const auto index = k.choiceIndex(v.toString())) {
            k.setNumber(config, static_cast<double>(*index));
            return {};
        }
        return QStringLiteral("config field %1 is not %2").arg(key, k.allowedText());
    case KnobType::Seed: {
        bool ok = false;
        config.seed = v.toString().toULongLong(&ok);
        if (!ok)
            return QStringLiteral("config field %1 is not a whole number in a string").arg(key);
        return {};
    }
    }
    return {};
}

} // namespace

std::optional<PoolConfig> configFromJson(const QJsonObject &json, QString *error)
{
    PoolConfig config;
    error->clear();
    for (const Knob &k : knobs()) {
        const QJsonValue v = json.value(k.jsonKey());
        if (v.isUndefined())
            continue;
        if (QString problem = readKnob(k, v, config); !problem.isEmpty()) {
            *error = problem;
            return std::nullopt;
        }
    }
    if (const QStringList problems = config.validate(); !problems.isEmpty()) {
        *error = QStringLiteral("the recorded config is invalid: ") + problems.first();
        return std::nullopt;
    }
    return config;
}

} // namespace engine
