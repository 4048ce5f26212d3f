#pragma once

#include "ui/timecoords.h"

#include <QObject>

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
    void zoomAround(std::int64_t anchor, double factor);
    void panBy(std::int64_t dt); // leaves follow-live
    void reset();

Q_SIGNALS:
    void rangeChanged();
    void followLiveChanged(bool follow);

private:
    coords::Range m_range {0, kDefaultLength};
    bool m_followLive = true;
};

} // namespace gui
