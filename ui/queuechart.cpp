#include "ui/queuechart.h"

#include "engine/durationformat.h"
#include "engine/queueingtheory.h"
#include "ui/chartscene.h"
#include "ui/timelineview.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPolygonF>
#include <QToolTip>
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
    setMouseTracking(true);
    connect(window, &TimeWindow::rangeChanged, this, qOverload<>(&QWidget::update));
}

// A readout of the moment under the mouse: what each line says there.
void QueueChart::mouseMoveEvent(QMouseEvent *event)
{
    const int gutter = TimelineView::kGutter;
    const coords::Range r = m_window->range();
    const int x = static_cast<int>(event->position().x()) - gutter;
    const auto &points = m_model->depth();
    if (x < 0 || points.empty()) {
        QToolTip::hideText();
        return;
    }
    const std::int64_t t = coords::timeForX(x, r.start, r.end, width() - gutter);
    if (t < 0 || t > m_model->endT()) {
        QToolTip::hideText();
        return;
    }
    const std::size_t after = points.gallopKey(0, points.size(), t + 1);
    const DepthPoint at = after > 0 ? points[after - 1] : DepthPoint {};
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("at %1: queue depth %2 · busy workers %3 · results %4")
                           .arg(engine::displayDuration(t))
                           .arg(at.depth)
                           .arg(at.inFlight)
                           .arg(m_model->resultsBy(t)),
                       this);
}

double QueueChart::theoryQueueLength() const
{
    // A feed has no plan: its measured inputs, with the workers it has shown, once it has some.
    engine::QueueInputs in = m_model->observed()
        ? m_model->stats().measuredInputs(std::max(1, m_model->liveLanes()), -1)
        : engine::plannedInputs(m_model->config());
    if (m_model->observed() && m_model->stats().latency().count() == 0)
        return -1.0;
    in.queueCapacity = -1; // the mean only: the share of time full is the Statistics tab's
    const engine::QueuePrediction p = engine::predict(in);
    return p.stable ? p.queueLenMean : -1.0;
}

void QueueChart::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

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
    const ChartScene scene(*m_model, r, plot);
    const int maxValue = scene.maxValue();
    m_capacityShown = scene.showCapacity();

    // Grid and left labels.
    for (double frac : {0.0, 0.5, 1.0}) {
        const int y = static_cast<int>(scene.yOf(maxValue * frac));
        p.fillRect(QRect(plot.left(), y, plot.width(), 1), m_theme.grid);
    }
    p.setPen(m_theme.mutedText);
    p.drawText(QRect(4, static_cast<int>(scene.yOf(maxValue)) - metrics.height() / 2, gutter - 10,
                     metrics.height()),
               Qt::AlignRight | Qt::AlignVCenter, QString::number(maxValue));
    p.drawText(QRect(4, plot.bottom() - metrics.height() / 2, gutter - 10, metrics.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    // The busy workers' own scale, at the right edge in their colour.
    p.setPen(m_theme.inFlight);
    // (Under its tick: above it is the legend's row.)
    p.drawText(QRect(plot.right() - 120, static_cast<int>(scene.yOfBusy(scene.maxBusy())) + 1, 116,
                     metrics.height()),
               Qt::AlignRight | Qt::AlignTop, tr("%1 busy").arg(scene.maxBusy()));
    p.fillRect(QRect(plot.right() - 6, static_cast<int>(scene.yOfBusy(scene.maxBusy())), 6, 1),
               m_theme.inFlight);

    p.setClipRect(plot.adjusted(0, -2, 1, 1));
    if (scene.showCapacity()) {
        const double y = scene.yOf(m_model->queueCapacity());
        p.setPen(QPen(m_theme.capacity, 1, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    // Queueing theory's mean queue length for the configuration, where the pool has a steady
    // state and the line is on the scale.
    if (const double lq = theoryQueueLength(); lq >= 0.0 && lq <= maxValue) {
        const double y = scene.yOf(lq);
        p.setPen(QPen(m_theme.depth, 1, Qt::DashDotLine));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    const ChartScene::SummaryBars summary = scene.summaryBars();
    p.setPen(Qt::NoPen);
    p.setBrush(m_theme.summarized);
    p.drawRects(summary.busy);
    p.setBrush(m_theme.depth);
    p.drawRects(summary.depth);
    p.setBrush(m_theme.inFlight);
    p.drawRects(scene.busyLine());
    p.setBrush(m_theme.depth);
    p.drawRects(scene.depthLine());
    p.setBrush(Qt::NoBrush);
    if (const QPolygonF results = scene.resultsLine(); !results.isEmpty()) {
        p.setPen(QPen(m_theme.throughput, 0, Qt::DotLine)); // cosmetic: no path stroking
        p.drawPolyline(results);
    }
    p.setClipping(false);
    paintLegend(p);
    drawTimeAxis(p, QRect(gutter, height() - axis, width() - gutter, axis), r, m_theme);
}

// The legend: each line's colour and what it shows now, then the throughput (last 1 s).
void QueueChart::paintLegend(QPainter &p)
{
    const QFontMetrics metrics = fontMetrics();
    int x = TimelineView::kGutter;
    auto legend
        = [&](const QColor &color, const QString &text, Qt::PenStyle style = Qt::SolidLine) {
              p.setPen(QPen(color, 2, style));
              p.drawLine(x, metrics.height() / 2 + 2, x + 14, metrics.height() / 2 + 2);
              p.setPen(m_theme.text);
              p.drawText(QRect(x + 18, 1, metrics.horizontalAdvance(text) + 4, metrics.height()),
                         Qt::AlignVCenter, text);
              x += 18 + metrics.horizontalAdvance(text) + 16;
          };
    const auto &points = m_model->depth();
    const int capacity = m_model->queueCapacity();
    const int depthNow = points.empty() ? 0 : points.back().depth;
    legend(m_theme.depth, tr("queue depth %1").arg(depthNow));
    if (const double lq = theoryQueueLength(); lq >= 0.0)
        legend(m_theme.depth, tr("theory %1").arg(QString::number(lq, 'f', lq < 10 ? 2 : 0)),
               Qt::DashDotLine);
    // None for a feed that does not say what its capacity is (-1).
    if (capacity == 0)
        legend(m_theme.capacity, tr("unbuffered hand-off"), Qt::DashLine);
    else if (capacity > 0 && m_capacityShown)
        legend(m_theme.capacity, tr("capacity %1").arg(capacity), Qt::DashLine);
    else if (capacity > 0) // far above what the queue held: drawn, it would flatten every line
        legend(m_theme.capacity, tr("capacity %L1, off the scale").arg(capacity), Qt::DashLine);
    legend(m_theme.inFlight, tr("busy %1 (right scale)").arg(m_model->busyWorkers()));
    legend(m_theme.throughput,
           tr("results %1 / %2").arg(m_model->stats().results()).arg(m_model->submittedCount()),
           Qt::DotLine);
    if (!points.empty()) {
        const double perSecond = m_model->recentThroughput();
        p.setPen(m_theme.mutedText);
        p.drawText(QRect(x, 1, width() - x - 4, metrics.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("throughput (last 1 s) %1").arg(engine::displayRate(perSecond)));
    }
}

} // namespace gui
