#include "engine/workerpool.h"
#include "poolharness.h"
#include "testprinting.h"

#include <QRandomGenerator>
#include <QTest>
#include <chrono>
#include <limits>
#include <thread>

using namespace engine;
using namespace harness;

namespace {

// What every worker and the producer are doing: the watchdog's report when a run hangs.
QString stateDump(const WorkerPool &pool)
{
    QString dump
        = QStringLiteral("producer %1; queue depth %2; %3 submitted, %4 collected; workers:")
              .arg(QLatin1String(nameOf(pool.producerState())))
              .arg(pool.queueDepth())
              .arg(pool.submittedJobs())
              .arg(pool.collectedResults());
    for (const WorkerSnapshot &w : pool.workerStates())
        dump += QStringLiteral(" [%1 %2 job %3]")
                    .arg(w.id)
                    .arg(QLatin1String(nameOf(w.state)))
                    .arg(w.job);
    return dump;
}

// Collects events until the run ends; fails the test with a state dump when it does not end in
// time (the watchdog), then cancels so the test can go on.
bool finishOrDump(WorkerPool &pool, std::vector<PoolEvent> &events, int timeoutMs)
{
    if (collectUntilFinished(pool, events, timeoutMs))
        return true;
    const QString dump = stateDump(pool);
    pool.cancel();
    QTest::qFail(qPrintable(QStringLiteral("the run hung: ") + dump), __FILE__, __LINE__);
    return false;
}

PoolConfig randomConfig(QRandomGenerator &random)
{
    PoolConfig c;
    c.workers = random.bounded(1, 17);
    c.jobs = random.bounded(1, 60);
    c.queueCapacity = random.bounded(0, 5) == 0 ? PoolConfig::kAutoCapacity : random.bounded(0, 20);
    c.resultsCapacity
        = random.bounded(0, 5) == 0 ? PoolConfig::kAutoCapacity : random.bounded(0, 20);
    c.intervalMs = random.bounded(0, 4) == 0 ? 0.0 : random.generateDouble() * 2.0;
    c.arrival = static_cast<ArrivalPattern>(random.bounded(0, 3));
    c.burstSize = random.bounded(1, 8);
    c.distribution = static_cast<Distribution>(random.bounded(0, 4));
    c.minMs = random.generateDouble();
    c.maxMs = c.minMs + random.generateDouble() * 2.0;
    c.meanMs = random.generateDouble() * 1.5;
    c.failRatePercent = random.bounded(0, 3) == 0 ? random.bounded(0, 101) : 0;
    c.workload = random.bounded(0, 4) == 0 ? Workload::Cpu : Workload::Wait;
    c.speed = 1.0 + random.generateDouble() * 20.0;
    c.seed = random.generate64() | 1;
    return c;
}

} // namespace

class TestStress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { m_baselineThreads = threadCount(); }

    void aThousandStartStopCancelCyclesKeepTheContract()
    {
        QRandomGenerator random(20261126);
        for (int cycle = 0; cycle < 1000; ++cycle) {
            const PoolConfig config = randomConfig(random);
            const int action = random.bounded(0, 4); // run out, stop, cancel, destroy
            std::vector<PoolEvent> events;
            {
                WorkerPool pool;
                connect(
                    &pool, &WorkerPool::finished, &pool,
                    [&] {
                        auto rest = pool.takeEvents(); // engine thread, as the run ends
                        events.insert(events.end(), rest.begin(), rest.end());
                    },
                    Qt::DirectConnection);
                QVERIFY2(pool.start(config), qPrintable(config.validate().join(QLatin1Char(' '))));
                if (action > 0 && random.bounded(0, 2) == 0) {
                    // Act once the run is under way (or over): wait on the run, not on a clock.
                    QElapsedTimer waited;
                    waited.start();
                    while (pool.submittedJobs() == 0 && pool.isRunning()
                           && waited.elapsed() < 10000)
                        pool.waitForFinished(1);
                }
                if (action == 1)
                    pool.stop();
                else if (action == 2)
                    pool.cancel();
                if (action < 3 && !pool.waitForFinished(20000)) {
                    QFAIL(qPrintable(
                        QStringLiteral("cycle %1 hung: %2").arg(cycle).arg(stateDump(pool))));
                }
                // action 3: the destructor cancels and joins mid-run.
            }
            const QString problem = accountingProblem(events);
            QVERIFY2(problem.isEmpty(),
                     qPrintable(QStringLiteral("cycle %1: %2").arg(cycle).arg(problem)));
        }
        QTRY_VERIFY_WITH_TIMEOUT(threadCount() <= m_baselineThreads, 5000);
    }

    void randomInvalidConfigsAreRejectedAndStartNothing()
    {
        QRandomGenerator random(99);
        for (int i = 0; i < 3000; ++i) {
            PoolConfig c = randomConfig(random);
            // Push one or two fields out of range (or make them inconsistent).
            for (int k = 0; k < 1 + random.bounded(0, 2); ++k) {
                switch (random.bounded(0, 9)) {
                case 0:
                    c.workers = random.bounded(0, 2) ? 0 : 257 + random.bounded(0, 1000);
                    break;
                case 1:
                    c.jobs = random.bounded(0, 2) ? -random.bounded(0, 5) : 10'000'001;
                    break;
                case 2:
                    c.queueCapacity = -2 - random.bounded(0, 10);
                    break;
                case 3:
                    c.intervalMs = -1.0 - random.generateDouble();
                    break;
                case 4:
                    c.minMs = c.maxMs + 1.0 + random.generateDouble();
                    break;
                case 5:
                    c.failRatePercent = 100.5 + random.generateDouble() * 100;
                    break;
                case 6:
                    c.speed = random.bounded(0, 2) ? 0.0 : 1000.0;
                    break;
                case 7:
                    c.burstSize = 0;
                    break;
                case 8:
                    c.meanMs = std::numeric_limits<double>::quiet_NaN();
                    break;
                }
            }
            QVERIFY(!c.isValid());
            WorkerPool pool;
            QString error;
            QVERIFY(!pool.start(c, &error));
            QVERIFY(!error.isEmpty());
            QVERIFY(!pool.isRunning());
        }
        QTRY_VERIFY_WITH_TIMEOUT(threadCount() <= m_baselineThreads, 5000);
    }

    void aResizeStormLosesNoJob()
    {
        WorkerPool pool;
        PoolConfig config;
        config.workers = 8;
        config.continuous = true;
        config.intervalMs = 0.2;
        config.minMs = 0;
        config.maxMs = 1;
        config.queueCapacity = 64;
        QVERIFY(pool.start(config));
        std::vector<PoolEvent> events;
        QRandomGenerator random(7);
        QElapsedTimer wall;
        wall.start();
        // A count of resizes, not a stretch of time: a slow (sanitizer) build sees the same storm,
        // only longer (each resize there costs tens of ms, and the events it keeps grow with it).
        constexpr int resizes = 1000;
        for (int resize = 0; resize < resizes; ++resize) {
            pool.setWorkerCount(random.bounded(0, 2) == 0 ? 1 : random.bounded(1, 65));
            auto batch = pool.takeEvents();
            events.insert(events.end(), batch.begin(), batch.end());
            std::this_thread::sleep_for(std::chrono::milliseconds(1)); // the storm's pace
        }
        pool.stop();
        QVERIFY(finishOrDump(pool, events, 30000));
        QVERIFY2(accountingProblem(events).isEmpty(), qPrintable(accountingProblem(events)));
        QCOMPARE(countOf(events, EventKind::WorkerStarted),
                 countOf(events, EventKind::WorkerRetired));
        // Never more live workers than the most asked for, and no job cut by a retirement.
        for (const PoolEvent &e : events) {
            if (e.kind == EventKind::JobFinished)
                QCOMPARE(e.status(), JobStatus::Completed);
        }
        const int maxLive = maxLiveWorkers(events);
        QVERIFY2(maxLive <= 64, qPrintable(QString::number(maxLive)));
        QVERIFY(countOf(events, EventKind::WorkerRetired) > 100);
        qInfo("%d resizes, %lld jobs, %.1f s", resizes,
              static_cast<long long>(countOf(events, EventKind::JobSubmitted)),
              static_cast<double>(wall.elapsed()) / 1e3);
    }

    void aPauseResumeStormLosesNoJob()
    {
        WorkerPool pool;
        PoolConfig config = PoolConfig {};
        config.workers = 6;
        config.jobs = 5000;
        config.intervalMs = 0.1;
        config.minMs = 0;
        config.maxMs = 2;
        QVERIFY(pool.start(config));
        std::vector<PoolEvent> events;
        for (int i = 0; i < 2000 && pool.isRunning(); ++i) {
            if (i % 2 == 0)
                pool.pause();
            else
                pool.resume();
            std::this_thread::sleep_for(std::chrono::microseconds(500)); // the storm's pace
        }
        pool.resume();
        QVERIFY(finishOrDump(pool, events, 60000));
        QVERIFY2(accountingProblem(events).isEmpty(), qPrintable(accountingProblem(events)));
        QCOMPARE(countOf(events, EventKind::JobSubmitted), config.jobs);
        for (const PoolEvent &e : events)
            if (e.kind == EventKind::ResultCollected)
                QCOMPARE(e.status(), JobStatus::Completed);
    }

    void edgeCasesEachRunToTheEnd_data()
    {
        QTest::addColumn<PoolConfig>("config");
        PoolConfig base;
        base.speed = 100;
        PoolConfig zero = base;
        zero.jobs = 20000;
        zero.intervalMs = 0;
        zero.minMs = zero.maxMs = 0;
        QTest::newRow("jobs that take 0 ms") << zero;
        PoolConfig wide = base;
        wide.workers = 256;
        wide.jobs = 2000;
        wide.intervalMs = 0;
        wide.minMs = 50;
        wide.maxMs = 100;
        QTest::newRow("a pool of 256 workers") << wide;
        PoolConfig handOff = base;
        handOff.queueCapacity = 0;
        handOff.resultsCapacity = 0;
        handOff.jobs = 500;
        handOff.intervalMs = 0;
        QTest::newRow("queues of capacity 0") << handOff;
        PoolConfig huge = base;
        huge.queueCapacity = 100'000;
        huge.resultsCapacity = 100'000;
        huge.jobs = 150'000;
        huge.intervalMs = 0;
        huge.minMs = huge.maxMs = 0;
        QTest::newRow("queues of capacity 100000") << huge;
        PoolConfig tail = base;
        tail.distribution = Distribution::LogNormal;
        tail.meanMs = 20;
        tail.jobs = 300;
        tail.workers = 8;
        tail.intervalMs = 1;
        QTest::newRow("a heavy tail: some jobs far longer than the rest") << tail;
        PoolConfig throwing = base;
        throwing.failRatePercent = 50;
        throwing.jobs = 400;
        throwing.intervalMs = 0;
        QTest::newRow("jobs that throw") << throwing;
    }

    void edgeCasesEachRunToTheEnd()
    {
        QFETCH(PoolConfig, config);
        WorkerPool pool;
        std::vector<PoolEvent> events;
        QVERIFY(pool.start(config));
        QVERIFY(finishOrDump(pool, events, 120000));
        QVERIFY2(accountingProblem(events).isEmpty(), qPrintable(accountingProblem(events)));
        QCOMPARE(countOf(events, EventKind::JobSubmitted), config.jobs);
        const int capacity = config.effectiveQueueCapacity();
        for (const PoolEvent &e : events)
            if (e.kind == EventKind::JobEnqueued)
                QVERIFY(static_cast<int>(e.extra) <= capacity);
    }

private:
    int m_baselineThreads = 0;
};

QTEST_GUILESS_MAIN(TestStress)
#include "tst_stress.moc"
