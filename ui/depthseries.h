#pragma once

#include "ui/history.h"
#include "ui/historysummary.h"

#include <cstdint>
#include <vector>

namespace gui {

// A sample of the queue and the pool, taken at every change of the queue depth or of the busy
// workers. (Results collected so far: RunModel::resultsBy.)
struct DepthPoint
{
    std::int64_t t = 0;
    int depth = 0;
    int inFlight = 0; // busy workers
};

template<> struct Packing<DepthPoint>
{
    static constexpr int kColumns = 3;
    static void split(const DepthPoint &p, std::int64_t *c)
    {
        c[0] = p.t;
        c[1] = p.depth;
        c[2] = p.inFlight;
    }
    static DepthPoint join(const std::int64_t *c)
    {
        return {c[0], static_cast<int>(c[1]), static_cast<int>(c[2])};
    }
};

// The queue chart's series: a sample at every change, kept in time order even when a thread's
// events come late, with the extremes of each block of samples, so that a pixel column holding
// thousands of them costs a few steps.
class DepthSeries
{
public:
    // Ranges from and to multiples of this many samples cost only whole blocks.
    static constexpr std::size_t kBlock = 64;
    struct Extremes
    {
        int minDepth = 0, maxDepth = 0, minBusy = 0, maxBusy = 0;
    };

    const History<DepthPoint> &samples() const { return m_samples; }
    // The extremes of depth and busy workers over samples()[from, to), in O((to − from) / 64)
    // steps.
    Extremes extremes(std::size_t from, std::size_t to) const;

    // A sample of the batch being applied (its events in time order): the last of one instant is
    // what held. The batch's samples join the series in commitBatch().
    void add(const DepthPoint &point);
    void commitBatch();
    // Folds the samples before `cut` into the summary's depth columns and drops them (whole
    // super-blocks of them, so the extremes kept stay valid; the rest are folded again next time,
    // harmlessly, since the summary keeps maxima).
    void foldBefore(std::int64_t cut, Summary &summary);
    void clear();
    std::size_t bytes() const { return m_samples.bytes(); }

private:
    static constexpr std::size_t kSuperBlock = kBlock * kBlock; // samples
    void mergeBatch();
    void updateBlocks() const;
    void changedFrom(std::size_t index)
    {
        m_blocksValid = std::min(m_blocksValid, index / kBlock * kBlock);
    }

    History<DepthPoint> m_samples;
    std::vector<DepthPoint> m_batch; // samples of the batch being applied, in time order
    // Extremes per block of 64 samples, rebuilt lazily from the first block a change touched.
    mutable std::vector<Extremes> m_blocks;
    mutable std::vector<Extremes> m_supers; // extremes of kBlock blocks each
    mutable std::size_t m_blocksValid = 0; // samples covered by valid blocks (a multiple of 64)
};

} // namespace gui
