#include "ui/queuechart.h"

#include "ui/timelineview.h"

#include <QPainter>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

namespace gui {

QueueChart::QueueChart(const RunModel *model, TimeWindow *window, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_window(window)
    , m_theme(Theme::fromPalette(palette()))
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Queue depth chart"));
    setAccessibleDescription(tr("Queue depth, capacity, busy workers and results over time"));
    connect(window, &TimeWindow::rangeChanged, this, qOverload<>(&QWidget::update));
}

void QueueChart::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

// Long: still works out what is in view beside drawing it, until a scene does that.
// NOLINTNEXTLINE(readability-function-size)
void QueueChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    const int gutter = TimelineView::kGutter;
    const int axis = TimelineView::kAxisHeight;
    const QFontMetrics metrics = fontMetrics();
    const QRect plot(gutter, metrics.height() + 4, width() - gutter,
                     height() - axis - metrics.height() - 6);
    const coords::Range r = m_window->range();
    const auto &points = m_model->depth();
    const std::int64_t now = m_model->endT();

    // Scale: the larger of the capacity (when it is small enough to matter) and the depth seen.
    // Searches read the samples' times alone (History::gallopKey).
    auto first = points.begin()
        + static_cast<std::ptrdiff_t>(points.gallopKey(0, points.size(), r.start + 1));
    if (first != points.begin())
        --first;
    auto last = points.begin()
        + static_cast<std::ptrdiff_t>(points.gallopKey(
            static_cast<std::size_t>(first - points.begin()), points.size(), r.end + 1));
    const auto seen = m_model->depthExtremes(static_cast<std::size_t>(first - points.begin()),
                                             static_cast<std::size_t>(last - points.begin()));
    int maxValue = std::max({1, seen.maxDepth, seen.maxBusy});
    const int capacity = m_model->queueCapacity();
    const bool showCapacity = capacity > 0 && capacity <= std::max(maxValue * 4, 8);
    if (showCapacity)
        maxValue = std::max(maxValue, capacity);
    maxValue = std::max(maxValue, m_model->config().workers);
    const double yScale = plot.height() / (maxValue * 1.1);
    auto yOf = [&](double v) {
        return plot.bottom() - v * yScale;
    };
    auto xOf = [&](std::int64_t t) {
        return plot.left() + coords::xForTime(t, r.start, r.end, plot.width());
    };

    // Grid and left labels.
    for (double frac : {0.0, 0.5, 1.0}) {
        const int y = static_cast<int>(yOf(maxValue * frac));
        p.fillRect(QRect(plot.left(), y, plot.width(), 1), m_theme.grid);
    }
    p.setPen(m_theme.mutedText);
    p.drawText(QRect(4, static_cast<int>(yOf(maxValue)) - metrics.height() / 2, gutter - 10,
                     metrics.height()),
               Qt::AlignRight | Qt::AlignVCenter, QString::number(maxValue));
    p.drawText(QRect(4, plot.bottom() - metrics.height() / 2, gutter - 10, metrics.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));

    p.setClipRect(plot.adjusted(0, -2, 1, 1));
    if (showCapacity) {
        p.setPen(QPen(m_theme.capacity, 1, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), yOf(capacity)), QPointF(plot.right(), yOf(capacity)));
    }

    // Summarized stretch: per pixel column, the highest depth and busy count seen there.
    const Summary &summary = m_model->summary();
    if (summary.columnNs > 0 && summary.until > r.start) {
        const int xFrom
            = std::max(plot.left(), static_cast<int>(xOf(std::max<std::int64_t>(r.start, 0))));
        const int xTo
            = std::min(plot.right(), static_cast<int>(xOf(std::min(summary.until, r.end))));
        // One rectangle per run of columns of the same height (a steady pool gives a few long
        // runs, not a line per pixel column).
        QVector<QRectF> depthBars, busyBars;
        auto addBar = [&](QVector<QRectF> &bars, int x, int value) {
            const double top = std::round(yOf(value));
            const QRectF bar(x, top, 1, plot.bottom() + 1 - top);
            if (!bars.isEmpty() && bars.back().right() == bar.left()
                && bars.back().top() == bar.top())
                bars.back().setRight(bar.right());
            else
                bars << bar;
        };
        for (int x = xFrom; x < xTo; ++x) {
            const std::int64_t t0 = coords::timeForX(x - plot.left(), r.start, r.end, plot.width());
            const std::int64_t t1
                = coords::timeForX(x + 1 - plot.left(), r.start, r.end, plot.width());
            int depth = 0, busy = 0;
            for (int c = std::max(0, summary.columnOf(t0));
                 c <= std::min(summary.columnOf(std::max(t0, t1 - 1)), Summary::kColumns - 1);
                 ++c) {
                depth = std::max(depth, summary.depth[static_cast<std::size_t>(c)].maxDepth);
                busy = std::max(busy, summary.depth[static_cast<std::size_t>(c)].maxInFlight);
            }
            if (busy > 0)
                addBar(busyBars, x, busy);
            if (depth > 0)
                addBar(depthBars, x, depth);
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_theme.summarized);
        p.drawRects(busyBars);
        p.setBrush(m_theme.depth);
        p.drawRects(depthBars);
        p.setBrush(Qt::NoBrush);
    }

    // Step lines, per pixel column: the line arrives at the previous value, spans the extremes
    // seen there, and leaves at the last one. The columns
    // (which samples each holds, found by galloping search, and their extremes, by blocks) are
    // the same for both lines: worked out once.
    struct Column
    {
        double x;
        DepthPoint leaving; // its last sample: the value the lines leave it at
        RunModel::DepthExtremes extremes;
    };
    std::vector<Column> columns;
    if (first != last) {
        const auto end = static_cast<std::size_t>(last - points.begin());
        const std::int64_t sixteenth
            = (r.end - r.start) / (std::int64_t {16} * std::max(1, plot.width()));
        constexpr std::size_t block = RunModel::kDepthBlock;
        for (auto at = static_cast<std::size_t>(first - points.begin()) + 1; at < end;) {
            const double x = std::floor(xOf(points.key(at))) + 0.5;
            const std::int64_t columnEnd
                = coords::timeForX(std::floor(x) + 1 - plot.left(), r.start, r.end, plot.width());
            // A column of thousands of samples may end a little past its edge, at the start of
            // the next chunk or block of them (depthExtremes then reads no single samples), when
            // the samples that takes from the next column all lie within a sixteenth of a pixel
            // of the edge. The next chunk's start, and its time, come from the history's table
            // of first keys: such a column reads one sample, the one the lines leave it at.
            const auto [lo, hi] = points.keyBounds(at, end, columnEnd);
            std::size_t stop = hi;
            if (lo < at + 16 * block || hi == end || points.key(hi) >= columnEnd + sixteenth) {
                stop = std::max(at + 1, points.gallopKey(lo, hi, columnEnd));
                const std::size_t aligned = (stop + block - 1) / block * block;
                if (stop - at >= 16 * block && aligned > stop && aligned <= end
                    && points.key(aligned - 1) < columnEnd + sixteenth)
                    stop = aligned;
            }
            columns.push_back({x, points[stop - 1], m_model->depthExtremes(at, stop)});
            at = stop;
        }
    }
    // Drawn as 1-pixel rectangles (the fast solid fill) rather than a polyline: a busy line's
    // extremes span the chart's height in every column of a flat-out run, and rasterizing that
    // many long vertical segments as lines cost ~1.5 ms a frame.
    auto stepLine = [&](auto value, bool busy, const QColor &color) {
        if (first == last)
            return;
        QVector<QRect> rects;
        rects.reserve(2 * static_cast<qsizetype>(columns.size()) + 2);
        auto vertical = [&](int x, double a, double b) {
            const int top = static_cast<int>(std::lround(std::min(a, b)));
            const int bottom = static_cast<int>(std::lround(std::max(a, b)));
            // Neighbouring columns of the same extent (a busy pool swinging between none and
            // all busy in every column) join into one rectangle: far fewer spans to fill.
            if (!rects.isEmpty() && rects.back().right() == x - 1 && rects.back().top() == top
                && rects.back().bottom() == bottom)
                rects.back().setRight(x);
            else
                rects << QRect(x, top, 1, bottom - top + 1);
        };
        auto horizontal = [&](int x0, int x1, double y) {
            if (x1 > x0)
                rects << QRect(x0, static_cast<int>(std::lround(y)), x1 - x0, 1);
        };
        double y = yOf(value(*first));
        int x = static_cast<int>(std::floor(xOf(std::max(first->t, r.start))));
        for (const Column &c : columns) {
            const int cx = static_cast<int>(std::floor(c.x));
            horizontal(x, cx, y); // at the value held so far
            const double lo = yOf(busy ? c.extremes.maxBusy : c.extremes.maxDepth);
            const double hi = yOf(busy ? c.extremes.minBusy : c.extremes.minDepth);
            const double next = yOf(value(c.leaving));
            // The column: from the value held, through its extremes, to the value it leaves at.
            vertical(cx, std::min({y, lo, next}), std::max({y, hi, next}));
            y = next;
            x = cx + 1;
        }
        horizontal(x, static_cast<int>(std::floor(xOf(std::min(now, r.end)))) + 1, y);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRects(rects);
        p.setBrush(Qt::NoBrush);
    };
    stepLine([](const DepthPoint &pt) { return pt.inFlight; }, true, m_theme.inFlight);
    stepLine([](const DepthPoint &pt) { return pt.depth; }, false, m_theme.depth);

    // Cumulative results, scaled to the plot's height against the jobs submitted: one vertex per
    // pixel column of the detailed stretch, the count at the column's end.
    const double total = std::max<double>(1, static_cast<double>(m_model->submittedCount()));
    if (first != last) {
        QPolygonF path; // drawn as one polyline with a cosmetic pen: no path stroking
        const std::int64_t from = std::max(first->t, r.start);
        const std::int64_t to = std::min(now, r.end);
        std::size_t cursor = 0; // column by column the time only rises
        // Counted to a sixteenth of a pixel.
        const auto slack = static_cast<std::int64_t>(total / (plot.height() * 0.95 * 16));
        auto yOfResults = [&](std::int64_t t) {
            const auto results = m_model->resultsBy(t, &cursor, slack);
            return plot.bottom() - plot.height() * 0.95 * static_cast<double>(results) / total;
        };
        path << QPointF(xOf(from), yOfResults(from));
        for (double x = std::floor(xOf(from)) + 1; x <= xOf(to); x += 1) {
            const std::int64_t t
                = std::min(to, coords::timeForX(x - plot.left(), r.start, r.end, plot.width()));
            path << QPointF(x, yOfResults(t));
        }
        p.setPen(QPen(m_theme.throughput, 0, Qt::DotLine));
        p.drawPolyline(path);
    }
    p.setClipping(false);

    // Legend.
    int x = gutter;
    auto legend
        = [&](const QColor &color, const QString &text, Qt::PenStyle style = Qt::SolidLine) {
              p.setPen(QPen(color, 2, style));
              p.drawLine(x, metrics.height() / 2 + 2, x + 14, metrics.height() / 2 + 2);
              p.setPen(m_theme.text);
              p.drawText(QRect(x + 18, 1, metrics.horizontalAdvance(text) + 4, metrics.height()),
                         Qt::AlignVCenter, text);
              x += 18 + metrics.horizontalAdvance(text) + 16;
          };
    const int depthNow = points.empty() ? 0 : points.back().depth;
    legend(m_theme.depth, tr("queue depth %1").arg(depthNow));
    if (capacity == 0)
        legend(m_theme.capacity, tr("unbuffered hand-off"), Qt::DashLine);
    else
        legend(m_theme.capacity, tr("capacity %1").arg(capacity), Qt::DashLine);
    legend(m_theme.inFlight, tr("busy workers %1").arg(m_model->busyWorkers()));
    legend(m_theme.throughput,
           tr("results %1 / %2").arg(m_model->stats().results()).arg(m_model->submittedCount()),
           Qt::DotLine);
    // Rolling throughput: results in the last second of run time (or since the start).
    if (!points.empty()) {
        const std::int64_t windowNs
            = std::min<std::int64_t>(1'000'000'000, std::max<std::int64_t>(now, 1));
        const std::int64_t done = m_model->resultsBy(now) - m_model->resultsBy(now - windowNs);
        const double perSecond = static_cast<double>(done) * 1e9 / static_cast<double>(windowNs);
        p.setPen(m_theme.mutedText);
        p.drawText(QRect(x, 1, width() - x - 4, metrics.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("throughput %1/s (last second)")
                       .arg(QString::number(perSecond, 'f', perSecond < 100 ? 1 : 0)));
    }

    drawTimeAxis(p, QRect(gutter, height() - axis, width() - gutter, axis), r, m_theme);
}

} // namespace gui
