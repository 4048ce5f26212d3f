#include "ui/latencycurve.h"

#include "engine/durationformat.h"

#include <QPainter>
#include <algorithm>

namespace gui {

namespace {
constexpr int kSteps = 200;

double xFor(std::int64_t ns, std::int64_t maxNs, const QRectF &plot)
{
    return plot.left()
        + plot.width() * static_cast<double>(ns)
        / static_cast<double>(std::max<std::int64_t>(maxNs, 1));
}

double yFor(double share, const QRectF &plot)
{
    return plot.bottom() - share * plot.height();
}
} // namespace

LatencyCurve::LatencyCurve(QWidget *parent)
    : QWidget(parent)
    , m_theme(Theme::fromPalette(palette()))
{
    setAccessibleName(tr("Latency distribution"));
    setToolTip(tr("Latency distribution: for each share of the jobs (up the side), the latency "
                  "within which they were done (along the bottom); p50, p95 and p99 are marked"));
}

void LatencyCurve::setHistogram(const engine::Histogram *histogram)
{
    m_histogram = histogram;
    update();
}

void LatencyCurve::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

QPolygonF LatencyCurve::curve(const engine::Histogram &histogram, const QRectF &plot)
{
    QPolygonF points;
    if (histogram.count() == 0)
        return points;
    const std::int64_t maxNs = histogram.max();
    points.reserve(kSteps + 2);
    points << QPointF(xFor(histogram.min(), maxNs, plot), yFor(0.0, plot));
    for (int i = 1; i <= kSteps; ++i) {
        const double share = static_cast<double>(i) / kSteps;
        // All of them by the largest (the histogram's top bucket is a hair below it).
        const std::int64_t ns = i == kSteps ? maxNs : histogram.quantile(share);
        points << QPointF(xFor(ns, maxNs, plot), yFor(share, plot));
    }
    return points;
}

void LatencyCurve::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QFontMetrics metrics = fontMetrics();
    const QRectF plot(metrics.horizontalAdvance(QStringLiteral("100%")) + 8, metrics.height() + 4,
                      width() - metrics.horizontalAdvance(QStringLiteral("100%")) - 24,
                      height() - 2 * metrics.height() - 12);
    p.setPen(m_theme.text);
    p.drawText(QRectF(0, 0, width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Latency distribution (share of jobs done within a latency)"));
    p.setPen(m_theme.mutedText);
    for (const double share : {0.0, 0.5, 1.0}) {
        const double y = yFor(share, plot);
        p.fillRect(QRectF(plot.left(), y, plot.width(), 1), m_theme.grid);
        p.drawText(QRectF(0, y - metrics.height() / 2.0, plot.left() - 4, metrics.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1%").arg(share * 100));
    }
    if (!m_histogram || m_histogram->count() == 0) {
        p.drawText(plot, Qt::AlignCenter, tr("no results yet"));
        return;
    }
    const engine::Histogram &h = *m_histogram;
    const std::int64_t maxNs = h.max();
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), metrics.height()),
               Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), metrics.height()),
               Qt::AlignRight | Qt::AlignTop, engine::displayDuration(maxNs));
    p.setRenderHint(QPainter::Antialiasing);
    // The percentiles: a dotted drop to the axis with its name (a name that would run into the
    // one before it, or off the plot, goes to the line's left or is left out).
    double freeFrom = plot.left();
    for (const auto &[q, name] : {std::pair {0.50, "p50"}, {0.95, "p95"}, {0.99, "p99"}}) {
        const double x = xFor(h.quantile(q), maxNs, plot);
        p.setPen(QPen(m_theme.mutedText, 1, Qt::DotLine));
        p.drawLine(QPointF(x, yFor(q, plot)), QPointF(x, plot.bottom()));
        const double textWidth = metrics.horizontalAdvance(QLatin1String(name)) + 2;
        double left = x + 3;
        if (left + textWidth > plot.right())
            left = x - 3 - textWidth;
        if (left < freeFrom)
            continue;
        p.setPen(m_theme.mutedText);
        p.drawText(QRectF(left, yFor(q, plot) - metrics.height(), textWidth, metrics.height()),
                   Qt::AlignLeft | Qt::AlignBottom, QLatin1String(name));
        freeFrom = left + textWidth + 2;
    }
    p.setPen(QPen(m_theme.completed, 2));
    p.drawPolyline(curve(h, plot));
}

} // namespace gui
