#include "ui/timewindow.h"

#include <algorithm>
#include <cmath>

namespace gui {

TimeWindow::TimeWindow(QObject *parent)
    : QObject(parent)
{ }

void TimeWindow::setRange(coords::Range range)
{
    if (range.length() < kMinLength)
        range.end = range.start + kMinLength;
    if (range == m_range)
        return;
    m_range = range;
    Q_EMIT rangeChanged();
}

void TimeWindow::follow(std::int64_t now)
{
    if (!m_followLive)
        return;
    const std::int64_t length = m_range.length();
    // Until the run is longer than the window, show it from its start.
    const std::int64_t end = std::max(now, length);
    setRange({end - length, end});
}

void TimeWindow::setFollowLive(bool follow)
{
    if (m_followLive == follow)
        return;
    m_followLive = follow;
    Q_EMIT followLiveChanged(follow);
}

void TimeWindow::setExtent(std::int64_t end, bool over)
{
    m_extentEnd = std::max<std::int64_t>(end, 0);
    m_over = over;
}

// Shifts a window that went past the data's end (plus the margin) or before 0 back onto it; a
// window longer than the data starts at 0.
coords::Range TimeWindow::keptOnData(coords::Range range) const
{
    const std::int64_t length = range.length();
    if (m_over && range.end > m_extentEnd + margin(length)) {
        range.start = std::max<std::int64_t>(0, m_extentEnd + margin(length) - length);
        range.end = range.start + length;
    }
    if (range.start < 0)
        range = {0, length};
    return range;
}

void TimeWindow::zoomAround(std::int64_t anchor, double factor)
{
    m_moved = true;
    if (m_followLive && !m_over) {
        // Zooming while following keeps the right edge at now.
        anchor = m_range.end;
    }
    setRange(keptOnData(coords::zoomAround(m_range, anchor, factor, kMinLength)));
}

void TimeWindow::zoomBy(double factor, std::int64_t anchor)
{
    if (anchor < 0) {
        // The middle of the data in view; of all of it when none is.
        const std::int64_t from = std::clamp<std::int64_t>(m_range.start, 0, m_extentEnd);
        const std::int64_t to = std::clamp<std::int64_t>(m_range.end, 0, m_extentEnd);
        anchor = to > from ? from + (to - from) / 2 : m_extentEnd / 2;
    }
    zoomAround(anchor, factor);
}

void TimeWindow::panBy(std::int64_t dt)
{
    m_moved = true;
    setFollowLive(false);
    setRange(keptOnData(coords::pan(m_range, dt)));
}

void TimeWindow::showStart()
{
    m_moved = true;
    setFollowLive(false);
    setRange({0, m_range.length()});
}

void TimeWindow::showEnd()
{
    m_moved = true;
    const std::int64_t length = m_range.length();
    if (!m_over) {
        setFollowLive(true);
        follow(m_extentEnd);
        return;
    }
    setFollowLive(false);
    const std::int64_t end = std::max(m_extentEnd + margin(length), length);
    setRange({end - length, end});
}

void TimeWindow::showAll()
{
    m_moved = false; // back to what a run that ends shows by itself
    setFollowLive(false);
    setRange({0, std::max<std::int64_t>(m_extentEnd + m_extentEnd / 50, kMinLength)});
}

void TimeWindow::reset()
{
    setFollowLive(true);
    m_extentEnd = 0;
    m_over = false;
    m_moved = false;
    setRange({0, kDefaultLength});
}

} // namespace gui
