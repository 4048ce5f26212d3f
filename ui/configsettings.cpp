#include "configsettings.h"

#include <limits>
#include <type_traits>

namespace gui {

using engine::PoolConfig;

QVariantMap toVariantMap(const PoolConfig &c)
{
    return {
        {QStringLiteral("workers"), c.workers},
        {QStringLiteral("jobs"), QVariant::fromValue<qint64>(c.jobs)},
        {QStringLiteral("continuous"), c.continuous},
        {QStringLiteral("durationS"), c.durationS},
        {QStringLiteral("queueCapacity"), c.queueCapacity},
        {QStringLiteral("resultsCapacity"), c.resultsCapacity},
        {QStringLiteral("intervalMs"), c.intervalMs},
        {QStringLiteral("arrival"), engine::nameOf(c.arrival)},
        {QStringLiteral("burstSize"), c.burstSize},
        {QStringLiteral("distribution"), engine::nameOf(c.distribution)},
        {QStringLiteral("minMs"), c.minMs},
        {QStringLiteral("maxMs"), c.maxMs},
        {QStringLiteral("meanMs"), c.meanMs},
        {QStringLiteral("failRatePercent"), c.failRatePercent},
        {QStringLiteral("workload"), engine::nameOf(c.workload)},
        {QStringLiteral("speed"), c.speed},
        {QStringLiteral("seed"), QString::number(c.seed)},
    };
}

PoolConfig fromVariantMap(const QVariantMap &map)
{
    PoolConfig c;
    auto number = [&](const char *key, auto &field) {
        using Field = std::remove_reference_t<decltype(field)>;
        const QVariant v = map.value(QLatin1String(key));
        bool ok = false;
        const double d = v.toDouble(&ok);
        // Converting a double outside an integer's range is undefined: leave the default.
        if (ok
            && (!std::is_integral_v<
                    Field> || (d >= static_cast<double>(std::numeric_limits<Field>::min()) && d <= static_cast<double>(std::numeric_limits<Field>::max()))))
            field = static_cast<Field>(d);
    };
    number("workers", c.workers);
    number("jobs", c.jobs);
    c.continuous = map.value(QStringLiteral("continuous"), false).toBool();
    number("durationS", c.durationS);
    number("queueCapacity", c.queueCapacity);
    number("resultsCapacity", c.resultsCapacity);
    number("intervalMs", c.intervalMs);
    engine::fromString(map.value(QStringLiteral("arrival")).toString(), &c.arrival);
    number("burstSize", c.burstSize);
    engine::fromString(map.value(QStringLiteral("distribution")).toString(), &c.distribution);
    number("minMs", c.minMs);
    number("maxMs", c.maxMs);
    number("meanMs", c.meanMs);
    number("failRatePercent", c.failRatePercent);
    engine::fromString(map.value(QStringLiteral("workload")).toString(), &c.workload);
    number("speed", c.speed);
    c.seed = map.value(QStringLiteral("seed")).toString().toULongLong();
    return c.isValid() ? c : PoolConfig {};
}

} // namespace gui
