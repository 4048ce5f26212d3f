#include "ui/statspanel.h"

#include "engine/durationformat.h"
#include "ui/latencycurve.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

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
    // The numbers on the left, the latency curve beside them: a short pane shows both.
    auto *columns = new QHBoxLayout(this);
    auto *layout = new QVBoxLayout;
    columns->addLayout(layout, 3);
    for (QLabel **label : {&m_summary, &m_latencies, &m_utilization, &m_little}) {
        *label = new QLabel(this);
        (*label)->setTextFormat(Qt::RichText);
        (*label)->setWordWrap(true);
        (*label)->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(*label);
    }
    m_curve = new LatencyCurve(this);
    m_curve->setHistogram(&m_model->stats().latency());
    columns->addWidget(m_curve, 2, Qt::AlignTop);
    layout->addStretch();
    m_latencies->setToolTip(
        tr("<b>wait</b>: from a job's submission to a worker starting it (time the producer was "
           "blocked sending it included)<br><b>processing</b>: from its start to its finish<br>"
           "<b>latency</b>: from its submission to its result being collected"));
    m_utilization->setToolTip(tr("Utilization: the share of its live time each worker spent "
                                 "processing jobs"));
    setAccessibleName(tr("Statistics"));
    refresh();
}

QString StatsPanel::littlesLawText() const
{
    const auto law = m_model->stats().littlesLaw(m_model->endT());
    // Two decimals, and no "-0.00" for a difference that rounds to nothing.
    const auto jobs = [](double value) {
        return QString::number(std::abs(value) < 0.005 ? 0.0 : value, 'f', 2);
    };
    return tr("<b>Little's law</b>, L = λ·W: the mean number of jobs in the system L = %1 jobs; "
              "the mean throughput λ = %2 jobs/s times the mean latency W = %3 gives %4 jobs; "
              "difference %5 jobs.<br><small>Over a whole run that starts and ends empty the two "
              "agree by construction; while a run goes on, jobs still in the system count in L "
              "but not yet in W, and the difference shows how far the measurement has to go."
              "</small>")
        .arg(jobs(law.meanInSystem), QString::number(law.arrivalRate, 'f', 2),
             displayDuration(std::llround(law.meanLatencyS * 1e9)), jobs(law.predicted()),
             jobs(law.meanInSystem - law.predicted()));
}

void StatsPanel::setTheme(const Theme &theme)
{
    m_curve->setTheme(theme);
}

void StatsPanel::refresh()
{
    m_curve->update();
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
