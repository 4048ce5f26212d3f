#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

// Screen geometry of the time axis: pure functions, tested on their own.
namespace gui::coords {

// x of time t when [start, end] spans [0, width]. Returns 0 when end == start.
inline double xForTime(std::int64_t t, std::int64_t start, std::int64_t end, double width)
{
    if (end == start)
        return 0.0;
    return static_cast<double>(t - start) * width / static_cast<double>(end - start);
}

// Time at x; the inverse of xForTime. Returns start when width <= 0.
inline std::int64_t timeForX(double x, std::int64_t start, std::int64_t end, double width)
{
    if (width <= 0.0)
        return start;
    return start + static_cast<std::int64_t>(x * static_cast<double>(end - start) / width);
}

struct Range
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int64_t length() const { return end - start; }
    bool operator==(const Range &) const = default;
};

// Zooms by factor (> 1 zooms in) keeping the time under `anchor` fixed; the result is at least
// minLength long.
Range zoomAround(Range range, std::int64_t anchor, double factor, std::int64_t minLength);

// Shifts the range by dt, keeping its length.
inline Range pan(Range range, std::int64_t dt)
{
    return {range.start + dt, range.end + dt};
}

// A tick step of 1, 2 or 5 × 10^k ns that puts ticks at least minPixels apart.
std::int64_t tickStep(std::int64_t length, double width, double minPixels);

// Tick times within [start, end] for a step.
std::vector<std::int64_t> ticks(std::int64_t start, std::int64_t end, std::int64_t step);

} // namespace gui::coords
