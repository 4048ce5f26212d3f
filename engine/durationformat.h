#pragma once

#include <QString>
#include <cstdint>

namespace engine {

// Writes a duration the way Go's time.Duration.String does: "0s", "850ns", "1.5µs", "237ms",
// "1.5s", "2m3.5s", "1h0m0s".
QString goDuration(std::int64_t ns);

// Rounds a measured duration to a readable precision first: to the millisecond from 10 ms up, to
// the microsecond from 10 µs up, else to the nanosecond. 237.08 ms → "237ms", 1.2345 ms →
// "1.235ms".
std::int64_t roundForDisplay(std::int64_t ns);
inline QString displayDuration(std::int64_t ns)
{
    return goDuration(roundForDisplay(ns));
}

// A rate the same way everywhere: one decimal under 100 a second, whole numbers from there.
inline QString displayRate(double perSecond)
{
    return QString::number(perSecond, 'f', perSecond < 100 ? 1 : 0) + QStringLiteral("/s");
}

} // namespace engine
