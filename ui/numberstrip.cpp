#include "ui/numberstrip.h"

#include "engine/durationformat.h"
#include "ui/runmodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <cmath>

namespace gui {

using namespace engine;

namespace {
QString percentiles(const Histogram &h)
{
    if (h.count() == 0)
        return QStringLiteral("—");
    return QStringLiteral("%1 · %2 · %3")
        .arg(displayDuration(h.quantile(0.5)), displayDuration(h.quantile(0.95)),
             displayDuration(h.quantile(0.99)));
}
} // namespace

NumberStrip::NumberStrip(const RunModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("numberStrip"));
    setAccessibleName(tr("The run's numbers"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    m_table = new QLabel(this);
    m_table->setTextFormat(Qt::RichText);
    m_table->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setToolTip(
        tr("<b>throughput</b>: results in the last second · <b>utilization</b>: the share of their "
           "live time the workers spent on jobs (mean, and the least and most busy worker) · "
           "<b>wait</b>: submission to start · <b>latency</b>: submission to result, as p50 · "
           "p95 · p99 · <b>L vs λW</b>: Little's law over the last 10 s (the Statistics tab "
           "explains it)"));
    layout->addWidget(m_table, 1);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    refresh();
}

QString NumberStrip::text() const
{
    return m_table->text();
}

void NumberStrip::refresh()
{
    const RunStats &s = m_model->stats();
    const std::int64_t now = m_model->endT();
    const QLocale loc = locale();
    // Utilization: all workers' busy time over their live time, and the extremes.
    double busy = 0, live = 0, least = 1, most = 0;
    const auto usage = s.workerUsage(now);
    for (const auto &u : usage) {
        busy += static_cast<double>(u.busyNs);
        live += static_cast<double>(u.liveNs);
        least = std::min(least, u.utilization());
        most = std::max(most, u.utilization());
    }
    const QString utilization = usage.empty()
        ? QStringLiteral("—")
        : tr("%1 % (%2–%3)")
              .arg(std::lround(live > 0 ? 100 * busy / live : 0))
              .arg(std::lround(100 * least))
              .arg(std::lround(100 * most));
    const LittlesLaw law = s.recentLittlesLaw(now);
    const QString little = law.resultRate > 0 ? tr("%1 vs %2")
                                                    .arg(QString::number(law.meanInSystem, 'f', 2),
                                                         QString::number(law.predicted(), 'f', 2))
                                              : QStringLiteral("—");
    const QStringList heads {tr("results"),
                             tr("throughput (last 1 s)"),
                             tr("utilization"),
                             tr("wait p50 · p95 · p99"),
                             tr("latency p50 · p95 · p99"),
                             tr("queue now · max"),
                             tr("L vs λW (last 10 s)")};
    const QStringList values {tr("%1 of %2")
                                  .arg(loc.toString(static_cast<qint64>(s.results())),
                                       loc.toString(static_cast<qint64>(s.submitted()))),
                              displayRate(m_model->recentThroughput()),
                              utilization,
                              percentiles(s.wait()),
                              percentiles(s.latency()),
                              tr("%1 · %2")
                                  .arg(m_model->depth().empty() ? 0 : m_model->depth().back().depth)
                                  .arg(s.maxQueueDepth()),
                              little};
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=1><tr>");
    for (const QString &h : heads)
        html += QStringLiteral("<td style='padding-right:14px'><small>%1</small></td>")
                    .arg(h.toHtmlEscaped());
    html += QStringLiteral("</tr><tr>");
    for (const QString &v : values)
        html += QStringLiteral("<td style='padding-right:14px'><b>%1</b></td>")
                    .arg(v.toHtmlEscaped());
    html += QStringLiteral("</tr></table>");
    m_table->setText(html);
}

} // namespace gui
