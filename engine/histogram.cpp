#include "engine/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace engine {

namespace {
constexpr int kSubBits = 7; // 128 buckets per octave
constexpr int kExact = 2 << kSubBits; // values below 256 get a bucket each
} // namespace

int Histogram::bucketOf(std::int64_t value)
{
    const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(value, 0));
    if (v < static_cast<std::uint64_t>(kExact))
        return static_cast<int>(v);
    const int shift = std::bit_width(v) - (kSubBits + 1); // >= 1
    const auto mantissa = static_cast<int>(v >> shift); // in [128, 256)
    return shift * (1 << kSubBits) + mantissa;
}

std::int64_t Histogram::bucketMid(int bucket)
{
    if (bucket < kExact)
        return bucket;
    const int shift = bucket / (1 << kSubBits) - 1;
    const int mantissa = bucket - shift * (1 << kSubBits);
    const auto low = static_cast<std::int64_t>(mantissa) << shift;
    return low + ((std::int64_t {1} << shift) >> 1);
}

void Histogram::add(std::int64_t value)
{
    value = std::max<std::int64_t>(value, 0);
    const int bucket = bucketOf(value);
    if (bucket >= static_cast<int>(m_buckets.size()))
        m_buckets.resize(static_cast<std::size_t>(bucket) + 1, 0);
    ++m_buckets[static_cast<std::size_t>(bucket)];
    if (m_count == 0) {
        m_min = m_max = value;
    } else {
        m_min = std::min(m_min, value);
        m_max = std::max(m_max, value);
    }
    ++m_count;
    m_sum.add(value);
}

void Histogram::merge(const Histogram &other)
{
    if (other.m_count == 0)
        return;
    if (other.m_buckets.size() > m_buckets.size())
        m_buckets.resize(other.m_buckets.size(), 0);
    for (std::size_t i = 0; i < other.m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_min = m_count ? std::min(m_min, other.m_min) : other.m_min;
    m_max = m_count ? std::max(m_max, other.m_max) : other.m_max;
    m_count += other.m_count;
    m_sum.add(other.m_sum);
}

void Histogram::clear()
{
    *this = Histogram {};
}

std::int64_t Histogram::quantile(double q) const
{
    if (m_count == 0)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(m_count))));
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return std::clamp(bucketMid(static_cast<int>(i)), m_min, m_max);
    }
    return m_max;
}

double Histogram::fractionAbove(std::int64_t value) const
{
    if (m_count == 0)
        return 0.0;
    std::int64_t above = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        if (bucketMid(static_cast<int>(i)) > value)
            above += m_buckets[i];
    }
    return static_cast<double>(above) / static_cast<double>(m_count);
}

} // namespace engine
