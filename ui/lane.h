#pragma once

#include "engine/poolevent.h"
#include "ui/history.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace gui {

// One stretch of a lane: a job being processed, or a worker blocked on the full results queue.
struct Span
{
    enum Kind : std::uint8_t { Busy, Blocked, ProducerBlocked, Paused };
    std::int64_t start = 0;
    std::int64_t end = -1; // -1 while still open
    std::int64_t job : 48 = 0; // 2^47 jobs: a flat-out run would take weeks to get there
    Kind kind : 8 = Busy;
    engine::JobStatus status : 8 = engine::JobStatus::Completed; // Busy spans, once closed
};
static_assert(sizeof(Span) == 24); // a million of them per million jobs

// Packed in a History as its start, its length, its job and its kind and status: a lane's spans
// follow one another closely, so each of those takes a byte or a few.
template<> struct Packing<Span>
{
    static constexpr int kColumns = 4;
    static void split(const Span &s, std::int64_t *c)
    {
        c[0] = s.start;
        c[1] = s.end - s.start;
        c[2] = s.job;
        c[3] = static_cast<std::int64_t>(s.kind) | static_cast<std::int64_t>(s.status) << 8;
    }
    static Span join(const std::int64_t *c)
    {
        Span s;
        s.start = c[0];
        s.end = c[0] + c[1];
        s.job = c[2];
        s.kind = static_cast<Span::Kind>(c[3] & 0xff);
        s.status = static_cast<engine::JobStatus>(c[3] >> 8);
        return s;
    }
};

// What a block of a lane's spans looks like from afar, so that a zoomed-out view can take it in
// one step when all of it merges into one dense run.
struct SpanBlock
{
    std::int64_t firstStart = 0;
    std::int64_t lastEnd = 0;
    std::int64_t longest = 0; // the longest span
    std::int64_t widestGap = 0; // between one span's end and the next one's start
    std::int64_t busyNs = 0; // the spans' lengths added up
    std::int64_t firstJob = 0, lastJob = 0;
    bool onlyBusy = true; // no blocked stretch among them
};

// One worker id's row on the timeline. A lane can live several times (ids are reused after a
// shrink and a grow); lifetimes lists each [start, end) it was live.
struct Lane
{
    static constexpr std::size_t kBlock = 256; // spans per SpanBlock

    int worker = 0;
    History<Span> spans;
    std::vector<std::pair<std::int64_t, std::int64_t>> lifetimes; // end -1 while live
    std::int64_t plannedNs = 0; // of the job it is busy with
    bool live() const { return !lifetimes.empty() && lifetimes.back().second < 0; }

    // The block holding spans[index] and where it ends (an index into spans), or nullptr while
    // the block is not complete (fewer than kBlock spans, or one still open). Blocks are counted
    // from the first span the lane ever had, so folding the front away does not move them.
    const SpanBlock *blockAt(std::size_t index, std::size_t *end) const;
    void foldFront(std::size_t n); // drops spans[0, n)
    // Sums up the blocks completed since the last call, while their spans are fresh in memory
    // (a zoomed-out frame would otherwise do it for all of them at once, the first time).
    void sumUpNewBlocks();

private:
    std::int64_t m_folded = 0; // spans folded away from the front
    mutable std::vector<std::optional<SpanBlock>> m_blocks; // from block m_blocksFrom on
    mutable std::int64_t m_blocksFrom = 0;
    std::int64_t m_nextBlock = 0; // sumUpNewBlocks() has done the blocks before this one
};

} // namespace gui
