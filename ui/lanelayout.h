#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace gui {

// Where the timeline's worker lanes go, top down, in a pane that may be too short for them all.
// While every lane can be a line of text tall, lanes share the pane (up to a height that stays
// calm). Past that, a few lanes take a line each and scroll; many lanes are shown in groups of
// kGroupSize, each group one row that a view fills with how many of its lanes were busy (a heat
// row) until it is expanded into its lanes, as a trace viewer's track groups are. Lanes can come
// in groups of their own instead (a listener's senders: each program's lanes under its name), in
// an order of their own: each such group is a heat row followed, while it is open, by its lanes.
// Rows are in content coordinates (0 at the top of the first row); scroll() says which of them
// are in view.
//
// A row names its lanes by position in the display order; lane(position) is the lane's index.
class LaneLayout
{
public:
    static constexpr int kGroupSize = 8;
    // Fewer lanes than this never group: a handful of rows scrolls as readily as it expands.
    static constexpr int kGroupFrom = 24;

    struct Row
    {
        int first = 0; // the position of its first lane in the display order
        int lanes = 1;
        int group = -1; // a group row: its group; -1 for a lane's own row
        bool isGroup() const { return group >= 0; }
        int top = 0;
        int height = 0;
        int bottom() const { return top + height; }
    };

    struct Pane
    {
        int lanes = 0;
        int height = 0; // for the lanes
        int lineHeight = 14; // a lane this tall shows its label
        int maxLaneHeight = 34;
        // Groups of their own: each the indices of its lanes, in display order. Lanes in none of
        // them follow, one row each. Empty: lanes in index order, grouped by kGroupSize when many.
        std::vector<std::vector<int>> groups;
    };

    void update(const Pane &pane);
    const std::vector<Row> &rows() const { return m_rows; }
    bool grouped() const { return m_grouped; }
    // Whether the groups are the pane's own (Pane::groups) rather than kGroupSize lanes each.
    bool ownGroups() const { return !m_pane.groups.empty(); }
    // The lane shown at a position of the display order.
    int lane(int position) const
    {
        return m_order.empty() ? position : m_order[static_cast<std::size_t>(position)];
    }
    int contentHeight() const { return m_rows.empty() ? 0 : m_rows.back().bottom(); }

    int scroll() const { return m_scroll; }
    int maxScroll() const { return std::max(0, contentHeight() - m_pane.height); }
    void setScroll(int y);
    // The rows that show in the pane at the current scroll: [first, last).
    std::pair<std::size_t, std::size_t> rowsInView() const;
    // The row at y within the pane (0: its top), or -1.
    int rowAt(int y) const;
    // The row that shows a lane: its own, or its group's while that is collapsed.
    int rowOfLane(int lane) const;

    bool expanded(int group) const;
    void setExpanded(int group, bool on);
    // The group a lane is in, or -1.
    int groupOfLane(int lane) const;
    // Expands the lane's group if need be and scrolls so that the lane's row is in view.
    void reveal(int lane);

private:
    void layOutOwnGroups(int lanes, int line);
    int positionOf(int lane) const;

    Pane m_pane;
    std::vector<Row> m_rows;
    std::vector<int> m_order; // position → lane; empty: the identity
    std::vector<int> m_positionOf; // lane → position, while m_order is not empty
    std::vector<int> m_groupAt; // position → its group (own groups), -1: none
    // By group: 1 open, 0 closed, -1 as the layout sees fit (own groups open while they fit).
    std::vector<signed char> m_expanded;
    bool m_grouped = false;
    bool m_crowded = false;
    int m_scroll = 0;
};

} // namespace gui
