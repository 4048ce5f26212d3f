#include "ui/timecoords.h"

#include <algorithm>
#include <cmath>

namespace gui::coords {

Range zoomAround(Range range, std::int64_t anchor, double factor, std::int64_t minLength)
{
    if (factor <= 0.0)
        return range;
    const double length = std::max<double>(static_cast<double>(range.length()) / factor,
                                           static_cast<double>(minLength));
    const double fraction = range.length() > 0
        ? static_cast<double>(anchor - range.start) / static_cast<double>(range.length())
        : 0.5;
    const auto start = anchor - static_cast<std::int64_t>(std::llround(fraction * length));
    return {start, start + static_cast<std::int64_t>(std::llround(length))};
}

std::int64_t tickStep(std::int64_t length, double width, double minPixels)
{
    if (length <= 0 || width <= 0)
        return 1;
    const double minStep = static_cast<double>(length) * minPixels / width;
    std::int64_t magnitude = 1;
    while (true) {
        for (std::int64_t m : {1, 2, 5}) {
            if (static_cast<double>(m * magnitude) >= minStep)
                return m * magnitude;
        }
        if (magnitude > INT64_MAX / 100)
            return magnitude;
        magnitude *= 10;
    }
}

std::vector<std::int64_t> ticks(std::int64_t start, std::int64_t end, std::int64_t step)
{
    std::vector<std::int64_t> out;
    if (step <= 0 || end < start)
        return out;
    std::int64_t t = start >= 0 ? (start + step - 1) / step * step : -((-start) / step * step);
    for (; t <= end && out.size() < 1000; t += step)
        out.push_back(t);
    return out;
}

} // namespace gui::coords
