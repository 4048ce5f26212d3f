#include "app/headlessrunner.h"

#include "app/headlesscompare.h"
#include "app/headlesssizing.h"
#include "app/headlesssweep.h"
#include "engine/durationformat.h"
#include "engine/eventorder.h"
#include "engine/feeddecoder.h"
#include "engine/feedsource.h"
#include "engine/perfettotrace.h"
#include "engine/redispool.h"
#include "engine/rediswatch.h"
#include "engine/referencelog.h"
#include "engine/runrecording.h"
#include "engine/runstats.h"
#include "engine/workerpool.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <functional>
#include <optional>

namespace app {

using namespace engine;

namespace {

// Events a headless run lets wait for its fold (32 bytes each) before its threads wait.
constexpr std::int64_t kHeadlessBacklogEvents = std::int64_t {256} * 1024;

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

    // Folds what the pool recorded since the last take as it comes, a chunk at a time, without a
    // copy: a run of any length holds only its fold (and what keepEverything() asks for).
    template<typename Pool> void take(Pool &pool, bool final)
    {
        // Read before the take: whatever happened before this moment minus the window is in.
        const std::int64_t now = pool.elapsedNs();
        // Failures first: a failed job's message is in before its result can be.
        addFailures(pool.takeFailureMessages());
        pool.consumeEvents([&](std::span<const PoolEvent> events) { fold(events, now, false); });
        // With or without new events, what is older than the window is printed now.
        fold({}, now, final);
        m_out.flush();
    }

    void take(std::span<const PoolEvent> events, std::vector<FailureMessage> failures,
              std::int64_t now, bool final)
    {
        addFailures(std::move(failures));
        fold(events, now, final);
        m_out.flush();
    }

    const RunStats &stats() const { return m_stats; }
    // Keeps every event and failure message for the exports.
    void keepEverything() { m_keep = true; }
    RunRecording &kept() { return m_kept; }

private:
    void addFailures(std::vector<FailureMessage> failures)
    {
        for (const FailureMessage &failure : failures)
            m_failures.insert(failure.job, QString::fromStdString(failure.message));
        if (m_keep)
            m_kept.failures.insert(m_kept.failures.end(), failures.begin(), failures.end());
    }

    void fold(std::span<const PoolEvent> events, std::int64_t now, bool final)
    {
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
    }

    bool m_keep = false;
    RunRecording m_kept;
    QTextStream &m_out;
    bool m_printLines;
    RunStats m_stats;
    EventOrder m_order;
    QHash<std::int64_t, QString> m_failures;
};

// After the run's lines, a blank line first; alone (--quiet), none.
// A feed has no seed, and its queue's capacity is its program's: neither is said.
void printSummary(QTextStream &out, const RunStats &s, const PoolConfig &config,
                  std::optional<std::uint64_t> seed, bool interrupted, bool afterLines)
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
    out << "Max queue depth " << s.maxQueueDepth();
    if (seed)
        out << " (capacity " << config.effectiveQueueCapacity() << "), seed " << *seed;
    out << '\n';
}

// A prediction as the summary JSON gives it: times in wall-clock ms; what has no steady state
// (an unstable pool's wait) is null.
QJsonObject theoryJson(const QueuePrediction &p)
{
    const auto value = [](double v) {
        return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
    };
    QJsonObject o {{QStringLiteral("model"), QLatin1String(modelName(p.model))},
                   {QStringLiteral("utilization"), value(p.utilization)},
                   {QStringLiteral("p_wait"), value(p.pWait)},
                   {QStringLiteral("wait_ms_mean"), value(p.waitMeanS * 1000.0)},
                   {QStringLiteral("latency_ms_mean"), value(p.latencyMeanS * 1000.0)},
                   {QStringLiteral("queue_len_mean"), value(p.queueLenMean)},
                   {QStringLiteral("in_system_mean"), value(p.inSystemMean)},
                   {QStringLiteral("stable"), p.stable},
                   {QStringLiteral("p_queue_full"), value(p.pFull)}};
    if (!p.stable)
        o.insert(QStringLiteral("queue_growth_per_s"), value(p.growthPerS));
    return o;
}

} // namespace

QJsonObject summaryJson(const RunStats &s, const PoolConfig &config, std::uint64_t seed)
{
    QJsonArray utilization;
    for (const auto &usage : s.workerUsage())
        utilization.append(usage.utilization());
    QJsonObject summary {
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
    // Queueing theory: from what the configuration plans, and from what the run measured.
    const QueueInputs measured = s.measuredInputs(config.workers, config.effectiveQueueCapacity());
    summary.insert(QStringLiteral("theory"), theoryJson(predict(plannedInputs(config))));
    summary.insert(QStringLiteral("measured_inputs"),
                   QJsonObject {{QStringLiteral("arrival_rate_per_s"), measured.arrivalRatePerS},
                                {QStringLiteral("service_ms_mean"), measured.serviceMeanS * 1000.0},
                                {QStringLiteral("ca2"), measured.ca2},
                                {QStringLiteral("cs2"), measured.cs2}});
    summary.insert(QStringLiteral("theory_measured"), theoryJson(predict(measured)));
    // The measured means of the steady state with their 95 % intervals (batch means, the warm-up
    // left out); null where too few jobs were done for one.
    const BatchMeans::Interval wait = s.steadyWait(), latency = s.steadyLatency();
    const auto steady = [](const BatchMeans::Interval &i, double v) {
        return i.valid ? QJsonValue(v / 1e6) : QJsonValue();
    };
    summary.insert(
        QStringLiteral("measured_steady"),
        QJsonObject {{QStringLiteral("wait_ms_mean"), steady(wait, wait.mean)},
                     {QStringLiteral("wait_ms_half_width"), steady(wait, wait.halfWidth)},
                     {QStringLiteral("latency_ms_mean"), steady(latency, latency.mean)},
                     {QStringLiteral("latency_ms_half_width"), steady(latency, latency.halfWidth)},
                     {QStringLiteral("warmup_jobs"), static_cast<qint64>(latency.warmup)}});
    return summary;
}

namespace {

void printJson(QTextStream &out, const RunStats &s, const PoolConfig &config, std::uint64_t seed)
{
    out << QJsonDocument(summaryJson(s, config, seed)).toJson(QJsonDocument::Compact) << '\n';
}

} // namespace

// Writes the exports the command line asked for; false (with a line on `out`) when one fails.
bool writeExports(const CommandLine &cli, const RunRecording &recording, QTextStream &err)
{
    using Writer = bool (*)(const RunRecording &, QIODevice &, QString *, const Progress &);
    const std::pair<QString, Writer> exports[] = {{cli.tracePath, &writeChromeTrace},
                                                  {cli.perfettoPath, &writePerfettoTrace},
                                                  {cli.csvPath, &writeResultsCsv},
                                                  {cli.recordPath, &writeRunFile}};
    bool ok = true;
    for (const auto &[path, write] : exports) {
        if (path.isEmpty())
            continue;
        // Streamed into a temporary file that takes the name once whole: a failed write leaves
        // no half file behind.
        QSaveFile file(path);
        QString error;
        if (!file.open(QIODevice::WriteOnly) || !write(recording, file, &error, {})
            || !file.commit()) {
            err << "poolscope: cannot write " << path << ": "
                << (error.isEmpty() ? file.errorString() : error) << '\n';
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
    const auto recording = readRecording(file, &error);
    if (!recording) {
        err << "poolscope: " << cli.openPath << ": " << error << '\n';
        return 2;
    }
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    printer.take(recording->events, recording->failures, 0, true);
    if (cli.summaryJson)
        printJson(out, printer.stats(), recording->config, recording->seed);
    else
        printSummary(out, printer.stats(), recording->config, recording->seed, false, !cli.quiet);
    out.flush();
    return writeExports(cli, *recording, err) ? 0 : 1;
}

// The feed's own account: lines read, what was skipped, the problems with their line numbers.
void printFeed(QTextStream &out, const FeedSource::Account &feed)
{
    out << "Feed: " << feed.lines << " lines";
    if (feed.senders > 0)
        out << " from " << feed.senders << (feed.senders == 1 ? " sender" : " senders");
    else
        out << " ("
            << (feed.format == FeedDecoder::Format::Jsonl        ? "JSON Lines"
                    : feed.format == FeedDecoder::Format::Chrome ? "Chrome trace events"
                                                                 : "the reference log")
            << ")";
    out << ", " << feed.problems << " problems";
    if (feed.otherLines > 0)
        out << ", " << feed.otherLines << " other lines skipped";
    if (feed.dropped > 0)
        out << ", " << feed.dropped << " events dropped by the sender";
    if (!feed.sourceName.isEmpty())
        out << ", from " << feed.sourceName;
    out << '\n';
    for (const FeedDecoder::Problem &p : feed.firstProblems)
        out << "  line " << p.line << ": " << p.text << '\n';
}

QJsonObject feedJson(const FeedSource::Account &feed)
{
    QJsonArray problems;
    for (const FeedDecoder::Problem &p : feed.firstProblems)
        problems.append(QJsonObject {{QStringLiteral("line"), static_cast<qint64>(p.line)},
                                     {QStringLiteral("text"), p.text}});
    const QString format = feed.senders > 0          ? QStringLiteral("per sender")
        : feed.format == FeedDecoder::Format::Jsonl  ? QStringLiteral("jsonl")
        : feed.format == FeedDecoder::Format::Chrome ? QStringLiteral("chrome")
                                                     : QStringLiteral("seed-log");
    return QJsonObject {{QStringLiteral("format"), format},
                        {QStringLiteral("senders"), feed.senders},
                        {QStringLiteral("senders_refused"), feed.sendersRefused},
                        {QStringLiteral("lines"), static_cast<qint64>(feed.lines)},
                        {QStringLiteral("other_lines"), static_cast<qint64>(feed.otherLines)},
                        {QStringLiteral("problems"), static_cast<qint64>(feed.problems)},
                        {QStringLiteral("dropped"), static_cast<qint64>(feed.dropped)},
                        {QStringLiteral("source"), feed.sourceName},
                        {QStringLiteral("queue_capacity"),
                         feed.queueCapacity >= 0 ? QJsonValue(feed.queueCapacity) : QJsonValue()},
                        {QStringLiteral("first_problems"), problems}};
}

// Follows a feed (a file as it grows, standard input for "-", or the senders that come to a
// listener, until all have gone) to its end, printing the
// reference program's lines as they come, then the summary; the exports as for a run. Ctrl+C
// ends the feed as its end would, with the summary, and exits 130.
int followHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                   const std::atomic<int> *interruptSignal)
{
    FeedSource source;
    QEventLoop loop;
    QObject::connect(&source, &FeedSource::finished, &loop, &QEventLoop::quit,
                     Qt::QueuedConnection);
    QString error;
    const bool started = cli.listenAddress.isEmpty()
        ? source.start(cli.followPath, cli.feedFormat, &error)
        : source.listen(cli.listenAddress, cli.feedFormat, true, &error);
    if (!started) {
        err << "poolscope: " << error << '\n';
        return 2;
    }
    if (!cli.listenAddress.isEmpty()) { // where to send, once a port 0 is resolved
        err << "poolscope: listening on " << source.listeningAddress() << '\n';
        err.flush();
    }
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    if (cli.writesExports())
        printer.keepEverything();
    std::vector<PoolEvent> events; // handed back at each take, its memory reused
    const auto hand = [&](bool final) {
        // A feed's events come in time order (the decoder keeps its clock from going back): all
        // up to its latest time may be printed, with no window held back for late ones.
        const std::int64_t lastT = source.account().lastT; // read before the take
        events = source.takeEvents(std::move(events));
        printer.take(events, source.takeFailureMessages(), lastT + EventOrder::kWindowNs, final);
    };
    QTimer drain;
    int signalSeen = 0;
    QObject::connect(&drain, &QTimer::timeout, &loop, [&] {
        if (interruptSignal && signalSeen == 0 && interruptSignal->load() != 0) {
            signalSeen = interruptSignal->load();
            source.stop();
        }
        hand(false);
    });
    drain.start(10);
    if (source.isRunning())
        loop.exec();
    drain.stop();
    source.stop();
    hand(true);
    const FeedSource::Account feed = source.account();
    PoolConfig config;
    config.workers = std::clamp(feed.workers, PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers);
    config.jobs = std::clamp(feed.submitted, PoolConfig::kMinJobs, PoolConfig::kMaxJobs);
    config.queueCapacity = feedQueueCapacity(feed);
    if (cli.summaryJson) {
        QJsonObject summary = summaryJson(printer.stats(), config, 0);
        // A feed has no seed, and no plan to predict from: theory_measured is its prediction.
        summary.remove(QStringLiteral("seed"));
        summary.remove(QStringLiteral("theory"));
        summary.insert(QStringLiteral("feed"), feedJson(feed));
        out << QJsonDocument(summary).toJson(QJsonDocument::Compact) << '\n';
    } else {
        printSummary(out, printer.stats(), config, std::nullopt, signalSeen != 0, !cli.quiet);
        printFeed(out, feed);
    }
    out.flush();
    printer.kept().config = config;
    if (!writeExports(cli, printer.kept(), err))
        return 1;
    return signalSeen != 0 ? interruptedStatus(signalSeen) : 0;
}

// Runs a pool (local threads or Redis) to its end, folding and printing as it goes, then the
// summary (with what `extra` adds: a line and a member of the JSON) and the exports. Ctrl+C
// cancels: every job sent still ends with a result, and the summary says it was interrupted.
struct SummaryExtra
{
    std::function<void(QTextStream &)> text;
    std::function<void(QJsonObject &)> json;
    // The configuration the summary speaks of, once the run is over; none: the command line's.
    std::function<PoolConfig(const RunStats &)> config;
    bool observed = false; // a run watched, not run: no seed, no plan to predict from
};

template<typename Pool, typename Start>
int drive(Pool &pool, Start start, const CommandLine &cli, QTextStream &out, QTextStream &err,
          const std::atomic<int> *interruptSignal, const SummaryExtra &extra)
{
    Printer printer(out, !cli.quiet && !cli.summaryJson);
    if (cli.writesExports())
        printer.keepEverything();
    QEventLoop loop;
    // Connected before the start, so a run that ends at once still ends the loop.
    QObject::connect(&pool, &Pool::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    // Each batch is folded as soon as it is published; the timer below catches the stale ones.
    QObject::connect(
        &pool, &Pool::eventsAvailable, &loop, [&] { printer.take(pool, false); },
        Qt::QueuedConnection);
    QString error;
    if (!start(&error)) {
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
    // A thread may still be publishing its last events, and waiting for room: fold until all
    // are joined.
    while (!pool.waitForFinished(5))
        printer.take(pool, false);
    if (interruptSignal && signalSeen == 0)
        signalSeen = interruptSignal->load();
    printer.take(pool, true);

    const PoolConfig config = extra.config ? extra.config(printer.stats()) : cli.config;
    if (cli.summaryJson) {
        QJsonObject summary = summaryJson(printer.stats(), config, pool.seed());
        if (extra.observed) {
            summary.remove(QStringLiteral("seed"));
            summary.remove(QStringLiteral("theory"));
        }
        if (extra.json)
            extra.json(summary);
        out << QJsonDocument(summary).toJson(QJsonDocument::Compact) << '\n';
    } else {
        printSummary(out, printer.stats(), config,
                     extra.observed ? std::nullopt : std::optional<std::uint64_t>(pool.seed()),
                     signalSeen != 0, !cli.quiet);
        if (extra.text)
            extra.text(out);
    }
    out.flush();
    printer.kept().config = config;
    printer.kept().seed = pool.seed();
    if (!writeExports(cli, printer.kept(), err))
        return 1;
    if (signalSeen == SIGINT)
        return 130;
    if (signalSeen == SIGTERM)
        return 143;
    return 0;
}

// A distributed run: the producer and collector here, the workers wherever poolscope-worker runs.
int runRedisHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                     const std::atomic<int> *interruptSignal)
{
    redis::RedisPool pool;
    SummaryExtra extra;
    extra.text = [&](QTextStream &o) {
        const redis::RedisPool::Account a = pool.account();
        o << "Redis " << cli.engineTarget->display() << ": " << a.consumers
          << (a.consumers == 1 ? " worker" : " workers") << " on " << a.hosts
          << (a.hosts == 1 ? " host" : " hosts") << ", " << a.retried << " jobs retried, "
          << a.duplicates << " duplicate results dropped, " << a.reconnects << " reconnects\n";
    };
    extra.json = [&](QJsonObject &summary) {
        const redis::RedisPool::Account a = pool.account();
        summary.insert(
            QStringLiteral("redis"),
            QJsonObject {
                {QStringLiteral("url"), cli.engineTarget->display()},
                {QStringLiteral("workers"), a.consumers},
                {QStringLiteral("hosts"), a.hosts},
                {QStringLiteral("retried"), static_cast<qint64>(a.retried)},
                {QStringLiteral("duplicates"), static_cast<qint64>(a.duplicates)},
                {QStringLiteral("reconnects"), static_cast<qint64>(a.reconnects)},
                {QStringLiteral("max_pending"), static_cast<qint64>(a.maxPending)},
                {QStringLiteral("consumers"), QJsonArray::fromStringList(a.consumerNames)}});
    };
    return drive(
        pool, [&](QString *error) { return pool.start(*cli.engineTarget, cli.config, error); }, cli,
        out, err, interruptSignal, extra);
}

// Watches a Redis work queue until Ctrl+C (or until its stream or group goes), then the summary.
int watchHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                  const std::atomic<int> *interruptSignal)
{
    redis::RedisWatch watch;
    SummaryExtra extra;
    extra.observed = true;
    extra.config = [&](const RunStats &stats) {
        PoolConfig config;
        config.workers = std::clamp(static_cast<int>(watch.account().consumers.size()),
                                    PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers);
        config.jobs = std::clamp(stats.submitted(), PoolConfig::kMinJobs, PoolConfig::kMaxJobs);
        config.queueCapacity = PoolConfig::kMaxCapacity; // a stream has no bound of its own
        return config;
    };
    extra.text = [&](QTextStream &o) {
        const redis::RedisWatch::Account a = watch.account();
        o << "Watched " << cli.watchTarget->server.display() << ", group " << a.group << ": "
          << a.consumers.size() << (a.consumers.size() == 1 ? " consumer" : " consumers") << ", "
          << a.looks << " looks, " << a.claimed << " claimed from another consumer, "
          << a.reconnects << " reconnects";
        if (a.lag >= 0)
            o << ", lag " << a.lag;
        if (!a.ended.isEmpty())
            o << "; ended: " << a.ended;
        o << '\n';
        for (const auto &c : a.consumers)
            o << "  " << c.name << ": " << c.pending << " pending, idle " << c.idleMs << " ms\n";
        if (!a.otherGroups.isEmpty())
            o << "Other groups of the stream: " << a.otherGroups.join(u", ") << '\n';
    };
    extra.json = [&](QJsonObject &summary) {
        const redis::RedisWatch::Account a = watch.account();
        QJsonArray consumers;
        for (const auto &c : a.consumers)
            consumers.append(
                QJsonObject {{QStringLiteral("name"), c.name},
                             {QStringLiteral("pending"), static_cast<qint64>(c.pending)},
                             {QStringLiteral("idle_ms"), static_cast<qint64>(c.idleMs)}});
        summary.insert(
            QStringLiteral("watch"),
            QJsonObject {
                {QStringLiteral("url"), cli.watchTarget->server.display()},
                {QStringLiteral("group"), a.group},
                {QStringLiteral("looks"), static_cast<qint64>(a.looks)},
                {QStringLiteral("claimed"), static_cast<qint64>(a.claimed)},
                {QStringLiteral("reconnects"), static_cast<qint64>(a.reconnects)},
                {QStringLiteral("lag"), static_cast<qint64>(a.lag)},
                {QStringLiteral("ended"), a.ended},
                {QStringLiteral("consumers"), consumers},
                {QStringLiteral("other_groups"), QJsonArray::fromStringList(a.otherGroups)}});
    };
    return drive(
        watch, [&](QString *error) { return watch.start(*cli.watchTarget, error); }, cli, out, err,
        interruptSignal, extra);
}

int runHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                const std::atomic<int> *interruptSignal)
{
    if (!cli.followPath.isEmpty() || !cli.listenAddress.isEmpty())
        return followHeadless(cli, out, err, interruptSignal);
    if (!cli.comparePaths.isEmpty())
        return runCompare(cli, out, err);
    if (!cli.openPath.isEmpty())
        return replayHeadless(cli, out, err);
    if (cli.sweep)
        return runSweep(cli, *cli.sweep, out, err, interruptSignal);
    if (cli.sizeFor)
        return runSizing(cli, *cli.sizeFor, out, err, interruptSignal);
    if (cli.engineTarget)
        return runRedisHeadless(cli, out, err, interruptSignal);
    if (cli.watchTarget)
        return watchHeadless(cli, out, err, interruptSignal);
    // The run is folded as it goes: its threads wait when a backlog of events builds up faster
    // than this thread folds it, so memory stays bounded however many jobs it runs.
    WorkerPool pool(WorkerPool::Options {.eventBacklogLimit = kHeadlessBacklogEvents});
    return drive(pool, [&](QString *error) { return pool.start(cli.config, error); }, cli, out, err,
                 interruptSignal, {});
}

} // namespace app
