#include "app/headlessrunner.h"

#include "engine/durationformat.h"
#include "engine/eventorder.h"
#include "engine/referencelog.h"
#include "engine/runrecording.h"
#include "engine/runstats.h"
#include "engine/workerpool.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>
#include <algorithm>
#include <csignal>

namespace app {

using namespace engine;

namespace {

double ms(double ns)
{
    return ns / 1e6;
}

QJsonObject distributionJson(const Histogram &h)
{
    return QJsonObject {{QStringLiteral("mean"), ms(h.mean())},
                        {QStringLiteral("p50"), ms(static_cast<double>(h.quantile(0.50)))},
                        {QStringLiteral("p95"), ms(static_cast<double>(h.quantile(0.95)))},
                        {QStringLiteral("p99"), ms(static_cast<double>(h.quantile(0.99)))}};
}

QString row(const QString &name, const Histogram &h)
{
    auto cell = [](std::int64_t ns) {
        return displayDuration(ns).rightJustified(10);
    };
    return name.leftJustified(12) + cell(std::llround(h.mean())) + cell(h.quantile(0.50))
        + cell(h.quantile(0.95)) + cell(h.quantile(0.99)) + QLatin1Char('\n');
}

class Printer
{
public:
    Printer(QTextStream &out, bool printLines)
        : m_out(out)
        , m_printLines(printLines)
    { }

    void take(WorkerPool &pool, bool final)
    {
        // Read before the take: whatever happened before this moment minus the window is in.
        const std::int64_t now = pool.elapsedNs();
        take(pool.takeEvents(), pool.takeFailureMessages(), now, final);
    }

    void take(std::span<const PoolEvent> events, std::vector<FailureMessage> failures,
              std::int64_t now, bool final)
    {
        for (const FailureMessage &failure : failures)
            m_failures.insert(failure.job, QString::fromStdString(failure.message));
        if (m_keep)
            m_kept.failures.insert(m_kept.failures.end(), failures.begin(), failures.end());
        // Lines are printed in time order, as far as the EventOrder's window allows; the
        // statistics take events in any order, and the exports put them in order themselves.
        std::span<const PoolEvent> released = events;
        if (m_printLines) {
            m_order.push(events);
            released
                = m_order.release(final ? EventOrder::kEverything : now - EventOrder::kWindowNs);
        }
        m_stats.ingest(released);
        if (m_keep)
            m_kept.events.insert(m_kept.events.end(), released.begin(), released.end());
        if (!m_printLines)
            return;
        for (const PoolEvent &e : released) {
            QString failure;
            if (e.kind == EventKind::ResultCollected && e.status() == JobStatus::Failed)
                failure = m_failures.take(e.job);
            const QString line = referenceLine(e, failure);
            if (!line.isEmpty())
                m_out << line << '\n';
        }
        m_order.trim();
        m_out.flush();
    }

    const RunStats &stats() const { return m_stats; }
    // Keeps every event and failure message for the exports.
    void keepEverything() { m_keep = true; }
    RunRecording &kept() { return m_kept; }

private:
    bool m_keep = false;
    RunRecording m_kept;
    QTextStream &m_out;
    bool m_printLines;
    RunStats m_stats;
    EventOrder m_order;
    QHash<std::int64_t, QString> m_failures;
};

// After the run's lines, a blank line first; alone (--quiet), none.
void printSummary(QTextStream &out, const RunStats &s, const PoolConfig &config, std::uint64_t seed,
                  bool interrupted, bool afterLines)
{
    if (afterLines)
        out << '\n';
    out << (interrupted ? "Summary (interrupted)" : "Summary") << ": " << s.results()
        << " results of " << s.submitted() << " jobs sent — " << s.count(JobStatus::Completed)
        << " completed, " << s.count(JobStatus::Failed) << " failed, "
        << s.count(JobStatus::Cancelled) << " cancelled\n";
    out << "Wall time " << displayDuration(s.wallNs()) << ", mean throughput "
        << QString::number(s.throughputPerS(), 'f', 2) << " results/s\n";
    out << QString().leftJustified(12) << QStringLiteral("mean").rightJustified(10)
        << QStringLiteral("p50").rightJustified(10) << QStringLiteral("p95").rightJustified(10)
        << QStringLiteral("p99").rightJustified(10) << '\n';
    out << row(QStringLiteral("wait"), s.wait())
        << row(QStringLiteral("processing"), s.processing())
        << row(QStringLiteral("latency"), s.latency());
    out << "Utilization:";
    for (const auto &usage : s.workerUsage())
        out << " worker " << usage.id << ' ' << QString::number(usage.utilization() * 100.0, 'f', 1)
            << '%';
    out << '\n';
    out << "Max queue depth " << s.maxQueueDepth() << " (capacity "
        << config.effectiveQueueCapacity() << "), seed " << seed << '\n';
}

void printJson(QTextStream &out, const RunStats &s, std::uint64_t seed)
{
    QJsonArray utilization;
    for (const auto &usage : s.workerUsage())
        utilization.append(usage.utilization());
    const QJsonObject summary {
        {QStringLiteral("completed"), static_cast<qint64>(s.count(JobStatus::Completed))},
        {QStringLiteral("failed"), static_cast<qint64>(s.count(JobStatus::Failed))},
        {QStringLiteral("cancelled"), static_cast<qint64>(s.count(JobStatus::Cancelled))},
        {QStringLiteral("submitted"), static_cast<qint64>(s.submitted())},
        {QStringLiteral("wall_ms"), ms(static_cast<double>(s.wallNs()))},
        {QStringLiteral("throughput_per_s"), s.throughputPerS()},
        {QStringLiteral("wait_ms"), distributionJson(s.wait())},
        {QStringLiteral("processing_ms"), distributionJson(s.processing())},
        {QStringLiteral("latency_ms"), distributionJson(s.latency())},
        {QStringLiteral("utilization"), utilization},
        {QStringLiteral("max_queue_depth"), s.maxQueueDepth()},
        {QStringLiteral("seed"), QString::number(seed)},
    };
    out << QJsonDocument(summary).toJson(QJsonDocument::Compact) << '\n';
}

} // namespace

// Writes the exports the command line asked for; false (with a line on `out`) when one fails.
bool writeExports(const CommandLine &cli, const RunRecording &recording, QTextStream &err)
{
    const std::pair<QString, QByteArray (*)(const RunRecording &)> exports[]
        = {{cli.tracePath, &writeChromeTrace},
           {cli.csvPath, &writeResultsCsv},
           {cli.recordPath, &writeRunFile}};
    bool ok = true;
    for (const auto &[path, write] : exports) {
        if (path.isEmpty())
            continue;
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(write(recording)) < 0
            || !file.commit()) {
            err << "poolscope: cannot write " << path << ": " << file.errorString() << '\n';
            ok = false;
        }
    }
    return ok;
}

// Replays a recorded run at once: its lines and its summary.
int replayHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err)
{
    QFile file(cli.openPath);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "poolscope: cannot open " << cli.openPath << ": " << file.errorString() << '\n';
        return 2;
    }
    QString error;
    const auto recording = readRecording(file.readAll(), &error);
    if (!recording) {
        err << "poolscope: " << cli.openPath << ": " << error << '\n';
        return 2;
    }
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    printer.take(recording->events, recording->failures, 0, true);
    if (cli.summaryJson)
        printJson(out, printer.stats(), recording->seed);
    else
        printSummary(out, printer.stats(), recording->config, recording->seed, false, !cli.quiet);
    out.flush();
    return writeExports(cli, *recording, err) ? 0 : 1;
}

int runHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                const std::atomic<int> *interruptSignal)
{
    if (!cli.openPath.isEmpty())
        return replayHeadless(cli, out, err);
    WorkerPool pool;
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    if (!cli.tracePath.isEmpty() || !cli.csvPath.isEmpty() || !cli.recordPath.isEmpty())
        printer.keepEverything();
    QEventLoop loop;
    // Connected before the start, so a run that ends at once still ends the loop.
    QObject::connect(&pool, &WorkerPool::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    QString error;
    if (!pool.start(cli.config, &error)) {
        err << "poolscope: " << error << '\n';
        return 2;
    }

    QTimer drain;
    int signalSeen = 0;
    QObject::connect(&drain, &QTimer::timeout, &loop, [&] {
        if (interruptSignal && signalSeen == 0) {
            if (const int sig = interruptSignal->load(); sig != 0) {
                signalSeen = sig;
                pool.cancel();
            }
        }
        printer.take(pool, false);
    });
    drain.start(10);
    if (pool.isRunning())
        loop.exec();
    drain.stop();
    pool.waitForFinished();
    if (interruptSignal && signalSeen == 0)
        signalSeen = interruptSignal->load();
    printer.take(pool, true);

    if (cli.summaryJson)
        printJson(out, printer.stats(), pool.seed());
    else
        printSummary(out, printer.stats(), cli.config, pool.seed(), signalSeen != 0, !cli.quiet);
    out.flush();
    printer.kept().config = cli.config;
    printer.kept().seed = pool.seed();
    if (!writeExports(cli, printer.kept(), err))
        return 1;
    if (signalSeen == SIGINT)
        return 130;
    if (signalSeen == SIGTERM)
        return 143;
    return 0;
}

} // namespace app
