#pragma once

#include <cstdint>
#include <vector>

namespace engine {

// A 95 % confidence interval for the steady-state mean of a series observed in order (each job's
// wait, in the order jobs finish), by batch means: the series is cut into batches whose means are
// nearly independent, the warm-up (the batches before the steady state) is left out by MSER (the
// truncation that minimizes the standard error of what remains, searched over the first half),
// and the interval is the remaining batch means' mean ± t · s / √n.
//
// Memory stays at kMaxBatches batch sums whatever the length: when they are all full, neighbours
// merge and each batch takes twice as many values from then on.
class BatchMeans
{
public:
    static constexpr int kMaxBatches = 64;
    static constexpr int kMinBatches = 10; // fewer after the warm-up: no interval

    void add(double value);
    std::int64_t count() const { return m_count; }

    struct Interval
    {
        bool valid = false; // enough batches after the warm-up
        double mean = 0.0;
        double halfWidth = 0.0; // the interval is mean ± halfWidth
        std::int64_t warmup = 0; // values left out at the start
        int batches = 0; // batch means it rests on
    };
    Interval interval() const;

private:
    std::vector<double> m_sums; // full batches
    double m_partial = 0.0;
    std::int64_t m_inPartial = 0;
    std::int64_t m_batchSize = 1;
    std::int64_t m_count = 0;
};

// The two-sided 95 % point of Student's t with `degrees` degrees of freedom.
double studentT95(int degrees);

} // namespace engine
