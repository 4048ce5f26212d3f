#include "engine/livesource.h"
#include "engine/redispool.h"
#include "engine/rediswatch.h"
#include "redisserver.h"
#include "ui/controlpanel.h"
#include "ui/mainwindow.h"
#include "ui/resultsmodel.h"
#include "ui/runmodel.h"
#include "ui/timelineview.h"

#include <QLabel>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <algorithm>
#include <memory>
#include <vector>

using namespace gui;
using namespace engine;
using namespace std::chrono_literals;

// The window on the Redis engine and on a watched Redis queue, each with a redis-server of its
// own and real poolscope-worker processes: the lanes are the consumers, grouped by host, the
// status bar says what Redis says (pending, reconnects), Stop and Cancel end the run with one
// result for every job sent.
class TestRedisWindow : public QObject
{
    Q_OBJECT

    static MainWindow::Options options()
    {
        MainWindow::Options o;
        o.restoreSettings = false;
        o.confirmDiscard = false;
        return o;
    }

    static PoolConfig config(std::int64_t jobs, double intervalMs)
    {
        PoolConfig c;
        c.jobs = jobs;
        c.intervalMs = intervalMs;
        c.distribution = Distribution::Fixed;
        c.meanMs = 2;
        c.queueCapacity = 64;
        return c;
    }

    // A worker process with `workers` threads, its lanes under `host`.
    std::unique_ptr<QProcess> startWorker(const RedisServer &server, const QString &name,
                                          const QString &host, int workers)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(QStringLiteral(POOLSCOPE_WORKER_BINARY),
                 {QStringLiteral("--redis"),
                  QStringLiteral("redis://127.0.0.1:%1/%2")
                      .arg(server.port())
                      .arg(QStringLiteral("pool")),
                  QStringLiteral("--workers"), QString::number(workers), QStringLiteral("--name"),
                  name, QStringLiteral("--host"), host,
                  // A job whose result a restart of Redis cut off is taken over after a second,
                  // not the default half a minute (the jobs take 2 ms).
                  QStringLiteral("--claim-idle-ms"), QStringLiteral("1000")});
        return p;
    }

    static redis::Target target(const RedisServer &server, const QString &name)
    {
        return {QStringLiteral("127.0.0.1"), server.port(), {}, {}, name};
    }

    static QString status(MainWindow &window)
    {
        return window.statusBar()->findChild<QLabel *>()->text();
    }

    // Every job submitted has exactly one result, in the window's own model.
    static bool accounted(const RunModel &model)
    {
        return model.finished() && model.stats().results() == model.submittedCount();
    }

    // What the window and Redis say of a run, for a failure's message.
    static QString describe(MainWindow &window, const RedisServer &server)
    {
        redis::Connection c;
        std::string why;
        QString redisSays = QStringLiteral("unreachable");
        if (c.connect(target(server, {}), 2s, &why)) {
            const auto pending = c.command({"XPENDING", "pool:jobs", "workers"}, &why);
            const auto jobs = c.command({"XLEN", "pool:jobs"}, &why);
            const auto results = c.command({"XLEN", "pool:results"}, &why);
            redisSays
                = QStringLiteral("pending %1, jobs stream %2, results stream %3")
                      .arg(pending && !pending->elements.empty() ? pending->elements.front().integer
                                                                 : -1)
                      .arg(jobs ? jobs->integer : -1)
                      .arg(results ? results->integer : -1);
        }
        const redis::RedisPool::Account a = window.redisPool()->account();
        return QStringLiteral("%1 of %2 results, finished %3; pool running %4, pending %5, "
                              "backlog %6, connected %7, reconnects %8; Redis: %9")
            .arg(window.runModel()->stats().results())
            .arg(window.runModel()->submittedCount())
            .arg(window.runModel()->finished())
            .arg(window.redisPool()->isRunning())
            .arg(a.pending)
            .arg(a.backlog)
            .arg(a.connected)
            .arg(a.reconnects)
            .arg(redisSays);
    }

    static void stopAll(std::vector<std::unique_ptr<QProcess>> &workers)
    {
        for (auto &w : workers) {
            w->terminate(); // each finishes the job it holds
            QVERIFY(w->waitForFinished(20000));
            QCOMPARE(w->exitCode(), 0);
        }
    }

private Q_SLOTS:
    void aRunThroughRedisShowsEachWorkerUnderItsHost()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        MainWindow window(config(400, 1), options());
        window.show();
        window.useRedisEngine(target(server, QStringLiteral("pool")));
        QVERIFY(window.controlPanel()->isRemote());
        std::vector<std::unique_ptr<QProcess>> workers;
        workers.push_back(startWorker(server, QStringLiteral("a"), QStringLiteral("alpha"), 2));
        workers.push_back(startWorker(server, QStringLiteral("b"), QStringLiteral("beta"), 1));
        for (auto &w : workers)
            QVERIFY(w->waitForStarted());
        window.startRun();
        QCOMPARE(window.liveSource(), window.redisPool());
        QTRY_VERIFY2_WITH_TIMEOUT(accounted(*window.runModel()),
                                  qPrintable(describe(window, server)), 60000);
        QCOMPARE(window.runModel()->submittedCount(), 400);
        QCOMPARE(window.runModel()->stats().results(), 400);
        // Three lanes, named after their consumers, grouped by the host each said.
        QTRY_COMPARE(window.timeline()->laneNames().size(), std::size_t {3});
        QStringList names;
        for (const auto &[lane, name] : window.timeline()->laneNames())
            names << name;
        names.sort();
        QCOMPARE(
            names,
            (QStringList {QStringLiteral("a/1"), QStringLiteral("a/2"), QStringLiteral("b/1")}));
        // The results table names each job's worker the same way.
        const QAbstractItemModel *results = window.resultsView()->model();
        QCOMPARE(results->rowCount(), 400);
        for (int row = 0; row < 400; row += 37)
            QVERIFY2(
                names.contains(results->index(row, ResultsModel::WorkerColumn).data().toString()),
                qPrintable(results->index(row, ResultsModel::WorkerColumn).data().toString()));
        const LiveSource::Shape shape = window.redisPool()->shape();
        QCOMPARE(shape.laneGroups.size(), std::size_t {2});
        for (const LaneGroup &group : shape.laneGroups) {
            QVERIFY2(group.name == QLatin1String("alpha") || group.name == QLatin1String("beta"),
                     qPrintable(group.name));
            QCOMPARE(group.workers.size(),
                     std::size_t {group.name == QLatin1String("alpha") ? 2U : 1U});
            for (const int lane : group.workers)
                QVERIFY(shape.laneNames.at(lane).startsWith(group.name.left(1) + u'/'));
        }
        // The pool the theory sees is the workers that came, not the disabled knob's.
        QCOMPARE(window.runModel()->config().workers, 3);
        QVERIFY2(
            status(window).contains(
                QStringLiteral("Redis redis://127.0.0.1:%1/pool, run ended").arg(server.port()))
                && status(window).contains(QStringLiteral("2 hosts"))
                && status(window).contains(QStringLiteral("0 pending")),
            qPrintable(status(window)));
        stopAll(workers);
    }

    void stopSendsNoMoreAndCancelEndsEveryJobSent()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        MainWindow window(config(100'000, 2), options());
        window.useRedisEngine(target(server, QStringLiteral("pool")));
        std::vector<std::unique_ptr<QProcess>> workers;
        workers.push_back(startWorker(server, QStringLiteral("w"), QStringLiteral("here"), 2));
        QVERIFY(workers.back()->waitForStarted());
        // Stop: the jobs sent are done, the rest never sent.
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->stats().results() >= 50, 30000);
        window.stopRun();
        QTRY_VERIFY2_WITH_TIMEOUT(accounted(*window.runModel()),
                                  qPrintable(describe(window, server)), 30000);
        const RunStats &stopped = window.runModel()->stats();
        QVERIFY(window.runModel()->submittedCount() < 100'000);
        QCOMPARE(stopped.results(), stopped.count(JobStatus::Completed));
        // Cancel: every job sent ends, the queued and running ones cancelled.
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->stats().results() >= 50, 30000);
        window.cancelRun();
        QTRY_VERIFY2_WITH_TIMEOUT(accounted(*window.runModel()),
                                  qPrintable(describe(window, server)), 30000);
        QVERIFY(window.runModel()->submittedCount() < 100'000);
        stopAll(workers);
    }

    void aRestartedRedisIsReconnectedAndSaidSo()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        MainWindow window(config(600, 5), options());
        window.useRedisEngine(target(server, QStringLiteral("pool")));
        std::vector<std::unique_ptr<QProcess>> workers;
        workers.push_back(startWorker(server, QStringLiteral("w"), QStringLiteral("here"), 2));
        QVERIFY(workers.back()->waitForStarted());
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->stats().results() >= 100, 30000);
        QVERIFY2(server.restart(&error, 300), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(accounted(*window.runModel()),
                                  qPrintable(describe(window, server)), 60000);
        QCOMPARE(window.runModel()->stats().results(), 600);
        QVERIFY(window.redisPool()->account().reconnects >= 1);
        QVERIFY2(status(window).contains(QStringLiteral("reconnected")),
                 qPrintable(status(window)));
        stopAll(workers);
    }

    void aWatchShowsEachConsumerAndWhatItHolds()
    {
        RedisServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        redis::Connection c;
        std::string why;
        QVERIFY2(c.connect(target(server, {}), 2s, &why), why.c_str());
        QVERIFY(c.command({"XGROUP", "CREATE", "tasks", "grp", "0", "MKSTREAM"}, &why));
        MainWindow window(PoolConfig {}, options());
        QVERIFY(window.watchRedis({target(server, QStringLiteral("tasks")), {}}));
        QCOMPARE(window.liveSource(), window.redisWatch());
        QVERIFY(window.controlPanel()->isObserving());
        for (int i = 0; i < 6; ++i)
            QVERIFY(c.command({"XADD", "tasks", "*", "n", std::to_string(i)}, &why));
        QTRY_COMPARE(window.runModel()->submittedCount(), 6);
        // alice holds two at once: a lane for each; bob takes one and, once the watch has seen him
        // hold it, acknowledges it.
        QVERIFY(c.command(
            {"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "2", "STREAMS", "tasks", ">"}, &why));
        const auto bob = c.command(
            {"XREADGROUP", "GROUP", "grp", "bob", "COUNT", "1", "STREAMS", "tasks", ">"}, &why);
        QVERIFY(bob);
        const std::vector<redis::StreamEntry> taken = redis::entriesOfRead(*bob);
        QCOMPARE(taken.size(), std::size_t {1});
        QTRY_COMPARE(window.timeline()->laneNames().size(), std::size_t {3});
        QStringList names;
        for (const auto &[lane, name] : window.timeline()->laneNames())
            names << name;
        names.sort();
        QCOMPARE(names,
                 (QStringList {QStringLiteral("alice"), QString::fromUtf8("alice · 2"),
                               QStringLiteral("bob")}));
        QVERIFY(c.command({"XACK", "tasks", "grp", taken.front().id}, &why));
        QTRY_COMPARE(window.runModel()->stats().results(), 1);
        QTRY_VERIFY2(status(window).contains(QStringLiteral("group grp · 2 consumers · 2 pending "
                                                            "· lag 3")),
                     qPrintable(status(window)));
        const QString perConsumer = window.statusBar()->findChild<QLabel *>()->toolTip();
        QVERIFY2(perConsumer.contains(QStringLiteral("alice: 2 pending, idle "))
                     && perConsumer.contains(QStringLiteral("bob: 0 pending, idle ")),
                 qPrintable(perConsumer));
        // Stop ends the watch: the three taken by no one and alice's two end cancelled.
        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(accounted(*window.runModel()), 10000);
        QCOMPARE(window.runModel()->stats().results(), 6);
        QCOMPARE(window.runModel()->stats().count(JobStatus::Completed), 1);
        QVERIFY2(status(window).startsWith(QStringLiteral("Watched redis://")),
                 qPrintable(status(window)));
        // Nothing was written: the group still holds alice's two.
        const auto pending = c.command({"XPENDING", "tasks", "grp"}, &why);
        QVERIFY(pending && !pending->elements.empty());
        QCOMPARE(pending->elements.front().integer, 2);
    }
};

QTEST_MAIN(TestRedisWindow)
#include "tst_rediswindow.moc"
