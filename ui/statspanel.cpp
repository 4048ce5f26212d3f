#include "ui/statspanel.h"

#include "engine/durationformat.h"
#include "engine/sizing.h"
#include "ui/latencycurve.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

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
    for (QLabel **label : {&m_summary, &m_latencies, &m_utilization, &m_little, &m_theory}) {
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

namespace {
// Two decimals, and no "-0.00" for a value that rounds to nothing.
QString jobs(double value)
{
    return QString::number(std::abs(value) < 0.005 ? 0.0 : value, 'f', 2);
}

QString lawFigures(const LittlesLaw &law)
{
    return StatsPanel::tr("L = %1 jobs; λ = %2 results/s × W = %3 gives λW = %4 jobs; "
                          "difference %5 jobs")
        .arg(jobs(law.meanInSystem), QString::number(law.resultRate, 'f', 2),
             displayDuration(std::llround(law.meanLatencyS * 1e9)), jobs(law.predicted()),
             jobs(law.meanInSystem - law.predicted()));
}

// What the gap between L and λW over a stretch of a run says.
QString lawVerdict(const LittlesLaw &law, bool wholeFinishedRun)
{
    if (wholeFinishedRun)
        return StatsPanel::tr(
            "Over a whole run that starts and ends empty the two sides are one integral and agree "
            "by construction; while a run goes on, the last 10 s are a real check.");
    if (law.resultRate <= 0.0)
        return StatsPanel::tr("No results in this stretch yet: W is not measured.");
    const double gap = law.meanInSystem - law.predicted();
    const double scale = std::max(law.meanInSystem, law.predicted());
    if (std::abs(gap) <= std::max(0.05 * scale, 0.05))
        return StatsPanel::tr("They agree: over this stretch the pool is in a steady state, as "
                              "many jobs leave as arrive.");
    if (gap > 0)
        return StatsPanel::tr("L is above λW: jobs are building up in the system (the ones still "
                              "in it count in L, not yet in W).");
    return StatsPanel::tr("λW is above L: the pool is draining jobs that came before this "
                          "stretch (their whole latency is in W, only their end in L).");
}
} // namespace

QString StatsPanel::littlesLawText() const
{
    const RunStats &stats = m_model->stats();
    const std::int64_t now = m_model->endT();
    const LittlesLaw recent = stats.recentLittlesLaw(now);
    const bool wholeRun = recent.fromNs == 0;
    const QString stretch = wholeRun
        ? (m_model->finished() ? tr("over the whole run") : tr("over the run so far"))
        : tr("over its last %1 s (%2 – %3)")
              .arg(LittlesLawMeter::kWindowNs / 1'000'000'000)
              .arg(displayDuration(recent.fromNs), displayDuration(recent.toNs));
    QString text = tr("<b>Little's law</b>, L = λ·W, %1: the mean number of jobs in the system L "
                      "equals the rate of results λ times their mean latency W.<br>%2.<br>"
                      "<small>%3</small>")
                       .arg(stretch, lawFigures(recent),
                            lawVerdict(recent, wholeRun && m_model->finished()));
    if (!wholeRun)
        text += tr("<br><small>Over the whole run: %1.</small>")
                    .arg(lawFigures(stats.littlesLaw(now)));
    return text;
}

namespace {
// A prediction's figure: "—" where the model has none (an unstable pool's means).
QString figure(double value, int decimals = 2)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("∞");
}

QString seconds(double s)
{
    return std::isfinite(s) ? displayDuration(std::llround(s * 1e9)) : QStringLiteral("∞");
}

QString inputsLine(const QueueInputs &in)
{
    return StatsPanel::tr("λ = %1/s, E[S] = %2, ca² = %3, cs² = %4, c = %5")
        .arg(std::isfinite(in.arrivalRatePerS) ? QString::number(in.arrivalRatePerS, 'f', 2)
                                               : QStringLiteral("∞"),
             seconds(in.serviceMeanS), QString::number(in.ca2, 'f', 2),
             QString::number(in.cs2, 'f', 2))
        .arg(in.servers);
}

// What an unstable or a finite queue means, in words.
QString queueVerdict(const QueuePrediction &p, const QueueInputs &in)
{
    if (!std::isfinite(in.arrivalRatePerS))
        return StatsPanel::tr("Jobs are sent as fast as the producer can: the workers are the "
                              "limit, and the queue stays as full as it can be.");
    if (!p.stable) {
        QString text = StatsPanel::tr("ρ = %1 ≥ 1: more work arrives than %2 workers can do, so "
                                      "the queue grows without bound, by %3 jobs a second")
                           .arg(figure(p.utilization))
                           .arg(in.servers)
                           .arg(figure(p.growthPerS, 1));
        if (in.queueCapacity >= 0 && std::isfinite(p.secondsToFill))
            text += StatsPanel::tr("; a queue of %1 fills in %2 and then blocks the producer")
                        .arg(in.queueCapacity)
                        .arg(seconds(p.secondsToFill));
        return text + QLatin1Char('.');
    }
    if (in.queueCapacity >= 0 && p.pFull >= 0.0005)
        return StatsPanel::tr("The queue of %1 is full (the producer blocked) %2 % of the time "
                              "(M/M/c/K).")
            .arg(in.queueCapacity)
            .arg(QString::number(100.0 * p.pFull, 'f', 1));
    return {};
}

// The table of the theory beside the measurement: predicted, from the measured inputs, measured,
// and the difference with whether the prediction lies within the measured mean's interval.
// fromPlan: none for a run observed from a feed (its column shows dashes).
QString theoryTable(const RunStats &s, const std::optional<QueuePrediction> &predictedFromPlan,
                    const QueuePrediction &fromRun, const QueueInputs &measured, std::int64_t now,
                    double utilization)
{
    const bool ran = s.latency().count() > 0;
    const QueuePrediction fromPlan = predictedFromPlan.value_or(QueuePrediction {});
    const bool hasPlan = predictedFromPlan.has_value();
    const auto planned = [hasPlan](const QString &text) {
        return hasPlan ? text : QStringLiteral("—");
    };
    const auto measuredFigure = [ran](const QString &text) {
        return ran ? text : QStringLiteral("—");
    };
    const auto row = [](const QString &name, const QString &plan, const QString &run,
                        const QString &seen, const QString &difference) {
        return QStringLiteral("<tr><td>%1</td><td align=right>&nbsp;%2&nbsp;</td>"
                              "<td align=right>&nbsp;%3&nbsp;</td><td align=right>&nbsp;%4&nbsp;"
                              "</td><td align=right>&nbsp;%5&nbsp;</td></tr>")
            .arg(name, plan, run, seen, difference);
    };
    QString text;
    text += QStringLiteral("<table cellspacing=0><tr><th></th><th align=right>predicted</th>"
                           "<th align=right>from measured inputs</th><th align=right>measured"
                           "</th><th align=right>measured − from inputs</th></tr>");
    // A measured mean against the prediction from the measured inputs: the difference, and
    // whether the prediction lies within the mean's 95 % interval (half-width `noise`, < 0: none).
    const auto difference = [ran](double measuredValue, double predictedValue, double noise,
                                  const std::function<QString(double)> &format) {
        if (!ran || !std::isfinite(predictedValue))
            return QStringLiteral("—");
        const double d = measuredValue - predictedValue;
        QString shown = (d < 0 ? QStringLiteral("−") : QStringLiteral("+")) + format(std::abs(d));
        if (noise >= 0)
            shown += std::abs(d) <= noise
                ? StatsPanel::tr(" (within ±%1)").arg(format(noise))
                : StatsPanel::tr(" (<b>outside</b> ±%1)").arg(format(noise));
        return shown;
    };
    const auto asDuration = [](double ns) {
        return displayDuration(std::llround(ns));
    };
    const auto asFigure = [](double v) {
        return QString::number(v, 'f', 2);
    };
    text += row(StatsPanel::tr("utilization ρ"), planned(figure(fromPlan.utilization)),
                figure(fromRun.utilization), measuredFigure(figure(utilization)),
                difference(utilization, fromRun.utilization, -1, asFigure));
    // A job waited when its wait was longer than a hand-off to an idle worker takes (SizingTarget).
    const double pWait = SizingTarget {SizingTarget::Metric::PWait, 1.0}.measured(s);
    text += row(StatsPanel::tr("P(wait)"), planned(figure(fromPlan.pWait)), figure(fromRun.pWait),
                measuredFigure(figure(pWait)), difference(pWait, fromRun.pWait, -1, asFigure));
    // The steady state's mean with its 95 % interval where there is one, else the plain mean.
    const auto steady = [](const BatchMeans::Interval &i, const Histogram &h) {
        if (!i.valid)
            return displayDuration(std::llround(h.mean()));
        return QStringLiteral("%1 ± %2").arg(displayDuration(std::llround(i.mean)),
                                             displayDuration(std::llround(i.halfWidth)));
    };
    const BatchMeans::Interval wait = s.steadyWait(), latency = s.steadyLatency();
    const double waitMean = wait.valid ? wait.mean : s.wait().mean();
    const double latencyMean = latency.valid ? latency.mean : s.latency().mean();
    text += row(StatsPanel::tr("mean wait Wq"), planned(seconds(fromPlan.waitMeanS)),
                seconds(fromRun.waitMeanS), measuredFigure(steady(wait, s.wait())),
                difference(waitMean, fromRun.waitMeanS * 1e9, wait.valid ? wait.halfWidth : -1,
                           asDuration));
    text += row(StatsPanel::tr("mean latency W"), planned(seconds(fromPlan.latencyMeanS)),
                seconds(fromRun.latencyMeanS), measuredFigure(steady(latency, s.latency())),
                difference(latencyMean, fromRun.latencyMeanS * 1e9,
                           latency.valid ? latency.halfWidth : -1, asDuration));
    // Lq = λ·Wq and L = λ·W (Little's law), so their intervals are λ times the means'.
    const double lambda = measured.arrivalRatePerS;
    const double lqNoise = wait.valid && std::isfinite(lambda) ? lambda * wait.halfWidth / 1e9 : -1;
    const double lNoise
        = latency.valid && std::isfinite(lambda) ? lambda * latency.halfWidth / 1e9 : -1;
    const double meanQueue = s.meanQueueDepth();
    const double inSystem = s.littlesLaw(now).meanInSystem;
    text += row(StatsPanel::tr("mean queue Lq"), planned(figure(fromPlan.queueLenMean)),
                figure(fromRun.queueLenMean), measuredFigure(figure(meanQueue)),
                difference(meanQueue, fromRun.queueLenMean, lqNoise, asFigure));
    text += row(StatsPanel::tr("mean in system L"), planned(figure(fromPlan.inSystemMean)),
                figure(fromRun.inSystemMean), measuredFigure(figure(inSystem)),
                difference(inSystem, fromRun.inSystemMean, lNoise, asFigure));
    return text;
}
} // namespace

QString StatsPanel::theoryText() const
{
    const RunStats &s = m_model->stats();
    const PoolConfig &config = m_model->config();
    const bool observed = m_model->observed();
    // A feed's pool: the workers it has shown, its queue as it says (-1: unsaid, unbounded).
    const QueueInputs planned = plannedInputs(config);
    const QueueInputs measured = observed
        ? s.measuredInputs(std::max(1, m_model->liveLanes()), m_model->queueCapacity())
        : s.measuredInputs(config.workers, config.effectiveQueueCapacity());
    const QueuePrediction fromPlan = predict(planned);
    const QueuePrediction fromRun = predict(measured);
    const std::int64_t now = m_model->endT();
    const bool ran = s.latency().count() > 0;
    QString text;
    if (observed) {
        text = tr("<b>Queueing theory</b> (%1, a steady state's means). An observed pool has no "
                  "plan: predicted from the run's measured inputs: %2.")
                   .arg(fromRun.model == QueueModel::ErlangC ? tr("Erlang C") : tr("Allen–Cunneen"),
                        ran ? inputsLine(measured) : tr("none yet"));
    } else {
        text
            = tr("<b>Queueing theory</b> (%1 from the configuration, a steady state's means): "
                 "%2.<br>From the run's measured inputs: %3.")
                  .arg(fromPlan.model == QueueModel::ErlangC ? tr("Erlang C") : tr("Allen–Cunneen"),
                       inputsLine(planned), ran ? inputsLine(measured) : tr("none yet"));
        const QString verdict = queueVerdict(fromPlan, planned);
        if (!verdict.isEmpty())
            text += QStringLiteral("<br>") + verdict;
    }
    text += theoryTable(s, observed ? std::nullopt : std::optional(fromPlan), fromRun, measured,
                        now, s.meanUtilization(now));
    text += QStringLiteral("</table><small>");
    if (const BatchMeans::Interval latency = s.steadyLatency(); latency.valid)
        text += tr("Measured means: of the steady state, with a 95 % interval (batch means; the "
                   "first %1 jobs, the warm-up, left out; Lq's and L's are λ times Wq's and W's, "
                   "by Little's law). A prediction outside the interval is one the run does not "
                   "bear out. ")
                    .arg(latency.warmup);
    text += QString()
        + tr("Erlang C is exact for Poisson arrivals and exponential durations (M/M/c); "
             "Allen–Cunneen scales its wait by (ca² + cs²)/2 and is close for moderate "
             "variability, not for bursts or heavy tails. Both describe a steady state: not a "
             "run's start, nor a run of a few jobs.")
        + QStringLiteral("</small>");
    return text;
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
           "throughput (last 1 s) %6 · mean over the run %7 · run time %8<br>"
           "queue depth mean %9 · max %10")
            .arg(results)
            .arg(s.submitted())
            .arg(s.count(JobStatus::Completed))
            .arg(s.count(JobStatus::Failed))
            .arg(s.count(JobStatus::Cancelled))
            .arg(displayRate(m_model->recentThroughput()), displayRate(s.throughputPerS()),
                 displayDuration(now), QString::number(s.meanQueueDepth(), 'f', 2))
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
    m_theory->setText(theoryText());
}

} // namespace gui
