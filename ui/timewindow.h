#pragma once

#include "ui/timecoords.h"

#include <QObject>
#include <algorithm>
#include <cmath>

namespace gui {

// The visible stretch of run time, shared by the timeline and the queue chart. While following
// live, the window's right edge is "now" and keeps its length.
class TimeWindow : public QObject
{
    Q_OBJECT

public:
    static constexpr std::int64_t kMinLength = 1'000; // 1 µs
    static constexpr std::int64_t kDefaultLength = 4'000'000'000; // 4 s

    explicit TimeWindow(QObject *parent = nullptr);

    coords::Range range() const { return m_range; }
    bool followLive() const { return m_followLive; }

    void setRange(coords::Range range);
    // While following: slides the window so that its end is `now` (no signal if unchanged).
    void follow(std::int64_t now);
    void setFollowLive(bool follow);
    // What the run has so far: its data spans [0, end]; `over` once nothing more comes (a run
    // that ended, a replay standing still). While over, zooming and panning keep the data in
    // view: the window never goes past the end (plus a small margin) or before 0.
    void setExtent(std::int64_t end, bool over);
    // The wheel: zooms around the time under the mouse.
    void zoomAround(std::int64_t anchor, double factor);
    // The keys: zooms around `anchor` (a selection) or else the middle of the data in view;
    // following a live run, around now.
    void zoomBy(double factor, std::int64_t anchor = -1);
    void panBy(std::int64_t dt); // leaves follow-live
    void panByWindows(double windows) { panBy(std::llround(windows * double(m_range.length()))); }
    void showStart(); // leaves follow-live
    void showEnd(); // the newest moment; follows again while the run goes on
    // The whole run, with a margin after its end so that the last bar does not look cut off.
    void showAll();
    void reset();
    // Whether the person has zoomed or panned since the last reset or "whole run": a run that
    // ends then stays where they put it, else it is shown whole.
    bool moved() const { return m_moved; }

Q_SIGNALS:
    void rangeChanged();
    void followLiveChanged(bool follow);

private:
    coords::Range keptOnData(coords::Range range) const;
    // Room after the end: a fiftieth of the window, so that the last bar does not look cut off.
    static std::int64_t margin(std::int64_t length) { return length / 50; }

    coords::Range m_range {0, kDefaultLength};
    bool m_followLive = true;
    std::int64_t m_extentEnd = 0;
    bool m_over = false;
    bool m_moved = false;
};

} // namespace gui
