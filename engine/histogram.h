#pragma once

#include "engine/exactsum.h"

#include <cstdint>
#include <vector>

namespace engine {

// Log-linear histogram of non-negative ns values: exact below 256 ns, then 128 buckets per power of
// two (relative error under 0.4 %). Bounded memory whatever the number of samples; mean, min and
// max are exact.
class Histogram
{
public:
    void add(std::int64_t value);
    void merge(const Histogram &other);
    void clear();

    std::int64_t count() const { return m_count; }
    double mean() const
    {
        return m_count ? static_cast<double>(m_sum.value() / static_cast<long double>(m_count))
                       : 0.0;
    }
    std::int64_t min() const { return m_count ? m_min : 0; }
    std::int64_t max() const { return m_count ? m_max : 0; }
    // The value at quantile q in [0, 1] (nearest rank), clamped to [min, max]; 0 when empty.
    std::int64_t quantile(double q) const;
    // The share of values above `value` (to the histogram's resolution: a bucket counts as above
    // when its middle is); 0 when empty.
    double fractionAbove(std::int64_t value) const;

    static int bucketOf(std::int64_t value);
    static std::int64_t bucketMid(int bucket);

private:
    std::vector<std::int64_t> m_buckets;
    std::int64_t m_count = 0;
    ExactSum m_sum;
    std::int64_t m_min = 0;
    std::int64_t m_max = 0;
};

} // namespace engine
