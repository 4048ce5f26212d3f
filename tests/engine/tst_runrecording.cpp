#include "engine/perfettotrace.h"
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
#include <cstring>
#include <map>
#include <optional>
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

RunRecording scriptedRun(std::int64_t jobs)
{
    RunRecording run;
    run.config.jobs = jobs;
    run.seed = 9;
    run.events = testsupport::sequentialRun(jobs);
    return run;
}

using Writer = bool (*)(const RunRecording &, QIODevice &, QString *, const Progress &);
const Writer kWriters[] = {&writeChromeTrace, &writePerfettoTrace, &writeResultsCsv, &writeRunFile};

// A pipe's view of some bytes: sequential (no size to check against), a few hundred bytes a
// read.
class TrickleDevice : public QIODevice
{
public:
    explicit TrickleDevice(QByteArray bytes)
        : m_bytes(std::move(bytes))
    {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 max) override
    {
        const qint64 n = std::min<qint64>({max, 300, m_bytes.size() - m_at});
        std::memcpy(data, m_bytes.constData() + m_at, static_cast<std::size_t>(n));
        m_at += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_bytes;
    qint64 m_at = 0;
};

// The protobuf wire format read back, as far as a check needs: a message's fields in order.
struct ProtoField
{
    std::uint32_t number = 0;
    std::uint64_t value = 0; // varint and fixed64
    QByteArray bytes; // length-delimited
};

bool readVarint(const QByteArray &in, qsizetype &at, std::uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && at < in.size(); shift += 7) {
        const auto byte = static_cast<std::uint8_t>(in[at++]);
        *v |= std::uint64_t {byte & 0x7fu} << shift;
        if ((byte & 0x80) == 0)
            return true;
    }
    return false;
}

// The fields of one message, or std::nullopt when its bytes are not a well-formed message.
std::optional<std::vector<ProtoField>> protoFields(const QByteArray &in)
{
    std::vector<ProtoField> fields;
    for (qsizetype at = 0; at < in.size();) {
        std::uint64_t tag = 0;
        if (!readVarint(in, at, &tag))
            return std::nullopt;
        ProtoField f;
        f.number = static_cast<std::uint32_t>(tag >> 3);
        switch (tag & 7) {
        case 0:
            if (!readVarint(in, at, &f.value))
                return std::nullopt;
            break;
        case 1:
            if (in.size() - at < 8)
                return std::nullopt;
            f.value = qFromLittleEndian<std::uint64_t>(in.constData() + at);
            at += 8;
            break;
        case 2: {
            std::uint64_t size = 0;
            if (!readVarint(in, at, &size) || size > std::uint64_t(in.size() - at))
                return std::nullopt;
            f.bytes = in.mid(at, qsizetype(size));
            at += qsizetype(size);
            break;
        }
        default:
            return std::nullopt;
        }
        fields.push_back(f);
    }
    return fields;
}

const ProtoField *protoField(const std::vector<ProtoField> &fields, std::uint32_t number)
{
    for (const ProtoField &f : fields)
        if (f.number == number)
            return &f;
    return nullptr;
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
        const RunRecording big = scriptedRun(25'000);
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

    // The Perfetto trace, read back by its field numbers (perfetto.protos.TracePacket and
    // TrackEvent): a well-formed message per packet; the first clears the sequence's state and
    // sets its clock (timestamps as deltas), names and defaults, and every event is marked as
    // needing that state; every track is described before its first event; a slice per job on
    // its worker's track, begun when the job started and ended when it finished, a failure's
    // status annotated; a flow per job from its send to its slice; the queue depth as the engine
    // counted it, on the sends and starts or as counter events.
    void thePerfettoTraceHoldsEveryJobAsASlice()
    {
        const QByteArray trace = writePerfettoTrace(m_run);
        const auto packets = protoFields(trace);
        QVERIFY(packets);
        std::set<std::uint64_t> tracks, flows;
        std::map<std::uint64_t, QByteArray> names; // interned event names
        std::map<std::int64_t, std::int64_t> begun; // job → begin time
        std::multiset<std::int64_t> ended; // end times on worker tracks
        std::multiset<std::int64_t> depths;
        std::int64_t t = 0;
        int failedJobs = 0;
        bool first = true;
        for (const ProtoField &packetField : *packets) {
            QCOMPARE(packetField.number, 1u); // Trace.packet
            const auto packet = protoFields(packetField.bytes);
            QVERIFY(packet);
            QCOMPARE(protoField(*packet, 10)->value, 1u); // trusted_packet_sequence_id
            if (first) {
                first = false;
                QCOMPARE(protoField(*packet, 13)->value, 1u); // SEQ_INCREMENTAL_STATE_CLEARED
                QVERIFY(protoField(*packet, 6)); // clock_snapshot
                const auto interned = protoFields(protoField(*packet, 12)->bytes);
                QVERIFY(interned);
                for (const ProtoField &list : *interned) {
                    const auto entry = *protoFields(list.bytes);
                    if (list.number == 2) // event_names
                        names[protoField(entry, 1)->value] = protoField(entry, 2)->bytes;
                }
                QCOMPARE(names[1], QByteArray("Send job"));
                continue;
            }
            if (const ProtoField *track = protoField(*packet, 60)) { // track_descriptor
                tracks.insert(protoField(*protoFields(track->bytes), 1)->value);
                continue;
            }
            const ProtoField *eventField = protoField(*packet, 11);
            QVERIFY(eventField);
            QCOMPARE(protoField(*packet, 13)->value, 2u); // SEQ_NEEDS_INCREMENTAL_STATE
            t += std::int64_t(protoField(*packet, 8)->value); // a delta on the sequence's clock
            const auto parsedEvent = protoFields(eventField->bytes);
            QVERIFY(parsedEvent);
            const std::vector<ProtoField> &event = *parsedEvent;
            const ProtoField *trackField = protoField(event, 11);
            const std::uint64_t track = trackField ? trackField->value : 2; // default: producer
            QVERIFY2(tracks.count(track), "an event on a track not described before it");
            if (const ProtoField *iid = protoField(event, 10))
                QVERIFY(names.count(iid->value));
            const std::uint64_t type = protoField(event, 9)->value;
            if (const ProtoField *flow = protoField(event, 47))
                flows.insert(flow->value);
            std::vector<std::int64_t> extra; // extra counter values: in flight, depth
            for (const ProtoField &f : event)
                if (f.number == 12)
                    extra.push_back(std::int64_t(f.value));
            if (type == 4 && track == 3) // the queue depth's counter
                depths.insert(std::int64_t(protoField(event, 30)->value));
            else if (extra.size() == 2)
                depths.insert(extra[1]);
            if (track < 17)
                continue;
            if (const ProtoField *name = protoField(event, 23); type == 1 && name) {
                const std::int64_t job = name->bytes.mid(4).toLongLong();
                QCOMPARE(name->bytes, "Job " + QByteArray::number(job));
                begun[job] = t;
                QCOMPARE(protoField(event, 48)->value, std::uint64_t(job)); // terminating flow
                QVERIFY2(flows.count(std::uint64_t(job)), "a job's flow ends where none began");
            } else if (type == 2) {
                ended.insert(t);
                for (const ProtoField &f : event)
                    if (f.number == 4) // debug_annotations: a failure's status
                        failedJobs += protoField(*protoFields(f.bytes), 6)->bytes == "failed";
            }
        }
        std::multiset<std::int64_t> engineDepths;
        int failed = 0;
        std::size_t started = 0;
        for (const PoolEvent &e : m_run.events) {
            if (e.kind == EventKind::JobStarted) {
                ++started;
                QCOMPARE(begun.at(e.job), e.t);
            }
            if (e.kind == EventKind::JobFinished) {
                QVERIFY(ended.count(e.t));
                failed += e.status() == JobStatus::Failed;
            }
            if (e.kind == EventKind::JobEnqueued || e.kind == EventKind::JobDiscarded
                || e.kind == EventKind::JobStarted)
                engineDepths.insert(e.extra);
        }
        QCOMPARE(begun.size(), started);
        QVERIFY(failed > 0);
        QCOMPARE(failedJobs, failed);
        QCOMPARE(depths, engineDepths);
        // Compact: a fraction of the Chrome trace of the same run (a tenth for long runs).
        const QByteArray chrome = writeChromeTrace(m_run);
        QVERIFY2(trace.size() * 6 < chrome.size(),
                 qPrintable(QStringLiteral("%1 vs %2 bytes").arg(trace.size()).arg(chrome.size())));
    }

    // The readers stream: from a pipe that hands over a few hundred bytes at a time, both
    // formats read back whole; a file reports progress to its size, and a reader told to stop
    // fails with "cancelled"; a run file cut short in a pipe is still truncated.
    void readersStreamFromPipesAndFilesAndStopWhenCancelled()
    {
        const RunRecording big = scriptedRun(30'000);
        const QByteArray run = writeRunFile(big), trace = writeChromeTrace(big);
        for (const QByteArray &bytes : {run, trace}) {
            TrickleDevice pipe(bytes);
            QString error;
            const auto back = readRecording(pipe, &error);
            QVERIFY2(back, qPrintable(error));
            QCOMPARE(back->events, big.events);

            QBuffer file;
            file.setData(bytes);
            QVERIFY(file.open(QIODevice::ReadOnly));
            std::uint64_t lastDone = 0, total = 0;
            bool forward = true;
            QVERIFY(readRecording(file, &error, [&](std::uint64_t done, std::uint64_t all) {
                forward = forward && done >= lastDone;
                lastDone = done;
                total = all;
                return true;
            }));
            QVERIFY2(forward, "progress goes forward");
            QVERIFY(total > 0);
            QVERIFY(lastDone > total / 2);
            QVERIFY(file.seek(0));
            QVERIFY(
                !readRecording(file, &error, [](std::uint64_t, std::uint64_t) { return false; }));
            QCOMPARE(error, QStringLiteral("cancelled"));
        }
        TrickleDevice cut(run.left(run.size() / 2));
        QString error;
        QVERIFY(!readRecording(cut, &error));
        QVERIFY2(error.contains(QLatin1String("fewer events")), qPrintable(error));
    }

    // A device that fails part way (a full disk) fails the write, with the device's reason.
    void aWriteThatFailsSaysWhy()
    {
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        for (const Writer write : kWriters) {
            QString error;
            QVERIFY(!write(m_run, full, &error, {}));
            QVERIFY2(!error.isEmpty(), "no reason given");
        }
    }

    // Every writer tells its progress as it hands on its buffer, in order, up to the whole; a
    // progress that says stop ends the write there, with the error "cancelled" and less written.
    void writersReportProgressAndStopWhenCancelled()
    {
        const RunRecording big = scriptedRun(100'000); // every export several buffers long
        for (const Writer write : kWriters) {
            QBuffer whole;
            QVERIFY(whole.open(QIODevice::WriteOnly));
            std::vector<std::pair<std::uint64_t, std::uint64_t>> heard;
            QString error;
            QVERIFY(write(big, whole, &error, [&](std::uint64_t done, std::uint64_t total) {
                heard.emplace_back(done, total);
                return true;
            }));
            QVERIFY2(heard.size() >= 2, "a write of several buffers reports more than once");
            for (std::size_t i = 1; i < heard.size(); ++i) {
                QVERIFY(heard[i].first >= heard[i - 1].first);
                QCOMPARE(heard[i].second, heard[0].second);
            }
            QCOMPARE(heard.back().first, heard.back().second);

            QBuffer stopped;
            QVERIFY(stopped.open(QIODevice::WriteOnly));
            int calls = 0;
            QVERIFY(!write(big, stopped, &error, [&](std::uint64_t, std::uint64_t) {
                ++calls;
                return false;
            }));
            QCOMPARE(error, QStringLiteral("cancelled"));
            QCOMPARE(calls, 1);
            QVERIFY(stopped.data().size() < whole.data().size());
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
