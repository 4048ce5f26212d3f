#include "ui/overlaychart.h"

#include "engine/durationformat.h"
#include "ui/timecoords.h"
#include "ui/timelineview.h"

#include <QPainter>
#include <algorithm>

namespace gui {

using engine::EventKind;

OverlayChart::OverlayChart(Mode mode, TimeWindow *window, QWidget *parent)
    : QWidget(parent)
    , m_mode(mode)
    , m_window(window)
    , m_theme(Theme::fromPalette(palette()))
{
    if (m_window)
        connect(m_window, &TimeWindow::rangeChanged, this, qOverload<>(&QWidget::update));
    setAccessibleName(mode == Mode::QueueDepth ? tr("Queue depth of both runs")
                                               : tr("Latency distributions of both runs"));
}

std::vector<OverlayChart::DepthSample>
OverlayChart::depthSamples(std::span<const engine::PoolEvent> events)
{
    std::vector<DepthSample> samples;
    for (const engine::PoolEvent &e : events) {
        if (e.kind == EventKind::JobEnqueued || e.kind == EventKind::JobStarted
            || e.kind == EventKind::JobDiscarded)
            samples.push_back({e.t, static_cast<int>(e.extra)});
    }
    std::stable_sort(samples.begin(), samples.end(),
                     [](const DepthSample &x, const DepthSample &y) { return x.t < y.t; });
    return samples;
}

int OverlayChart::maxDepth(const std::vector<DepthSample> &samples, std::int64_t from,
                           std::int64_t to)
{
    auto it = std::lower_bound(samples.begin(), samples.end(), from,
                               [](const DepthSample &s, std::int64_t t) { return s.t < t; });
    int most = it == samples.begin() ? 0 : std::prev(it)->depth; // held from before
    for (; it != samples.end() && it->t < to; ++it)
        most = std::max(most, it->depth);
    return most;
}

void OverlayChart::setRuns(std::vector<DepthSample> a, std::vector<DepthSample> b)
{
    m_depth = {std::move(a), std::move(b)};
    update();
}

void OverlayChart::setLatencies(const engine::Histogram &a, const engine::Histogram &b)
{
    m_latency = {a, b};
    update();
}

void OverlayChart::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

QColor OverlayChart::colourOf(int run, const Theme &theme)
{
    if (run == 0)
        return theme.inFlight;
    return theme.dark ? QColor(0xf0, 0xa0, 0x50) : QColor(0xc8, 0x5a, 0x00);
}

void OverlayChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    if (m_mode == Mode::QueueDepth)
        paintDepth(p);
    else
        paintLatency(p);
}

void OverlayChart::paintDepth(QPainter &p)
{
    const QFontMetrics m = fontMetrics();
    const QRect plot(TimelineView::kGutter, m.height() + 4, width() - TimelineView::kGutter,
                     height() - m.height() - 8);
    p.setPen(m_theme.text);
    p.drawText(QRect(4, 0, width() - 8, m.height()), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Queue depth, A and B on the timelines' time axis"));
    const coords::Range r = m_window->range();
    const int columns = std::max(1, plot.width());
    std::array<std::vector<int>, 2> heights;
    int top = 1;
    for (int run = 0; run < 2; ++run) {
        heights[run].resize(static_cast<std::size_t>(columns));
        for (int x = 0; x < columns; ++x) {
            const std::int64_t from = coords::timeForX(x, r.start, r.end, columns);
            const std::int64_t to = coords::timeForX(x + 1, r.start, r.end, columns);
            heights[run][static_cast<std::size_t>(x)] = maxDepth(m_depth[run], from, to);
            top = std::max(top, heights[run][static_cast<std::size_t>(x)]);
        }
    }
    const double scale = plot.height() / (top * 1.1);
    p.setPen(m_theme.mutedText);
    for (const int v : {0, top}) {
        const double y = plot.bottom() - v * scale;
        p.fillRect(QRectF(plot.left(), std::round(y), plot.width(), 1), m_theme.grid);
        p.drawText(QRectF(0, y - m.height() / 2.0, plot.left() - 6, m.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QString::number(v));
    }
    for (int run = 0; run < 2; ++run) {
        QPolygonF line;
        for (int x = 0; x < columns; ++x) {
            const double y = plot.bottom() - heights[run][static_cast<std::size_t>(x)] * scale;
            if (!line.isEmpty())
                line << QPointF(plot.left() + x, line.back().y());
            line << QPointF(plot.left() + x, y);
        }
        p.setPen(QPen(colourOf(run, m_theme), 1.5));
        p.drawPolyline(line);
    }
}

void OverlayChart::paintLatency(QPainter &p)
{
    const QFontMetrics m = fontMetrics();
    const double left = m.horizontalAdvance(QStringLiteral("100%")) + 10;
    const QRectF plot(left, m.height() + 6, width() - left - 16, height() - 2 * m.height() - 14);
    p.setPen(m_theme.text);
    p.drawText(QRectF(4, 0, width() - 8, m.height()), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Latency distributions (share of jobs done within a latency), p95 marked"));
    const std::int64_t maxNs = std::max(m_latency[0].max(), m_latency[1].max());
    p.setPen(m_theme.mutedText);
    for (const double share : {0.0, 0.5, 1.0}) {
        const double y = plot.bottom() - share * plot.height();
        p.fillRect(QRectF(plot.left(), std::round(y), plot.width(), 1), m_theme.grid);
        p.drawText(QRectF(0, y - m.height() / 2.0, plot.left() - 4, m.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1%").arg(share * 100));
    }
    if (maxNs <= 0) {
        p.drawText(plot, Qt::AlignCenter, tr("no results"));
        return;
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), m.height()),
               Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), m.height()),
               Qt::AlignRight | Qt::AlignTop, engine::displayDuration(maxNs));
    const auto xOf = [&](std::int64_t ns) {
        return plot.left() + plot.width() * static_cast<double>(ns) / static_cast<double>(maxNs);
    };
    p.setRenderHint(QPainter::Antialiasing);
    constexpr int kSteps = 200;
    for (int run = 0; run < 2; ++run) {
        const engine::Histogram &h = m_latency[run];
        if (h.count() == 0)
            continue;
        const QColor colour = colourOf(run, m_theme);
        QPolygonF curve;
        curve << QPointF(xOf(h.min()), plot.bottom());
        for (int i = 1; i <= kSteps; ++i) {
            const double share = static_cast<double>(i) / kSteps;
            const std::int64_t ns = i == kSteps ? h.max() : h.quantile(share);
            curve << QPointF(xOf(ns), plot.bottom() - share * plot.height());
        }
        p.setPen(QPen(colour, 2));
        p.drawPolyline(curve);
        const double x95 = xOf(h.quantile(0.95));
        p.setPen(QPen(colour, 1, Qt::DotLine));
        p.drawLine(QPointF(x95, plot.bottom() - 0.95 * plot.height()), QPointF(x95, plot.bottom()));
        const QString label = (run == 0 ? QStringLiteral("A p95 ") : QStringLiteral("B p95 "))
            + engine::displayDuration(h.quantile(0.95));
        const double w = m.horizontalAdvance(label) + 4;
        const double y = plot.bottom() - 0.95 * plot.height() - (run == 0 ? m.height() : 0);
        const double x = std::min(x95 + 3, plot.right() - w);
        p.setPen(colour);
        p.drawText(QRectF(x, y - m.height(), w, m.height()), Qt::AlignLeft | Qt::AlignBottom,
                   label);
    }
}

} // namespace gui
