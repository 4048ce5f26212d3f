#include "ui/lanelayout.h"

#include <algorithm>

namespace gui {

void LaneLayout::update(const Pane &pane)
{
    m_pane = pane;
    m_rows.clear();
    const int lanes = std::max(0, pane.lanes);
    const int line = std::max(1, pane.lineHeight);
    m_grouped = lanes >= kGroupFrom && lanes * line > pane.height;
    if (!m_grouped) {
        // Shared out while each gets a line; a line each (and a scroll) when they do not fit.
        const int h = lanes > 0
            ? std::clamp(pane.height / lanes, line, std::max(line, pane.maxLaneHeight))
            : line;
        for (int lane = 0; lane < lanes; ++lane)
            m_rows.push_back(
                {.firstLane = lane, .lanes = 1, .group = false, .top = lane * h, .height = h});
    } else {
        const int groups = (lanes + kGroupSize - 1) / kGroupSize;
        m_expanded.resize(static_cast<std::size_t>(groups), false);
        // Group rows share the pane as lanes do (a few groups get tall heat rows); the lanes of an
        // open group are a line each.
        const int groupH
            = std::clamp(pane.height / groups, line, std::max(line, pane.maxLaneHeight));
        int top = 0;
        for (int g = 0; g < groups; ++g) {
            const int first = g * kGroupSize;
            const int count = std::min(kGroupSize, lanes - first);
            m_rows.push_back(
                {.firstLane = first, .lanes = count, .group = true, .top = top, .height = groupH});
            top += groupH;
            if (!m_expanded[static_cast<std::size_t>(g)])
                continue;
            for (int lane = first; lane < first + count; ++lane) {
                m_rows.push_back(
                    {.firstLane = lane, .lanes = 1, .group = false, .top = top, .height = line});
                top += line;
            }
        }
    }
    setScroll(m_scroll);
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

int LaneLayout::rowOfLane(int lane) const
{
    int found = -1;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows[i];
        if (lane >= row.firstLane && lane < row.firstLane + row.lanes) {
            found = static_cast<int>(i);
            if (!row.group)
                break; // the lane's own row beats its group's
        }
    }
    return found;
}

bool LaneLayout::expanded(int group) const
{
    return group >= 0 && static_cast<std::size_t>(group) < m_expanded.size()
        && m_expanded[static_cast<std::size_t>(group)];
}

void LaneLayout::setExpanded(int group, bool on)
{
    if (group < 0)
        return;
    if (static_cast<std::size_t>(group) >= m_expanded.size())
        m_expanded.resize(static_cast<std::size_t>(group) + 1, false);
    m_expanded[static_cast<std::size_t>(group)] = on;
    update(m_pane);
}

void LaneLayout::reveal(int lane)
{
    if (m_grouped && !expanded(lane / kGroupSize))
        setExpanded(lane / kGroupSize, true);
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
