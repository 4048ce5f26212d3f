#include "ui/depthseries.h"

#include <algorithm>
#include <iterator>

namespace gui {

void DepthSeries::add(const DepthPoint &point)
{
    // A batch is applied in time order, so its samples come sorted; they join the series at the
    // batch's end, in one merge when some are older than what is there (a thread's chunk a few
    // milliseconds late), instead of one insertion each.
    if (!m_batch.empty() && m_batch.back().t == point.t)
        m_batch.back() = point; // several changes at one instant: the last state is what held
    else
        m_batch.push_back(point);
}

void DepthSeries::mergeBatch()
{
    if (m_batch.empty())
        return;
    const std::int64_t first = m_batch.front().t;
    if (m_samples.empty() || m_samples.back().t < first) {
        m_samples.insert(m_samples.end(), m_batch.begin(), m_batch.end());
        m_batch.clear();
        return;
    }
    const auto at = m_samples.begin()
        + static_cast<std::ptrdiff_t>(m_samples.gallopKey(0, m_samples.size(), first));
    const auto from = static_cast<std::size_t>(at - m_samples.begin());
    changedFrom(from);
    // The newer samples come off the back, merge with the batch's and go back on; the merge keeps
    // the batch's after older ones at equal instants, and equal instants collapse to the last
    // sample merged.
    std::vector<DepthPoint> tail(at, m_samples.end());
    m_samples.truncate(from);
    std::vector<DepthPoint> merged;
    merged.reserve(tail.size() + m_batch.size());
    std::merge(tail.begin(), tail.end(), m_batch.begin(), m_batch.end(), std::back_inserter(merged),
               [](const DepthPoint &a, const DepthPoint &b) { return a.t < b.t; });
    for (std::size_t i = 0; i < merged.size(); ++i) {
        if (i + 1 < merged.size() && merged[i + 1].t == merged[i].t)
            continue;
        m_samples.push_back(merged[i]);
    }
    m_batch.clear();
}

namespace {
constexpr DepthSeries::Extremes kNoExtremes {INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN};

void merge(DepthSeries::Extremes &into, const DepthSeries::Extremes &b)
{
    into.minDepth = std::min(into.minDepth, b.minDepth);
    into.maxDepth = std::max(into.maxDepth, b.maxDepth);
    into.minBusy = std::min(into.minBusy, b.minBusy);
    into.maxBusy = std::max(into.maxBusy, b.maxBusy);
}

void merge(DepthSeries::Extremes &into, const DepthPoint &p)
{
    merge(into, {p.depth, p.depth, p.inFlight, p.inFlight});
}
} // namespace

// Brings the blocks up to date (whole blocks only; a range's tail is scanned directly), and the
// super-blocks of kBlock blocks over them. Done at ingest, while the newest samples are fresh
// in memory, and after a merge reached back into blocks already summed up.
void DepthSeries::updateBlocks() const
{
    const std::size_t whole = m_samples.size() / kBlock * kBlock;
    if (m_blocksValid < whole) {
        m_blocks.resize(whole / kBlock);
        for (std::size_t b = m_blocksValid / kBlock; b < whole / kBlock; ++b) {
            Extremes block = kNoExtremes;
            m_samples.scan(b * kBlock, (b + 1) * kBlock,
                           [&](const DepthPoint &p) { merge(block, p); });
            m_blocks[b] = block;
        }
        const std::size_t supers = m_blocks.size() / kBlock;
        m_supers.resize(supers);
        for (std::size_t sb = m_blocksValid / kSuperBlock; sb < supers; ++sb) {
            Extremes super = kNoExtremes;
            for (std::size_t b = sb * kBlock; b < (sb + 1) * kBlock; ++b)
                merge(super, m_blocks[b]);
            m_supers[sb] = super;
        }
        m_blocksValid = whole;
    }
}

DepthSeries::Extremes DepthSeries::extremes(std::size_t from, std::size_t to) const
{
    to = std::min(to, m_samples.size());
    if (from >= to)
        return {};
    Extremes e = kNoExtremes;
    updateBlocks();
    const std::size_t blocksEnd = std::min(to, m_blocksValid);
    const std::size_t supersEnd = std::min(to, m_supers.size() * kSuperBlock);
    auto samples = [&](std::size_t a, std::size_t b) {
        m_samples.scan(a, b, [&](const DepthPoint &p) { merge(e, p); });
    };
    std::size_t i = std::min(to, (from + kBlock - 1) / kBlock * kBlock);
    samples(from, i);
    for (; i + kBlock <= blocksEnd && i % kSuperBlock != 0; i += kBlock)
        merge(e, m_blocks[i / kBlock]);
    for (; i + kSuperBlock <= supersEnd; i += kSuperBlock)
        merge(e, m_supers[i / kSuperBlock]);
    for (; i + kBlock <= blocksEnd; i += kBlock)
        merge(e, m_blocks[i / kBlock]);
    samples(i, to);
    return e;
}

void DepthSeries::commitBatch()
{
    mergeBatch();
    updateBlocks();
    // A catch-up batch (a replay, a window that was not drawn for a while) can need a large
    // buffer; it is not kept for the frame-sized batches that follow.
    if (m_batch.capacity() > 65'536)
        std::vector<DepthPoint>().swap(m_batch);
}

void DepthSeries::foldBefore(std::int64_t cut, Summary &s)
{
    {
        const std::size_t depthEnd = m_samples.gallopKey(0, m_samples.size(), cut);
        m_samples.scan(0, depthEnd, [&](const DepthPoint &p) {
            DepthSummary &d = s.depth[s.clampedColumn(p.t)];
            d.maxDepth = std::max(d.maxDepth, p.depth);
            d.maxInFlight = std::max(d.maxInFlight, p.inFlight);
            d.seen = true;
        });
        // Keep the last summarized sample as the first detailed one so the line stays joined;
        // drop whole super-blocks only, so the extremes kept per block stay valid and move along
        // (a few thousand samples may stay behind the cut: folded again next time, harmlessly,
        // since the summary keeps maxima).
        const std::size_t drop = (depthEnd > 0 ? depthEnd - 1 : 0) / kSuperBlock * kSuperBlock;
        if (drop > 0) {
            m_samples.erase(m_samples.begin(),
                            m_samples.begin() + static_cast<std::ptrdiff_t>(drop));
            const std::size_t blocks = std::min(drop / kBlock, m_blocks.size());
            m_blocks.erase(m_blocks.begin(),
                           m_blocks.begin() + static_cast<std::ptrdiff_t>(blocks));
            const std::size_t supers = std::min(drop / kSuperBlock, m_supers.size());
            m_supers.erase(m_supers.begin(),
                           m_supers.begin() + static_cast<std::ptrdiff_t>(supers));
            m_blocksValid = m_blocksValid > drop ? m_blocksValid - drop : 0;
            m_blocksValid = std::min(m_blocksValid, m_blocks.size() * kBlock);
        }
    }
}

void DepthSeries::clear()
{
    m_samples.clear();
    m_batch.clear();
    changedFrom(0);
}

} // namespace gui
