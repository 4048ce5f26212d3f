#include "ui/timewindow.h"

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

void TimeWindow::zoomAround(std::int64_t anchor, double factor)
{
    if (m_followLive) {
        // Zooming while following keeps the right edge at now.
        anchor = m_range.end;
    }
    setRange(coords::zoomAround(m_range, anchor, factor, kMinLength));
}

void TimeWindow::panBy(std::int64_t dt)
{
    setFollowLive(false);
    setRange(coords::pan(m_range, dt));
}

void TimeWindow::reset()
{
    setFollowLive(true);
    setRange({0, kDefaultLength});
}

} // namespace gui
