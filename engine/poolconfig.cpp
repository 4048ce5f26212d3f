#include "engine/poolconfig.h"

#include "engine/knob.h"

#include <algorithm>
#include <cmath>

namespace engine {

namespace {

template<typename Enum> QString choiceName(KnobId id, Enum value)
{
    return knob(id).choiceName(static_cast<std::size_t>(value));
}

template<typename Enum> bool choiceFrom(KnobId id, const QString &text, Enum *out)
{
    const auto index = knob(id).choiceIndex(text);
    if (index)
        *out = static_cast<Enum>(*index);
    return index.has_value();
}

// "FIELD must be between LO and HI (got V)" when k's value is outside its range or not finite.
void checkRange(QStringList &problems, const Knob &k, const PoolConfig &config)
{
    const double value = k.number(config);
    if ((std::isfinite(value) && value >= k.min && value <= k.max) || k.isSpecial(config))
        return;
    problems << QStringLiteral("%1 must be between %2 and %3%4 (got %5)")
                    .arg(QLatin1String(k.flag), QString::number(k.min, 'g', 12),
                         QString::number(k.max, 'g', 12), QLatin1String(k.unit),
                         QString::number(value, 'g', 12));
}

} // namespace

QString nameOf(ArrivalPattern pattern)
{
    return choiceName(KnobId::Arrival, pattern);
}

QString nameOf(Distribution distribution)
{
    return choiceName(KnobId::Distribution, distribution);
}

QString nameOf(Workload workload)
{
    return choiceName(KnobId::Workload, workload);
}

bool fromString(const QString &text, ArrivalPattern *out)
{
    return choiceFrom(KnobId::Arrival, text, out);
}

bool fromString(const QString &text, Distribution *out)
{
    return choiceFrom(KnobId::Distribution, text, out);
}

bool fromString(const QString &text, Workload *out)
{
    return choiceFrom(KnobId::Workload, text, out);
}

QStringList PoolConfig::validate() const
{
    QStringList problems;
    for (const Knob &k : knobs()) {
        switch (k.type) {
        case KnobType::Switch:
        case KnobType::Seed: // any seed; 0 picks one at the start
            break;
        case KnobType::Choice:
            if (k.number(*this) >= static_cast<double>(k.choices.size()))
                problems
                    << QStringLiteral("%1 must be %2").arg(QLatin1String(k.flag), k.allowedText());
            break;
        case KnobType::Integer:
        case KnobType::Real:
            // A continuous run sends until stopped, and only a continuous run has a duration.
            if (k.id == KnobId::Jobs && continuous)
                break;
            if (k.id == KnobId::Duration && !continuous) {
                if (durationS != 0.0)
                    problems << QStringLiteral(
                        "duration-s must stay 0 unless the run is continuous");
                break;
            }
            checkRange(problems, k, *this);
            break;
        }
    }
    if (std::isfinite(minMs) && std::isfinite(maxMs) && minMs > maxMs)
        problems << QStringLiteral("min-ms must not exceed max-ms (got min-ms %1 > max-ms %2)")
                        .arg(QString::number(minMs, 'g', 12), QString::number(maxMs, 'g', 12));
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
