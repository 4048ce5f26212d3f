#include "engine/durationformat.h"

#include <cstdlib>

namespace engine {

namespace {

// "<whole>.<fraction>" with the fraction's trailing zeros (and a bare point) dropped.
QString fixed(std::uint64_t value, int fractionDigits)
{
    std::uint64_t scale = 1;
    for (int i = 0; i < fractionDigits; ++i)
        scale *= 10;
    QString text = QString::number(value / scale);
    std::uint64_t fraction = value % scale;
    if (fraction == 0)
        return text;
    QString digits = QString::number(fraction).rightJustified(fractionDigits, QLatin1Char('0'));
    while (digits.endsWith(QLatin1Char('0')))
        digits.chop(1);
    return text + QLatin1Char('.') + digits;
}

} // namespace

QString goDuration(std::int64_t ns)
{
    if (ns == 0)
        return QStringLiteral("0s");
    const bool negative = ns < 0;
    // Magnitude as unsigned so INT64_MIN works too.
    const std::uint64_t u
        = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    QString text;
    if (u < 1'000ULL) {
        text = QString::number(u) + QLatin1String("ns");
    } else if (u < 1'000'000ULL) {
        text = fixed(u, 3) + QStringLiteral("µs");
    } else if (u < 1'000'000'000ULL) {
        text = fixed(u, 6) + QLatin1String("ms");
    } else {
        const std::uint64_t totalSeconds = u / 1'000'000'000ULL;
        const std::uint64_t hours = totalSeconds / 3600;
        const std::uint64_t minutes = (totalSeconds / 60) % 60;
        const std::uint64_t secondsNs = u - (hours * 3600 + minutes * 60) * 1'000'000'000ULL;
        if (hours > 0)
            text += QString::number(hours) + QLatin1Char('h');
        if (hours > 0 || minutes > 0)
            text += QString::number(minutes) + QLatin1Char('m');
        text += fixed(secondsNs, 9) + QLatin1Char('s');
    }
    return negative ? QLatin1Char('-') + text : text;
}

std::int64_t roundForDisplay(std::int64_t ns)
{
    const std::int64_t magnitude = std::llabs(ns);
    std::int64_t unit = 1;
    if (magnitude >= 10'000'000)
        unit = 1'000'000;
    else if (magnitude >= 10'000)
        unit = 1'000;
    if (unit == 1)
        return ns;
    const std::int64_t half = unit / 2;
    return ns >= 0 ? (ns + half) / unit * unit : -((-ns + half) / unit * unit);
}

} // namespace engine
