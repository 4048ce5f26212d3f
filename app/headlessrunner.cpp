#include "headlessrunner.h"

#include "durationformat.h"
#include "referencelog.h"
#include "runstats.h"
#include "workerpool.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <algorithm>
#include <csignal>

namespace app {

using namespace engine;

namespace {

// Events from different threads reach us a few milliseconds apart at most; lines are printed in
// time order once they are older than this.
constexpr std::int64_t kReorderWindowNs = 30'000'000;

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
        std::vector<PoolEvent> events = pool.takeEvents();
        for (FailureMessage &failure : pool.takeFailureMessages())
            m_failures.insert(failure.job, QString::fromStdString(failure.message));
        m_stats.ingest(events);
        if (!m_printLines)
            return;
        m_pending.insert(m_pending.end(), events.begin(), events.end());
        std::stable_sort(m_pending.begin(), m_pending.end(),
                         [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
        const std::int64_t horizon
            = final ? std::numeric_limits<std::int64_t>::max() : now - kReorderWindowNs;
        std::size_t printed = 0;
        for (; printed < m_pending.size() && m_pending[printed].t <= horizon; ++printed) {
            const PoolEvent &e = m_pending[printed];
            QString failure;
            if (e.kind == EventKind::ResultCollected && e.status() == JobStatus::Failed)
                failure = m_failures.take(e.job);
            const QString line = referenceLine(e, failure);
            if (!line.isEmpty())
                m_out << line << '\n';
        }
        m_pending.erase(m_pending.begin(),
                        m_pending.begin() + static_cast<std::ptrdiff_t>(printed));
        m_out.flush();
    }

    const RunStats &stats() const { return m_stats; }

private:
    QTextStream &m_out;
    bool m_printLines;
    RunStats m_stats;
    std::vector<PoolEvent> m_pending;
    QHash<std::int64_t, QString> m_failures;
};

void printSummary(QTextStream &out, const RunStats &s, const PoolConfig &config, std::uint64_t seed,
                  bool interrupted)
{
    out << '\n'
        << (interrupted ? "Summary (interrupted)" : "Summary") << ": " << s.results()
        << " results of " << s.submitted() << " jobs sent — " << s.count(JobStatus::Completed)
        << " completed, " << s.count(JobStatus::Failed) << " failed, "
        << s.count(JobStatus::Cancelled) << " cancelled\n";
    out << "Wall time " << displayDuration(s.wallNs()) << ", throughput "
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

int runHeadless(const CommandLine &cli, QTextStream &out, const std::atomic<int> *interruptSignal)
{
    WorkerPool pool;
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    QEventLoop loop;
    // Connected before the start, so a run that ends at once still ends the loop.
    QObject::connect(&pool, &WorkerPool::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    QString error;
    if (!pool.start(cli.config, &error)) {
        out << "poolscope: " << error << '\n';
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
        printSummary(out, printer.stats(), cli.config, pool.seed(), signalSeen != 0);
    out.flush();
    if (signalSeen == SIGINT)
        return 130;
    if (signalSeen == SIGTERM)
        return 143;
    return 0;
}

} // namespace app
