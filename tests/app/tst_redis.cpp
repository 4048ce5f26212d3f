// The distributed engine with real parts: a redis-server of the test's own on a free port,
// poolscope-worker processes, and poolscope's headless run with --engine. Every run is checked
// against the accounting contract from its recording: each job sent has exactly one result.
#include "engine/redisclient.h"
#include "engine/runrecording.h"
#include "redisserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <vector>

using namespace engine;
using namespace std::chrono_literals;

namespace {

// A worker process; ready once it has said what it works for.
std::unique_ptr<QProcess> startWorker(const QString &url, const QString &name,
                                      const QStringList &more = {})
{
    auto p = std::make_unique<QProcess>();
    p->start(QStringLiteral(POOLSCOPE_WORKER_BINARY),
             QStringList {QStringLiteral("--redis"), url, QStringLiteral("--name"), name} + more);
    if (!p->waitForStarted(5000))
        return p;
    QByteArray said;
    QElapsedTimer timer;
    timer.start();
    while (!said.contains("workers for") && timer.elapsed() < 10000) {
        p->waitForReadyRead(100);
        said += p->readAllStandardError();
    }
    return p;
}

// Stops a worker as SIGTERM does (it finishes its job first); the jobs it says it did.
qint64 stopWorker(QProcess &p)
{
    p.terminate();
    if (!p.waitForFinished(20000))
        return -1;
    const QByteArray said = p.readAllStandardError();
    const qsizetype at = said.lastIndexOf("stopped after ");
    return at < 0 ? -1 : said.mid(at + 14).split(' ').value(0).toLongLong();
}

QStringList runArgs(const QString &url, int jobs, double meanMs, const QString &record)
{
    return {QStringLiteral("--headless"),
            QStringLiteral("--quiet"),
            QStringLiteral("--summary-json"),
            QStringLiteral("--engine"),
            url,
            QStringLiteral("--jobs"),
            QString::number(jobs),
            QStringLiteral("--interval-ms"),
            QStringLiteral("0"),
            QStringLiteral("--distribution"),
            QStringLiteral("fixed"),
            QStringLiteral("--mean-ms"),
            QString::number(meanMs),
            QStringLiteral("--record"),
            record};
}

// The run's summary, once it has ended by itself with status 0.
QJsonObject finish(QProcess &run, int timeoutMs = 120000)
{
    if (!run.waitForFinished(timeoutMs) || run.exitCode() != 0) {
        qWarning("run: %s\n%s", run.readAllStandardError().constData(),
                 run.readAllStandardOutput().constData());
        return {};
    }
    return QJsonDocument::fromJson(run.readAllStandardOutput()).object();
}

// The accounting contract on the recording: every job 1..jobs has exactly one ResultCollected.
QString accountingProblem(const QString &recordPath, qint64 jobs)
{
    QFile file(recordPath);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("no recording");
    QString error;
    const auto recording = readRecording(file, &error);
    if (!recording)
        return error;
    std::vector<int> results(static_cast<std::size_t>(jobs) + 1, 0);
    std::map<int, std::int64_t> holding; // lane → the job it runs: one at a time, as a worker
    for (const PoolEvent &e : recording->events) {
        if (e.kind == EventKind::JobStarted) {
            if (holding[e.worker] != 0)
                return QStringLiteral("lane %1 starts job %2 while it runs job %3")
                    .arg(e.worker)
                    .arg(e.job)
                    .arg(holding[e.worker]);
            holding[e.worker] = e.job;
        } else if (e.kind == EventKind::JobFinished && holding[e.worker] == e.job) {
            holding[e.worker] = 0;
        }
        if (e.kind != EventKind::ResultCollected)
            continue;
        if (e.job < 1 || e.job > jobs)
            return QStringLiteral("a result for job %1, never sent").arg(e.job);
        ++results[static_cast<std::size_t>(e.job)];
    }
    for (qint64 job = 1; job <= jobs; ++job) {
        if (results[static_cast<std::size_t>(job)] != 1)
            return QStringLiteral("job %1 has %2 results")
                .arg(job)
                .arg(results[static_cast<std::size_t>(job)]);
    }
    return {};
}

// What the group holds pending for one consumer (claimed, not acknowledged).
qint64 pendingFor(const RedisServer &server, const QString &name, const QString &consumer)
{
    redis::Connection c;
    std::string why;
    redis::Target t {QStringLiteral("127.0.0.1"), server.port(), {}, {}, name};
    if (!c.connect(t, 2s, &why))
        return -1;
    const auto reply = c.command({"XPENDING", t.jobsKey().toStdString(), redis::Target::kGroup, "-",
                                  "+", "10", consumer.toStdString()},
                                 &why);
    return reply && reply->type == redis::Reply::Type::Array
        ? static_cast<qint64>(reply->elements.size())
        : -1;
}

qint64 resultsInStream(const RedisServer &server, const QString &name)
{
    redis::Connection c;
    std::string why;
    redis::Target t {QStringLiteral("127.0.0.1"), server.port(), {}, {}, name};
    if (!c.connect(t, 2s, &why))
        return -1;
    const auto reply = c.command({"XLEN", t.resultsKey().toStdString()}, &why);
    return reply && reply->type == redis::Reply::Type::Integer ? reply->integer : -1;
}

// redis-cli against the test's server: its output, or a null array when it failed.
QByteArray redisCli(const RedisServer &server, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("redis-cli"),
            QStringList {QStringLiteral("-p"), QString::number(server.port())} + args);
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return {};
    return p.readAllStandardOutput();
}

// The entry ids in redis-cli's printing of an XREADGROUP reply (the stream's name, then each
// entry's id and fields, a line each).
QList<QByteArray> entryIds(const QByteArray &printed)
{
    QList<QByteArray> ids;
    for (const QByteArray &line : printed.split('\n')) {
        const QList<QByteArray> parts = line.trimmed().split('-');
        bool ms = false, seq = false;
        if (parts.size() == 2) {
            parts[0].toULongLong(&ms);
            parts[1].toULongLong(&seq);
        }
        if (ms && seq)
            ids.append(line.trimmed());
    }
    return ids;
}

// Reads a process's standard output until it holds every marker (or 20 s have gone).
bool readUntil(QProcess &p, QByteArray &out, const std::vector<QByteArray> &markers)
{
    QElapsedTimer timer;
    timer.start();
    const auto all = [&] {
        return std::all_of(markers.begin(), markers.end(),
                           [&](const QByteArray &m) { return out.contains(m); });
    };
    while (!all() && timer.elapsed() < 20000) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
    }
    return all();
}

} // namespace

class TestRedis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tenThousandJobsAcrossThreeWorkerProcesses()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString url = server.url(QStringLiteral("ten"));
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int i = 1; i <= 3; ++i)
            workers.push_back(startWorker(url, QStringLiteral("w%1").arg(i)));
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("run.psrun"));
        QProcess run;
        run.start(QStringLiteral(POOLSCOPE_BINARY), runArgs(url, 10000, 0, record));
        const QJsonObject summary = finish(run);
        QCOMPARE(summary.value(QStringLiteral("submitted")).toInteger(), 10000);
        QCOMPARE(summary.value(QStringLiteral("completed")).toInteger(), 10000);
        const QJsonObject redis = summary.value(QStringLiteral("redis")).toObject();
        QCOMPARE(redis.value(QStringLiteral("workers")).toInt(), 3);
        QCOMPARE(redis.value(QStringLiteral("duplicates")).toInteger(), 0);
        QCOMPARE(redis.value(QStringLiteral("retried")).toInteger(), 0);
        const QString problem = accountingProblem(record, 10000);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Each process did a share, and together exactly the jobs there were.
        qint64 done = 0;
        for (auto &w : workers) {
            const qint64 mine = stopWorker(*w);
            QVERIFY2(mine > 0, "a worker process did no job");
            done += mine;
        }
        QCOMPARE(done, 10000);
    }

    void aWorkerKilledInTheMiddleOfAJobLeavesItToAnother()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString name = QStringLiteral("killed");
        const QString url = server.url(name);
        const QStringList claim {QStringLiteral("--claim-idle-ms"), QStringLiteral("300")};
        auto victim = startWorker(url, QStringLiteral("victim"), claim);
        auto other = startWorker(url, QStringLiteral("other"), claim);
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("run.psrun"));
        QProcess run;
        run.start(QStringLiteral(POOLSCOPE_BINARY), runArgs(url, 60, 100, record));
        QVERIFY(run.waitForStarted());
        // Frozen, the victim is killed only while it holds a job: then it holds it for sure.
        const auto pid = static_cast<pid_t>(victim->processId());
        qint64 held = 0;
        QElapsedTimer timer;
        timer.start();
        while (held <= 0 && timer.elapsed() < 20000) { // −1 until the run made its group
            ::kill(pid, SIGSTOP);
            held = pendingFor(server, name, QStringLiteral("victim/1"));
            if (held > 0) {
                ::kill(pid, SIGKILL);
                break;
            }
            ::kill(pid, SIGCONT);
            QThread::msleep(10);
        }
        QVERIFY(victim->waitForFinished(5000));
        QCOMPARE(victim->exitStatus(), QProcess::CrashExit);
        // Dead, it still holds its job (its report and acknowledgement go in one transaction).
        QCOMPARE(pendingFor(server, name, QStringLiteral("victim/1")), 1);
        // A worker that comes later takes its share too.
        QThread::msleep(200);
        auto late = startWorker(url, QStringLiteral("late"), claim);
        const QJsonObject summary = finish(run);
        QCOMPARE(summary.value(QStringLiteral("completed")).toInteger(), 60);
        const QJsonObject redis = summary.value(QStringLiteral("redis")).toObject();
        // The job the victim held was claimed and done by another, once.
        QVERIFY2(redis.value(QStringLiteral("retried")).toInteger() >= 1,
                 QJsonDocument(redis).toJson().constData());
        QCOMPARE(redis.value(QStringLiteral("duplicates")).toInteger(), 0);
        const QString problem = accountingProblem(record, 60);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(stopWorker(*other) > 0);
        QVERIFY(stopWorker(*late) >= 0);
    }

    void aRestartedRedisLosesNoJob()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString name = QStringLiteral("restart");
        const QString url = server.url(name);
        const QStringList claim {QStringLiteral("--claim-idle-ms"), QStringLiteral("500")};
        auto a = startWorker(url, QStringLiteral("a"), claim);
        auto b = startWorker(url, QStringLiteral("b"), claim);
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("run.psrun"));
        QProcess run;
        run.start(QStringLiteral(POOLSCOPE_BINARY), runArgs(url, 400, 5, record));
        QVERIFY(run.waitForStarted());
        // Mid-run: some results are in, most jobs are not done.
        QElapsedTimer timer;
        timer.start();
        while (resultsInStream(server, name) < 100 && timer.elapsed() < 20000)
            QThread::msleep(5);
        QVERIFY(resultsInStream(server, name) < 600);
        QVERIFY2(server.restart(&error, 300), qPrintable(error));
        const QJsonObject summary = finish(run);
        QCOMPARE(summary.value(QStringLiteral("completed")).toInteger(), 400);
        const QJsonObject redis = summary.value(QStringLiteral("redis")).toObject();
        QVERIFY2(redis.value(QStringLiteral("reconnects")).toInteger() >= 1,
                 QJsonDocument(redis).toJson().constData());
        const QString problem = accountingProblem(record, 400);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(stopWorker(*a) >= 0);
        QVERIFY(stopWorker(*b) >= 0);
    }

    void interruptingADistributedRunEndsEveryJob()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString name = QStringLiteral("interrupted");
        const QString url = server.url(name);
        auto w = startWorker(url, QStringLiteral("w"));
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("run.psrun"));
        QProcess run;
        run.start(QStringLiteral(POOLSCOPE_BINARY), runArgs(url, 50, 200, record));
        QElapsedTimer timer;
        timer.start();
        while (resultsInStream(server, name) < 3 && timer.elapsed() < 20000)
            QThread::msleep(5);
        ::kill(static_cast<pid_t>(run.processId()), SIGINT);
        QVERIFY(run.waitForFinished(20000));
        QCOMPARE(run.exitCode(), 130);
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        const qint64 submitted = summary.value(QStringLiteral("submitted")).toInteger();
        QCOMPARE(submitted, 50); // sent at once: the queue holds them all
        QVERIFY(summary.value(QStringLiteral("completed")).toInteger() >= 1);
        QVERIFY(summary.value(QStringLiteral("cancelled")).toInteger() >= 1);
        const QString problem = accountingProblem(record, submitted);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(stopWorker(*w) >= 0);
    }

    // A queue that is none of Poolscope's, filled and consumed with redis-cli, watched read-only.
    void aWatchShowsAStreamFilledByRedisCli()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QCOMPARE(
            redisCli(server,
                     {QStringLiteral("XGROUP"), QStringLiteral("CREATE"), QStringLiteral("tasks"),
                      QStringLiteral("grp"), QStringLiteral("0"), QStringLiteral("MKSTREAM")})
                .trimmed(),
            QByteArray("OK"));
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("watch.psrun"));
        QProcess watch;
        watch.start(QStringLiteral(POOLSCOPE_BINARY),
                    {QStringLiteral("--headless"), QStringLiteral("--watch"),
                     QStringLiteral("redis://127.0.0.1:%1/tasks/grp").arg(server.port()),
                     QStringLiteral("--record"), record});
        QVERIFY(watch.waitForStarted());
        for (int i = 1; i <= 20; ++i)
            QVERIFY(!redisCli(server,
                              {QStringLiteral("XADD"), QStringLiteral("tasks"), QStringLiteral("*"),
                               QStringLiteral("n"), QString::number(i)})
                         .isEmpty());
        const auto readGroup = [&](const QString &consumer) {
            return redisCli(server,
                            {QStringLiteral("XREADGROUP"), QStringLiteral("GROUP"),
                             QStringLiteral("grp"), consumer, QStringLiteral("COUNT"),
                             QStringLiteral("5"), QStringLiteral("STREAMS"),
                             QStringLiteral("tasks"), QStringLiteral(">")});
        };
        // alice takes five and acknowledges them; bob takes five and holds them.
        const QByteArray alice = readGroup(QStringLiteral("alice"));
        QByteArray out;
        QVERIFY2(readUntil(watch, out, {"Sending job 20", "processing job 5"}), out.constData());
        QCOMPARE(entryIds(alice).size(), 5);
        for (const QByteArray &id : entryIds(alice))
            QCOMPARE(redisCli(server,
                              {QStringLiteral("XACK"), QStringLiteral("tasks"),
                               QStringLiteral("grp"), QString::fromLatin1(id)})
                         .trimmed(),
                     QByteArray("1"));
        const QByteArray bob = readGroup(QStringLiteral("bob"));
        QVERIFY2(readUntil(watch, out, {"Result: Job 5 completed", "processing job 10"}),
                 out.constData());
        // Each consumer holds five at once: a lane for each ("alice", "alice · 2", …), so that a
        // lane does one job at a time; bob's are lanes 6 to 10, and carol's first is lane 11.
        // carol claims one of bob's: his attempt ends, hers begins.
        QCOMPARE(entryIds(bob).size(), 5);
        const QByteArray first = entryIds(bob).constFirst();
        QVERIFY(
            !redisCli(server,
                      {QStringLiteral("XCLAIM"), QStringLiteral("tasks"), QStringLiteral("grp"),
                       QStringLiteral("carol"), QStringLiteral("0"), QString::fromLatin1(first)})
                 .isEmpty());
        QVERIFY2(readUntil(watch, out, {"Worker 11 processing job 6"}), out.constData());
        ::kill(static_cast<pid_t>(watch.processId()), SIGINT);
        QVERIFY(watch.waitForFinished(20000));
        out += watch.readAllStandardOutput();
        QCOMPARE(watch.exitCode(), 130);
        QVERIFY2(out.contains("Summary (interrupted): 20 results of 20 jobs sent — 5 completed, "
                              "0 failed, 15 cancelled"),
                 out.constData());
        QVERIFY2(out.contains("group grp: 3 consumers"), out.constData());
        QVERIFY2(out.contains("1 claimed from another consumer"), out.constData());
        QVERIFY2(out.contains("  alice: 0 pending") && out.contains("  bob: 4 pending")
                     && out.contains("  carol: 1 pending"),
                 out.constData());
        const QString problem = accountingProblem(record, 20);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Read-only: the group holds what it held.
        QCOMPARE(redisCli(server, {QStringLiteral("XLEN"), QStringLiteral("tasks")}).trimmed(),
                 QByteArray("20"));
    }

    void aWatchOfNoSuchStreamOrGroupSaysWhatThereIs()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        redisCli(server,
                 {QStringLiteral("XGROUP"), QStringLiteral("CREATE"), QStringLiteral("tasks"),
                  QStringLiteral("grp"), QStringLiteral("0"), QStringLiteral("MKSTREAM")});
        for (const auto &[path, says] :
             {std::pair {QStringLiteral("nothing"), QByteArray("has no stream 'nothing'")},
              std::pair {QStringLiteral("tasks/other"),
                         QByteArray("has no group 'other' (it has: grp)")}}) {
            QProcess p;
            p.start(QStringLiteral(POOLSCOPE_BINARY),
                    {QStringLiteral("--headless"), QStringLiteral("--watch"),
                     QStringLiteral("redis://127.0.0.1:%1/%2").arg(server.port()).arg(path)});
            QVERIFY(p.waitForFinished(20000));
            QCOMPARE(p.exitCode(), 2);
            const QByteArray said = p.readAllStandardError();
            QVERIFY2(said.contains(says), said.constData());
        }
    }

    void aWorkerThatCannotReachRedisSaysSoAndExits1()
    {
        const int port = freeLoopbackPort(); // nothing listens there
        QVERIFY(port > 0);
        QProcess w;
        w.start(QStringLiteral(POOLSCOPE_WORKER_BINARY),
                {QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1:%1/x").arg(port)});
        QVERIFY(w.waitForFinished(20000));
        QCOMPARE(w.exitCode(), 1);
        const QByteArray said = w.readAllStandardError();
        QVERIFY2(said.startsWith("poolscope-worker: cannot reach redis://127.0.0.1:"),
                 said.constData());
        QCOMPARE(said.count('\n'), 1);
    }

    void badUrlsAndFlagsExit2NamingWhatIsAllowed_data()
    {
        QTest::addColumn<bool>("worker");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("scheme") << false
                                << QStringList {QStringLiteral("--headless"),
                                                QStringLiteral("--engine"),
                                                QStringLiteral("http://h/x")}
                                << QStringLiteral("not a redis:// URL");
        QTest::newRow("no name") << false
                                 << QStringList {QStringLiteral("--headless"),
                                                 QStringLiteral("--engine"),
                                                 QStringLiteral("redis://h:1")}
                                 << QStringLiteral("no pool NAME");
        QTest::newRow("port") << false
                              << QStringList {QStringLiteral("--headless"),
                                              QStringLiteral("--engine"),
                                              QStringLiteral("redis://h:70000/x")}
                              << QStringLiteral("redis://");
        QTest::newRow("continuous")
            << false
            << QStringList {QStringLiteral("--headless"), QStringLiteral("--continuous"),
                            QStringLiteral("--engine"), QStringLiteral("redis://h/x")}
            << QStringLiteral("--continuous");
        QTest::newRow("watch stream")
            << false
            << QStringList {QStringLiteral("--headless"), QStringLiteral("--watch"),
                            QStringLiteral("redis://h:1")}
            << QStringLiteral("no STREAM after the host (allowed: "
                              "redis://[[USER]:PASSWORD@]HOST[:PORT]"
                              "/STREAM[/GROUP], a '/' inside a name "
                              "written %2F)");
        QTest::newRow("watch runs")
            << false
            << QStringList {QStringLiteral("--headless"), QStringLiteral("--watch"),
                            QStringLiteral("redis://h/s"), QStringLiteral("--workers"),
                            QStringLiteral("2")}
            << QStringLiteral("a watch takes no run flags");
        QTest::newRow("worker url")
            << true << QStringList {QStringLiteral("--redis"), QStringLiteral("redis://h/a b")}
            << QStringLiteral("allowed");
        QTest::newRow("worker count")
            << true
            << QStringList {QStringLiteral("--redis"), QStringLiteral("redis://h/x"),
                            QStringLiteral("--workers"), QStringLiteral("0")}
            << QStringLiteral("1..256");
        QTest::newRow("worker claim")
            << true
            << QStringList {QStringLiteral("--redis"), QStringLiteral("redis://h/x"),
                            QStringLiteral("--claim-idle-ms"), QStringLiteral("5")}
            << QStringLiteral("100..86400000");
        QTest::newRow("worker host")
            << true
            << QStringList {QStringLiteral("--redis"), QStringLiteral("redis://h/x"),
                            QStringLiteral("--host"), QStringLiteral("a b")}
            << QStringLiteral("--host 'a b' is not allowed: 1..100 characters, no spaces");
        QTest::newRow("worker no url") << true << QStringList {} << QStringLiteral("required");
    }

    void badUrlsAndFlagsExit2NamingWhatIsAllowed()
    {
        QFETCH(bool, worker);
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QProcess p;
        p.start(worker ? QStringLiteral(POOLSCOPE_WORKER_BINARY) : QStringLiteral(POOLSCOPE_BINARY),
                args);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 2);
        const QString said = QString::fromLocal8Bit(p.readAllStandardError());
        QVERIFY2(said.contains(says), qPrintable(said));
        QCOMPARE(said.count(QLatin1Char('\n')), 1);
    }
};

QTEST_GUILESS_MAIN(TestRedis)
#include "tst_redis.moc"
