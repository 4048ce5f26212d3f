#include "ui/sweepchart.h"

#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace gui {

namespace {

QString tickText(double v)
{
    if (v == std::floor(v) && std::abs(v) < 1e9)
        return QString::number(v, 'f', 0);
    return QString::number(v, 'g', 3);
}

} // namespace

SweepChart::SweepChart(QWidget *parent)
    : QWidget(parent)
    , m_theme(Theme::fromPalette(palette()))
{
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void SweepChart::setSeries(SweepSeries series)
{
    m_series = std::move(series);
    setAccessibleName(m_series.title);
    update();
}

void SweepChart::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

QRectF SweepChart::plotRect() const
{
    const QFontMetrics m = fontMetrics();
    const double left = m.horizontalAdvance(QStringLiteral("00000")) + 10;
    const double top = 2 * m.height() + 6; // title, then the legend
    return {left, top, std::max(10.0, width() - left - 12.0),
            std::max(10.0, height() - top - 2.0 * m.height() - 8)};
}

QPointF SweepChart::toPixel(const QRectF &plot, QPointF value) const
{
    const SweepSeries &s = m_series;
    const double x = plot.left() + (value.x() - s.xMin) / (s.xMax - s.xMin) * plot.width();
    const double y = plot.bottom() - (value.y() - s.yMin) / (s.yMax - s.yMin) * plot.height();
    return {x, y};
}

void SweepChart::paintAxes(QPainter &p, const QRectF &plot) const
{
    const SweepSeries &s = m_series;
    const QFontMetrics m = fontMetrics();
    p.setPen(m_theme.mutedText);
    for (const double v : niceTicks(s.yMin, s.yMax, 4)) {
        const double y = toPixel(plot, {s.xMin, v}).y();
        p.fillRect(QRectF(plot.left(), std::round(y), plot.width(), 1), m_theme.grid);
        p.drawText(QRectF(0, y - m.height() / 2.0, plot.left() - 5, m.height()),
                   Qt::AlignRight | Qt::AlignVCenter, tickText(v));
    }
    const double labelTop = plot.bottom() + 3;
    const auto xLabel = [&](double v, const QString &text) {
        const double x = toPixel(plot, {v, 0}).x();
        const double w = m.horizontalAdvance(text) + 4;
        p.fillRect(QRectF(std::round(x), plot.bottom(), 1, 3), m_theme.mutedText);
        p.drawText(QRectF(x - w / 2, labelTop, w, m.height()), Qt::AlignCenter, text);
    };
    if (!s.xLabels.isEmpty()) {
        for (int i = 0; i < s.xLabels.size(); ++i)
            xLabel(i, s.xLabels.at(i));
    } else {
        const int count = std::max(2, static_cast<int>(plot.width() / 70));
        std::vector<double> ticks = niceTicks(s.xMin, s.xMax, count);
        if (s.xWhole) // no "4.5 workers"
            ticks = niceTicks(s.xMin, s.xMax, std::min(count, static_cast<int>(s.xMax - s.xMin)));
        for (const double v : ticks) {
            if (!s.xWhole || v == std::floor(v))
                xLabel(v, tickText(v));
        }
    }
    p.drawText(QRectF(plot.left(), labelTop + m.height(), plot.width(), m.height()),
               Qt::AlignHCenter | Qt::AlignTop, s.xTitle);
    p.fillRect(QRectF(plot.left(), plot.bottom(), plot.width(), 1), m_theme.mutedText);
}

void SweepChart::paintLegend(QPainter &p, const QRectF &plot) const
{
    const QFontMetrics m = fontMetrics();
    double x = plot.left();
    const double y = m.height() + 3;
    for (const SweepLine &line : m_series.lines) {
        QColor colour = line.secondary ? m_theme.depth : m_theme.inFlight;
        p.setPen(QPen(colour, 2, line.theory ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(QPointF(x, y + m.height() / 2.0), QPointF(x + 18, y + m.height() / 2.0));
        if (!line.theory) {
            p.setBrush(colour);
            p.drawEllipse(QPointF(x + 9, y + m.height() / 2.0), 2.5, 2.5);
            p.setBrush(Qt::NoBrush);
        }
        p.setPen(m_theme.mutedText);
        const double w = m.horizontalAdvance(line.name);
        p.drawText(QRectF(x + 22, y, w + 2, m.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   line.name);
        x += 22 + w + 14;
    }
}

void SweepChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const SweepSeries &s = m_series;
    const QRectF plot = plotRect();
    const QFontMetrics m = fontMetrics();
    p.setPen(m_theme.text);
    p.drawText(QRectF(0, 0, width(), m.height()), Qt::AlignLeft | Qt::AlignVCenter,
               s.yTitle.isEmpty() ? s.title
                                  : s.title + QStringLiteral("  (") + s.yTitle + QLatin1Char(')'));
    paintAxes(p, plot);
    paintLegend(p, plot);
    QColor shade = m_theme.mutedText;
    shade.setAlpha(28);
    for (const auto &[from, to] : s.unstable) {
        const double left = std::max(plot.left(), toPixel(plot, {from, 0}).x());
        const double right = std::min(plot.right(), toPixel(plot, {to, 0}).x());
        if (right <= left)
            continue;
        p.fillRect(QRectF(left, plot.top(), right - left, plot.height()), shade);
        p.setPen(m_theme.mutedText);
        const QString text = tr("ρ ≥ 1");
        if (fontMetrics().horizontalAdvance(text) + 6 < right - left)
            p.drawText(QRectF(left, plot.top() + 2, right - left, fontMetrics().height()),
                       Qt::AlignHCenter | Qt::AlignTop, text);
    }
    p.save();
    p.setClipRect(plot.adjusted(-4, -6, 4, 1));
    p.setRenderHint(QPainter::Antialiasing);
    if (s.currentX) {
        const double x = toPixel(plot, {*s.currentX, 0}).x();
        p.setPen(QPen(m_theme.marker, 1, Qt::DotLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    if (s.targetY) {
        const double y = toPixel(plot, {s.xMin, *s.targetY}).y();
        p.setPen(QPen(m_theme.failed, 1.5));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        const QString label = tr("target %1").arg(tickText(*s.targetY));
        p.drawText(QRectF(plot.left(), y - fontMetrics().height() - 1, plot.width() - 4,
                          fontMetrics().height()),
                   Qt::AlignRight | Qt::AlignBottom, label);
    }
    for (const SweepLine &line : s.lines) {
        QColor colour = line.secondary ? m_theme.depth : m_theme.inFlight;
        p.setPen(QPen(colour, line.theory ? 1.5 : 2, line.theory ? Qt::DashLine : Qt::SolidLine));
        for (const auto &piece : line.pieces) {
            QPolygonF polyline;
            for (const QPointF &v : piece)
                polyline << toPixel(plot, v);
            if (line.theory && polyline.size() == 1) // a choice's theory: a ring per point
                p.drawEllipse(polyline.front(), 4, 4);
            else if (line.theory)
                p.drawPolyline(polyline);
            if (line.theory)
                continue;
            // Measured values above the scale (a backlog's) sit on the top edge as a triangle.
            QPolygonF clamped = polyline;
            for (QPointF &point : clamped)
                point.setY(std::max(point.y(), plot.top()));
            p.drawPolyline(clamped);
            p.setBrush(colour);
            for (qsizetype i = 0; i < clamped.size(); ++i) {
                if (polyline[i].y() >= plot.top()) {
                    p.drawEllipse(clamped[i], 3, 3);
                    continue;
                }
                const QPointF top = clamped[i];
                p.drawPolygon(
                    QPolygonF {top + QPointF(0, -4), top + QPointF(-4, 3), top + QPointF(4, 3)});
            }
            p.setBrush(Qt::NoBrush);
        }
    }
    p.restore();
    if (s.lines.empty() || std::all_of(s.lines.begin(), s.lines.end(), [](const SweepLine &l) {
            return l.pieces.empty();
        })) {
        p.setPen(m_theme.mutedText);
        p.drawText(plot, Qt::AlignCenter, tr("no points yet"));
    }
}

} // namespace gui
