// poolscope-bench: the numbers behind Poolscope's performance table. Every figure is a median over
// several repetitions; --json prints them as one object. See README "Performance".

#include "baselines.h"
#include "clients/cpp/poolfeed.h"
#include "engine/feedsource.h"
#include "engine/perfettotrace.h"
#include "engine/runrecording.h"
#include "engine/runstats.h"
#include "engine/workerpool.h"
#include "poolharness.h"
#include "ui/mainwindow.h"
#include "ui/queuechart.h"
#include "ui/runmodel.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace engine;

namespace {

struct Options
{
    std::int64_t jobs = 1'000'000;
    std::int64_t frameJobs = 10'000'000;
    int reps = 5;
    bool json = false;
    QString only; // measure only the figures whose key starts with this
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

double percentile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    if (values.empty())
        return 0.0;
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(values.size())))];
}

PoolConfig flatOut(std::int64_t jobs, int capacity)
{
    PoolConfig c;
    c.workers = 2;
    c.jobs = jobs;
    c.queueCapacity = capacity;
    c.resultsCapacity = capacity;
    c.intervalMs = 0;
    c.minMs = c.maxMs = 0;
    c.seed = 1;
    return c;
}

// The full pattern, start to last result; events (when on) are taken after the clock stops.
double engineJobsPerSecond(const PoolConfig &config, bool events,
                           std::vector<PoolEvent> *keep = nullptr)
{
    WorkerPool pool(WorkerPool::Options {events});
    QElapsedTimer timer;
    timer.start();
    pool.start(config);
    pool.waitForFinished();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    auto taken = pool.takeEvents();
    if (keep)
        *keep = std::move(taken);
    return static_cast<double>(config.jobs) / seconds;
}

// Idle pool: a job submitted → that job started, in µs.
std::pair<double, double> wakeupMicros(int jobs)
{
    PoolConfig c;
    c.workers = 2;
    c.jobs = jobs;
    c.intervalMs = 2; // the workers are parked again before the next job comes
    c.minMs = c.maxMs = 0;
    WorkerPool pool;
    pool.start(c);
    std::vector<PoolEvent> events;
    harness::collectUntilFinished(pool, events, 600000);
    std::vector<std::int64_t> submitted(static_cast<std::size_t>(jobs) + 1, -1);
    std::vector<double> latencies;
    for (const PoolEvent &e : events) {
        if (e.kind == EventKind::JobSubmitted)
            submitted[static_cast<std::size_t>(e.job)] = e.t;
    }
    for (const PoolEvent &e : events) {
        if (e.kind == EventKind::JobStarted && submitted[static_cast<std::size_t>(e.job)] >= 0)
            latencies.push_back(
                static_cast<double>(e.t - submitted[static_cast<std::size_t>(e.job)]) / 1e3);
    }
    return {percentile(latencies, 0.5), percentile(latencies, 0.99)};
}

// A run of `jobs` jobs on `workers` workers written as the engine would record it: back-to-back
// 50 µs jobs, the queue holding a few.
std::vector<PoolEvent> syntheticRun(std::int64_t jobs, int workers, std::int64_t first = 1)
{
    std::vector<PoolEvent> events;
    events.reserve(static_cast<std::size_t>(jobs) * 5);
    for (std::int64_t k = first; k < first + jobs; ++k) {
        const int w = static_cast<int>(k % workers) + 1;
        const std::int64_t round = k / workers;
        const std::int64_t start = round * 60'000 + w * 100;
        const auto worker = static_cast<std::uint16_t>(w);
        events.push_back({.t = start - 20'000, .job = k, .kind = EventKind::JobSubmitted});
        events.push_back(
            {.t = start - 20'000, .job = k, .extra = 3, .kind = EventKind::JobEnqueued});
        events.push_back({.t = start,
                          .job = k,
                          .value = 50'000,
                          .extra = 2,
                          .worker = worker,
                          .kind = EventKind::JobStarted});
        events.push_back(
            {.t = start + 50'000, .job = k, .worker = worker, .kind = EventKind::JobFinished});
        events.push_back({.t = start + 50'500,
                          .job = k,
                          .value = 50'000,
                          .worker = worker,
                          .kind = EventKind::ResultCollected});
    }
    return events;
}

std::vector<PoolEvent> workersStarted(int workers)
{
    std::vector<PoolEvent> events {{.kind = EventKind::RunStarted}};
    for (int w = 1; w <= workers; ++w)
        events.push_back(
            {.worker = static_cast<std::uint16_t>(w), .kind = EventKind::WorkerStarted});
    return events;
}

struct FrameTimes
{
    double p50 = 0, p99 = 0;
    double timelineP50 = 0; // of which the timeline
};

FrameTimes paintTimes(gui::TimelineView &timeline, gui::QueueChart &chart, int frames)
{
    QImage top(timeline.size(), QImage::Format_ARGB32_Premultiplied);
    QImage bottom(chart.size(), QImage::Format_ARGB32_Premultiplied);
    std::vector<double> ms, timelineMs;
    for (int i = 0; i < frames; ++i) {
        QElapsedTimer timer;
        timer.start();
        timeline.render(&top);
        timelineMs.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        chart.render(&bottom);
        ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    return {percentile(ms, 0.5), percentile(ms, 0.99), percentile(timelineMs, 0.5)};
}

// The process's resident set now and at its peak since the last reset, in MB (Linux: VmRSS and
// VmHWM; writing 5 to clear_refs resets the peak to the current size).
std::pair<double, double> residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    double now = 0, peak = 0;
    if (status.open(QIODevice::ReadOnly))
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                now = line.mid(6).trimmed().split(' ').first().toDouble() / 1024;
            else if (line.startsWith("VmHWM:"))
                peak = line.mid(6).trimmed().split(' ').first().toDouble() / 1024;
        }
    return {now, peak};
}

void resetPeakResident()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
}

struct ExportFigures
{
    double mbPerS = 0; // the file's size over the time to write it
    double peakRssMb = 0; // the most the process grew while writing, beyond where it started
    double readMbPerS = 0, readPeakRssMb = 0; // reading it back, beyond the recording it makes
};

// Writes a recording to a file as the window and --trace/--record do (through QSaveFile), then
// reads it back.
ExportFigures exportFigures(const RunRecording &recording,
                            bool (*write)(const RunRecording &, QIODevice &, QString *,
                                          const Progress &),
                            bool readBack)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("export"));
    ExportFigures f;
    resetPeakResident();
    const double before = residentMb().first;
    QElapsedTimer timer;
    timer.start();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !write(recording, file, nullptr, {}) || !file.commit())
        return f;
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    f.peakRssMb = residentMb().second - before;
    const double mb = static_cast<double>(QFileInfo(path).size()) / (1024.0 * 1024.0);
    f.mbPerS = mb / seconds;
    if (readBack) {
        resetPeakResident();
        const double start = residentMb().first;
        timer.restart();
        QFile in(path);
        QString error;
        std::optional<RunRecording> back;
        if (in.open(QIODevice::ReadOnly))
            back = readRecording(in, &error);
        const double readSeconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        if (back) {
            const double events = static_cast<double>(back->events.capacity() * sizeof(PoolEvent))
                / (1024.0 * 1024.0);
            f.readPeakRssMb = residentMb().second - start - events;
            f.readMbPerS = mb / readSeconds;
        }
    }
    return f;
}

std::int64_t heapBytes()
{
    const struct mallinfo2 info = mallinfo2();
    return static_cast<std::int64_t>(info.uordblks + info.hblkhd);
}

} // namespace

// A feed of `jobs` jobs on 8 workers, four lines a job (submit, start, finish… and a worker's
// start or stop now and then), as an emitter writes it: JSON Lines in ns.
QByteArray feedLines(std::int64_t jobs, std::int64_t *lines)
{
    QByteArray bytes = "{\"feed\": \"poolscope\", \"unit\": \"ns\", \"process\": \"bench\"}\n";
    std::int64_t t = 0;
    *lines = 1;
    for (std::int64_t job = 1; job <= jobs; ++job) {
        const std::int64_t worker = (job - 1) % 8 + 1;
        bytes += "{\"t\": " + QByteArray::number(t)
            + ", \"ev\": \"submit\", \"job\": " + QByteArray::number(job) + "}\n";
        bytes += "{\"t\": " + QByteArray::number(t + 100)
            + ", \"ev\": \"start\", \"job\": " + QByteArray::number(job)
            + ", \"worker\": " + QByteArray::number(worker) + ", \"duration\": 5000}\n";
        bytes += "{\"t\": " + QByteArray::number(t + 5100) + ", \"ev\": \"finish\", \"job\": "
            + QByteArray::number(job) + ", \"worker\": " + QByteArray::number(worker) + "}\n";
        t += 700;
        *lines += 3;
    }
    return bytes;
}

// Feed lines a second that a listener takes in from one TCP sender on loopback, from the first
// byte sent to the last event handed on (the decoding and renumbering included).
double feedEventsPerSecond(const QByteArray &bytes, std::int64_t lines)
{
    engine::FeedSource source;
    QString error;
    if (!source.listen(QStringLiteral("127.0.0.1:0"), engine::FeedDecoder::Format::Jsonl, true,
                       &error))
        return 0;
    const QString address = source.listeningAddress();
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    sockaddr_in where {};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(address.mid(colon + 1).toInt()));
    ::inet_pton(AF_INET, "127.0.0.1", &where.sin_addr);
    QElapsedTimer timer;
    timer.start();
    std::thread sender([&] {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(fd, reinterpret_cast<const sockaddr *>(&where), sizeof where) == 0) {
            for (qsizetype done = 0; done < bytes.size();) {
                const ssize_t n = ::write(fd, bytes.constData() + done,
                                          static_cast<std::size_t>(bytes.size() - done));
                if (n <= 0)
                    break;
                done += n;
            }
        }
        ::close(fd);
    });
    std::int64_t events = 0;
    std::vector<engine::PoolEvent> taken; // handed back, as the window and headless runs do
    while (source.isRunning() || events == 0) {
        taken = source.takeEvents(std::move(taken));
        events += static_cast<std::int64_t>(taken.size());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (!source.isRunning()) {
            taken = source.takeEvents(std::move(taken));
            events += static_cast<std::int64_t>(taken.size());
        }
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    sender.join();
    return static_cast<double>(lines) / seconds;
}

// What a call of the C++ emitter costs the pool's thread, in ns (its writer writes to /dev/null).
double emitterEventNs(std::int64_t events)
{
    poolfeed::Emitter feed("/dev/null");
    QElapsedTimer timer;
    timer.start();
    for (std::int64_t i = 1; i <= events; i += 2) {
        feed.start(i, 1, std::chrono::microseconds(5));
        feed.finish(i, 1);
    }
    const double ns = static_cast<double>(timer.nsecsElapsed()) / static_cast<double>(events);
    feed.close();
    return ns;
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options o;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        auto next = [&] {
            return i + 1 < args.size() ? args[++i].toLongLong() : 0;
        };
        if (a == QLatin1String("--json"))
            o.json = true;
        else if (a == QLatin1String("--jobs"))
            o.jobs = next();
        else if (a == QLatin1String("--frame-jobs"))
            o.frameJobs = next();
        else if (a == QLatin1String("--reps"))
            o.reps = static_cast<int>(next());
        else if (a == QLatin1String("--only") && i + 1 < args.size())
            o.only = args[++i];
        else if (a == QLatin1String("--quick"))
            o = Options {20'000, 20'000, 1, o.json, o.only};
        else {
            QTextStream(stderr) << "usage: poolscope-bench [--json] [--jobs N] [--frame-jobs N] "
                                   "[--reps N] [--quick] [--only KEY-PREFIX]\n";
            return 2;
        }
    }
    if (o.jobs < 1000 || o.frameJobs < 1000 || o.reps < 1) {
        QTextStream(stderr)
            << "poolscope-bench: --jobs and --frame-jobs need at least 1000, --reps at least 1\n";
        return 2;
    }
    QTextStream err(stderr);
    QJsonObject out;
    auto wanted = [&](const char *key) {
        return QLatin1String(key).startsWith(o.only);
    };
    auto measure = [&](const char *key, auto run) {
        if (!wanted(key))
            return;
        std::vector<double> values;
        for (int r = 0; r < o.reps; ++r)
            values.push_back(run());
        out.insert(QLatin1String(key), median(values));
        err << key << " " << median(values) << "\n";
        err.flush();
    };

    // Process start to the first frame grabbed (offscreen), including the exit after it. Measured
    // first, while this process has no threads of its own (forking a threaded process is what
    // ThreadSanitizer refuses).
    measure("startup_ms", [&] {
        QTemporaryDir dir;
        QProcess process;
        // A configuration of its own: the defaults, not whatever the last session left.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path());
        process.setProcessEnvironment(environment);
        QElapsedTimer timer;
        timer.start();
        process.start(QStringLiteral(POOLSCOPE_BINARY),
                      {QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("first.png")),
                       QStringLiteral("--run-for"), QStringLiteral("0")});
        process.waitForFinished(60000);
        return static_cast<double>(timer.nsecsElapsed()) / 1e6;
    });

    std::vector<PoolEvent> recorded;
    measure("engine_jobs_per_s",
            [&] { return engineJobsPerSecond(flatOut(o.jobs, 1024), true, &recorded); });
    if (recorded.empty() && (wanted("ingest") || wanted("bytes_per_job") || wanted("stats_ingest")))
        engineJobsPerSecond(flatOut(o.jobs, 1024), true, &recorded);
    measure("engine_cap64_jobs_per_s",
            [&] { return engineJobsPerSecond(flatOut(o.jobs, 64), true); });
    measure("engine_events_off_jobs_per_s",
            [&] { return engineJobsPerSecond(flatOut(o.jobs, 1024), false); });
    if (wanted("feed_events_per_s")) {
        std::int64_t lines = 0;
        const QByteArray bytes = feedLines(o.jobs, &lines);
        measure("feed_events_per_s", [&] { return feedEventsPerSecond(bytes, lines); });
    }
    measure("emitter_event_ns", [&] { return emitterEventNs(o.jobs); });
    if (wanted("export")) {
        // A run of o.jobs jobs as the engine recorded it, each format written and read back.
        RunRecording run;
        run.config = flatOut(o.jobs, 1024);
        engineJobsPerSecond(run.config, true, &run.events);
        using Writer = bool (*)(const RunRecording &, QIODevice &, QString *, const Progress &);
        struct Format
        {
            const char *name;
            Writer write;
            bool readable; // Poolscope reads it back
        };
        const Format formats[] = {{"chrome", &writeChromeTrace, true},
                                  {"perfetto", &writePerfettoTrace, false},
                                  {"csv", &writeResultsCsv, false},
                                  {"run", &writeRunFile, true}};
        double peak = 0;
        for (const auto &[name, write, readable] : formats) {
            std::vector<ExportFigures> reps;
            for (int r = 0; r < o.reps; ++r)
                reps.push_back(exportFigures(run, write, readable));
            const auto mid = [&](double ExportFigures::*figure) {
                std::vector<double> values;
                for (const ExportFigures &f : reps)
                    values.push_back(f.*figure);
                return median(values);
            };
            const auto key = [&](const char *what) {
                return QStringLiteral("export_%1_%2").arg(QLatin1String(name), QLatin1String(what));
            };
            out.insert(key("mb_per_s"), mid(&ExportFigures::mbPerS));
            out.insert(key("peak_rss_mb"), mid(&ExportFigures::peakRssMb));
            peak = std::max(peak, mid(&ExportFigures::peakRssMb));
            if (readable) {
                out.insert(key("read_mb_per_s"), mid(&ExportFigures::readMbPerS));
                out.insert(key("read_peak_rss_mb"), mid(&ExportFigures::readPeakRssMb));
            }
            err << "export " << name << " " << mid(&ExportFigures::mbPerS) << " MB/s, peak +"
                << mid(&ExportFigures::peakRssMb) << " MB\n";
        }
        // The headline figures: the JSON trace (the largest and slowest), the worst peak.
        out.insert(QStringLiteral("export_mb_per_s"),
                   out.value(QStringLiteral("export_chrome_mb_per_s")).toDouble());
        out.insert(QStringLiteral("export_peak_rss_mb"), peak);
    }
    measure("qthreadpool_jobs_per_s", [&] { return bench::qthreadPoolJobsPerSecond(o.jobs, 2); });
    measure("naive_pool_jobs_per_s", [&] { return bench::naivePoolJobsPerSecond(o.jobs, 2, 64); });
    measure("ring_only_jobs_per_s",
            [&] { return bench::bareRingJobsPerSecond(o.jobs, 2, 1024, 0); });
    measure("ring_two_clocks_jobs_per_s",
            [&] { return bench::bareRingJobsPerSecond(o.jobs, 2, 1024, 2); });
    if (wanted("wakeup")) {
        std::vector<double> p50, p99;
        for (int r = 0; r < o.reps; ++r) {
            const auto [a, b] = wakeupMicros(o.jobs >= 100'000 ? 500 : 50);
            p50.push_back(a);
            p99.push_back(b);
        }
        out.insert(QStringLiteral("wakeup_p50_us"), median(p50));
        out.insert(QStringLiteral("wakeup_p99_us"), median(p99));
        err << "wakeup_p50_us " << median(p50) << " p99 " << median(p99) << "\n";
    }
    // Events per second a fold takes in, the recorded run handed over in frame-sized batches.
    const auto foldRate = [&](auto &&take) {
        QElapsedTimer timer;
        timer.start();
        constexpr std::size_t batch = 65'536;
        for (std::size_t i = 0; i < recorded.size(); i += batch)
            take(std::span<const PoolEvent>(recorded.data() + i,
                                            std::min(batch, recorded.size() - i)));
        return static_cast<double>(recorded.size())
            / (static_cast<double>(timer.nsecsElapsed()) / 1e9);
    };
    // The GUI-side model absorbing a recorded run.
    measure("ingest_events_per_s", [&] {
        gui::RunModel model;
        model.reset(flatOut(o.jobs, 1024));
        return foldRate([&](std::span<const PoolEvent> events) { model.ingest(events); });
    });
    // The headless run's fold alone: the summary's statistics taking in the same batches.
    measure("stats_ingest_events_per_s", [&] {
        RunStats stats;
        const double perSecond
            = foldRate([&](std::span<const PoolEvent> events) { stats.ingest(events); });
        if (stats.latency().count() != o.jobs)
            qFatal("stats_ingest: %lld of %lld jobs folded",
                   static_cast<long long>(stats.latency().count()), static_cast<long long>(o.jobs));
        return perSecond;
    });
    if (out.contains(QStringLiteral("ingest_events_per_s")))
        out.insert(QStringLiteral("ingest_ns_per_event"),
                   1e9 / out.value(QStringLiteral("ingest_events_per_s")).toDouble());
    if (wanted("bytes_per_job")) {
        const std::int64_t before = heapBytes();
        gui::RunModel model;
        model.setHistoryCapBytes(std::int64_t {1} << 40); // uncapped: the cost of detail itself
        model.reset(flatOut(o.jobs, 1024));
        model.ingest(recorded);
        const double perJob
            = static_cast<double>(heapBytes() - before) / static_cast<double>(o.jobs);
        out.insert(QStringLiteral("bytes_per_job"), perJob);
        err << "bytes_per_job " << perJob << "\n";
    }
    recorded = {};

    // The window's data path in a flat-out run: 64 workers, continuous no-op jobs, the window's
    // backlog bound and background threads, the model folding in the window's turns (one on each
    // tick of a 16 ms precise timer, the window's frame timer, and more on a zero-interval timer
    // while a turn runs out of time) for 6 s, long enough to fill the 256 MB history cap and fold.
    // Per turn: how long it held the thread (its takes and folding, summarizing included).
    if (wanted("window")) {
        std::vector<double> p50s, p99s, maxes, turnRates, rates;
        for (int r = 0; r < o.reps; ++r) {
            PoolConfig c = flatOut(1000, 1024);
            c.workers = 64;
            c.continuous = true;
            c.durationS = o.jobs >= 100'000 ? 6.0 : 0.3;
            WorkerPool pool(
                WorkerPool::Options {.recordEvents = true,
                                     .eventBacklogLimit = gui::MainWindow::kEventBacklog,
                                     .eventChunk = gui::MainWindow::kEventChunk,
                                     .backgroundPriority = true});
            gui::RunModel model;
            model.reset(c);
            QElapsedTimer wall;
            std::vector<double> frames;
            std::vector<engine::PoolEvent> events; // handed back to be filled, as the window does
            // The window's turns: one each frame, and more between frames while a flood lasts
            // (MainWindow::frame and catchUp), each taking what is there when it has folded
            // what it held.
            const auto take = [&] {
                events = pool.takeEvents(std::move(events));
                const auto failures = pool.takeFailureMessages();
                model.hold(events, failures);
                return !events.empty() || !failures.empty();
            };
            QEventLoop loop;
            QTimer timer, catchUp;
            timer.setTimerType(Qt::PreciseTimer);
            timer.setInterval(16);
            catchUp.setSingleShot(true);
            catchUp.setInterval(0);
            const auto turn = [&] {
                QElapsedTimer clock;
                clock.start();
                const bool last = !pool.isRunning(); // then the pool's events are all there
                const bool behind = model.fold(gui::MainWindow::kTurnNs, take);
                frames.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
                if (behind && !catchUp.isActive())
                    catchUp.start();
                if (last && !behind)
                    loop.quit();
            };
            QObject::connect(&timer, &QTimer::timeout, &loop, turn);
            QObject::connect(&catchUp, &QTimer::timeout, &loop, turn);
            wall.start();
            pool.start(c);
            timer.start();
            loop.exec();
            pool.waitForFinished();
            const double seconds = static_cast<double>(wall.nsecsElapsed()) / 1e9;
            p50s.push_back(percentile(frames, 0.5));
            p99s.push_back(percentile(frames, 0.99));
            maxes.push_back(*std::max_element(frames.begin(), frames.end()));
            turnRates.push_back(static_cast<double>(frames.size()) / seconds);
            rates.push_back(static_cast<double>(model.stats().results()) / seconds);
        }
        out.insert(QStringLiteral("window_ingest_p50_ms"), median(p50s));
        out.insert(QStringLiteral("window_ingest_p99_ms"), median(p99s));
        out.insert(QStringLiteral("window_ingest_max_ms"), median(maxes));
        out.insert(QStringLiteral("window_turns_per_s"), median(turnRates));
        out.insert(QStringLiteral("window_jobs_per_s"), median(rates));
        err << "window ingest p50 " << median(p50s) << " ms, p99 " << median(p99s) << " ms, max "
            << median(maxes) << " ms, " << median(turnRates) << " turns/s, " << median(rates)
            << " jobs/s\n";
    }

    // Painting the timeline and queue chart at 1920×1080 with 64 workers and frameJobs jobs.
    if (wanted("frame")) {
        constexpr int workers = 64;
        gui::RunModel model;
        PoolConfig config = flatOut(o.frameJobs, 1024);
        config.workers = workers;
        model.reset(config);
        model.ingest(workersStarted(workers));
        constexpr std::int64_t chunk = 500'000;
        for (std::int64_t first = 1; first <= o.frameJobs; first += chunk)
            model.ingest(syntheticRun(std::min(chunk, o.frameJobs - first + 1), workers, first));
        gui::TimeWindow window;
        gui::TimelineView timeline(&model, &window);
        gui::QueueChart chart(&model, &window);
        timeline.resize(1920, 760);
        chart.resize(1920, 320);
        const std::int64_t end = model.endT();
        struct View
        {
            const char *name;
            gui::coords::Range range;
        };
        const View views[] = {{"live", {end - gui::TimeWindow::kDefaultLength, end}},
                              {"whole", {0, end}},
                              {"1ms", {end / 2, end / 2 + 1'000'000}}};
        // The process's first paint (glyph caches, the views' buffers) is reported on its own,
        // not as a frame of the first view.
        window.setFollowLive(false);
        window.setRange(views[0].range);
        const FrameTimes first = paintTimes(timeline, chart, 1);
        out.insert(QStringLiteral("frame_first_ms"), first.p50);
        err << "frame first " << first.p50 << " ms\n";
        for (const View &v : views) {
            window.setFollowLive(false);
            window.setRange(v.range);
            const FrameTimes t = paintTimes(timeline, chart, o.reps * 6);
            out.insert(QStringLiteral("frame_%1_p50_ms").arg(QLatin1String(v.name)), t.p50);
            out.insert(QStringLiteral("frame_%1_p99_ms").arg(QLatin1String(v.name)), t.p99);
            err << "frame " << v.name << " p50 " << t.p50 << " ms (timeline " << t.timelineP50
                << "), p99 " << t.p99 << " ms\n";
        }
        double worst50 = 0, worst99 = 0;
        for (const View &v : views) {
            worst50 = std::max(
                worst50,
                out.value(QStringLiteral("frame_%1_p50_ms").arg(QLatin1String(v.name))).toDouble());
            worst99 = std::max(
                worst99,
                out.value(QStringLiteral("frame_%1_p99_ms").arg(QLatin1String(v.name))).toDouble());
        }
        out.insert(QStringLiteral("frame_p50_ms"), worst50);
        out.insert(QStringLiteral("frame_p99_ms"), worst99);
        out.insert(QStringLiteral("frame_history_mb"),
                   static_cast<double>(model.historyBytes()) / (1024.0 * 1024.0));
        // How many of the jobs the history cap leaves in detail (the rest are summarized).
        out.insert(QStringLiteral("frame_detail_jobs"),
                   static_cast<double>(model.completionOrder().size()));
        err << "frame detail " << model.completionOrder().size() << " jobs, "
            << model.historyBytes() / (1024 * 1024) << " MB\n";
    }

    // Cancel a run whose queue is full and whose producer is blocked, until every thread is joined.
    measure("cancel_ms", [&] {
        PoolConfig c;
        c.workers = 2;
        c.jobs = o.jobs;
        c.queueCapacity
            = static_cast<int>(std::min<std::int64_t>(o.jobs, PoolConfig::kMaxCapacity));
        c.intervalMs = 0;
        c.distribution = Distribution::Fixed;
        c.meanMs = 10'000;
        WorkerPool pool;
        pool.start(c);
        // Full: the producer has sent everything it can (blocked on the full queue, or done).
        while (pool.producerState() != ProducerState::Blocked
               && pool.producerState() != ProducerState::Done)
            pool.waitForFinished(1);
        QElapsedTimer timer;
        timer.start();
        pool.cancel();
        pool.waitForFinished();
        return static_cast<double>(timer.nsecsElapsed()) / 1e6;
    });

    const double withEvents = out.value(QStringLiteral("engine_jobs_per_s")).toDouble();
    const double withoutEvents
        = out.value(QStringLiteral("engine_events_off_jobs_per_s")).toDouble();
    if (withEvents > 0 && withoutEvents > 0)
        out.insert(QStringLiteral("event_cost_ns_per_job"), 1e9 / withEvents - 1e9 / withoutEvents);
    out.insert(QStringLiteral("jobs"), static_cast<double>(o.jobs));
    out.insert(QStringLiteral("frame_jobs"), static_cast<double>(o.frameJobs));
    out.insert(QStringLiteral("reps"), o.reps);

    QTextStream stdoutStream(stdout);
    if (o.json) {
        stdoutStream << QJsonDocument(out).toJson(QJsonDocument::Compact) << "\n";
    } else {
        const QStringList keys = out.keys();
        for (const QString &key : keys)
            stdoutStream << key.leftJustified(32)
                         << QString::number(out.value(key).toDouble(), 'f', 2).rightJustified(16)
                         << "\n";
    }
    return 0;
}
