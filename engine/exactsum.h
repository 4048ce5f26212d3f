#pragma once

#include <cstdint>

namespace engine {

// A sum of nanosecond counts (and of their squares) kept exactly in 128-bit integers: a billion
// squares of hour-long times still fit, nothing is lost to rounding however long the run, and an
// add is two integer instructions where an 80-bit float's is a load, an add and a store through
// the x87 unit (the statistics' fold does about fourteen per job).
class ExactSum
{
public:
    void add(std::int64_t value) { m_sum += value; }
    void addSquare(std::int64_t value) { m_sum += static_cast<Wide>(value) * value; }
    void addProduct(std::int64_t a, std::int64_t b) { m_sum += static_cast<Wide>(a) * b; }
    void add(const ExactSum &other) { m_sum += other.m_sum; }

    long double value() const { return static_cast<long double>(m_sum); }

private:
    __extension__ using Wide = __int128;
    Wide m_sum = 0;
};

} // namespace engine
