#include "ui/lanelayout.h"

#include <algorithm>

namespace gui {

void LaneLayout::update(const Pane &pane)
{
    m_pane = pane;
    m_rows.clear();
    m_order.clear();
    m_positionOf.clear();
    m_groupAt.clear();
    const int lanes = std::max(0, pane.lanes);
    const int line = std::max(1, pane.lineHeight);
    if (!m_pane.groups.empty()) {
        layOutOwnGroups(lanes, line);
        setScroll(m_scroll);
        return;
    }
    m_crowded = lanes >= kGroupFrom && lanes * line > pane.height;
    m_grouped = m_crowded;
    if (!m_grouped) {
        // Shared out while each gets a line; a line each (and a scroll) when they do not fit.
        const int h = lanes > 0
            ? std::clamp(pane.height / lanes, line, std::max(line, pane.maxLaneHeight))
            : line;
        for (int lane = 0; lane < lanes; ++lane)
            m_rows.push_back(
                {.first = lane, .lanes = 1, .group = -1, .top = lane * h, .height = h});
    } else {
        const int groups = (lanes + kGroupSize - 1) / kGroupSize;
        if (m_expanded.size() < static_cast<std::size_t>(groups))
            m_expanded.resize(static_cast<std::size_t>(groups), -1);
        // Group rows share the pane as lanes do (a few groups get tall heat rows); the lanes of an
        // open group are a line each.
        const int groupH
            = std::clamp(pane.height / groups, line, std::max(line, pane.maxLaneHeight));
        int top = 0;
        for (int g = 0; g < groups; ++g) {
            const int first = g * kGroupSize;
            const int count = std::min(kGroupSize, lanes - first);
            m_rows.push_back(
                {.first = first, .lanes = count, .group = g, .top = top, .height = groupH});
            top += groupH;
            if (!expanded(g))
                continue;
            for (int lane = first; lane < first + count; ++lane) {
                m_rows.push_back(
                    {.first = lane, .lanes = 1, .group = -1, .top = top, .height = line});
                top += line;
            }
        }
    }
    setScroll(m_scroll);
}

// The pane's own groups: the display order puts each group's lanes together (each lane once, in
// the first group that names it), then the lanes of none. Every group with lanes is a heat row;
// an open group's lanes follow it. Groups are open unless the lanes are too many to show at a
// line each (then they start closed, as the automatic groups do); the heat rows of closed groups
// share the pane while no group is open.
void LaneLayout::layOutOwnGroups(int lanes, int line)
{
    std::vector<char> placed(static_cast<std::size_t>(lanes), 0);
    std::vector<std::pair<int, int>> spans; // per group: its first position and its lanes
    for (const std::vector<int> &group : m_pane.groups) {
        const int first = static_cast<int>(m_order.size());
        for (const int lane : group) {
            if (lane >= 0 && lane < lanes && placed[static_cast<std::size_t>(lane)] == 0) {
                placed[static_cast<std::size_t>(lane)] = 1;
                m_order.push_back(lane);
            }
        }
        spans.emplace_back(first, static_cast<int>(m_order.size()) - first);
    }
    for (int lane = 0; lane < lanes; ++lane) {
        if (placed[static_cast<std::size_t>(lane)] == 0)
            m_order.push_back(lane);
    }
    m_positionOf.assign(static_cast<std::size_t>(lanes), -1);
    for (std::size_t at = 0; at < m_order.size(); ++at)
        m_positionOf[static_cast<std::size_t>(m_order[at])] = static_cast<int>(at);
    m_groupAt.assign(static_cast<std::size_t>(lanes), -1);
    int headers = 0;
    for (std::size_t g = 0; g < spans.size(); ++g) {
        const auto [first, count] = spans[g];
        std::fill_n(m_groupAt.begin() + first, count, static_cast<int>(g));
        headers += count > 0 ? 1 : 0;
    }
    m_grouped = true;
    m_crowded = lanes >= kGroupFrom && (lanes + headers) * line > m_pane.height;
    if (m_expanded.size() < spans.size())
        m_expanded.resize(spans.size(), -1);

    int shown = lanes; // lanes with a row of their own: the open groups' and those of none
    for (std::size_t g = 0; g < spans.size(); ++g)
        shown -= expanded(static_cast<int>(g)) ? 0 : spans[g].second;
    const int maxH = std::max(line, m_pane.maxLaneHeight);
    const int headerH
        = shown == 0 && headers > 0 ? std::clamp(m_pane.height / headers, line, maxH) : line;
    const int laneH
        = shown > 0 ? std::clamp((m_pane.height - headers * headerH) / shown, line, maxH) : line;
    int top = 0;
    const auto laneRows = [&](int first, int count) {
        for (int at = first; at < first + count; ++at) {
            m_rows.push_back({.first = at, .lanes = 1, .group = -1, .top = top, .height = laneH});
            top += laneH;
        }
    };
    for (std::size_t g = 0; g < spans.size(); ++g) {
        const auto [first, count] = spans[g];
        if (count == 0)
            continue;
        m_rows.push_back({.first = first,
                          .lanes = count,
                          .group = static_cast<int>(g),
                          .top = top,
                          .height = headerH});
        top += headerH;
        if (expanded(static_cast<int>(g)))
            laneRows(first, count);
    }
    const int ungrouped = spans.empty() ? 0 : spans.back().first + spans.back().second;
    laneRows(ungrouped, lanes - ungrouped);
}

void LaneLayout::setScroll(int y)
{
    m_scroll = std::clamp(y, 0, maxScroll());
}

std::pair<std::size_t, std::size_t> LaneLayout::rowsInView() const
{
    const auto below = [](const Row &row, int y) {
        return row.bottom() <= y;
    };
    const auto first = std::lower_bound(m_rows.begin(), m_rows.end(), m_scroll, below);
    const auto last = std::lower_bound(first, m_rows.end(), m_scroll + m_pane.height,
                                       [](const Row &row, int y) { return row.top < y; });
    return {static_cast<std::size_t>(first - m_rows.begin()),
            static_cast<std::size_t>(last - m_rows.begin())};
}

int LaneLayout::rowAt(int y) const
{
    if (y < 0 || y >= m_pane.height)
        return -1;
    const int at = y + m_scroll;
    const auto it = std::upper_bound(m_rows.begin(), m_rows.end(), at,
                                     [](int v, const Row &row) { return v < row.bottom(); });
    return it != m_rows.end() && it->top <= at ? static_cast<int>(it - m_rows.begin()) : -1;
}

int LaneLayout::positionOf(int lane) const
{
    if (m_order.empty())
        return lane;
    return lane >= 0 && static_cast<std::size_t>(lane) < m_positionOf.size()
        ? m_positionOf[static_cast<std::size_t>(lane)]
        : -1;
}

int LaneLayout::rowOfLane(int lane) const
{
    const int at = positionOf(lane);
    int found = -1;
    for (std::size_t i = 0; at >= 0 && i < m_rows.size(); ++i) {
        const Row &row = m_rows[i];
        if (at >= row.first && at < row.first + row.lanes) {
            found = static_cast<int>(i);
            if (!row.isGroup())
                break; // the lane's own row beats its group's
        }
    }
    return found;
}

int LaneLayout::groupOfLane(int lane) const
{
    if (ownGroups()) {
        const int at = positionOf(lane);
        return at >= 0 && static_cast<std::size_t>(at) < m_groupAt.size()
            ? m_groupAt[static_cast<std::size_t>(at)]
            : -1;
    }
    return m_grouped && lane >= 0 ? lane / kGroupSize : -1;
}

bool LaneLayout::expanded(int group) const
{
    if (group < 0 || static_cast<std::size_t>(group) >= m_expanded.size())
        return false;
    const signed char on = m_expanded[static_cast<std::size_t>(group)];
    return on == 1 || (on < 0 && ownGroups() && !m_crowded);
}

void LaneLayout::setExpanded(int group, bool on)
{
    if (group < 0)
        return;
    if (static_cast<std::size_t>(group) >= m_expanded.size())
        m_expanded.resize(static_cast<std::size_t>(group) + 1, -1);
    m_expanded[static_cast<std::size_t>(group)] = on ? 1 : 0;
    update(m_pane);
}

void LaneLayout::reveal(int lane)
{
    if (const int group = groupOfLane(lane); group >= 0 && !expanded(group))
        setExpanded(group, true);
    const int row = rowOfLane(lane);
    if (row < 0)
        return;
    const Row &r = m_rows[static_cast<std::size_t>(row)];
    if (r.top < m_scroll)
        setScroll(r.top);
    else if (r.bottom() > m_scroll + m_pane.height)
        setScroll(r.bottom() - m_pane.height);
}

} // namespace gui
