#include "engine/workerpool.h"
#include "eventscript.h"
#include "testprinting.h"
#include "ui/resultsmodel.h"
#include "ui/runmodel.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <map>

using namespace engine;
using namespace gui;
using testsupport::ms;
using testsupport::Script;

namespace {
// Compares depthExtremes over random ranges of the depth samples (every third time the whole
// series) with a scan of them.
void checkDepthExtremes(const RunModel &model, QRandomGenerator &random, int trials)
{
    const auto &points = model.depth();
    for (int trial = 0; trial < trials; ++trial) {
        std::size_t from = random.bounded(static_cast<quint32>(points.size()));
        std::size_t to = random.bounded(static_cast<quint32>(points.size() + 1));
        if (trial % 3 == 0)
            from = 0, to = points.size();
        if (from >= to)
            std::swap(from, to);
        if (from == to)
            continue;
        int lo = INT32_MAX, hi = INT32_MIN, loBusy = INT32_MAX, hiBusy = INT32_MIN;
        for (std::size_t i = from; i < to; ++i) {
            lo = std::min(lo, points[i].depth);
            hi = std::max(hi, points[i].depth);
            loBusy = std::min(loBusy, points[i].inFlight);
            hiBusy = std::max(hiBusy, points[i].inFlight);
        }
        const auto e = model.depthExtremes(from, to);
        QCOMPARE(e.minDepth, lo);
        QCOMPARE(e.maxDepth, hi);
        QCOMPARE(e.minBusy, loBusy);
        QCOMPARE(e.maxBusy, hiBusy);
    }
}

Script referenceStart()
{
    Script s;
    s.at(0)
        .event(EventKind::RunStarted)
        .event(EventKind::WorkerStarted, 0, 1)
        .event(EventKind::WorkerStarted, 0, 2);
    return s;
}
} // namespace

class TestRunModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A pause that catches the producer waiting on a full queue: it records no pause of its own
    // (it is still in the queue's push), but the run is paused, and the model says so.
    void aPauseWhileBlockedReadsPaused()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s;
        s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
        s.at(1).submit(1, 1).start(1, 1, 0).submit(2, 1);
        s.at(2).event(EventKind::JobSubmitted, 3).event(EventKind::ProducerBlocked, 3);
        model.ingest(s.events());
        QCOMPARE(model.producerState(), ProducerState::Blocked);
        QVERIFY(!model.paused());
        Script pause;
        pause.at(3).setting(LiveSetting::Paused, 1.0);
        model.ingest(pause.events());
        QVERIFY(model.paused());
        QCOMPARE(model.producerState(), ProducerState::Paused);
        QCOMPARE(model.producerJob(), 3); // still holding it
        // Its row shows the pause over the blocked stretch, until the resume.
        auto pausedSpans = [&] {
            std::vector<Span> spans;
            for (const Span &span : model.producerSpans())
                if (span.kind == Span::Paused)
                    spans.push_back(span);
            return spans;
        };
        QCOMPARE(pausedSpans().size(), std::size_t {1});
        QCOMPARE(pausedSpans()[0].start, 3 * ms);
        QCOMPARE(pausedSpans()[0].end, -1);
        Script resume;
        resume.at(4).setting(LiveSetting::Paused, 0.0);
        model.ingest(resume.events());
        QVERIFY(!model.paused());
        QCOMPARE(model.producerState(), ProducerState::Blocked);
        QCOMPARE(pausedSpans().size(), std::size_t {1});
        QCOMPARE(pausedSpans()[0].end, 4 * ms);
        Script cancel;
        cancel.at(5).setting(LiveSetting::Paused, 1.0).event(EventKind::CancelRequested);
        model.ingest(cancel.events());
        QVERIFY(!model.paused()); // a cancel ends the pause
    }

    void jobsBecomeSpansOnTheirWorkersLane()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        s.at(0).submit(1, 1).start(1, 1, 0);
        s.at(10).submit(2, 1).start(2, 2, 0);
        s.at(100).finish(1, 1).collect(1, 1);
        s.at(110).finish(2, 2, JobStatus::Failed).collect(2, 2, JobStatus::Failed);
        model.ingest(s.events());
        QCOMPARE(model.lanes().size(), std::size_t(2));
        const Lane *one = model.lane(1);
        QVERIFY(one);
        QCOMPARE(one->spans.size(), std::size_t(1));
        QCOMPARE(one->spans[0].start, 0);
        QCOMPARE(one->spans[0].end, 100 * ms);
        QCOMPARE(model.lane(2)->spans[0].status, JobStatus::Failed);
        QCOMPARE(model.completionOrder(), (History<std::int64_t> {1, 2}));
        const std::optional<JobRecord> two = model.job(2);
        QVERIFY(two);
        QCOMPARE(two->wait(), 0);
        QCOMPARE(two->processing(), 100 * ms);
        QCOMPARE(model.stats().count(JobStatus::Failed), 1);
    }

    // A feed numbers its workers as it likes (up to 65535), far past a pool's 256: each id still
    // gets a lane of its own, in id order, found by its id.
    void workerIdsPastThePoolsLimitStillGetTheirOwnLanes()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s;
        s.at(0).event(EventKind::RunStarted);
        for (const int w : {1000, 3, 65535, 300})
            s.event(EventKind::WorkerStarted, 0, w);
        s.at(1).submit(1, 1).start(1, 1000, 0).submit(2, 1).start(2, 65535, 0);
        s.at(5).finish(1, 1000).collect(1, 1000).finish(2, 65535).collect(2, 65535);
        model.ingest(s.events());
        std::vector<int> workers;
        for (const Lane &lane : model.lanes())
            workers.push_back(lane.worker);
        QCOMPARE(workers, (std::vector<int> {3, 300, 1000, 65535}));
        for (const int w : workers)
            QCOMPARE(model.lane(w)->worker, w);
        QCOMPARE(model.lane(1000)->spans.size(), std::size_t(1));
        QCOMPARE(model.lane(65535)->spans[0].job, 2);
        QVERIFY(model.lane(4) == nullptr);
        QVERIFY(model.lane(70000) == nullptr);
    }

    void theQueueHoldsWhatWasEnqueuedAndNotStarted()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        s.at(0)
            .submit(1, 1)
            .start(1, 1, 0)
            .submit(2, 1)
            .start(2, 2, 0)
            .submit(3, 1)
            .submit(4, 2)
            .submit(5, 3);
        model.ingest(s.events());
        QCOMPARE(model.queued(), (std::deque<std::int64_t> {3, 4, 5}));
        QCOMPARE(model.depth().back().depth, 3);
        QCOMPARE(model.busyWorkers(), 2);
        Script more;
        more.at(50).finish(1, 1).collect(1, 1).start(3, 1, 2);
        model.ingest(more.events());
        QCOMPARE(model.queued(), (std::deque<std::int64_t> {4, 5}));
        const auto workers = model.workers();
        QCOMPARE(workers.size(), std::size_t(2));
        QCOMPARE(workers[0].state, WorkerState::Busy);
        QCOMPARE(workers[0].job, 3);
    }

    void blockedStatesAreDrawnFromTheirOwnEvents()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        s.at(0).submit(1, 1).start(1, 1, 0);
        s.at(5).event(EventKind::JobSubmitted, 2).event(EventKind::ProducerBlocked, 2);
        s.at(20).event(EventKind::JobFinished, 1, 1).event(EventKind::ResultBlocked, 1, 1);
        model.ingest(s.events());
        QCOMPARE(model.producerState(), ProducerState::Blocked);
        QCOMPARE(model.producerSpans().back().kind, Span::ProducerBlocked);
        QCOMPARE(model.workers()[0].state, WorkerState::Blocked);
        QCOMPARE(model.lane(1)->spans.back().kind, Span::Blocked);
        Script more;
        more.at(30)
            .event(EventKind::ResultDelivered, 1, 1)
            .event(EventKind::JobEnqueued, 2, 0, 1)
            .event(EventKind::ProducerUnblocked, 2);
        model.ingest(more.events());
        QCOMPARE(model.producerState(), ProducerState::Producing);
        QCOMPARE(model.producerSpans().back().end, 30 * ms);
        QCOMPARE(model.lane(1)->spans.back().end, 30 * ms);
        QCOMPARE(model.workers()[0].state, WorkerState::Idle);
    }

    void resizesAddAndRetireLanesAndLeaveMarkers()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        s.at(10)
            .setting(LiveSetting::Workers, 4)
            .event(EventKind::WorkerStarted, 0, 3)
            .event(EventKind::WorkerStarted, 0, 4);
        s.at(20)
            .setting(LiveSetting::Workers, 1)
            .event(EventKind::WorkerRetired, 0, 2)
            .event(EventKind::WorkerRetired, 0, 4);
        s.at(30).event(EventKind::WorkerRetired, 0, 3);
        model.ingest(s.events());
        QCOMPARE(model.lanes().size(), std::size_t(4));
        QCOMPARE(model.liveLaneCount(), 1);
        QVERIFY(!model.lane(4)->live());
        QCOMPARE(model.markers().size(), std::size_t(2));
        QCOMPARE(model.markers()[0].label(), QStringLiteral("workers → 4"));
        // Growing again reuses the lane of id 2.
        Script grow;
        grow.at(40).setting(LiveSetting::Workers, 2).event(EventKind::WorkerStarted, 0, 2);
        model.ingest(grow.events());
        QCOMPARE(model.lanes().size(), std::size_t(4));
        QCOMPARE(model.lane(2)->lifetimes.size(), std::size_t(2));
        QVERIFY(model.lane(2)->live());
    }

    void cancelledJobsLeaveTheQueueAndCountOnce()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        s.at(0).submit(1, 1).start(1, 1, 0).submit(2, 1).submit(3, 2);
        s.at(5).event(EventKind::CancelRequested);
        s.at(6).event(EventKind::JobDiscarded, 2, 2, 1).event(EventKind::JobDiscarded, 3, 2, 0);
        s.at(6).collect(2, 0, JobStatus::Cancelled, 0).collect(3, 0, JobStatus::Cancelled, 0);
        s.at(7).finish(1, 1, JobStatus::Cancelled).collect(1, 1, JobStatus::Cancelled, 7);
        model.ingest(s.events());
        QVERIFY(model.queued().empty());
        QCOMPARE(model.stats().count(JobStatus::Cancelled), 3);
        QCOMPARE(model.markers().back().label(), QStringLiteral("cancel"));
        QCOMPARE(model.job(2)->worker, 0);
        QCOMPARE(model.lane(1)->spans[0].status, JobStatus::Cancelled);
    }

    void eventsLateFromAnotherThreadStillLandInOrder()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script worker = referenceStart();
        worker.at(3).start(1, 1, 0).at(50).finish(1, 1).collect(1, 1);
        Script producer;
        producer.at(1).submit(1, 1);
        model.ingest(worker.events());
        model.ingest(producer.events()); // the producer's chunk arrives late
        QVERIFY(model.queued().empty()); // it had already started: not queued again
        QCOMPARE(model.job(1)->wait(), 2 * ms);
        QVERIFY(std::is_sorted(model.depth().begin(), model.depth().end(),
                               [](const DepthPoint &a, const DepthPoint &b) { return a.t < b.t; }));
        QCOMPARE(model.stats().latency().count(), 1);
        // A second late chunk, one of its samples at an instant already there: one sample each.
        Script late;
        late.at(3).submit(2, 1).at(2).submit(3, 2);
        model.ingest(late.events());
        const auto &depth = model.depth();
        QVERIFY(std::is_sorted(depth.begin(), depth.end(),
                               [](const DepthPoint &a, const DepthPoint &b) { return a.t < b.t; }));
        QVERIFY(
            std::adjacent_find(depth.begin(), depth.end(),
                               [](const DepthPoint &a, const DepthPoint &b) { return a.t == b.t; })
            == depth.end());
        QCOMPARE(depth.front().t, 1 * ms);
    }

    // The window folds a flood in turns (RunModel::fold with a time budget, taking more only
    // once it has folded what it held): a piece at a time, it ends where one ingest of everything
    // ends. With no time at all, each turn folds one piece and takes a batch only when it holds
    // nothing.
    void aFloodFoldedInTurnsEndsWhereOneIngestDoes()
    {
        PoolConfig config;
        config.workers = 4;
        config.jobs = 20'000;
        config.intervalMs = 0;
        config.distribution = Distribution::Fixed;
        config.meanMs = 0;
        config.queueCapacity = 64;
        WorkerPool pool;
        QVERIFY(pool.start(config));
        pool.waitForFinished();
        std::vector<PoolEvent> events = pool.takeEvents();
        // In time order, so that both models see the same order (late events are another test).
        std::stable_sort(events.begin(), events.end(),
                         [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
        RunModel whole;
        whole.reset(config);
        whole.ingest(events);
        QVERIFY(whole.finished());

        RunModel turns;
        turns.reset(config);
        QSignalSpy changed(&turns, &RunModel::changed);
        constexpr std::size_t kBatch = 5000;
        std::size_t next = 0, takes = 0, heldAtATake = 0;
        const auto take = [&] {
            heldAtATake = std::max(heldAtATake, turns.held());
            const std::size_t n = std::min(kBatch, events.size() - next);
            turns.hold(std::span<const PoolEvent>(events).subspan(next, n));
            next += n;
            takes += n > 0 ? 1 : 0;
            return n > 0;
        };
        int count = 0;
        for (bool more = true; more; ++count) {
            more = turns.fold(0, take);
            QVERIFY(count < 1'000'000);
        }
        QCOMPARE(next, events.size());
        QCOMPARE(takes, (events.size() + kBatch - 1) / kBatch);
        QCOMPARE(heldAtATake, std::size_t {0}); // a take only once what was held is folded
        QCOMPARE(turns.held(), std::size_t {0});
        // A piece a turn, and a last turn (the source dry) that folds nothing.
        int pieces = 0;
        for (std::size_t at = 0; at < events.size(); at += kBatch)
            pieces += int((std::min(kBatch, events.size() - at) + RunModel::kPiece - 1)
                          / RunModel::kPiece);
        QCOMPARE(count, pieces + 1);
        QCOMPARE(changed.count(), count - 1);

        QVERIFY(turns.finished());
        QCOMPARE(turns.endT(), whole.endT());
        QCOMPARE(turns.stats().results(), whole.stats().results());
        QCOMPARE(turns.stats().submitted(), whole.stats().submitted());
        QCOMPARE(turns.stats().count(JobStatus::Completed), config.jobs);
        QVERIFY(std::equal(turns.completionOrder().begin(), turns.completionOrder().end(),
                           whole.completionOrder().begin(), whole.completionOrder().end()));
        QVERIFY(std::equal(turns.depth().begin(), turns.depth().end(), whole.depth().begin(),
                           whole.depth().end(), [](const DepthPoint &a, const DepthPoint &b) {
                               return a.t == b.t && a.depth == b.depth && a.inFlight == b.inFlight;
                           }));
        QCOMPARE(turns.lanes().size(), whole.lanes().size());
        for (std::size_t l = 0; l < whole.lanes().size(); ++l) {
            const auto &a = turns.lanes()[l].spans;
            const auto &b = whole.lanes()[l].spans;
            QVERIFY(std::equal(a.begin(), a.end(), b.begin(), b.end(),
                               [](const Span &x, const Span &y) {
                                   return x.start == y.start && x.end == y.end && x.job == y.job
                                       && x.kind == y.kind && x.status == y.status;
                               }));
        }
        for (std::int64_t id = 1; id <= config.jobs; id += 997)
            QCOMPARE(turns.job(id)->wait(), whole.job(id)->wait());
        // And against the events themselves, not only the other model: a busy span a job, each on
        // its job's worker, and the completion order the collector's.
        std::map<std::int64_t, int> workerOf;
        std::vector<std::int64_t> collected;
        for (const PoolEvent &e : events) {
            if (e.kind == EventKind::JobStarted)
                workerOf[e.job] = e.worker;
            else if (e.kind == EventKind::ResultCollected)
                collected.push_back(e.job);
        }
        std::size_t busy = 0;
        for (const Lane &lane : turns.lanes()) {
            for (const Span &span : lane.spans) {
                if (span.kind != Span::Busy)
                    continue;
                ++busy;
                QCOMPARE(workerOf.at(span.job), lane.worker);
            }
        }
        QCOMPARE(busy, std::size_t(config.jobs));
        QVERIFY(std::equal(turns.completionOrder().begin(), turns.completionOrder().end(),
                           collected.begin(), collected.end()));
        // The log had a flood's lines a frame at a time, and the newest once caught up.
        QVERIFY(turns.logLines().size() <= std::size_t(RunModel::kMaxLogLines));
        QVERIFY(turns.logLinesDropped() > 0);
        QCOMPARE(turns.logLines().back(), whole.logLines().back());
    }

    // A reset drops what a turn left held, and the lines not yet handed to the log.
    void aResetDropsWhatIsHeld()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s = referenceStart();
        for (int k = 1; k <= 3 * int(RunModel::kPiece); ++k)
            s.at(k).submit(k, 1);
        model.hold(s.events());
        QVERIFY(model.fold(0)); // one piece, out of time
        QVERIFY(model.held() > 0);
        QSignalSpy appended(&model, &RunModel::logAppended);
        model.reset(PoolConfig {});
        QCOMPARE(model.held(), std::size_t {0});
        QVERIFY(!model.fold(RunModel::kWhole));
        QCOMPARE(appended.count(), 0);
        QCOMPARE(model.submittedCount(), std::int64_t {0});
        QVERIFY(model.logLines().empty());
    }

    void theLogSpeaksTheReferenceWordingAndStaysBounded()
    {
        RunModel model;
        model.reset(PoolConfig {});
        QSignalSpy appended(&model, &RunModel::logAppended);
        Script s = referenceStart();
        s.at(0)
            .submit(3, 1)
            .start(3, 2, 0, 237)
            .at(237)
            .finish(3, 2)
            .collect(3, 2, JobStatus::Completed, 237);
        model.ingest(s.events());
        QCOMPARE(appended.count(), 1);
        const QStringList lines = appended.first().first().toStringList();
        QVERIFY(lines.contains(QStringLiteral("Sending job 3 to pool")));
        QVERIFY(lines.contains(QStringLiteral("Worker 2 processing job 3 (will take 237ms)")));
        QVERIFY(lines.contains(QStringLiteral("Result: Job 3 completed by worker 2 in 237ms")));
        // A flood hands the log its newest 200 lines and a count of the rest, however its events
        // were folded (here a piece of RunModel::kPiece and a few more).
        Script burst;
        for (int k = 0; k < 2100; ++k)
            burst.at(300).submit(100 + k, 1);
        appended.clear();
        model.ingest(burst.events());
        QCOMPARE(appended.count(), 1);
        const QStringList burstLines = appended.first().first().toStringList();
        QCOMPARE(burstLines.size(), 201);
        QCOMPARE(burstLines.first(),
                 QStringLiteral("… 1900 earlier events of this moment not shown"));
        QCOMPARE(burstLines.last(), QStringLiteral("Sending job 2199 to pool"));
        QCOMPARE(model.logLinesDropped(), 1900);
        Script flood;
        for (int k = 10; k < 20000; ++k)
            flood.at(k + 300).submit(k + 3000, 1);
        model.ingest(flood.events());
        QVERIFY(model.logLines().size() <= std::size_t(RunModel::kMaxLogLines));
        QVERIFY(model.logLinesDropped() > 1900);
    }

    void theHistoryCapSummarizesOlderDetailInsteadOfDroppingIt()
    {
        RunModel model;
        model.reset(PoolConfig {});
        model.setHistoryCapBytes(256 * 1024);
        ResultsModel results(&model);
        QAbstractItemModelTester tester(&results,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int jobs = 20000;
        std::int64_t busyNs = 0;
        for (int batch = 0; batch < 20; ++batch) {
            Script s = batch == 0 ? referenceStart() : Script {};
            for (int k = batch * 1000 + 1; k <= (batch + 1) * 1000; ++k) {
                s.quickJob(k, true);
                busyNs += ms;
            }
            model.ingest(s.events());
            QVERIFY2(model.historyBytes() <= model.historyCapBytes(),
                     qPrintable(QString::number(model.historyBytes())));
        }
        const Summary &summary = model.summary();
        QVERIFY(summary.until > 0);
        QVERIFY(summary.jobs > 0);
        // Nothing is lost: every result is either a row or counted in the summary.
        QCOMPARE(summary.jobs + std::int64_t(model.completionOrder().size()), std::int64_t(jobs));
        QCOMPARE(results.rowCount(), int(model.completionOrder().size()));
        QCOMPARE(model.stats().results(), jobs);
        // The summarized busy time plus the detailed spans add up to all the work done.
        double summarizedBusy = 0;
        std::int64_t summarizedJobs = 0;
        for (const auto &lane : summary.lanes)
            for (const SummaryColumn &c : lane) {
                summarizedBusy += c.busyNs;
                summarizedJobs += c.jobs;
            }
        std::int64_t detailedBusy = 0, detailedJobs = 0;
        for (const Lane &lane : model.lanes())
            for (const Span &span : lane.spans) {
                detailedBusy += span.end - span.start;
                ++detailedJobs;
            }
        QCOMPARE(summarizedJobs + detailedJobs, std::int64_t(jobs));
        QVERIFY(std::abs(summarizedBusy + detailedBusy - busyNs) < 1e-3 * busyNs);
        // The oldest results left the table; the newest are there.
        QCOMPARE(model.completionOrder().back(), std::int64_t(jobs));
        QVERIFY(!model.job(1));
        // Results by a time count the summarized ones too: job k is collected at k + 1 ms (and
        // less than half a millisecond).
        const std::int64_t cutMs = summary.until / ms;
        for (std::int64_t tMs : {cutMs + 1, cutMs + 2, cutMs + 500, std::int64_t(jobs),
                                 std::int64_t(jobs) + 1, std::int64_t(jobs) + 100}) {
            QCOMPARE(model.resultsBy(tMs * ms + ms / 2), std::min<std::int64_t>(tMs - 1, jobs));
            QCOMPARE(model.resultsBy(tMs * ms - 1), std::min<std::int64_t>(tMs - 2, jobs));
        }
        // Carried on from one time to the next (as a chart's columns do), the count is the same.
        std::size_t cursor = 0;
        for (std::int64_t t = summary.until; t < (jobs + 3) * ms; t += ms / 3)
            QCOMPARE(model.resultsBy(t, &cursor), model.resultsBy(t));
        // With a slack, within it (a slack of a chunk or more is read off the chunks' first times
        // alone), times rising by steps of every size.
        for (const std::int64_t slack : {1, 100, 128, 1000}) {
            std::size_t near = 0;
            for (std::int64_t t = summary.until, step = 1; t < (jobs + 3) * ms; t += step) {
                const std::int64_t exact = model.resultsBy(t);
                QVERIFY2(std::abs(model.resultsBy(t, &near, slack) - exact) <= slack,
                         qPrintable(QStringLiteral("slack %1 at %2").arg(slack).arg(t)));
                step = step * 3 % (1000 * ms) + 1;
            }
        }
    }

    // A producer sending flat out stamps a batch of jobs alike: the batch is one element of the
    // sends, counted job by job when the cap folds it into the summary.
    void sendsAtOneInstantAreOneElementAndEachJobCountsWhenFolded()
    {
        RunModel model;
        model.reset(PoolConfig {});
        model.setHistoryCapBytes(256 * 1024);
        const int batches = 400, batch = 64;
        for (int b = 0; b < batches; ++b) {
            Script s = b == 0 ? referenceStart() : Script {};
            s.at(b + 1);
            for (int i = 0; i < batch; ++i)
                s.submit(b * batch + i + 1, i + 1);
            for (int i = 0; i < batch; ++i) {
                const int k = b * batch + i + 1;
                s.at(b + 1, 1000 * (i + 1))
                    .start(k, 1, batch - i - 1, 0)
                    .finish(k, 1)
                    .collect(k, 1);
            }
            model.ingest(s.events());
            if (b == 0) {
                QCOMPARE(model.sends().size(), std::size_t(1));
                QCOMPARE(model.sends()[0].count, std::int64_t(batch));
            }
        }
        const Summary &summary = model.summary();
        QVERIFY(summary.until > 0); // folded
        std::int64_t sent = 0;
        for (const SummaryColumn &c : summary.producer)
            sent += c.jobs;
        for (const SendRun &run : model.sends()) {
            QVERIFY(run.t >= summary.until);
            sent += run.count;
        }
        QCOMPARE(sent, std::int64_t(batches) * batch);
        QCOMPARE(model.submittedCount(), std::int64_t(batches) * batch);
    }

    // The collector's events can reach the model a batch before the worker's: a result row then
    // already shows the processing time, which the result carries.
    void aResultBeforeItsFinishStillShowsItsProcessingTime()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script first = referenceStart();
        first.at(0).submit(1, 1).at(10).start(1, 2, 0, 250);
        first.at(262).event(EventKind::ResultCollected, 1, 2, 0, 250 * ms + 7);
        model.ingest(first.events());
        QCOMPARE(model.job(1)->processing(), 250 * ms + 7);
        QCOMPARE(model.job(1)->finished, 260 * ms + 7);
        Script later;
        later.at(260, 7).finish(1, 2);
        model.ingest(later.events());
        QCOMPARE(model.job(1)->processing(), 250 * ms + 7);
    }

    void aJobInFlightForLongDoesNotHoldTheHistoryOpen()
    {
        RunModel model;
        model.reset(PoolConfig {});
        model.setHistoryCapBytes(256 * 1024);
        // Job 1 is taken by worker 3 and stays there while 20,000 later jobs come and go.
        Script first = referenceStart();
        first.event(EventKind::WorkerStarted, 0, 3).at(1).submit(1, 1).start(1, 3, 0, 100000);
        model.ingest(first.events());
        for (int batch = 0; batch < 20; ++batch) {
            Script s;
            for (int k = batch * 1000 + 2; k < (batch + 1) * 1000 + 2; ++k)
                s.quickJob(k, true);
            model.ingest(s.events());
            QVERIFY2(model.historyBytes() <= model.historyCapBytes(),
                     qPrintable(QString::number(model.historyBytes())));
        }
        QVERIFY(model.summary().jobs > 10000);
        QVERIFY(model.job(1)); // still known, still in flight
        QVERIFY(!model.job(1)->done);
        // It finishes at last: collected once, counted once.
        Script last;
        last.at(30000).finish(1, 3).collect(1, 3);
        model.ingest(last.events());
        QVERIFY(model.job(1) && model.job(1)->done);
        QCOMPARE(model.completionOrder().back(), std::int64_t(1));
        QCOMPARE(model.stats().results(), std::int64_t(20001));
        QCOMPARE(model.summary().jobs + std::int64_t(model.completionOrder().size()),
                 std::int64_t(20001));
        // A late event of a job already summarized changes nothing that is kept.
        const auto queuedBefore = model.queued().size();
        Script late;
        late.at(3).submit(2, 1);
        model.ingest(late.events());
        QCOMPARE(model.queued().size(), queuedBefore);
        QVERIFY(!model.job(2));
    }

    void depthExtremesMatchAScanOfTheSamples()
    {
        RunModel model;
        model.reset(PoolConfig {});
        QRandomGenerator random(11);
        // ~10,000 samples of a wandering depth, in batches, one of them late.
        int depth = 0;
        for (int batch = 0; batch < 10; ++batch) {
            Script s = batch == 0 ? referenceStart() : Script {};
            const int base = batch == 7 ? 5 * 1000 : batch * 1000; // batch 7 lands among batch 5's
            for (int k = 1; k <= 1000; ++k) {
                depth = std::max(0, depth + static_cast<int>(random.bounded(5)) - 2);
                s.at(base + k).submit(batch * 1000 + k, depth);
            }
            model.ingest(s.events());
        }
        QVERIFY(model.depth().size() > 5000);
        checkDepthExtremes(model, random, 300);
    }

    void depthExtremesStayRightAsTheHistoryIsFolded()
    {
        RunModel model;
        model.reset(PoolConfig {});
        model.setHistoryCapBytes(256 * 1024);
        QRandomGenerator random(5);
        std::int64_t job = 0;
        for (int batch = 0; batch < 40; ++batch) {
            Script s = batch == 0 ? referenceStart() : Script {};
            for (int k = 0; k < 1000; ++k) {
                ++job;
                const int worker = 1 + int(job % 2);
                const auto shift = std::int64_t(random.bounded(500'000)); // irregular times
                s.at(job, shift)
                    .submit(job, int(random.bounded(50)))
                    .start(job, worker, int(random.bounded(50)))
                    .at(job + 1, shift)
                    .finish(job, worker)
                    .collect(job, worker);
            }
            model.ingest(s.events());
            checkDepthExtremes(model, random, 20);
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY(model.summary().jobs > 20000); // it did fold, many times
        QVERIFY(model.depth().front().t < model.summary().until); // joined to the summary
    }

    void spanBlocksSumUpTheirSpansAndFollowTheFolds()
    {
        RunModel model;
        model.reset(PoolConfig {});
        model.setHistoryCapBytes(512 * 1024);
        QRandomGenerator random(3);
        std::int64_t job = 0, t = 0;
        for (int batch = 0; batch < 30; ++batch) {
            Script s = batch == 0 ? referenceStart() : Script {};
            for (int k = 0; k < 1000; ++k) {
                ++job;
                t += 1 + std::int64_t(random.bounded(3));
                const int worker = 1 + int(job % 2);
                s.at(t).submit(job, 0).start(job, worker, 0).at(t + 1).finish(job, worker);
                if (k % 97 == 0) // now and then a worker waits on the results queue
                    s.event(EventKind::ResultBlocked, job, worker)
                        .at(t + 2)
                        .event(EventKind::ResultDelivered, job, worker);
                s.collect(job, worker);
            }
            model.ingest(s.events());
            for (const Lane &lane : model.lanes()) {
                for (std::size_t i = 0; i < lane.spans.size(); i += 37) {
                    std::size_t end = 0;
                    const SpanBlock *b = lane.blockAt(i, &end);
                    if (!b)
                        continue;
                    QVERIFY(end > i && end <= lane.spans.size());
                    const std::size_t first = end - Lane::kBlock;
                    QVERIFY(first <= i);
                    SpanBlock expected;
                    expected.firstJob = expected.lastJob = lane.spans[first].job;
                    expected.firstStart = lane.spans[first].start;
                    for (std::size_t k = first; k < end; ++k) {
                        const Span &span = lane.spans[k];
                        expected.onlyBusy = expected.onlyBusy && span.kind == Span::Busy;
                        expected.longest = std::max(expected.longest, span.end - span.start);
                        if (k > first)
                            expected.widestGap
                                = std::max(expected.widestGap, span.start - lane.spans[k - 1].end);
                        expected.firstJob = std::min<std::int64_t>(expected.firstJob, span.job);
                        expected.lastJob = std::max<std::int64_t>(expected.lastJob, span.job);
                        expected.lastEnd = std::max(expected.lastEnd, span.end);
                    }
                    QCOMPARE(b->firstStart, expected.firstStart);
                    QCOMPARE(b->lastEnd, expected.lastEnd);
                    QCOMPARE(b->longest, expected.longest);
                    QCOMPARE(b->widestGap, expected.widestGap);
                    QCOMPARE(b->firstJob, expected.firstJob);
                    QCOMPARE(b->lastJob, expected.lastJob);
                    QCOMPARE(b->onlyBusy, expected.onlyBusy);
                }
            }
        }
        QVERIFY(model.summary().jobs > 10000); // the blocks were checked across many folds
    }

    // Records of jobs done are packed; one that stays in flight long after (its chunk packed
    // anyway, far behind the newest) still takes its late events, and every record reads back
    // exactly what its events said.
    void jobRecordsReadBackExactlyOncePacked()
    {
        RunModel model;
        model.reset(PoolConfig {});
        constexpr int jobs = 100'000;
        Script s = referenceStart();
        s.at(1).submit(1, 1).start(1, 1, 0); // job 1 takes the whole run
        for (int k = 2; k <= jobs; ++k) {
            const int worker = 2 + k % 3;
            s.at(k).submit(k, 1);
            if (k % 5 == 0) { // cancelled in the queue: never started
                s.collect(k, 0, JobStatus::Cancelled, 0);
                continue;
            }
            s.at(k + k % 7).start(k, worker, 0).at(k + k % 7 + 3).finish(k, worker);
            s.at(k + k % 7 + 4)
                .collect(k, worker, k % 11 == 0 ? JobStatus::Failed : JobStatus::Completed);
        }
        for (std::size_t i = 0; i < s.events().size(); i += 50'000)
            model.ingest(std::span(s.events())
                             .subspan(i, std::min<std::size_t>(50'000, s.events().size() - i)));
        QVERIFY(model.job(1) && !model.job(1)->done);
        Script late;
        late.at(jobs + 20).finish(1, 1).collect(1, 1);
        model.ingest(late.events());
        for (int k = 1; k <= jobs; ++k) {
            const std::optional<JobRecord> r = model.job(k);
            QVERIFY2(r, qPrintable(QString::number(k)));
            QCOMPARE(r->job, std::int64_t(k));
            QCOMPARE(r->submitted, k * ms);
            QCOMPARE(r->enqueued, k * ms);
            QVERIFY(r->done);
            if (k == 1) {
                QCOMPARE(r->started, 1 * ms);
                QCOMPARE(r->finished, (jobs + 20) * ms);
                QCOMPARE(r->collected, (jobs + 20) * ms);
                continue;
            }
            if (k % 5 == 0) {
                QCOMPARE(r->started, std::int64_t(-1));
                QCOMPARE(r->finished, std::int64_t(-1));
                QCOMPARE(r->worker, 0);
                QCOMPARE(r->status, JobStatus::Cancelled);
                continue;
            }
            QCOMPARE(r->started, (k + k % 7) * ms);
            QCOMPARE(r->finished, (k + k % 7 + 3) * ms);
            QCOMPARE(r->collected, (k + k % 7 + 4) * ms);
            QCOMPARE(int(r->worker), 2 + k % 3);
            QCOMPARE(r->status, k % 11 == 0 ? JobStatus::Failed : JobStatus::Completed);
        }
        // Packed: the whole history (records, spans, depth, sends, results) under 60 bytes a job;
        // the records alone would take 56 unpacked.
        QVERIFY2(model.historyBytes() < std::int64_t(jobs) * 60,
                 qPrintable(QString::number(model.historyBytes())));
    }

    // Memory each result row costs outside the model (the results table) counts toward the cap:
    // with it, the same run folds sooner and the cap still holds.
    void resultRowsOutsideTheModelCountTowardTheCap()
    {
        RunModel plain, withRows;
        for (RunModel *model : {&plain, &withRows}) {
            model->reset(PoolConfig {});
            model->setHistoryCapBytes(512 * 1024);
        }
        withRows.setRowOverheadBytes(64);
        for (int batch = 0; batch < 20; ++batch) {
            Script s = batch == 0 ? referenceStart() : Script {};
            for (int k = batch * 1000 + 1; k <= (batch + 1) * 1000; ++k)
                s.quickJob(k, true);
            plain.ingest(s.events());
            withRows.ingest(s.events());
            QVERIFY(withRows.historyBytes() <= withRows.historyCapBytes());
        }
        QVERIFY(withRows.historyBytes()
                >= 64 * static_cast<std::int64_t>(withRows.completionOrder().size()));
        QVERIFY(withRows.summary().jobs > plain.summary().jobs);
        QCOMPARE(withRows.summary().jobs + std::int64_t(withRows.completionOrder().size()),
                 std::int64_t(20'000));
    }

    // The record packing is exact for any times, unknown ones (-1) and out-of-order ones too.
    void jobRecordPackingRoundTrips()
    {
        const std::int64_t times[] = {-1, 0, 1, 5, 1'000'000'000'000, 7};
        for (const std::int64_t a : times)
            for (const std::int64_t b : times)
                for (const std::int64_t c : times) {
                    JobRecord r;
                    r.job = 42;
                    r.submitted = a;
                    r.enqueued = b;
                    r.started = c;
                    r.finished = a;
                    r.collected = b;
                    r.worker = 64;
                    r.status = JobStatus::Cancelled;
                    r.done = c >= 0;
                    std::int64_t columns[gui::Packing<JobRecord>::kColumns];
                    gui::Packing<JobRecord>::split(r, columns);
                    const JobRecord back = gui::Packing<JobRecord>::join(columns);
                    QCOMPARE(back.submitted, r.submitted);
                    QCOMPARE(back.enqueued, r.enqueued);
                    QCOMPARE(back.started, r.started);
                    QCOMPARE(back.finished, r.finished);
                    QCOMPARE(back.collected, r.collected);
                    QCOMPARE(back.job, r.job);
                    QCOMPARE(back.worker, r.worker);
                    QCOMPARE(back.status, r.status);
                    QCOMPARE(back.done, r.done);
                }
    }

    void theResultsModelPassesTheModelTester()
    {
        RunModel model;
        model.reset(PoolConfig {});
        ResultsModel results(&model);
        QAbstractItemModelTester tester(&results,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Script s = referenceStart();
        for (int k = 1; k <= 30; ++k)
            s.at(k)
                .submit(k, 1)
                .start(k, 1 + k % 2, 0)
                .at(k + 5)
                .finish(k, 1 + k % 2)
                .collect(k, 1 + k % 2);
        model.ingest(s.events());
        QCOMPARE(results.rowCount(), 30);
        QCOMPARE(results.columnCount(), int(ResultsModel::ColumnCount));
        QCOMPARE(results.index(0, ResultsModel::JobColumn).data().toString(), QStringLiteral("1"));
        // One format per column, the unit in the header: "5.000" under "Processing (ms)".
        QCOMPARE(results.index(0, ResultsModel::ProcessingColumn).data().toString(),
                 QStringLiteral("5.000"));
        QCOMPARE(results.headerData(ResultsModel::ProcessingColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Processing (ms)"));
        const QRegularExpression millis(QStringLiteral("^\\d+\\.\\d{3}$"));
        for (int row = 0; row < results.rowCount(); ++row)
            for (int column :
                 {int(ResultsModel::QueuedColumn), int(ResultsModel::WaitColumn),
                  int(ResultsModel::ProcessingColumn), int(ResultsModel::LatencyColumn)})
                QVERIFY2(millis.match(results.index(row, column).data().toString()).hasMatch(),
                         qPrintable(results.index(row, column).data().toString()));
        QCOMPARE(results.index(0, ResultsModel::ProcessingColumn)
                     .data(ResultsModel::kSortRole)
                     .toLongLong(),
                 5 * ms);
        QCOMPARE(results.rowOfJob(17), 16);
        model.reset(PoolConfig {});
        QCOMPARE(results.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunModel)
#include "tst_runmodel.moc"
