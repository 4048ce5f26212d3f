#include "ui/historysummary.h"

namespace gui {

void Summary::widenTo(std::int64_t to, std::size_t laneCount)
{
    Summary &s = *this;
    if (s.columnNs == 0)
        s.columnNs = std::max<std::int64_t>(1000, (to + Summary::kColumns - 1) / Summary::kColumns);
    auto mergePairs = [](auto &columns, auto merge) {
        for (std::size_t i = 0; i < columns.size() / 2; ++i)
            columns[i] = merge(columns[2 * i], columns[2 * i + 1]);
        if (columns.size() % 2 == 1)
            columns[columns.size() / 2] = columns.back();
        columns.resize((columns.size() + 1) / 2);
    };
    auto mergeColumns = [](const SummaryColumn &a, const SummaryColumn &b) {
        return SummaryColumn {
            a.busyNs + b.busyNs, a.blockedNs + b.blockedNs, a.jobs + b.jobs,
            static_cast<std::uint16_t>(std::min(65535, a.failed + b.failed)),
            static_cast<std::uint16_t>(std::min(65535, a.cancelled + b.cancelled))};
    };
    auto mergeDepth = [](const DepthSummary &a, const DepthSummary &b) {
        return DepthSummary {std::max(a.maxDepth, b.maxDepth),
                             std::max(a.maxInFlight, b.maxInFlight), a.seen || b.seen};
    };
    while (to > s.columnNs * Summary::kColumns) {
        s.columnNs *= 2;
        for (auto &lane : s.lanes)
            mergePairs(lane, mergeColumns);
        mergePairs(s.producer, mergeColumns);
        mergePairs(s.depth, mergeDepth);
    }
    const auto columns = static_cast<std::size_t>(Summary::kColumns);
    s.lanes.resize(laneCount);
    for (auto &lane : s.lanes)
        lane.resize(columns);
    s.producer.resize(columns);
    s.depth.resize(columns);
}

void Summary::spread(std::vector<SummaryColumn> &columns, std::int64_t from, std::int64_t to,
                     float SummaryColumn::*field) const
{
    for (std::int64_t t = from; t < to;) {
        const std::size_t c = clampedColumn(t);
        const std::int64_t columnEnd = (static_cast<std::int64_t>(c) + 1) * columnNs;
        const std::int64_t piece = std::min(to, columnEnd) - t;
        columns[c].*field += static_cast<float>(piece);
        t += std::max<std::int64_t>(piece, 1);
    }
}

} // namespace gui
