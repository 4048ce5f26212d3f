#include "engine/eventlog.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <span>
#include <thread>
#include <vector>

using namespace engine;

class TestEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsFromManyThreadsArriveOnceEachInPerThreadOrder()
    {
        EventLog log;
        constexpr int threads = 4, perThread = 50000;
        std::vector<std::thread> writers;
        for (int w = 1; w <= threads; ++w) {
            writers.emplace_back([&log, w] {
                EventLog::Writer writer(&log);
                for (int i = 1; i <= perThread; ++i)
                    writer.append({.job = i,
                                   .worker = static_cast<std::uint16_t>(w),
                                   .kind = EventKind::JobStarted});
            });
        }
        std::vector<PoolEvent> all;
        for (auto &t : writers)
            t.join();
        auto batch = log.takeAll();
        all.insert(all.end(), batch.begin(), batch.end());
        QCOMPARE(all.size(), std::size_t(threads * perThread));
        std::vector<std::int64_t> lastJob(threads + 1, 0), lastT(threads + 1, 0);
        for (const PoolEvent &e : all) {
            QCOMPARE(e.job, lastJob[e.worker] + 1);
            QVERIFY(e.t >= lastT[e.worker]);
            lastJob[e.worker] = e.job;
            lastT[e.worker] = e.t;
        }
    }

    void aTakeRefillsTheVectorHandedBack()
    {
        EventLog log;
        auto write = [&log](int from, int to) {
            EventLog::Writer writer(&log);
            for (int i = from; i < to; ++i)
                writer.append({.job = i, .worker = 1, .kind = EventKind::JobStarted});
        };
        write(0, 10'000);
        std::vector<PoolEvent> taken = log.takeAll();
        QCOMPARE(taken.size(), std::size_t {10'000});
        const PoolEvent *memory = taken.data();
        write(10'000, 13'000);
        taken = log.takeAll(std::move(taken));
        QCOMPARE(taken.data(), memory); // the same memory, filled again
        QCOMPARE(taken.size(), std::size_t {3'000}); // only what came since
        for (std::size_t i = 0; i < taken.size(); ++i)
            QCOMPARE(taken[i].job, static_cast<std::int64_t>(10'000 + i));
        taken = log.takeAll(std::move(taken));
        QVERIFY(taken.empty());
    }

    void aLogWithSmallerChunksPublishesThatOften()
    {
        EventLog log;
        log.setChunkEvents(512);
        std::vector<PoolEvent> taken;
        {
            EventLog::Writer writer(&log);
            for (int i = 0; i < 511; ++i)
                writer.appendStamped({.job = i, .worker = 1, .kind = EventKind::JobStarted});
            QVERIFY(!log.hasPending()); // the chunk is not full yet
            writer.appendStamped({.job = 511, .worker = 1, .kind = EventKind::JobStarted});
            QCOMPARE(log.pending(), 512); // full: published
            for (int i = 512; i < 5000; ++i)
                writer.appendStamped({.job = i, .worker = 1, .kind = EventKind::JobStarted});
            QCOMPARE(log.pending(), 9 * 512); // nine full chunks out, the rest held
            taken = log.takeAll();
            QCOMPARE(taken.size(), std::size_t {9 * 512});
            // Chunks taken are reused: writing as much again allocates none.
            const std::int64_t allocated = log.chunksAllocated();
            for (int i = 5000; i < 9000; ++i)
                writer.appendStamped({.job = i, .worker = 1, .kind = EventKind::JobStarted});
            QCOMPARE(log.chunksAllocated(), allocated);
        } // the writer's flush publishes what it held
        const auto rest = log.takeAll();
        taken.insert(taken.end(), rest.begin(), rest.end());
        QCOMPARE(taken.size(), std::size_t {9000});
        for (std::size_t i = 0; i < taken.size(); ++i)
            QCOMPARE(taken[i].job, static_cast<std::int64_t>(i));
    }

    void theBatchCallbackFiresOncePerDrain()
    {
        EventLog log;
        std::atomic<int> notifications {0};
        log.setBatchCallback([&] { ++notifications; });
        {
            EventLog::Writer writer(&log);
            for (int i = 0; i < 3 * int(EventLog::kChunkEvents); ++i)
                writer.append({.job = i, .kind = EventKind::JobSubmitted});
            writer.flush();
        }
        QCOMPARE(notifications.load(), 1); // three chunks published, one notification
        QCOMPARE(log.takeAll().size(), 3 * EventLog::kChunkEvents);
        log.appendControl({.kind = EventKind::StopRequested});
        QCOMPARE(notifications.load(), 2);
        QVERIFY(log.hasPending());
        QCOMPARE(log.takeAll().size(), std::size_t(1));
        QVERIFY(!log.hasPending());
    }

    // A consumer that folds as the run goes: every event once, each thread's in order, with no
    // copy; with a backlog bound the writers wait for it and reuse the chunks it hands back, so
    // the log's memory stays the bound's whatever the number of events.
    void consumingFoldsInPlaceAndRecyclesChunksUnderABacklogBound()
    {
        EventLog log;
        constexpr std::int64_t limit = 16 * EventLog::kChunkEvents;
        log.setBacklogLimit(limit);
        constexpr int threads = 3, perThread = 400000; // 75 times the bound, all told
        std::atomic<int> running {threads};
        std::vector<std::thread> writers;
        for (int w = 1; w <= threads; ++w) {
            writers.emplace_back([&log, &running, w] {
                {
                    EventLog::Writer writer(&log);
                    for (int i = 1; i <= perThread; ++i)
                        writer.append({.job = i,
                                       .worker = static_cast<std::uint16_t>(w),
                                       .kind = EventKind::JobStarted});
                }
                --running;
            });
        }
        std::vector<std::int64_t> lastJob(threads + 1, 0);
        std::int64_t seen = 0, visited = 0;
        bool inOrder = true;
        const auto visit = [&](std::span<const PoolEvent> events) {
            QVERIFY(!events.empty());
            QVERIFY(events.size() <= EventLog::kChunkEvents);
            for (const PoolEvent &e : events) {
                inOrder = inOrder && e.job == lastJob[e.worker] + 1;
                lastJob[e.worker] = e.job;
            }
            seen += static_cast<std::int64_t>(events.size());
        };
        while (running.load() > 0 || log.hasPending())
            visited += log.consume(visit);
        for (auto &t : writers)
            t.join();
        visited += log.consume(visit);
        QVERIFY(inOrder);
        QCOMPARE(seen, std::int64_t(threads) * perThread);
        QCOMPARE(visited, seen);
        QCOMPARE(log.pending(), std::int64_t(0));
        QVERIFY(!log.hasPending());
        // What may be allocated at once: the bound's chunks (up to three times as many when a
        // stalled writer publishes part-filled ones), one more per writer past it and one each
        // writer holds; ~300 chunks of events went through.
        constexpr std::int64_t boundChunks = limit / std::int64_t(EventLog::kChunkEvents);
        QVERIFY2(log.chunksAllocated() <= 3 * boundChunks + 2 * threads,
                 qPrintable(QString::number(log.chunksAllocated())));
    }

    void aWriterHoldsNothingBackAfterFlush()
    {
        EventLog log;
        EventLog::Writer writer(&log);
        writer.append({.kind = EventKind::RunStarted});
        QVERIFY(!log.hasPending());
        writer.flush();
        QCOMPARE(log.takeAll().size(), std::size_t(1));
    }

    void sortingByTimeIsStableAndMatchesTheLibrarySort()
    {
        QRandomGenerator random(7);
        for (int round = 0; round < 200; ++round) {
            // A batch as the log hands it over: runs in time order, one per chunk, overlapping;
            // in some rounds, arbitrary order (many short runs).
            std::vector<PoolEvent> events;
            const bool shuffled = round % 10 == 9;
            const int runs = 1 + int(random.bounded(12));
            for (int r = 0; r < runs; ++r) {
                std::int64_t t = random.bounded(1000);
                const int length = int(random.bounded(shuffled ? 40 : 400));
                for (int i = 0; i < length; ++i) {
                    t += shuffled ? -500 + std::int64_t(random.bounded(1000))
                                  : std::int64_t(random.bounded(3)); // equal times are common
                    events.push_back({.t = t, .job = std::int64_t(events.size())});
                }
            }
            std::vector<PoolEvent> expected = events;
            std::stable_sort(expected.begin(), expected.end(),
                             [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
            sortByTime(events);
            QCOMPARE(events, expected); // job numbers tell equal times apart: the order is the same
        }
    }

    void aDisabledLogRecordsNothing()
    {
        EventLog log(false);
        EventLog::Writer writer(&log);
        for (int i = 0; i < 10000; ++i)
            writer.append({.kind = EventKind::JobSubmitted});
        writer.flush();
        log.appendControl({.kind = EventKind::StopRequested});
        QVERIFY(log.takeAll().empty());
    }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "tst_eventlog.moc"
