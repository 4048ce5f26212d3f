#include "engine/feeddecoder.h"
#include "engine/flatjson.h"
#include "engine/runstats.h"
#include "testprinting.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <map>

using namespace engine;

namespace {

constexpr std::int64_t ms = 1'000'000;

// The reference program's output as Go prints it (workers start in any order; its own lines only).
const char *const kGoRun = R"(Worker 3 started
Sending job 1 to pool
Worker 1 started
Worker 2 started
Worker 3 processing job 1 (will take 237ms)
Sending job 2 to pool
Worker 1 processing job 2 (will take 412ms)
Sending job 3 to pool
Worker 2 processing job 3 (will take 1.2s)
Result: Job 1 completed by worker 3 in 237ms
Worker 3 finished
Result: Job 2 completed by worker 1 in 412ms
Worker 1 finished
Result: Job 3 completed by worker 2 in 1.2s
Worker 2 finished
)";

struct Fed
{
    std::vector<PoolEvent> events;
    std::vector<FailureMessage> failures;
    RunStats stats;
};

// Feeds the lines, one every 10 ms of arrival time, then ends the feed.
Fed feed(FeedDecoder &decoder, const QByteArray &text)
{
    std::int64_t arrival = 0;
    for (const QByteArray &line : text.split('\n')) {
        decoder.addLine(line, arrival);
        arrival += 10 * ms;
    }
    decoder.finish(arrival);
    Fed fed;
    fed.events = decoder.takeEvents();
    fed.failures = decoder.takeFailures();
    fed.stats.ingest(fed.events);
    return fed;
}

std::int64_t count(const std::vector<PoolEvent> &events, EventKind kind)
{
    return std::count_if(events.begin(), events.end(),
                         [kind](const PoolEvent &e) { return e.kind == kind; });
}

} // namespace

class TestFeedDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goDurationsParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("ms") << QStringLiteral("237ms") << qint64(237 * ms);
        QTest::newRow("s") << QStringLiteral("1.5s") << qint64(1500 * ms);
        QTest::newRow("m s") << QStringLiteral("1m30s") << qint64(90'000 * ms);
        QTest::newRow("h m s") << QStringLiteral("2h0m1s") << qint64(7'201'000 * ms);
        QTest::newRow("µs") << QStringLiteral("500µs") << qint64(500'000);
        QTest::newRow("us") << QStringLiteral("2.5us") << qint64(2'500);
        QTest::newRow("ns") << QStringLiteral("800ns") << qint64(800);
        QTest::newRow("zero") << QStringLiteral("0s") << qint64(0);
        QTest::newRow("no unit") << QStringLiteral("5") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("5d") << qint64(-1);
        QTest::newRow("words") << QStringLiteral("soon") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }

    void goDurationsParse()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        QCOMPARE(FeedDecoder::parseGoDuration(text), ns);
    }

    // The reference program's own lines: 3 jobs, 3 workers, each job's times in order.
    void theReferenceProgramsLinesAreItsRun()
    {
        FeedDecoder decoder;
        const Fed fed = feed(decoder, kGoRun);
        QCOMPARE(decoder.format(), FeedDecoder::Format::SeedLog);
        QCOMPARE(decoder.problemCount(), 0);
        QCOMPARE(decoder.otherLines(), 0);
        QCOMPARE(decoder.workers(), 3);
        QCOMPARE(fed.stats.submitted(), 3);
        QCOMPARE(fed.stats.count(JobStatus::Completed), 3);
        QCOMPARE(fed.stats.results(), 3);
        QVERIFY(fed.stats.finished());
        QCOMPARE(count(fed.events, EventKind::WorkerStarted), 3);
        QCOMPARE(count(fed.events, EventKind::WorkerRetired), 3);
        std::map<std::int64_t, std::int64_t> planned;
        std::map<std::int64_t, std::uint16_t> worker;
        for (const PoolEvent &e : fed.events) {
            if (e.kind == EventKind::JobStarted) {
                planned[e.job] = e.value;
                worker[e.job] = e.worker;
            }
        }
        QCOMPARE(planned[1], 237 * ms);
        QCOMPARE(planned[3], 1200 * ms);
        QCOMPARE(int(worker[1]), 3); // the program's own worker numbers
        QCOMPARE(int(worker[2]), 1);
        // Stamped on arrival, 10 ms a line: job 1 sent on line 2, started on 5, done on 10.
        QCOMPARE(fed.stats.wait().max(), 30 * ms);
        QCOMPARE(fed.stats.processing().min(), 50 * ms);
    }

    // A worker's next job (or its stop) means it handed the last one on: the collector's line
    // for it may come later, but the job took only until then.
    void aWorkersNextJobEndsItsLast()
    {
        FeedDecoder decoder;
        decoder.addLine("Sending job 1 to pool", 0);
        decoder.addLine("Worker 1 processing job 1 (will take 50ms)", 0);
        decoder.addLine("Sending job 2 to pool", 10 * ms);
        decoder.addLine("Worker 1 processing job 2 (will take 50ms)", 50 * ms);
        decoder.addLine("Result: Job 1 completed by worker 1 in 50ms", 60 * ms);
        decoder.addLine("Worker 1 finished", 100 * ms);
        decoder.addLine("Result: Job 2 completed by worker 1 in 50ms", 120 * ms);
        decoder.finish(130 * ms);
        RunStats stats;
        stats.ingest(decoder.takeEvents());
        QCOMPARE(decoder.problemCount(), 0);
        QCOMPARE(stats.count(JobStatus::Completed), 2);
        QCOMPARE(stats.processing().min(), 50 * ms);
        QCOMPARE(stats.processing().max(), 50 * ms);
        QCOMPARE(stats.latency().max(), 110 * ms); // job 2: sent at 10 ms, collected at 120 ms
        QCOMPARE(stats.workerUsage().front().busyNs, 100 * ms);
    }

    void otherOutputIsSkippedAndCounted()
    {
        FeedDecoder decoder;
        feed(decoder,
             QByteArray("Sending job 1 to pool\nhello\nWorker 1 processing job 1 (will "
                        "take 5ms)\nResult: Job 1 completed by worker 1 in 5ms\n"));
        QCOMPARE(decoder.otherLines(), 1);
        QCOMPARE(decoder.problemCount(), 0);
    }

    // JSON Lines: a header's unit, string and integer ids, failures with their message, a job
    // cancelled on the queue, one cut off by the end of the feed.
    void jsonLinesMapOntoTheEngineEvents()
    {
        FeedDecoder decoder;
        const Fed fed = feed(decoder,
                             R"({"feed": "poolscope", "unit": "us"}
{"t": 1000000, "ev": "worker_start", "worker": "alpha"}
{"t": 1000000, "ev": "worker_start", "worker": 2}
{"t": 1000000, "ev": "submit", "job": "a"}
{"t": 1000100, "ev": "submit", "job": 7}
{"t": 1000200, "ev": "submit", "job": 8}
{"t": 1000200, "ev": "submit", "job": 9}
{"t": 1000500, "ev": "start", "job": "a", "worker": "alpha", "duration": 300}
{"t": 1000600, "ev": "start", "job": 7, "worker": 2}
{"t": 1000800, "ev": "finish", "job": "a", "worker": "alpha"}
{"t": 1001600, "ev": "fail", "job": 7, "worker": 2, "error": "disk full"}
{"t": 1001700, "ev": "cancel", "job": 8}
{"t": 1001800, "ev": "start", "job": 9, "worker": "alpha"}
)");
        QCOMPARE(decoder.format(), FeedDecoder::Format::Jsonl);
        QCOMPARE(decoder.problemCount(), 0);
        QCOMPARE(fed.stats.submitted(), 4);
        QCOMPARE(fed.stats.results(), 4); // job 9 cut off by the end: cancelled
        QCOMPARE(fed.stats.count(JobStatus::Completed), 1);
        QCOMPARE(fed.stats.count(JobStatus::Failed), 1);
        QCOMPARE(fed.stats.count(JobStatus::Cancelled), 2);
        QCOMPARE(fed.failures.size(), std::size_t(1));
        QCOMPARE(fed.failures.front().job, 2); // job 7, the second heard of
        QCOMPARE(fed.failures.front().message, std::string("disk full"));
        // Times in µs from the first: job "a" waited 500 µs and took 300 µs.
        for (const PoolEvent &e : fed.events) {
            if (e.kind == EventKind::JobStarted && e.worker == 3) // "alpha", after worker 2
                QVERIFY(e.t == 500'000 || e.t == 1'800'000);
            if (e.kind == EventKind::JobStarted && e.t == 500'000)
                QCOMPARE(e.value, 300'000); // its planned duration, in the header's unit
        }
        QCOMPARE(fed.stats.processing().min(), 300'000);
    }

    // A program that counts its own queue says so: "depth" on a line is the depth after it,
    // over Poolscope's count of jobs sent and not taken (the program queued job 100 before the
    // feed began), and later lines count on from it. "capacity", on the header or any line, is
    // the queue's size; the last said stands. A depth or capacity that is not a count is a
    // problem and left out.
    void aFeedsOwnDepthAndCapacityStand()
    {
        FeedDecoder decoder;
        QCOMPARE(decoder.queueCapacity(), -1);
        const Fed fed = feed(decoder,
                             "{\"feed\": \"poolscope\", \"capacity\": 8}\n"
                             "{\"t\": 0, \"ev\": \"submit\", \"job\": 1, \"depth\": 2}\n"
                             "{\"t\": 1, \"ev\": \"submit\", \"job\": 2}\n"
                             "{\"t\": 2, \"ev\": \"start\", \"job\": 1, \"worker\": 1, "
                             "\"depth\": 1}\n"
                             "{\"t\": 3, \"ev\": \"start\", \"job\": 2, \"worker\": 2}\n"
                             "{\"t\": 4, \"ev\": \"submit\", \"job\": 3, \"depth\": -1}\n"
                             "{\"t\": 5, \"ev\": \"finish\", \"job\": 1, \"capacity\": 16}\n"
                             "{\"t\": 6, \"ev\": \"submit\", \"job\": 4, \"capacity\": 1.5}\n");
        std::vector<std::uint32_t> depths; // after each enqueue and start, in order
        for (const PoolEvent &e : fed.events) {
            if (e.kind == EventKind::JobEnqueued || e.kind == EventKind::JobStarted)
                depths.push_back(e.extra);
        }
        // 2 (said), 3 (counted on), 1 (said), 0, 1 (a bad depth: counted), 2.
        QCOMPARE(depths, (std::vector<std::uint32_t> {2, 3, 1, 0, 1, 2}));
        QCOMPARE(decoder.queueCapacity(), 16);
        QCOMPARE(decoder.problemCount(), 2);
        QVERIFY2(
            decoder.firstProblems().at(0).text.contains(QLatin1String("\"depth\" is not a count")),
            qPrintable(decoder.firstProblems().at(0).text));
        QCOMPARE(decoder.firstProblems().at(1).line, 8);
        QCOMPARE(fed.stats.maxQueueDepth(), 3);
    }

    // The fast scanner of a feed's lines reads what QJsonDocument reads, the same values, and
    // leaves what it does not read to it.
    void flatJsonAgreesWithQJsonDocument_data()
    {
        QTest::addColumn<QByteArray>("line");
        // Plain literals: a raw string with quotes in it hides the class from automoc.
        const char *lines[] = {
            "{\"t\": 12, \"ev\": \"start\", \"job\": 3, \"worker\": \"w1\"}",
            "  { \"t\" : -0 , \"x\": 1.5e3, \"y\": 0.25, \"z\": true, \"n\": null, \"f\": false } "
            " ",
            "{\"t\": 9007199254740993, \"big\": 123456789012345678901234567890}",
            "{\"t\": 1e400}",
            "{\"s\": \"a \\\"quoted\\\" \\u00e9 word\", \"job\": \"x\"}",
            "{\"nested\": {\"a\": 1}, \"list\": [1, 2]}",
            "{}",
            "{\"a\": 1,}",
            "{\"a\": 01}",
            "{\"a\": -}",
            "{\"a\": 1} trailing",
            "[\"not\", \"an object\"]",
            "{\"a\": \"unterminated",
            "{\"ü\": \"ünïcode\", \"emoji\": \"😀\"}",
            "{\"tab\": \"a\tb\"}",
            "{\"a\": 1, \"a\": 2}",
        };
        for (const char *line : lines)
            QTest::newRow(line) << QByteArray(line);
    }

    void flatJsonAgreesWithQJsonDocument()
    {
        QFETCH(QByteArray, line);
        FlatJson flat;
        QString error;
        const bool read = flat.parse(line, &error);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        const bool valid = parseError.error == QJsonParseError::NoError && doc.isObject();
        QCOMPARE(read, valid);
        if (!valid) {
            QCOMPARE(error, parseError.errorString());
            return;
        }
        const QJsonObject object = doc.object();
        for (auto it = object.begin(); it != object.end(); ++it)
            QCOMPARE(flat.value(it.key().toUtf8()), it.value());
        QVERIFY(flat.value("absent").isUndefined());
    }

    // Chrome's trace events: a thread's outermost spans are its jobs, B to E or X with its
    // duration; spans inside a job are part of it; args.error fails one; metadata is skipped.
    void chromeTraceEventsAreJobsOnTheirThreads()
    {
        QFile file(QStringLiteral(POOLSCOPE_SOURCE_DIR "/tests/fuzz/seeds/fuzz_feed/trace.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        FeedDecoder decoder;
        const Fed fed = feed(decoder, file.readAll());
        QCOMPARE(decoder.format(), FeedDecoder::Format::Chrome);
        QCOMPARE(decoder.problemCount(), 0);
        QCOMPARE(decoder.otherLines(), 1); // the metadata
        QCOMPARE(fed.stats.submitted(), 3);
        QCOMPARE(fed.stats.count(JobStatus::Completed), 2);
        QCOMPARE(fed.stats.count(JobStatus::Failed), 1);
        QCOMPARE(decoder.workers(), 2); // threads 2 and 3; the submitting thread 9 works not
        QCOMPARE(fed.stats.processing().max(), 30'000); // job b: 30 µs
        QCOMPARE(fed.stats.processing().min(), 5'000);
        QCOMPARE(fed.stats.wait().max(), 2'000); // job 1 sent at 10 µs, started at 12
    }

    // Complete spans ("X") are written when they end, so a job's inner spans come first: they
    // are its thread's jobs, and the job's own span, enclosing them, is counted as another line
    // rather than drawn over them. A later span beside them is a job again.
    void enclosingCompleteSpansDoNotOverlapTheirInnerOnes()
    {
        FeedDecoder decoder;
        const Fed fed = feed(
            decoder,
            "{\"ph\": \"X\", \"name\": \"parse\", \"pid\": 1, \"tid\": 2, \"ts\": 100, \"dur\": "
            "5}\n"
            "{\"ph\": \"X\", \"name\": \"work\", \"pid\": 1, \"tid\": 2, \"ts\": 106, \"dur\": 4}\n"
            "{\"ph\": \"X\", \"name\": \"job\", \"pid\": 1, \"tid\": 2, \"ts\": 100, \"dur\": 10}\n"
            "{\"ph\": \"X\", \"name\": \"job\", \"pid\": 1, \"tid\": 2, \"ts\": 120, \"dur\": "
            "3}\n");
        QCOMPARE(decoder.format(), FeedDecoder::Format::Chrome);
        QCOMPARE(decoder.problemCount(), 0);
        QCOMPARE(decoder.otherLines(), 1);
        QCOMPARE(fed.stats.count(JobStatus::Completed), 3);
        // One worker, its jobs one after another: no start before the last one's finish.
        std::int64_t lastFinish = -1;
        for (const PoolEvent &e : fed.events) {
            if (e.kind == EventKind::JobStarted) {
                QVERIFY(e.t >= lastFinish);
            } else if (e.kind == EventKind::JobFinished) {
                lastFinish = e.t;
            }
        }
        QCOMPARE(lastFinish, 23'000); // 123 µs, from the first span's 100
    }

    // What is wrong is counted with its line number and never stops the feed.
    void problemsAreCountedNotFatal()
    {
        FeedDecoder decoder(FeedDecoder::Format::Jsonl);
        const Fed fed = feed(decoder, R"({"t": 5, "ev": "submit", "job": 1}
not json at all
{"t": 3, "ev": "start", "job": 1, "worker": 1}
{"t": 6, "ev": "teleport", "job": 1}
{"t": 7, "ev": "finish", "job": 2, "worker": 1}
{"t": 8, "ev": "finish", "job": 1}
{"t": 9, "ev": "finish", "job": 1}
{"t": 10, "ev": "submit"}
{"t": 11, "ev": "start", "job": 3}
)");
        QCOMPARE(decoder.problemCount(), 7);
        const auto &p = decoder.firstProblems();
        QCOMPARE(p.at(0).line, 2);
        QVERIFY2(p.at(0).text.startsWith(QLatin1String("not a JSON object")),
                 qPrintable(p.at(0).text));
        QCOMPARE(p.at(1).line, 3);
        QVERIFY2(p.at(1).text.contains(QLatin1String("backwards")), qPrintable(p.at(1).text));
        QVERIFY(p.at(2).text.contains(QLatin1String("unknown event \"teleport\"")));
        QVERIFY(p.at(3).text.contains(QLatin1String("job 2, which was never sent")));
        QVERIFY(p.at(4).text.contains(QLatin1String("job 1, which was never sent or already")));
        QVERIFY(p.at(5).text.contains(QLatin1String("without a \"job\"")));
        QVERIFY(p.at(6).text.contains(QLatin1String("without a \"worker\"")));
        QCOMPARE(fed.stats.submitted(), 1);
        QCOMPARE(fed.stats.count(JobStatus::Completed), 1);
    }

    void aFinishWithoutAStartIsCountedAndStillAResult()
    {
        FeedDecoder decoder;
        const Fed fed = feed(decoder, R"({"t": 1, "ev": "submit", "job": 1}
{"t": 4, "ev": "finish", "job": 1}
)");
        QCOMPARE(decoder.problemCount(), 1);
        QVERIFY(decoder.firstProblems().front().text.contains(QLatin1String("without a start")));
        QCOMPARE(fed.stats.results(), 1);
        QCOMPARE(fed.stats.count(JobStatus::Completed), 1);
    }

    // Whatever the lines, once the feed ends every job sent has exactly one result.
    void anyLinesKeepTheAccounting()
    {
        QRandomGenerator random(23);
        const char *kinds[] = {"submit", "enqueue", "start",        "finish",      "fail",
                               "cancel", "result",  "worker_start", "worker_stop", "bogus"};
        for (int round = 0; round < 50; ++round) {
            FeedDecoder decoder;
            QByteArray text;
            for (int i = 0; i < 200; ++i) {
                text += QStringLiteral("{\"t\": %1, \"ev\": \"%2\", \"job\": %3, \"worker\": %4}\n")
                            .arg(random.bounded(1000))
                            .arg(QLatin1String(kinds[random.bounded(10)]))
                            .arg(random.bounded(20))
                            .arg(random.bounded(1, 5))
                            .toUtf8();
            }
            const Fed fed = feed(decoder, text);
            QCOMPARE(fed.stats.results(), fed.stats.submitted());
            QCOMPARE(count(fed.events, EventKind::ResultCollected), fed.stats.submitted());
            QCOMPARE(count(fed.events, EventKind::WorkerStarted),
                     count(fed.events, EventKind::WorkerRetired));
        }
    }
};

QTEST_GUILESS_MAIN(TestFeedDecoder)
#include "tst_feeddecoder.moc"
