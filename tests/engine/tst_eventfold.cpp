#include "engine/eventfold.h"
#include "engine/eventorder.h"
#include "engine/jobwindow.h"
#include "engine/workerpool.h"

#include <QTest>
#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <random>

using namespace engine;

namespace {
PoolEvent ev(EventKind kind, std::int64_t t, std::int64_t job = 0, int worker = 0,
             std::int64_t value = 0, JobStatus status = JobStatus::Completed)
{
    return {.t = t,
            .job = job,
            .value = value,
            .worker = static_cast<std::uint16_t>(worker),
            .kind = kind,
            .aux = static_cast<std::uint8_t>(status)};
}

bool sameTimes(const JobTimes &a, const JobTimes &b)
{
    return a.job == b.job && a.submitted == b.submitted && a.enqueued == b.enqueued
        && a.started == b.started && a.finished == b.finished && a.collected == b.collected
        && a.worker == b.worker && a.status == b.status && a.done == b.done;
}

// Which thread of a run appends an event: the producer, a worker (by id), the collector, or
// whoever controls the pool.
int threadOf(const PoolEvent &e)
{
    switch (e.kind) {
    case EventKind::JobSubmitted:
    case EventKind::JobEnqueued:
    case EventKind::ProducerBlocked:
    case EventKind::ProducerUnblocked:
    case EventKind::ProducerPaused:
    case EventKind::ProducerResumed:
    case EventKind::ProducerDone:
        return 0;
    case EventKind::ResultCollected:
    case EventKind::RunFinished:
        return -1;
    case EventKind::WorkerStarted:
    case EventKind::WorkerRetired:
    case EventKind::JobStarted:
    case EventKind::JobDiscarded:
    case EventKind::JobFinished:
    case EventKind::ResultBlocked:
    case EventKind::ResultDelivered:
        return e.worker;
    default:
        return -2;
    }
}

// The events as another consumer could see them: each thread's own in order, the threads'
// chunks interleaved at random.
std::vector<PoolEvent> interleaved(const std::vector<PoolEvent> &events, std::mt19937_64 &rng)
{
    std::map<int, std::vector<PoolEvent>> byThread;
    for (const PoolEvent &e : events)
        byThread[threadOf(e)].push_back(e);
    std::vector<std::pair<std::vector<PoolEvent> *, std::size_t>> cursors;
    for (auto &[thread, list] : byThread)
        cursors.push_back({&list, 0});
    std::vector<PoolEvent> out;
    while (!cursors.empty()) {
        const std::size_t pick = rng() % cursors.size();
        auto &[list, at] = cursors[pick];
        const std::size_t chunk = std::min<std::size_t>(1 + rng() % 200, list->size() - at);
        out.insert(out.end(), list->begin() + static_cast<std::ptrdiff_t>(at),
                   list->begin() + static_cast<std::ptrdiff_t>(at + chunk));
        at += chunk;
        if (at == list->size())
            cursors.erase(cursors.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    return out;
}

// A real run's events: failures, a full results queue (workers blocked), a full job queue
// (the producer blocked), a pause.
std::vector<PoolEvent> realRun()
{
    PoolConfig config;
    config.workers = 4;
    config.jobs = 3000;
    config.queueCapacity = 3;
    config.resultsCapacity = 1;
    config.intervalMs = 0;
    config.distribution = Distribution::Fixed;
    config.meanMs = 0.05;
    config.failRatePercent = 10;
    config.seed = 11;
    WorkerPool pool;
    QString error;
    if (!pool.start(config, &error))
        qFatal("cannot start: %s", qPrintable(error));
    pool.pause();
    pool.resume();
    pool.waitForFinished();
    std::vector<PoolEvent> events = pool.takeEvents();
    sortByTime(events);
    return events;
}

struct Collect
{
    std::map<std::int64_t, JobTimes> done;
    int handedTwice = 0;
    std::map<int, std::int64_t> busyNs; // closed busy spans by worker
    int opened = 0, closed = 0;
    void jobDone(const JobTimes &job)
    {
        if (!done.emplace(job.job, job).second)
            ++handedTwice;
    }
    void spanOpened(const WorkerSpan &) { ++opened; }
    void spanClosed(const WorkerSpan &span)
    {
        ++closed;
        if (span.kind == SpanKind::Busy)
            busyNs[span.worker] += span.end - span.start;
    }
};
} // namespace

class TestEventFold : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aJobsEventsInAnyOrderMakeOneRecord()
    {
        const std::vector<PoolEvent> events {
            ev(EventKind::JobSubmitted, 10, 7),
            ev(EventKind::JobEnqueued, 12, 7),
            ev(EventKind::JobStarted, 20, 7, 3),
            ev(EventKind::JobFinished, 50, 7, 3, 0, JobStatus::Failed),
            ev(EventKind::ResultCollected, 55, 7, 3, 30, JobStatus::Failed),
        };
        JobTimes expected {.job = 7,
                           .submitted = 10,
                           .enqueued = 12,
                           .started = 20,
                           .finished = 50,
                           .collected = 55,
                           .worker = 3,
                           .status = JobStatus::Failed,
                           .done = true};
        std::vector<int> order {0, 1, 2, 3, 4};
        int permutations = 0;
        do {
            JobTimes times {.job = 7};
            std::array<int, 5> at {}; // when each event came, 1-based; 0: not yet
            for (std::size_t i = 0; i < order.size(); ++i) {
                QVERIFY(foldJobEvent(times, events[static_cast<std::size_t>(order[i])]));
                at[static_cast<std::size_t>(order[i])] = static_cast<int>(i) + 1;
                // Complete once submission, start and result are in, and the finish: its own
                // event, or the result when it came after the start (it carries the time taken).
                const bool finishKnown = at[3] > 0 || (at[2] > 0 && at[4] > at[2]);
                QCOMPARE(times.complete(),
                         at[0] > 0 && at[1] > 0 && at[2] > 0 && at[4] > 0 && finishKnown);
            }
            QVERIFY(sameTimes(times, expected));
            ++permutations;
        } while (std::next_permutation(order.begin(), order.end()));
        QCOMPARE(permutations, 120);
        JobTimes untouched;
        QVERIFY(!foldJobEvent(untouched, ev(EventKind::ResultBlocked, 1, 7, 3)));
        QVERIFY(!untouched.heardOf());
    }

    void jobsCancelledBeforeAWorkerTookThemComplete()
    {
        EventFold fold;
        Collect sink;
        // Job 4 was taken off the queue by a cancel: it waits for its enqueue, not for a worker.
        fold.apply(ev(EventKind::ResultCollected, 30, 4, 0, 0, JobStatus::Cancelled), sink);
        fold.apply(ev(EventKind::JobSubmitted, 10, 4), sink);
        QVERIFY(sink.done.empty());
        QVERIFY(fold.inFlight(4));
        fold.apply(ev(EventKind::JobEnqueued, 11, 4), sink);
        QCOMPARE(sink.done.size(), std::size_t {1});
        const JobTimes &j = sink.done.at(4);
        QCOMPARE(j.worker, 0);
        QCOMPARE(j.started, -1);
        QCOMPARE(j.latency(), 20);
        QCOMPARE(j.wait(), -1);
        QVERIFY(!fold.inFlight(4));
        // Job 5 was cancelled while the producer was sending it: it never gets an enqueue.
        PoolEvent neverQueued = ev(EventKind::ResultCollected, 40, 5, 0, 0, JobStatus::Cancelled);
        neverQueued.extra = kNeverQueued;
        fold.apply(ev(EventKind::JobSubmitted, 35, 5), sink);
        fold.apply(neverQueued, sink);
        QCOMPARE(sink.done.size(), std::size_t {2});
        QVERIFY(sink.done.at(5).neverQueued);
        // A late event of a job already handed on changes nothing and is not handed on again.
        fold.apply(ev(EventKind::JobEnqueued, 36, 5), sink);
        QCOMPARE(sink.handedTwice, 0);
        QCOMPARE(fold.jobWindow(), std::size_t {0});
    }

    void everyJobIsHandedOnOnceWhateverTheInterleaving()
    {
        const std::vector<PoolEvent> events = realRun();
        EventFold reference;
        Collect expected;
        reference.apply(events, expected);
        QCOMPARE(expected.done.size(), std::size_t {3000});
        QCOMPARE(expected.handedTwice, 0);
        QCOMPARE(expected.opened, expected.closed); // every span the run opened, it closed
        QCOMPARE(reference.jobWindow(), std::size_t {0});
        int failed = 0;
        std::map<int, std::int64_t> processingByWorker;
        for (const auto &[id, job] : expected.done) {
            QVERIFY(job.complete());
            QVERIFY(job.submitted <= job.started && job.started <= job.finished
                    && job.finished <= job.collected);
            failed += job.status == JobStatus::Failed;
            processingByWorker[job.worker] += job.processing();
        }
        QVERIFY(failed > 0);
        QCOMPARE(expected.busyNs, processingByWorker); // busy spans are the jobs' processing

        std::mt19937_64 rng(5);
        for (int round = 0; round < 20; ++round) {
            const std::vector<PoolEvent> shuffled = interleaved(events, rng);
            QCOMPARE(shuffled.size(), events.size());
            EventFold fold;
            Collect got;
            fold.apply(shuffled, got);
            QCOMPARE(got.handedTwice, 0);
            QCOMPARE(got.done.size(), expected.done.size());
            for (const auto &[id, job] : expected.done)
                QVERIFY2(sameTimes(got.done.at(id), job), qPrintable(QString::number(id)));
            QCOMPARE(got.busyNs, expected.busyNs);
        }
    }

    // The ring under the fold against a plain map: ids touched ahead of the front, behind it
    // (prepended), far ahead (the ring doubles), fronts dropped (their slots reused, value-
    // initialized again) and ids below the dropped front (a scratch entry, not kept).
    void theJobWindowKeepsEveryLiveIdsEntry()
    {
        JobWindow<std::int64_t> window;
        std::map<std::int64_t, std::int64_t> model;
        std::int64_t floor = INT64_MIN;
        std::mt19937_64 rng(11);
        std::int64_t next = 1000;
        for (int step = 0; step < 200'000; ++step) {
            const auto roll = static_cast<int>(rng() % 100);
            if (roll < 60) {
                // An id near the newest, sometimes behind the front, now and then far ahead.
                std::int64_t id = next + static_cast<std::int64_t>(rng() % 8) - 5;
                if (roll < 2)
                    id = next + static_cast<std::int64_t>(rng() % 3000);
                next = std::max(next, id + 1);
                if (id < floor) {
                    window[id] = 99; // scratch: not kept
                    QVERIFY(window.find(id) == nullptr || *window.find(id) != 99);
                    continue;
                }
                std::int64_t &entry = window[id];
                QCOMPARE(entry, model[id]); // value-initialized when new, kept when not
                entry += id;
                model[id] = entry;
            } else {
                // Jobs well behind the newest end (every id there gets written), and the done
                // front is dropped: here, the entries written at least once.
                for (std::int64_t id = std::max(floor, std::int64_t {990}); id < next - 10; ++id) {
                    if (model.contains(id) && model[id] != 0)
                        continue;
                    window[id] += id;
                    model[id] = id;
                }
                window.popFrontWhile([](std::int64_t v) { return v != 0; });
                while (!model.empty() && model.begin()->second != 0
                       && window.dropped(model.begin()->first)) {
                    floor = model.begin()->first + 1;
                    model.erase(model.begin());
                }
                QVERIFY(model.empty() || !window.dropped(model.begin()->first));
            }
            if (step % 1000 == 0) {
                for (const auto &[id, value] : model) {
                    const std::int64_t *found = window.find(id);
                    QVERIFY2(found && *found == value, qPrintable(QString::number(id)));
                }
            }
        }
        QVERIFY(window.size() >= model.size());
        QVERIFY(floor > 100'000); // the front moved on, slots were reused
    }

    void finishHandsOnJobsWhoseEventsNeverCame()
    {
        EventFold fold;
        Collect sink;
        // Job 1's worker events are missing (a recording cut short); job 2 is whole.
        for (const PoolEvent &e :
             {ev(EventKind::JobSubmitted, 1, 1), ev(EventKind::JobEnqueued, 1, 1),
              ev(EventKind::JobSubmitted, 2, 2), ev(EventKind::JobEnqueued, 2, 2),
              ev(EventKind::JobStarted, 3, 2, 1), ev(EventKind::JobFinished, 4, 2, 1),
              ev(EventKind::ResultCollected, 5, 1, 2, 9),
              ev(EventKind::ResultCollected, 6, 2, 1, 1)})
            fold.apply(e, sink);
        QCOMPARE(sink.done.size(), std::size_t {1});
        QVERIFY(fold.inFlight(1));
        fold.finish(sink);
        QCOMPARE(sink.done.size(), std::size_t {2});
        QCOMPARE(sink.done.at(1).worker, 2);
        QCOMPARE(sink.done.at(1).started, -1);
        QCOMPARE(fold.jobWindow(), std::size_t {0});
    }

    void spansOfEachKindOpenAndClose()
    {
        EventFold fold;
        std::vector<WorkerSpan> closed;
        struct Sink
        {
            std::vector<WorkerSpan> &closed;
            void spanClosed(const WorkerSpan &span) { closed.push_back(span); }
        } sink {closed};
        fold.apply(ev(EventKind::WorkerStarted, 0, 0, 2), sink);
        fold.apply(ev(EventKind::JobStarted, 5, 9, 2, 40), sink);
        QVERIFY(fold.open(2, SpanKind::Busy));
        QCOMPARE(fold.open(2, SpanKind::Busy)->plannedNs, 40);
        fold.apply(ev(EventKind::JobFinished, 45, 9, 2, 0, JobStatus::Cancelled), sink);
        fold.apply(ev(EventKind::ResultBlocked, 45, 9, 2), sink);
        fold.apply(ev(EventKind::ProducerBlocked, 46, 10), sink);
        fold.apply(ev(EventKind::ProducerPaused, 47), sink); // a pause inside a blocked stretch
        fold.apply(ev(EventKind::ProducerUnblocked, 48, 10), sink);
        fold.apply(ev(EventKind::ResultDelivered, 50, 9, 2), sink);
        fold.apply(ev(EventKind::ProducerResumed, 60), sink);
        fold.apply(ev(EventKind::WorkerRetired, 70, 0, 2), sink);
        fold.apply(ev(EventKind::JobFinished, 80, 11, 3), sink); // nothing open: ignored
        QCOMPARE(closed.size(), std::size_t {5});
        auto is = [](const WorkerSpan &s, int worker, SpanKind kind, std::int64_t start,
                     std::int64_t end) {
            return s.worker == worker && s.kind == kind && s.start == start && s.end == end;
        };
        QVERIFY(is(closed[0], 2, SpanKind::Busy, 5, 45));
        QCOMPARE(closed[0].status, JobStatus::Cancelled);
        QCOMPARE(closed[0].job, 9);
        QVERIFY(is(closed[1], 0, SpanKind::ProducerBlocked, 46, 48));
        QVERIFY(is(closed[2], 2, SpanKind::Blocked, 45, 50));
        QVERIFY(is(closed[3], 0, SpanKind::Paused, 47, 60));
        QVERIFY(is(closed[4], 2, SpanKind::Live, 0, 70));
        QVERIFY(!fold.open(2, SpanKind::Live));
        QVERIFY(!fold.open(99, SpanKind::Busy));
    }

    // A pause that catches the producer blocked on a full queue: the producer records no pause of
    // its own, so the fold gives its row one, from the pause to the resume (or a cancel).
    void aPauseOfABlockedProducerIsItsPausedStretch()
    {
        EventFold fold;
        std::vector<WorkerSpan> closed;
        struct Sink
        {
            std::vector<WorkerSpan> &closed;
            void spanClosed(const WorkerSpan &span) { closed.push_back(span); }
        } sink {closed};
        auto pause = [](std::int64_t t, bool paused) {
            PoolEvent e = ev(EventKind::ConfigChanged, t);
            e.aux = static_cast<std::uint8_t>(LiveSetting::Paused);
            e.value = PoolEvent::encodeSettingValue(paused ? 1.0 : 0.0);
            return e;
        };
        fold.apply(pause(5, true), sink); // not blocked: the producer records its own pause
        QVERIFY(!fold.open(0, SpanKind::Paused));
        fold.apply(pause(6, false), sink);
        fold.apply(ev(EventKind::ProducerBlocked, 10, 4), sink);
        fold.apply(pause(20, true), sink);
        QVERIFY(fold.open(0, SpanKind::Paused));
        QCOMPARE(fold.open(0, SpanKind::Paused)->start, 20);
        fold.apply(pause(30, false), sink);
        QCOMPARE(closed.size(), std::size_t {1});
        QCOMPARE(closed[0].kind, SpanKind::Paused);
        QCOMPARE(closed[0].end, 30);
        fold.apply(pause(40, true), sink);
        fold.apply(ev(EventKind::CancelRequested, 45), sink);
        QCOMPARE(closed.size(), std::size_t {2});
        QCOMPARE(closed[1].end, 45);
    }

    void orderReleasesInTimeOrderKeepingEachInstantsArrival()
    {
        // Three threads' streams with many shared instants, pushed in random chunks.
        std::mt19937_64 rng(3);
        std::vector<PoolEvent> arrival;
        std::vector<std::vector<PoolEvent>> streams(3);
        for (int s = 0; s < 3; ++s) {
            std::int64_t t = 0;
            for (int i = 0; i < 5000; ++i) {
                t += static_cast<std::int64_t>(rng() % 3);
                streams[static_cast<std::size_t>(s)].push_back(
                    ev(EventKind::JobSubmitted, t, s * 100'000 + i));
            }
        }
        EventOrder order;
        std::vector<PoolEvent> released;
        std::array<std::size_t, 3> at {};
        while (at[0] + at[1] + at[2] < 15'000) {
            const auto s = static_cast<std::size_t>(rng() % 3);
            const std::size_t n = std::min<std::size_t>(1 + rng() % 300, 5000 - at[s]);
            const std::span<const PoolEvent> chunk(streams[s].data() + at[s], n);
            at[s] += n;
            arrival.insert(arrival.end(), chunk.begin(), chunk.end());
            order.push(chunk);
            // Release what every stream has passed: nothing later can come before it.
            std::int64_t horizon = EventOrder::kEverything;
            for (std::size_t k = 0; k < 3; ++k)
                if (at[k] < 5000)
                    horizon = std::min(horizon, streams[k][at[k]].t - 1);
            // Now and then only the oldest few (a turn of the window folds a piece at a time).
            const std::size_t most = rng() % 3 == 0 ? static_cast<std::size_t>(rng() % 400)
                                                    : std::numeric_limits<std::size_t>::max();
            const auto out = order.release(horizon, most);
            QVERIFY(out.size() <= most);
            released.insert(released.end(), out.begin(), out.end());
            if (rng() % 4 == 0)
                order.trim();
        }
        const auto rest = order.release();
        released.insert(released.end(), rest.begin(), rest.end());
        QCOMPARE(order.held(), std::size_t {0});
        std::stable_sort(arrival.begin(), arrival.end(),
                         [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
        QCOMPARE(released.size(), arrival.size());
        QVERIFY(released == arrival);
    }

    void theOrderKeepsTheRoomFramesNeedAndGivesBackWhatOnlyACatchUpNeeded()
    {
        EventOrder order;
        auto frame = [&order](std::size_t events, std::int64_t *t) {
            std::vector<PoolEvent> batch;
            for (std::size_t i = 0; i < events; ++i) {
                ++*t;
                batch.push_back(ev(EventKind::JobSubmitted, *t, *t));
            }
            order.push(batch);
            QCOMPARE(order.release().size(), events);
            order.trim();
        };
        std::int64_t t = 0;
        // Frames of 200,000 events each (a flat-out run): the room stays from frame to frame.
        frame(200'000, &t);
        const std::size_t room = order.capacity();
        QVERIFY(room >= 200'000);
        for (int i = 0; i < 200; ++i) {
            frame(200'000, &t);
            QCOMPARE(order.capacity(), room);
        }
        // Small frames from then on: once none has needed it for a while, the room goes back.
        for (int i = 0; i < 200; ++i)
            frame(100, &t);
        QVERIFY(order.capacity() < 100'000);
    }

    void theOrderKeepsItsRoomWhenItHeldEventsBack()
    {
        // Events held back (a headless run releases only what is older than its window) make
        // the vector grow past what it holds at its fullest; that room is kept too. Here one push
        // is held, the next comes on top of it, and then both go.
        EventOrder order;
        std::int64_t t = 0;
        std::size_t changes = 0, last = 0;
        for (int i = 0; i < 200; ++i) {
            const bool hold = i % 2 == 0;
            std::vector<PoolEvent> batch;
            for (int k = 0; k < (hold ? 100'000 : 50'000); ++k) {
                ++t;
                batch.push_back(ev(EventKind::JobSubmitted, t, t));
            }
            order.push(batch);
            QCOMPARE(order.release(hold ? 0 : EventOrder::kEverything).size(),
                     hold ? std::size_t {0} : 150'000);
            order.trim();
            changes += order.capacity() != last ? 1 : 0;
            last = order.capacity();
        }
        QVERIFY2(changes <= 3, qPrintable(QString::number(changes)));
    }

    void aReleaseOfAFewGivesTheOldestAndHoldsTheRest()
    {
        EventOrder order;
        std::vector<PoolEvent> batch;
        for (int k = 10; k > 0; --k) // newest first: the order sorts them
            batch.push_back(ev(EventKind::JobSubmitted, k * 10, k));
        order.push(batch);
        auto out = order.release(EventOrder::kEverything, 4);
        QCOMPARE(out.size(), std::size_t {4});
        for (std::size_t i = 0; i < out.size(); ++i)
            QCOMPARE(out[i].job, std::int64_t(i + 1));
        QCOMPARE(order.held(), std::size_t {6});
        order.trim(); // the held ones stay
        QCOMPARE(order.held(), std::size_t {6});
        // The horizon still bounds a release of a few; events pushed now merge with those held.
        out = order.release(55, 4);
        QCOMPARE(out.size(), std::size_t {1});
        QCOMPARE(out[0].job, std::int64_t {5});
        const std::vector<PoolEvent> late {ev(EventKind::JobSubmitted, 65, 11)};
        order.push(late);
        out = order.release(EventOrder::kEverything, 3);
        QCOMPARE(out.size(), std::size_t {3});
        QCOMPARE(out[0].job, std::int64_t {6});
        QCOMPARE(out[1].job, std::int64_t {11});
        QCOMPARE(out[2].job, std::int64_t {7});
        QCOMPARE(order.release().size(), std::size_t {3});
        QCOMPARE(order.held(), std::size_t {0});
    }

    void anEventLaterThanTheWindowIsReleasedNotLost()
    {
        EventOrder order;
        const std::vector<PoolEvent> first {ev(EventKind::JobSubmitted, 100, 1),
                                            ev(EventKind::JobSubmitted, 300, 2)};
        order.push(first);
        auto out = order.release(200);
        QCOMPARE(out.size(), std::size_t {1});
        QCOMPARE(out[0].job, 1);
        QCOMPARE(order.held(), std::size_t {1});
        const std::vector<PoolEvent> late {ev(EventKind::JobSubmitted, 50, 3)};
        order.push(late);
        out = order.release(200);
        QCOMPARE(out.size(), std::size_t {1});
        QCOMPARE(out[0].job, 3); // out of order with what went before it, but there
        out = order.release();
        QCOMPARE(out.size(), std::size_t {1});
        QCOMPARE(out[0].job, 2);
        QVERIFY(order.release().empty());
    }
};

QTEST_GUILESS_MAIN(TestEventFold)
#include "tst_eventfold.moc"
