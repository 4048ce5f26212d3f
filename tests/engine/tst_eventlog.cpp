#include "eventlog.h"

#include <QTest>
#include <atomic>
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

    void aWriterHoldsNothingBackAfterFlush()
    {
        EventLog log;
        EventLog::Writer writer(&log);
        writer.append({.kind = EventKind::RunStarted});
        QVERIFY(!log.hasPending());
        writer.flush();
        QCOMPARE(log.takeAll().size(), std::size_t(1));
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
