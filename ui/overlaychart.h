#pragma once

#include "engine/histogram.h"
#include "engine/poolevent.h"
#include "ui/theme.h"
#include "ui/timewindow.h"

#include <QWidget>
#include <array>
#include <vector>

namespace gui {

// Two runs drawn over each other, A and B in their own colours: the queue depth against time (on
// the time window the runs' timelines share, so that it lines up under them), or the latency
// distributions (the share of jobs done within a latency) on one latency axis, p95 marked.
class OverlayChart : public QWidget
{
    Q_OBJECT

public:
    enum class Mode : std::uint8_t { QueueDepth, LatencyCdf };
    struct DepthSample
    {
        std::int64_t t;
        int depth;
    };

    // `window` is the shared time axis (QueueDepth only).
    OverlayChart(Mode mode, TimeWindow *window, QWidget *parent = nullptr);

    // The queue depth after each queue operation of a run, in time order.
    static std::vector<DepthSample> depthSamples(std::span<const engine::PoolEvent> events);
    // The highest depth within [from, to), and the depth left at `from` (held from before).
    static int maxDepth(const std::vector<DepthSample> &samples, std::int64_t from,
                        std::int64_t to);

    void setRuns(std::vector<DepthSample> a, std::vector<DepthSample> b);
    void setLatencies(const engine::Histogram &a, const engine::Histogram &b);
    void setTheme(const Theme &theme);
    // The colours of A and B, for a legend beside the chart.
    static QColor colourOf(int run, const Theme &theme);

    QSize sizeHint() const override { return {900, 150}; }
    QSize minimumSizeHint() const override { return {300, 110}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintDepth(class QPainter &p);
    void paintLatency(class QPainter &p);

    Mode m_mode;
    TimeWindow *m_window;
    std::array<std::vector<DepthSample>, 2> m_depth;
    std::array<engine::Histogram, 2> m_latency;
    Theme m_theme;
};

} // namespace gui
