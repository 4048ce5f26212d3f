#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gui {

// Detail older than the history cap, folded into a fixed grid of time columns. Additive, so
// columns merge pairwise when the summarized stretch outgrows the grid.
struct SummaryColumn
{
    float busyNs = 0; // time spent processing jobs in this column
    float blockedNs = 0; // time blocked on a full queue
    std::uint32_t jobs = 0; // jobs that finished (workers) or were sent (producer)
    std::uint16_t failed = 0;
    std::uint16_t cancelled = 0;
};

struct DepthSummary
{
    int maxDepth = 0;
    int maxInFlight = 0;
    bool seen = false;
};

struct Summary
{
    static constexpr int kColumns = 2048;
    std::int64_t columnNs = 0; // width of one column; 0 while nothing is summarized
    std::int64_t until = 0; // everything before this time is summarized
    std::vector<std::vector<SummaryColumn>> lanes; // by lane index (parallel to lanes())
    std::vector<SummaryColumn> producer;
    std::vector<DepthSummary> depth;
    std::int64_t jobs = 0; // job records folded in
    int columnOf(std::int64_t t) const { return columnNs > 0 ? static_cast<int>(t / columnNs) : 0; }
    // The column holding t, the last one for a time past the grid.
    std::size_t clampedColumn(std::int64_t t) const
    {
        return static_cast<std::size_t>(std::min(columnOf(t), kColumns - 1));
    }

    // Makes the grid cover [0, to) for `laneCount` lanes: doubles the column width (merging
    // pairs) as often as needed.
    void widenTo(std::int64_t to, std::size_t laneCount);
    // Adds the time in [from, to) to `field` of the columns it crosses.
    void spread(std::vector<SummaryColumn> &columns, std::int64_t from, std::int64_t to,
                float SummaryColumn::*field) const;
};

} // namespace gui
