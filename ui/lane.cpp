#include "ui/lane.h"

#include <algorithm>

namespace gui {

const SpanBlock *Lane::blockAt(std::size_t index, std::size_t *end) const
{
    const std::int64_t absolute = m_folded + static_cast<std::int64_t>(index);
    const std::int64_t block = absolute / static_cast<std::int64_t>(kBlock);
    const std::int64_t blockStart = block * static_cast<std::int64_t>(kBlock);
    // Only blocks wholly still here: the first, partly folded, is not summed up.
    if (blockStart < m_folded)
        return nullptr;
    const auto first = static_cast<std::size_t>(blockStart - m_folded);
    if (first + kBlock > spans.size())
        return nullptr;
    const auto slot = static_cast<std::size_t>(block - m_blocksFrom);
    if (slot >= m_blocks.size())
        m_blocks.resize(slot + 1);
    *end = first + kBlock;
    if (const std::optional<SpanBlock> &cached = m_blocks[slot]; cached.has_value())
        return &*cached;
    SpanBlock b;
    b.firstJob = b.lastJob = spans[first].job;
    b.firstStart = spans[first].start;
    for (std::size_t i = first; i < first + kBlock; ++i) {
        const Span &span = spans[i];
        if (span.end < 0)
            return nullptr; // still open: ask again later
        b.onlyBusy = b.onlyBusy && span.kind == Span::Busy;
        b.longest = std::max(b.longest, span.end - span.start);
        b.busyNs += span.end - span.start;
        if (i > first)
            b.widestGap = std::max(b.widestGap, span.start - spans[i - 1].end);
        b.firstJob = std::min<std::int64_t>(b.firstJob, span.job);
        b.lastJob = std::max<std::int64_t>(b.lastJob, span.job);
        b.lastEnd = std::max(b.lastEnd, span.end);
    }
    return &m_blocks[slot].emplace(b);
}

void Lane::sumUpNewBlocks()
{
    constexpr auto block = static_cast<std::int64_t>(kBlock);
    m_nextBlock = std::max(m_nextBlock, (m_folded + block - 1) / block);
    std::size_t end = 0;
    while ((m_nextBlock + 1) * block <= m_folded + static_cast<std::int64_t>(spans.size())
           && blockAt(static_cast<std::size_t>(m_nextBlock * block - m_folded), &end))
        ++m_nextBlock;
}

void Lane::foldFront(std::size_t n)
{
    spans.erase(spans.begin(), spans.begin() + static_cast<std::ptrdiff_t>(n));
    m_folded += static_cast<std::int64_t>(n);
    // Blocks now (partly) folded away are not needed again.
    const std::int64_t firstKept = m_folded / static_cast<std::int64_t>(kBlock);
    const auto gone = static_cast<std::size_t>(
        std::clamp<std::int64_t>(firstKept - m_blocksFrom, 0, std::int64_t(m_blocks.size())));
    m_blocks.erase(m_blocks.begin(), m_blocks.begin() + static_cast<std::ptrdiff_t>(gone));
    m_blocksFrom = std::max(m_blocksFrom, firstKept);
}

} // namespace gui
