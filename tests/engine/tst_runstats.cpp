#include "engine/runstats.h"

#include <QTest>

using namespace engine;

namespace {
constexpr std::int64_t ms = 1'000'000;

PoolEvent ev(EventKind kind, std::int64_t t, std::int64_t job = 0, int worker = 0,
             std::uint32_t extra = 0, JobStatus status = JobStatus::Completed)
{
    return {.t = t,
            .job = job,
            .extra = extra,
            .worker = static_cast<std::uint16_t>(worker),
            .kind = kind,
            .aux = static_cast<std::uint8_t>(status)};
}

// One worker runs jobs back to back: job k submitted at 10k ms, started at once, taking k ms.
std::vector<PoolEvent> serialRun(int jobs)
{
    std::vector<PoolEvent> events {ev(EventKind::RunStarted, 0),
                                   ev(EventKind::WorkerStarted, 0, 0, 1)};
    std::int64_t t = 0;
    for (int k = 1; k <= jobs; ++k) {
        const std::int64_t submitted = 10 * k * ms;
        t = std::max(t, submitted);
        events.push_back(ev(EventKind::JobSubmitted, submitted, k));
        events.push_back(ev(EventKind::JobEnqueued, submitted, k, 0, 1));
        events.push_back(ev(EventKind::JobStarted, t, k, 1, 0));
        t += k * ms;
        events.push_back(ev(EventKind::JobFinished, t, k, 1));
        events.push_back(ev(EventKind::ResultCollected, t, k, 1));
    }
    events.push_back(ev(EventKind::WorkerRetired, t, 0, 1));
    events.push_back(ev(EventKind::RunFinished, t));
    return events;
}
} // namespace

class TestRunStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void percentilesFollowNearestRank()
    {
        RunStats stats;
        stats.ingest(serialRun(100));
        QCOMPARE(stats.results(), 100);
        QCOMPARE(stats.count(JobStatus::Completed), 100);
        // Processing times are 1..100 ms; the histogram is within 0.4 %.
        auto near = [](std::int64_t value, double expectedMs) {
            return std::abs(static_cast<double>(value) / ms - expectedMs) <= expectedMs * 0.004;
        };
        QVERIFY(near(stats.processing().quantile(0.50), 50));
        QVERIFY(near(stats.processing().quantile(0.95), 95));
        QVERIFY(near(stats.processing().quantile(0.99), 99));
        QCOMPARE(stats.processing().mean(), 50.5 * ms);
        QCOMPARE(stats.processing().max(), 100 * ms);
    }

    void waitIsStartMinusSubmitAndLatencyIncludesIt()
    {
        RunStats stats;
        stats.ingest(serialRun(30));
        // Jobs 1..9 start on arrival (k ms of work < 10 ms gap); later ones queue behind earlier.
        QCOMPARE(stats.wait().min(), 0);
        QVERIFY(stats.wait().max() > 0);
        QCOMPARE(stats.latency().mean(), stats.wait().mean() + stats.processing().mean());
    }

    void aWorkerBusyAllTheTimeIsFullyUtilized()
    {
        RunStats stats;
        std::vector<PoolEvent> events {ev(EventKind::WorkerStarted, 0, 0, 1),
                                       ev(EventKind::WorkerStarted, 0, 0, 2)};
        for (int k = 0; k < 10; ++k) {
            events.push_back(ev(EventKind::JobSubmitted, k * 10 * ms, k + 1));
            events.push_back(ev(EventKind::JobStarted, k * 10 * ms, k + 1, 1));
            events.push_back(ev(EventKind::JobFinished, (k + 1) * 10 * ms, k + 1, 1));
            events.push_back(ev(EventKind::ResultCollected, (k + 1) * 10 * ms, k + 1, 1));
        }
        events.push_back(ev(EventKind::JobSubmitted, 0, 11));
        events.push_back(ev(EventKind::JobStarted, 0, 11, 2));
        events.push_back(ev(EventKind::JobFinished, 25 * ms, 11, 2));
        events.push_back(ev(EventKind::ResultCollected, 25 * ms, 11, 2));
        events.push_back(ev(EventKind::WorkerRetired, 100 * ms, 0, 1));
        events.push_back(ev(EventKind::WorkerRetired, 100 * ms, 0, 2));
        events.push_back(ev(EventKind::RunFinished, 100 * ms));
        stats.ingest(events);
        const auto usage = stats.workerUsage();
        QCOMPARE(usage.size(), std::size_t(2));
        QCOMPARE(usage[0].utilization(), 1.0);
        QCOMPARE(usage[1].utilization(), 0.25);
    }

    void eventsOutOfOrderAcrossThreadsCountOnce()
    {
        // The collector's event arrives before the producer's and the worker's (the producer's two
        // come together: it enqueues what it submits).
        RunStats stats;
        stats.ingest(std::vector<PoolEvent> {ev(EventKind::ResultCollected, 30 * ms, 1, 1)});
        QCOMPARE(stats.latency().count(), 0);
        stats.ingest(std::vector<PoolEvent> {ev(EventKind::JobStarted, 10 * ms, 1, 1),
                                             ev(EventKind::JobFinished, 25 * ms, 1, 1)});
        QCOMPARE(stats.latency().count(), 0);
        stats.ingest(std::vector<PoolEvent> {ev(EventKind::JobSubmitted, 5 * ms, 1),
                                             ev(EventKind::JobEnqueued, 5 * ms, 1)});
        QCOMPARE(stats.latency().count(), 1);
        QCOMPARE(stats.latency().max(), 25 * ms);
        QCOMPARE(stats.wait().max(), 5 * ms);
        QCOMPARE(stats.processing().max(), 15 * ms);
    }

    void aJobCancelledBeforeStartingHasLatencyButNoProcessing()
    {
        // Cancelled while the producer was sending it: it never entered the queue.
        RunStats stats;
        stats.ingest(std::vector<PoolEvent> {
            ev(EventKind::JobSubmitted, 0, 1),
            ev(EventKind::ResultCollected, 7 * ms, 1, 0, kNeverQueued, JobStatus::Cancelled)});
        QCOMPARE(stats.count(JobStatus::Cancelled), 1);
        QCOMPARE(stats.processing().count(), 0);
        QCOMPARE(stats.latency().count(), 1);
    }

    void littlesLawHoldsForAFinishedRun()
    {
        RunStats stats;
        const auto events = serialRun(50);
        stats.ingest(events);
        const auto law = stats.littlesLaw();
        QVERIFY(law.meanInSystem > 0);
        // For a run observed to its end, L and λW are the same integral.
        QVERIFY(std::abs(law.meanInSystem - law.predicted()) < 1e-9 * law.meanInSystem + 1e-12);
    }

    void queueDepthMaxAndTimeWeightedMean()
    {
        RunStats stats;
        stats.ingest(std::vector<PoolEvent> {ev(EventKind::JobEnqueued, 0, 1, 0, 1),
                                             ev(EventKind::JobEnqueued, 10 * ms, 2, 0, 2),
                                             ev(EventKind::JobStarted, 20 * ms, 1, 1, 1),
                                             ev(EventKind::JobStarted, 40 * ms, 2, 1, 0)});
        QCOMPARE(stats.maxQueueDepth(), 2);
        // 1 for 10 ms, 2 for 10 ms, 1 for 20 ms over 40 ms.
        QCOMPARE(stats.meanQueueDepth(), 50.0 / 40.0);
    }

    void throughputCountsResultsUpToTheLastOne()
    {
        RunStats stats;
        stats.ingest(serialRun(10));
        QCOMPARE(stats.throughputPerS(), 10 * 1e9 / static_cast<double>(stats.lastResultNs()));
    }
};

QTEST_GUILESS_MAIN(TestRunStats)
#include "tst_runstats.moc"
