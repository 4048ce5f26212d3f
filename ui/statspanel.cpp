#include "ui/statspanel.h"

#include "engine/durationformat.h"

#include <QLabel>
#include <QVBoxLayout>

namespace gui {

using namespace engine;

namespace {
QString cell(std::int64_t ns)
{
    return QStringLiteral("<td align=right>&nbsp;%1&nbsp;</td>").arg(displayDuration(ns));
}

QString row(const QString &name, const Histogram &h)
{
    return QStringLiteral("<tr><td>%1</td>").arg(name) + cell(std::llround(h.mean()))
        + cell(h.quantile(0.5)) + cell(h.quantile(0.95)) + cell(h.quantile(0.99))
        + QStringLiteral("</tr>");
}
} // namespace

StatsPanel::StatsPanel(const RunModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QVBoxLayout(this);
    for (QLabel **label : {&m_summary, &m_latencies, &m_utilization, &m_little}) {
        *label = new QLabel(this);
        (*label)->setTextFormat(Qt::RichText);
        (*label)->setWordWrap(true);
        (*label)->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(*label);
    }
    layout->addStretch();
    setAccessibleName(tr("Statistics"));
    refresh();
}

QString StatsPanel::littlesLawText() const
{
    const auto law = m_model->stats().littlesLaw(m_model->endT());
    const double difference = law.meanInSystem - law.predicted();
    return tr("<b>Little's law</b>: mean jobs in the system L = %1; mean throughput × mean latency "
              "λW = "
              "%2 × %3 = %4; "
              "difference %5")
        .arg(QString::number(law.meanInSystem, 'f', 2),
             QString::number(law.arrivalRate, 'f', 2) + tr("/s"),
             displayDuration(std::llround(law.meanLatencyS * 1e9)),
             QString::number(law.predicted(), 'f', 2), QString::number(difference, 'f', 2));
}

void StatsPanel::refresh()
{
    const RunStats &s = m_model->stats();
    const std::int64_t now = m_model->endT();
    const std::int64_t results = s.results();
    m_summary->setText(
        tr("<b>%1</b> results of %2 sent · %3 completed · %4 failed · %5 cancelled<br>"
           "throughput (last 1 s) %6/s · mean over the run %7/s · run time %8<br>"
           "queue depth mean %9 · max %10")
            .arg(results)
            .arg(s.submitted())
            .arg(s.count(JobStatus::Completed))
            .arg(s.count(JobStatus::Failed))
            .arg(s.count(JobStatus::Cancelled))
            .arg(QString::number(m_model->recentThroughput(), 'f', 1),
                 QString::number(s.throughputPerS(), 'f', 1), displayDuration(now),
                 QString::number(s.meanQueueDepth(), 'f', 2))
            .arg(s.maxQueueDepth()));
    m_latencies->setText(
        QStringLiteral(
            "<table cellspacing=0><tr><th></th><th align=right>mean</th><th align=right>p50</th>"
            "<th align=right>p95</th><th align=right>p99</th></tr>")
        + row(tr("wait"), s.wait()) + row(tr("processing"), s.processing())
        + row(tr("latency"), s.latency()) + QStringLiteral("</table>"));
    QString usage = tr("<b>Utilization</b>:");
    for (const auto &u : s.workerUsage(now))
        usage += QStringLiteral(" &nbsp;w%1 %2%")
                     .arg(u.id)
                     .arg(QString::number(u.utilization() * 100.0, 'f', 0));
    m_utilization->setText(usage);
    m_little->setText(littlesLawText());
}

} // namespace gui
