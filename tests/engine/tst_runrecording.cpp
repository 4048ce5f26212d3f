#include "engine/runrecording.h"
#include "eventscript.h"
#include "poolharness.h"
#include "testprinting.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtEndian>
#include <map>
#include <set>

using namespace engine;
using testsupport::Script;

namespace {

// A real run with failures, a resize and blocking, recorded to the end.
RunRecording recordRun()
{
    PoolConfig config;
    config.workers = 3;
    config.jobs = 60;
    config.intervalMs = 1;
    config.minMs = 1;
    config.maxMs = 5;
    config.failRatePercent = 20;
    config.queueCapacity = 2;
    config.resultsCapacity = 0;
    config.speed = 4;
    config.seed = 1234;
    WorkerPool pool;
    RunRecording recording;
    pool.start(config);
    while (pool.collectedResults() <= 5 && pool.isRunning())
        pool.waitForFinished(1);
    pool.setWorkerCount(5);
    harness::collectUntilFinished(pool, recording.events);
    recording.config = config;
    recording.seed = pool.seed();
    recording.failures = pool.takeFailureMessages();
    return recording;
}

void replaceAt(QByteArray &bytes, qsizetype at, std::uint32_t value)
{
    qToLittleEndian(value, bytes.data() + at);
}

} // namespace

class TestRunRecording : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { m_run = recordRun(); }

    void aRunFileRoundTripsExactly()
    {
        QString error;
        const auto back = readRunFile(writeRunFile(m_run), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->config, m_run.config);
        QCOMPARE(back->seed, m_run.seed);
        QVERIFY(back->events == m_run.events);
        QCOMPARE(back->failures.size(), m_run.failures.size());
        QVERIFY(!back->failures.empty());
        QCOMPARE(back->failures.front().message, m_run.failures.front().message);
    }

    void aChromeTraceRoundTripsAndHasWhatPerfettoShows()
    {
        const QByteArray json = writeChromeTrace(m_run);
        QString error;
        const auto back = readChromeTrace(json, &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(back->events == m_run.events);
        QCOMPARE(back->config, m_run.config);

        const QJsonObject root = QJsonDocument::fromJson(json).object();
        const QJsonArray trace = root.value(QStringLiteral("traceEvents")).toArray();
        std::set<QString> threads;
        std::map<qint64, int> jobSlices;
        int counters = 0, flowsOut = 0, flowsIn = 0, instants = 0;
        for (const QJsonValue &v : trace) {
            const QJsonObject e = v.toObject();
            const QString ph = e.value(QStringLiteral("ph")).toString();
            const QString name = e.value(QStringLiteral("name")).toString();
            if (ph == QLatin1String("M") && name == QLatin1String("thread_name"))
                threads.insert(e.value(QStringLiteral("args"))
                                   .toObject()
                                   .value(QStringLiteral("name"))
                                   .toString());
            if (ph == QLatin1String("X") && name.startsWith(QLatin1String("Job "))) {
                const QJsonObject args = e.value(QStringLiteral("args")).toObject();
                QVERIFY(args.contains(QStringLiteral("wait_ms")));
                QVERIFY(args.contains(QStringLiteral("status")));
                ++jobSlices[args.value(QStringLiteral("job")).toInteger()];
            }
            counters += ph == QLatin1String("C");
            flowsOut += ph == QLatin1String("s");
            flowsIn += ph == QLatin1String("f");
            instants += ph == QLatin1String("i")
                && e.value(QStringLiteral("s")).toString() == QLatin1String("g");
        }
        for (int w = 1; w <= 5; ++w)
            QVERIFY2(threads.count(QStringLiteral("Worker %1").arg(w)),
                     qPrintable(QString::number(w)));
        QVERIFY(threads.count(QStringLiteral("Producer")));
        QCOMPARE(int(jobSlices.size()), int(m_run.config.jobs)); // one complete event per job
        for (const auto &[job, slices] : jobSlices)
            QCOMPARE(slices, 1);
        QVERIFY(counters > 0);
        QCOMPARE(flowsOut, int(m_run.config.jobs));
        QCOMPARE(flowsIn, int(m_run.config.jobs));
        QVERIFY(instants >= 1); // the resize
        const QJsonObject other = root.value(QStringLiteral("otherData")).toObject();
        QCOMPARE(other.value(QStringLiteral("seed")).toString(), QString::number(m_run.seed));
        QVERIFY(other.contains(QStringLiteral("config")));
        QVERIFY(other.contains(QStringLiteral("poolscope_version")));
    }

    void theCsvHasAHeaderAndARowPerResult()
    {
        const QList<QByteArray> lines = writeResultsCsv(m_run).trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray(kCsvHeader));
        QCOMPARE(lines.size() - 1, int(m_run.config.jobs));
        std::map<qint64, QList<QByteArray>> rows;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cells = lines[i].split(',');
            QCOMPARE(cells.size(), 11);
            rows[cells[0].toLongLong()] = cells;
        }
        // Parsed back, the rows say what the events say.
        for (const PoolEvent &e : m_run.events) {
            if (e.kind == EventKind::JobStarted) {
                const auto &cells = rows.at(e.job);
                QCOMPARE(cells[1].toInt(), int(e.worker));
                QVERIFY(std::abs(cells[5].toDouble() - e.t / 1e6) < 1e-3);
            }
            if (e.kind == EventKind::ResultCollected)
                QCOMPARE(QString::fromLatin1(rows.at(e.job)[2]), QLatin1String(nameOf(e.status())));
        }
    }

    // The writers stream: a run whose exports outgrow their few-MB buffer comes out whole
    // (the trace parses, and its embedded events, written a slice at a time, read back exactly),
    // and the same bytes as the in-memory writers give.
    void largeExportsStreamWhole()
    {
        RunRecording big;
        big.config.jobs = 25'000;
        big.seed = 9;
        Script s;
        s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
        for (std::int64_t job = 1; job <= big.config.jobs; ++job) {
            const std::int64_t t = job * 1000;
            s.at(0, t)
                .submit(job, 1)
                .start(job, 1, 0)
                .at(0, t + 900)
                .finish(job, 1)
                .collect(job, 1);
        }
        s.at(0, big.config.jobs * 1000 + 1000).event(EventKind::RunFinished);
        big.events = s.events();
        QVERIFY(big.events.size() > 5 * 24'576); // more than a few of the trace's slices
        QBuffer trace;
        QVERIFY(trace.open(QIODevice::WriteOnly));
        QString error;
        QVERIFY(writeChromeTrace(big, trace, &error));
        QVERIFY(trace.data().size() > (4 << 20)); // more than the writer's buffer
        QCOMPARE(trace.data(), writeChromeTrace(big));
        QCOMPARE(trace.data().count("{\"ph\":\"X\""), big.config.jobs); // a bar per job
        const auto back = readChromeTrace(trace.data(), &error); // parses the whole
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->events, big.events);

        QBuffer run;
        QVERIFY(run.open(QIODevice::WriteOnly));
        QVERIFY(writeRunFile(big, run, &error));
        QCOMPARE(readRunFile(run.data(), &error)->events, big.events);
        QBuffer csv;
        QVERIFY(csv.open(QIODevice::WriteOnly));
        QVERIFY(writeResultsCsv(big, csv, &error));
        QCOMPARE(csv.data().count('\n'), big.config.jobs + 1);
    }

    // A device that fails part way (a full disk) fails the write, with the device's reason.
    void aWriteThatFailsSaysWhy()
    {
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        using Writer = bool (*)(const RunRecording &, QIODevice &, QString *);
        const Writer writers[] = {&writeChromeTrace, &writeResultsCsv, &writeRunFile};
        for (const Writer write : writers) {
            QString error;
            QVERIFY(!write(m_run, full, &error));
            QVERIFY2(!error.isEmpty(), "no reason given");
        }
    }

    void readersRejectBadFilesWithAReason_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        const QByteArray good = writeRunFile(recordRun());
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("text") << QByteArray("hello, world\n") << "neither";
        QTest::newRow("PNG") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "neither";
        QTest::newRow("signature only") << good.left(8) << "truncated";
        QByteArray version = good;
        replaceAt(version, 8, 99);
        QTest::newRow("wrong version") << version << "version 99";
        QTest::newRow("cut in the header") << good.left(30) << "truncated";
        const qsizetype headerEnd = 16 + qFromLittleEndian<std::uint32_t>(good.constData() + 12);
        QTest::newRow("cut in the events") << good.left(headerEnd + 8 + 100) << "fewer events";
        QTest::newRow("cut in the trailer") << good.left(good.size() - 3) << "truncated";
        QByteArray huge = good;
        qToLittleEndian<std::uint64_t>(~0ULL, huge.data() + headerEnd);
        QTest::newRow("absurd event count") << huge << "fewer events";
        QByteArray kind = good;
        kind[headerEnd + 8 + 30] = char(200);
        QTest::newRow("unknown event kind") << kind << "unknown kind";
        QByteArray farTime = good;
        qToLittleEndian<std::uint64_t>(0x7fff'ffff'ffff'ffffULL, farTime.data() + headerEnd + 8);
        QTest::newRow("event time past any run") << farTime << "out of range";
        QByteArray farJob = good;
        qToLittleEndian<std::uint64_t>(0x7fff'ffff'ffff'ffffULL, farJob.data() + headerEnd + 8 + 8);
        QTest::newRow("job id past any run") << farJob << "out of range";
        QByteArray headerLength = good;
        replaceAt(headerLength, 12, 0xfffffff0u);
        QTest::newRow("header longer than the file") << headerLength << "header";
        QTest::newRow("trailing bytes") << good + QByteArray("xyz") << "unexpected bytes";
        QByteArray badJson = good;
        badJson[16] = '[';
        QTest::newRow("header not an object") << badJson << "JSON";
        QTest::newRow("foreign JSON") << QByteArray(R"({"traceEvents": [{"ph":"X","name":"x"}]})")
                                      << "not written by Poolscope";
        QTest::newRow("JSON array") << QByteArray("[1,2,3]") << "neither";
        QTest::newRow("broken JSON") << QByteArray(R"({"traceEvents": [)") << "JSON";
        QTest::newRow("bad base64") << QByteArray(
            R"({"traceEvents":[],"otherData":{"config":{},"poolscope_run":{"format":1,"events_base64":"@@@@"}}})")
                                    << "corrupt";
        QTest::newRow("invalid recorded config") << QByteArray(
            R"({"traceEvents":[],"otherData":{"config":{"workers":0},"poolscope_run":{"format":1,"events_base64":""}}})")
                                                 << "workers";
        QTest::newRow("future trace format") << QByteArray(
            R"({"traceEvents":[],"otherData":{"config":{},"poolscope_run":{"format":7,"events_base64":""}}})")
                                             << "format 7";
    }

    void readersRejectBadFilesWithAReason()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QString error;
        const auto recording = readRecording(bytes, &error);
        QVERIFY(!recording);
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

    void everyTruncationOfAGoodFileIsRejected()
    {
        const QByteArray good = writeRunFile(m_run);
        for (qsizetype n = 0; n < good.size(); n += std::max<qsizetype>(1, good.size() / 997)) {
            QString error;
            QVERIFY2(!readRecording(good.left(n), &error), qPrintable(QString::number(n)));
            QVERIFY(!error.isEmpty());
        }
    }

private:
    RunRecording m_run;
};

QTEST_GUILESS_MAIN(TestRunRecording)
#include "tst_runrecording.moc"
