#include "ui/chartscene.h"

#include <algorithm>
#include <cmath>

namespace gui {

ChartScene::ChartScene(const RunModel &model, coords::Range range, const QRect &plot)
    : m_model(model)
    , m_r(range)
    , m_plot(plot)
    , m_now(model.endT())
{
    // Scale: the larger of the capacity (when it is small enough to matter) and the depth seen.
    // Searches read the samples' times alone (History::gallopKey).
    const auto &points = m_model.depth();
    m_first = points.gallopKey(0, points.size(), m_r.start + 1);
    if (m_first > 0)
        --m_first;
    m_last = points.gallopKey(m_first, points.size(), m_r.end + 1);
    const auto seen = m_model.depthExtremes(m_first, m_last);
    m_maxValue = std::max({1, seen.maxDepth});
    const int capacity = m_model.queueCapacity();
    m_showCapacity = capacity > 0 && capacity <= std::max(m_maxValue * 4, 8);
    if (m_showCapacity)
        m_maxValue = std::max(m_maxValue, capacity);
    m_yScale = m_plot.height() / (m_maxValue * 1.1);
    m_maxBusy = std::max({1, seen.maxBusy, m_model.config().workers});
    // Its top a little below the queue's (1.25 against 1.1), so that all workers busy and a full
    // queue do not draw one line.
    m_busyScale = m_plot.height() / (m_maxBusy * 1.25);
    findColumns();
}

ChartScene::SummaryBars ChartScene::summaryBars() const
{
    SummaryBars out;
    const Summary &summary = m_model.summary();
    if (summary.columnNs <= 0 || summary.until <= m_r.start)
        return out;
    const int xFrom
        = std::max(m_plot.left(), static_cast<int>(xOf(std::max<std::int64_t>(m_r.start, 0))));
    const int xTo
        = std::min(m_plot.right(), static_cast<int>(xOf(std::min(summary.until, m_r.end))));
    // One rectangle per run of columns of the same height (a steady pool gives a few long runs,
    // not a line per pixel column).
    auto addBar = [&](QVector<QRectF> &bars, int x, int value, bool busy) {
        const double top = std::round(busy ? yOfBusy(value) : yOf(value));
        const QRectF bar(x, top, 1, m_plot.bottom() + 1 - top);
        if (!bars.isEmpty() && bars.back().right() == bar.left() && bars.back().top() == bar.top())
            bars.back().setRight(bar.right());
        else
            bars << bar;
    };
    for (int x = xFrom; x < xTo; ++x) {
        const std::int64_t t0
            = coords::timeForX(x - m_plot.left(), m_r.start, m_r.end, m_plot.width());
        const std::int64_t t1
            = coords::timeForX(x + 1 - m_plot.left(), m_r.start, m_r.end, m_plot.width());
        int depth = 0, busy = 0;
        for (int c = std::max(0, summary.columnOf(t0));
             c <= std::min(summary.columnOf(std::max(t0, t1 - 1)), Summary::kColumns - 1); ++c) {
            depth = std::max(depth, summary.depth[static_cast<std::size_t>(c)].maxDepth);
            busy = std::max(busy, summary.depth[static_cast<std::size_t>(c)].maxInFlight);
        }
        if (busy > 0)
            addBar(out.busy, x, busy, true);
        if (depth > 0)
            addBar(out.depth, x, depth, false);
    }
    return out;
}

// The pixel columns of the samples in view (which samples each holds, found by key search, and
// their extremes, by blocks): the same for both step lines, so worked out once.
void ChartScene::findColumns()
{
    const auto &points = m_model.depth();
    if (m_first == m_last)
        return;
    const std::int64_t sixteenth
        = (m_r.end - m_r.start) / (std::int64_t {16} * std::max(1, m_plot.width()));
    constexpr std::size_t block = RunModel::kDepthBlock;
    for (std::size_t at = m_first + 1; at < m_last;) {
        const double x = std::floor(xOf(points.key(at))) + 0.5;
        const std::int64_t columnEnd = coords::timeForX(std::floor(x) + 1 - m_plot.left(),
                                                        m_r.start, m_r.end, m_plot.width());
        // A column of thousands of samples may end a little past its edge, at the start of the
        // next chunk or block of them (depthExtremes then reads no single samples), when the
        // samples that takes from the next column all lie within a sixteenth of a pixel of the
        // edge. The next chunk's start, and its time, come from the history's table of first
        // keys: such a column reads one sample, the one the lines leave it at.
        const auto [lo, hi] = points.keyBounds(at, m_last, columnEnd);
        std::size_t stop = hi;
        if (lo < at + 16 * block || hi == m_last || points.key(hi) >= columnEnd + sixteenth) {
            stop = std::max(at + 1, points.gallopKey(lo, hi, columnEnd));
            const std::size_t aligned = (stop + block - 1) / block * block;
            if (stop - at >= 16 * block && aligned > stop && aligned <= m_last
                && points.key(aligned - 1) < columnEnd + sixteenth)
                stop = aligned;
        }
        m_columns.push_back({x, points[stop - 1], m_model.depthExtremes(at, stop)});
        at = stop;
    }
}

// As 1-pixel rectangles (the fast solid fill) rather than a polyline: a busy line's extremes span
// the chart's height in every column of a flat-out run, and rasterizing that many long vertical
// segments as lines cost ~1.5 ms a frame.
QVector<QRect> ChartScene::stepLine(bool busy) const
{
    QVector<QRect> rects;
    if (m_first == m_last)
        return rects;
    rects.reserve(2 * static_cast<qsizetype>(m_columns.size()) + 2);
    auto value = [busy](const DepthPoint &pt) {
        return busy ? pt.inFlight : pt.depth;
    };
    auto yOfValue = [&](int v) {
        return busy ? yOfBusy(v) : yOf(v);
    };
    auto vertical = [&](int x, double a, double b) {
        const int top = static_cast<int>(std::lround(std::min(a, b)));
        const int bottom = static_cast<int>(std::lround(std::max(a, b)));
        // Neighbouring columns of the same extent (a busy pool swinging between none and all
        // busy in every column) join into one rectangle: far fewer spans to fill.
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
    const DepthPoint first = m_model.depth()[m_first];
    double y = yOfValue(value(first));
    int x = static_cast<int>(std::floor(xOf(std::max(first.t, m_r.start))));
    for (const Column &c : m_columns) {
        const int cx = static_cast<int>(std::floor(c.x));
        horizontal(x, cx, y); // at the value held so far
        const double lo = yOfValue(busy ? c.extremes.maxBusy : c.extremes.maxDepth);
        const double hi = yOfValue(busy ? c.extremes.minBusy : c.extremes.minDepth);
        const double next = yOfValue(value(c.leaving));
        // The column: from the value held, through its extremes, to the value it leaves at.
        vertical(cx, std::min({y, lo, next}), std::max({y, hi, next}));
        y = next;
        x = cx + 1;
    }
    horizontal(x, static_cast<int>(std::floor(xOf(std::min(m_now, m_r.end)))) + 1, y);
    return rects;
}

QPolygonF ChartScene::resultsLine() const
{
    QPolygonF path;
    if (m_first == m_last)
        return path;
    const double total = std::max<double>(1, static_cast<double>(m_model.submittedCount()));
    const std::int64_t from = std::max(m_model.depth()[m_first].t, m_r.start);
    const std::int64_t to = std::min(m_now, m_r.end);
    std::size_t cursor = 0; // column by column the time only rises
    const auto slack = static_cast<std::int64_t>(total / (m_plot.height() * 0.95 * 16));
    auto yOfResults = [&](std::int64_t t) {
        const auto results = m_model.resultsBy(t, &cursor, slack);
        return m_plot.bottom() - m_plot.height() * 0.95 * static_cast<double>(results) / total;
    };
    path << QPointF(xOf(from), yOfResults(from));
    for (double x = std::floor(xOf(from)) + 1; x <= xOf(to); x += 1) {
        const std::int64_t t
            = std::min(to, coords::timeForX(x - m_plot.left(), m_r.start, m_r.end, m_plot.width()));
        path << QPointF(x, yOfResults(t));
    }
    return path;
}

} // namespace gui
