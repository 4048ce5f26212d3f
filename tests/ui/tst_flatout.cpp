#include "engine/eventlog.h"
#include "engine/workerpool.h"
#include "poolharness.h"
#include "ui/mainwindow.h"
#include "ui/runmodel.h"

#include <QElapsedTimer>
#include <QTest>

using namespace engine;
using namespace gui;

// The window's data path at full tilt: 64 workers running no-op jobs as fast as the producer sends
// them, drained into the GUI-side model at frame rate under a small history cap.
class TestFlatOut : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theHistoryCapHoldsAndEveryJobIsAccountedFor_data()
    {
        QTest::addColumn<std::size_t>("chunk"); // events a pool thread publishes at once
        QTest::newRow("the log's chunks") << EventLog::kChunkEvents;
        QTest::newRow("the window's chunks") << MainWindow::kEventChunk;
    }

    void theHistoryCapHoldsAndEveryJobIsAccountedFor()
    {
        QFETCH(std::size_t, chunk);
        PoolConfig config;
        config.workers = 64;
        config.continuous = true; // until stopped: the test decides by a job count, not a clock
        config.intervalMs = 0;
        config.minMs = config.maxMs = 0;
        config.queueCapacity = 1024;
        config.resultsCapacity = 1024;
        // The window bounds the engine's backlog; so does this test, and checks the bound holds.
        constexpr std::int64_t backlog = 200'000;
        // Enough jobs past the cap that older detail has been folded into the summary many times,
        // however many jobs a second this machine (or a sanitizer build of it) manages.
        constexpr std::int64_t foldedJobs = 10'000;
        // A watchdog for a hung pool, not a speed floor: a sanitizer build sharing two cores with
        // other suites takes well under a minute to get there.
        constexpr int watchdogMs = 240'000;
        WorkerPool pool(WorkerPool::Options {
            .recordEvents = true, .eventBacklogLimit = backlog, .eventChunk = chunk});
        RunModel model;
        model.reset(config);
        model.setHistoryCapBytes(2 * 1024 * 1024);
        QVERIFY(pool.start(config));
        QElapsedTimer wall, ingesting;
        wall.start();
        std::int64_t ingestNs = 0, events = 0;
        std::int64_t maxBytes = 0;
        bool stopped = false;
        std::int64_t turns = 0, outOfTime = 0;
        bool batchTooBig = false;
        std::size_t batchSize = 0;
        std::vector<PoolEvent> batch; // handed back to be filled, as the window does
        // The window's turns (MainWindow::drain): take what is there only when everything held
        // is folded.
        const auto take = [&] {
            batch = pool.takeEvents(std::move(batch));
            events += static_cast<std::int64_t>(batch.size());
            // Each of the 66 threads may overshoot by the chunk it was publishing.
            if (static_cast<std::int64_t>(batch.size())
                > backlog + 66 * static_cast<std::int64_t>(chunk)) {
                batchTooBig = true;
                batchSize = batch.size();
            }
            const auto failures = pool.takeFailureMessages();
            model.hold(batch, failures);
            return !batch.empty() || !failures.empty();
        };
        bool behind = false;
        while (pool.isRunning() && wall.elapsed() < watchdogMs) {
            // A frame's turn, then turns back to back while the model is behind, as the
            // window's catch-up does.
            if (!behind)
                pool.waitForFinished(16);
            ingesting.start();
            behind = model.fold(MainWindow::kTurnNs, take);
            ingestNs += ingesting.nsecsElapsed();
            ++turns;
            outOfTime += behind ? 1 : 0;
            QVERIFY2(model.held() <= std::size_t(backlog + 66 * std::int64_t(chunk)),
                     qPrintable(QString::number(model.held())));
            QVERIFY2(!batchTooBig, qPrintable(QString::number(batchSize)));
            maxBytes = std::max(maxBytes, model.historyBytes());
            QVERIFY2(model.historyBytes() <= model.historyCapBytes(),
                     qPrintable(QString::number(model.historyBytes())));
            if (!stopped && model.summary().jobs >= foldedJobs) {
                pool.stop(); // drain: what is queued still runs, and is still accounted for
                stopped = true;
            }
        }
        QVERIFY2(!pool.isRunning(),
                 qPrintable(QStringLiteral("watchdog: still running after %1 s, %2 jobs folded")
                                .arg(watchdogMs / 1000)
                                .arg(model.summary().jobs)));
        pool.waitForFinished();
        // The rest in turns too, as the window's frames and catch-ups fold it.
        while (model.fold(MainWindow::kTurnNs, take))
            ++turns;
        QCOMPARE(model.held(), std::size_t {0});
        QVERIFY(pool.takeEvents().empty());
        QVERIFY(model.finished());
        QVERIFY(model.historyBytes() <= model.historyCapBytes());
        const RunStats &stats = model.stats();
        QVERIFY(model.summary().jobs >= foldedJobs); // the cap was exercised
        QCOMPARE(stats.results(), stats.submitted());
        QCOMPARE(model.summary().jobs + std::int64_t(model.completionOrder().size()),
                 stats.results());
        QCOMPARE(model.liveLaneCount(), 0);
        QCOMPARE(int(model.lanes().size()), 64);
        qInfo("%lld jobs in %.1f s, %lld events in %lld turns (%lld out of time), ingest %.1f M "
              "events/s, history at most %lld KiB",
              static_cast<long long>(stats.results()), static_cast<double>(wall.elapsed()) / 1e3,
              static_cast<long long>(events), static_cast<long long>(turns),
              static_cast<long long>(outOfTime),
              ingestNs > 0 ? static_cast<double>(events) * 1e3 / static_cast<double>(ingestNs)
                           : 0.0,
              static_cast<long long>(maxBytes / 1024));
    }
};

QTEST_GUILESS_MAIN(TestFlatOut)
#include "tst_flatout.moc"
