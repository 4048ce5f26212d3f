#include "engine/batchmeans.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace engine {

void BatchMeans::add(double value)
{
    ++m_count;
    m_partial += value;
    if (++m_inPartial < m_batchSize)
        return;
    m_sums.push_back(m_partial);
    m_partial = 0.0;
    m_inPartial = 0;
    if (static_cast<int>(m_sums.size()) < kMaxBatches)
        return;
    // Full: pairs merge into batches twice as long.
    for (std::size_t i = 0; i < m_sums.size() / 2; ++i)
        m_sums[i] = m_sums[2 * i] + m_sums[2 * i + 1];
    m_sums.resize(m_sums.size() / 2);
    m_batchSize *= 2;
}

namespace {
// The mean of values[from, end) and the sum of squared differences from it.
std::pair<double, double> meanAndSquares(const std::vector<double> &values, std::size_t from)
{
    const auto n = static_cast<double>(values.size() - from);
    double sum = 0.0;
    for (std::size_t i = from; i < values.size(); ++i)
        sum += values[i];
    const double mean = sum / n;
    double squares = 0.0;
    for (std::size_t i = from; i < values.size(); ++i)
        squares += (values[i] - mean) * (values[i] - mean);
    return {mean, squares};
}
} // namespace

BatchMeans::Interval BatchMeans::interval() const
{
    Interval out;
    const std::size_t n = m_sums.size();
    if (static_cast<int>(n) < kMinBatches)
        return out;
    std::vector<double> means(n);
    for (std::size_t i = 0; i < n; ++i)
        means[i] = m_sums[i] / static_cast<double>(m_batchSize);
    // MSER: the truncation d in [0, n/2] that minimizes Σ(x − mean)² / (n − d)² over the rest.
    std::size_t best = 0;
    double bestScore = INFINITY;
    for (std::size_t d = 0; d <= n / 2; ++d) {
        const auto rest = static_cast<double>(n - d);
        const double score = meanAndSquares(means, d).second / (rest * rest);
        if (score < bestScore) {
            bestScore = score;
            best = d;
        }
    }
    const int rest = static_cast<int>(n - best);
    if (rest < kMinBatches)
        return out;
    const auto [mean, squares] = meanAndSquares(means, best);
    out.valid = true;
    out.mean = mean;
    out.halfWidth
        = studentT95(rest - 1) * std::sqrt(squares / (rest - 1)) / std::sqrt(double(rest));
    out.warmup = static_cast<std::int64_t>(best) * m_batchSize;
    out.batches = rest;
    return out;
}

double studentT95(int degrees)
{
    // Two-sided 95 % points for 1..30 degrees of freedom; past 30, the point of the table's
    // next smaller entry (30, 40, 60, 120), which errs on the wide side.
    static constexpr std::array<double, 30> small {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (degrees <= 0)
        return INFINITY;
    if (degrees <= 30)
        return small[static_cast<std::size_t>(degrees - 1)];
    if (degrees < 40)
        return 2.042;
    if (degrees < 60)
        return 2.021;
    if (degrees < 120)
        return 2.000;
    return 1.980;
}

} // namespace engine
