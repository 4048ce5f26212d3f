#include "app/headlesssweep.h"

#include "app/headlessrunner.h"
#include "engine/durationformat.h"
#include "engine/queueingtheory.h"
#include "engine/sweeprunner.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <cmath>
#include <csignal>
#include <functional>

namespace app {

using namespace engine;

namespace {

constexpr int kCell = 11;

QString cell(const QString &text)
{
    return text.rightJustified(kCell);
}

QString duration(double ns)
{
    return std::isfinite(ns) ? displayDuration(std::llround(ns)) : QStringLiteral("∞");
}

QString header(const SweepSpec &spec)
{
    QString line = QString::fromLatin1(spec.knobRow().flag).rightJustified(kCell);
    for (const char *name : {"results", "results/s", "busy %", "wait mean", "wait p95", "lat. mean",
                             "lat. p95", "ρ theory", "Wq theory", "W theory"})
        line += cell(QString::fromUtf8(name));
    return line;
}

QString row(const SweepSpec &spec, std::size_t i, const SweepRunner::Point &p)
{
    const RunStats &s = p.stats;
    const QueuePrediction theory = predict(plannedInputs(p.config));
    QString line = cell(spec.valueText(i)) + cell(QString::number(s.results()))
        + cell(QString::number(s.throughputPerS(), 'f', 2))
        + cell(QString::number(100.0 * s.meanUtilization(), 'f', 1))
        + cell(duration(s.wait().mean()))
        + cell(duration(static_cast<double>(s.wait().quantile(0.95))))
        + cell(duration(s.latency().mean()))
        + cell(duration(static_cast<double>(s.latency().quantile(0.95))))
        + cell(QString::number(theory.utilization, 'f', 2)) + cell(duration(theory.waitMeanS * 1e9))
        + cell(duration(theory.latencyMeanS * 1e9));
    if (p.cancelled)
        line += QStringLiteral("  (cancelled)");
    return line;
}

} // namespace

int runPoints(SweepRunner &sweep, const PoolConfig &base, const SweepSpec &spec,
              const std::function<void(int)> &pointDone, const std::atomic<int> *interruptSignal,
              QTextStream &err)
{
    QEventLoop loop;
    QObject::connect(&sweep, &SweepRunner::finished, &loop, &QEventLoop::quit,
                     Qt::QueuedConnection);
    const QMetaObject::Connection done
        = QObject::connect(&sweep, &SweepRunner::pointFinished, &loop, pointDone);
    QString error;
    if (!sweep.start(base, spec, &error)) {
        err << "poolscope: " << error << '\n';
        return -1;
    }
    int signalSeen = 0;
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, &loop, [&] {
        if (interruptSignal && signalSeen == 0) {
            if (const int sig = interruptSignal->load(); sig != 0) {
                signalSeen = sig;
                sweep.cancel();
            }
        }
    });
    watch.start(10);
    if (sweep.isRunning())
        loop.exec();
    QObject::disconnect(done);
    return signalSeen;
}

int interruptedStatus(int signal)
{
    if (signal == SIGINT)
        return 130;
    if (signal == SIGTERM)
        return 143;
    return 0;
}

int runSweep(const CommandLine &cli, const SweepSpec &spec, QTextStream &out, QTextStream &err,
             const std::atomic<int> *interruptSignal)
{
    SweepRunner sweep;
    const bool table = !cli.summaryJson;
    // The heading once the first point has started, so it can name the seed all points share.
    QObject::connect(&sweep, &SweepRunner::pointStarted, &sweep, [&](int index) {
        if (table && index == 0) {
            out << "Sweep of " << spec.describe() << " (" << spec.values.size() << " runs, seed "
                << sweep.points().front().config.seed << ")\n";
            out.flush();
        }
    });
    const int signalSeen = runPoints(
        sweep, cli.config, spec,
        [&](int index) {
            const auto i = static_cast<std::size_t>(index);
            if (!table)
                return;
            if (i == 0)
                out << header(spec) << '\n';
            out << row(spec, i, sweep.points().at(i)) << '\n';
            out.flush();
        },
        interruptSignal, err);
    if (signalSeen < 0)
        return 2;

    if (cli.summaryJson) {
        QJsonArray summaries;
        for (std::size_t i = 0; i < sweep.points().size(); ++i) {
            const SweepRunner::Point &p = sweep.points().at(i);
            QJsonObject summary = summaryJson(p.stats, p.config, p.config.seed);
            summary.insert(
                QStringLiteral("sweep"),
                QJsonObject {{QStringLiteral("knob"), QLatin1String(spec.knobRow().flag)},
                             {QStringLiteral("value"), p.value},
                             {QStringLiteral("value_text"), spec.valueText(i)},
                             {QStringLiteral("cancelled"), p.cancelled}});
            summaries.append(summary);
        }
        out << QJsonDocument(summaries).toJson(QJsonDocument::Compact) << '\n';
    } else if (sweep.wasCancelled()) {
        out << "Sweep interrupted after " << sweep.points().size() << " of " << spec.values.size()
            << " runs\n";
    }
    out.flush();
    return interruptedStatus(signalSeen);
}

} // namespace app
