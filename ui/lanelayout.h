#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace gui {

// Where the timeline's worker lanes go, top down, in a pane that may be too short for them all.
// While every lane can be a line of text tall, lanes share the pane (up to a height that stays
// calm). Past that, a few lanes take a line each and scroll; many lanes are shown in groups of
// kGroupSize, each group one row that a view fills with how many of its lanes were busy (a heat
// row) until it is expanded into its lanes, as a trace viewer's track groups are. Rows are in
// content coordinates (0 at the top of the first row); scroll() says which of them are in view.
class LaneLayout
{
public:
    static constexpr int kGroupSize = 8;
    // Fewer lanes than this never group: a handful of rows scrolls as readily as it expands.
    static constexpr int kGroupFrom = 24;

    struct Row
    {
        int firstLane = 0;
        int lanes = 1; // > 1 (or a group of the last few lanes): a group row
        bool group = false;
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
    };

    void update(const Pane &pane);
    const std::vector<Row> &rows() const { return m_rows; }
    bool grouped() const { return m_grouped; }
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
    // Expands the lane's group if need be and scrolls so that the lane's row is in view.
    void reveal(int lane);

private:
    Pane m_pane;
    std::vector<Row> m_rows;
    std::vector<bool> m_expanded; // by group
    bool m_grouped = false;
    int m_scroll = 0;
};

} // namespace gui
