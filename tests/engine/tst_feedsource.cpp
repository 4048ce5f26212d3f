// Reading a feed: lines whole whatever the writes' boundaries, a file followed as it grows, and
// the live source the window uses ending at the feed's end line or at a stop, its accounting
// whole either way.

#include "engine/feedlistener.h"
#include "engine/feedreader.h"
#include "engine/feedsource.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace engine;

namespace {

// Reads until `count` lines have come or 5 s pass.
std::vector<QByteArray> readLines(FeedReader &reader, std::size_t count)
{
    std::vector<QByteArray> lines;
    for (int i = 0; i < 100 && lines.size() < count; ++i)
        reader.read(lines, 50);
    return lines;
}

// A sender's end of a unix socket listener at `path`: the connected descriptor, or -1.
int dialUnix(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un where {};
    where.sun_family = AF_UNIX;
    std::strncpy(where.sun_path, QFile::encodeName(path).constData(), sizeof where.sun_path - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&where), sizeof where) == 0)
        return fd;
    ::close(fd);
    return -1;
}

// Writes all of `lines` to a sender's socket.
bool sendAll(int fd, const QByteArray &lines)
{
    return ::write(fd, lines.constData(), static_cast<std::size_t>(lines.size())) == lines.size();
}

} // namespace

class TestFeedSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFileIsReadInWholeLinesAsItGrows()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("feed.log")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("Sending job 1 to pool\nWorker 1 proc");
        FeedReader reader;
        QString error;
        QVERIFY(reader.open(file.fileName(), &error));
        QVERIFY(reader.growing());
        std::vector<QByteArray> lines = readLines(reader, 1);
        QCOMPARE(lines.size(), 1u);
        QCOMPARE(lines.at(0), QByteArray("Sending job 1 to pool"));
        lines.clear();
        // The file's end is a pause: the half line waits for its end.
        QCOMPARE(reader.read(lines, 10), FeedReader::Status::Idle);
        QVERIFY(lines.empty());
        file.write("essing job 1 (will take 5ms)\r\nResult: Job 1 completed by worker 1 in 5ms\n");
        lines = readLines(reader, 2);
        QCOMPARE(lines.size(), 2u);
        QCOMPARE(lines.at(0), QByteArray("Worker 1 processing job 1 (will take 5ms)"));
        QCOMPARE(lines.at(1), QByteArray("Result: Job 1 completed by worker 1 in 5ms"));
    }

    // A followed log rotated by copy and truncate: what the file holds after the cut is read
    // from its start, and the cut is a problem the source names.
    void aFileCutShortIsReadAgainFromItsStart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("rotated.log"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("Sending job 1 to pool\nSending job 2 to pool\n");
        FeedSource source;
        QString error;
        QVERIFY(source.start(path, FeedDecoder::Format::Auto, &error));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().submitted, 2, 5000);
        QVERIFY(file.resize(0));
        QVERIFY(file.seek(0));
        file.write("Sending job 3 to pool\n");
        QTRY_COMPARE_WITH_TIMEOUT(source.account().submitted, 3, 5000);
        QCOMPARE(source.account().problems, 1);
        QVERIFY2(source.account().firstProblems.at(0).text.contains(QLatin1String("cut short")),
                 qPrintable(source.account().firstProblems.at(0).text));
        source.stop();
    }

    // A named pipe opens at once, with no writer yet (the window that opens it does not wait);
    // the feed is what the writer sends, and it ends when the writer closes.
    void aNamedPipeOpensBeforeItsWriterComes()
    {
        QTemporaryDir dir;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("feed.fifo")));
        QCOMPARE(::mkfifo(path.constData(), 0600), 0);
        FeedSource source;
        QString error;
        QVERIFY2(source.start(QFile::decodeName(path), FeedDecoder::Format::Auto, &error),
                 qPrintable(error)); // returns: before the fix, open() blocked here
        QTest::qWait(100); // no writer yet: not an end
        QVERIFY(source.isRunning());
        const int fd = ::open(path.constData(), O_WRONLY);
        QVERIFY(fd >= 0);
        const QByteArray lines = "Sending job 1 to pool\nWorker 1 processing job 1 (will take "
                                 "5ms)\nResult: Job 1 completed by worker 1 in 5ms\n";
        QVERIFY(sendAll(fd, lines));
        ::close(fd);
        QTRY_VERIFY_WITH_TIMEOUT(!source.isRunning(), 5000);
        QCOMPARE(source.account().lines, 3);
        const std::vector<PoolEvent> events = source.takeEvents();
        QCOMPARE(std::count_if(events.begin(), events.end(),
                               [](const PoolEvent &e) {
                                   return e.kind == EventKind::ResultCollected
                                       && e.status() == JobStatus::Completed;
                               }),
                 1);
    }

    void aLineWithoutAnEndIsCutNotHeldForever()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("long.log")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write(QByteArray(FeedReader::kMaxLine + 100, 'x'));
        FeedReader reader;
        QString error;
        QVERIFY(reader.open(file.fileName(), &error));
        const std::vector<QByteArray> lines = readLines(reader, 1);
        QCOMPARE(lines.size(), 1u);
        QVERIFY(lines.at(0).size() > FeedReader::kMaxLine);
    }

    void aMissingFileIsNamedInTheError()
    {
        FeedReader reader;
        QString error;
        QVERIFY(!reader.open(QStringLiteral("/nonexistent/pool.jsonl"), &error));
        QVERIFY2(error.contains(QLatin1String("/nonexistent/pool.jsonl")), qPrintable(error));
    }

    // The end line ends a followed file: every job has its one result, the open one cancelled.
    void theSourceEndsAtTheFeedsEndLine()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("pool.jsonl")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write(
            "{\"feed\": \"poolscope\", \"unit\": \"ms\", \"process\": \"p\", \"host\": \"h\"}\n"
            "{\"t\": 10, \"ev\": \"submit\", \"job\": 1}\n"
            "{\"t\": 11, \"ev\": \"start\", \"job\": 1, \"worker\": 1, \"dropped\": 3}\n");
        FeedSource source;
        int finished = 0; // counted on this thread: the signal comes from the reader's
        connect(
            &source, &FeedSource::finished, this, [&finished] { ++finished; },
            Qt::QueuedConnection);
        QString error;
        QVERIFY(source.start(file.fileName(), FeedDecoder::Format::Auto, &error));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().lines, 3, 5000);
        QVERIFY(source.isRunning());
        file.write(
            "{\"t\": 20, \"ev\": \"submit\", \"job\": 2}\n{\"ev\": \"end\", \"dropped\": 4}\n");
        QTRY_COMPARE_WITH_TIMEOUT(finished, 1, 5000);
        QVERIFY(!source.isRunning());
        const FeedSource::Account account = source.account();
        QCOMPARE(account.dropped, 4);
        QCOMPARE(account.sourceName, QStringLiteral("p on h"));
        QCOMPARE(account.submitted, 2);
        int submitted = 0;
        int results = 0;
        int cancelled = 0;
        for (const PoolEvent &e : source.takeEvents()) {
            submitted += e.kind == EventKind::JobSubmitted;
            results += e.kind == EventKind::ResultCollected;
            cancelled += e.kind == EventKind::ResultCollected
                && static_cast<JobStatus>(e.aux) == JobStatus::Cancelled;
        }
        QCOMPARE(submitted, 2);
        QCOMPARE(results, 2);
        QCOMPARE(cancelled, 2);
    }

    void stopEndsAFeedThatHasNoEnd()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("open.log")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("Sending job 1 to pool\n");
        FeedSource source;
        int finished = 0; // counted on this thread: the signal comes from the reader's
        connect(
            &source, &FeedSource::finished, this, [&finished] { ++finished; },
            Qt::QueuedConnection);
        QString error;
        QVERIFY(source.start(file.fileName(), FeedDecoder::Format::Auto, &error));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().lines, 1, 5000);
        source.stop();
        QVERIFY(!source.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished, 1, 5000);
        const std::vector<PoolEvent> events = source.takeEvents();
        QCOMPARE(
            std::count_if(events.begin(), events.end(),
                          [](const PoolEvent &e) { return e.kind == EventKind::ResultCollected; }),
            1);
    }

    // A listener's sender, renumbered into the run: its failure keeps its message on the run's
    // job number, its lane is named after it, and its disconnect ends the run (all gone).
    void aListenersSenderIsRenumberedWithItsFailures()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pool.sock"));
        FeedSource source;
        QString error;
        QVERIFY2(
            source.listen(QStringLiteral("unix:") + path, FeedDecoder::Format::Auto, true, &error),
            qPrintable(error));
        QCOMPARE(source.listeningAddress(), QStringLiteral("unix:") + path);
        const int fd = dialUnix(path);
        QVERIFY(fd >= 0);
        const QByteArray lines
            = "{\"feed\": \"poolscope\", \"process\": \"svc\"}\n"
              "{\"t\": 0, \"ev\": \"submit\", \"job\": \"a\"}\n"
              "{\"t\": 1, \"ev\": \"start\", \"job\": \"a\", \"worker\": 7}\n"
              "{\"t\": 5, \"ev\": \"fail\", \"job\": \"a\", \"worker\": 7, \"error\": \"boom\"}\n";
        QVERIFY(sendAll(fd, lines));
        ::close(fd);
        QTRY_VERIFY_WITH_TIMEOUT(!source.isRunning(), 5000);
        const std::vector<PoolEvent> events = source.takeEvents();
        const auto failed = std::find_if(events.begin(), events.end(), [](const PoolEvent &e) {
            return e.kind == EventKind::ResultCollected
                && static_cast<JobStatus>(e.aux) == JobStatus::Failed;
        });
        QVERIFY(failed != events.end());
        QCOMPARE(failed->worker, 1); // the run's first lane
        const std::vector<FailureMessage> failures = source.takeFailureMessages();
        QCOMPARE(failures.size(), 1u);
        QCOMPARE(failures.front().job, failed->job);
        QCOMPARE(failures.front().message, std::string("boom"));
        const FeedSource::Account account = source.account();
        QCOMPARE(account.senders, 1);
        QCOMPARE(account.laneNames.at(1), QStringLiteral("Worker 7"));
        QCOMPARE(account.laneGroups.size(), 1u);
        QCOMPARE(account.laneGroups[0].name, QStringLiteral("svc"));
        QCOMPARE(account.laneGroups[0].workers, std::vector<int> {1});
        QCOMPARE(events.front().kind, EventKind::RunStarted);
        QCOMPARE(events.back().kind, EventKind::RunFinished);
    }

    // A Stop takes in what a sender had already sent: its lines waiting in the socket are read
    // as the run ends, so a job it had finished is not cut off as Cancelled. (The listener
    // itself, turn by turn: no thread can read the line before the end does.)
    void aListenersEndKeepsWhatWasSent()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pool.sock"));
        FeedListener listener;
        QString error;
        QVERIFY2(listener.listen(QStringLiteral("unix:") + path, &error), qPrintable(error));
        const int fd = dialUnix(path);
        QVERIFY(fd >= 0);
        QByteArray lines = "{\"t\": 0, \"ev\": \"start\", \"job\": 1, \"worker\": 1}\n";
        QVERIFY(sendAll(fd, lines));
        const auto clock = [] {
            return std::int64_t {1'000'000};
        };
        for (int turn = 0; turn < 100 && listener.jobsSubmitted() == 0; ++turn)
            listener.poll(50, clock); // accepts the sender, then reads its line
        QCOMPARE(listener.jobsSubmitted(), 1);
        lines = "{\"t\": 5, \"ev\": \"finish\", \"job\": 1}\n";
        QVERIFY(sendAll(fd, lines));
        listener.finish(2'000'000); // no turn in between: the end itself reads the line
        ::close(fd);
        const std::vector<PoolEvent> events = listener.takeEvents();
        const auto result = std::find_if(events.begin(), events.end(), [](const PoolEvent &e) {
            return e.kind == EventKind::ResultCollected;
        });
        QVERIFY(result != events.end());
        QCOMPARE(result->status(), JobStatus::Completed);
        QCOMPARE(events.back().kind, EventKind::RunFinished);
    }

    // Two senders whose workers come interleaved (the first's worker 1, the second's 1, the
    // first's 2): the run numbers them 1, 2, 3 as they come, and the lane groups put each
    // sender's together under its name, so that the window shows each program's lanes apart.
    void aListenersLanesAreGroupedBySender()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pool.sock"));
        FeedSource source;
        QString error;
        QVERIFY2(
            source.listen(QStringLiteral("unix:") + path, FeedDecoder::Format::Auto, true, &error),
            qPrintable(error));
        const int a = dialUnix(path);
        const int b = dialUnix(path);
        QVERIFY(a >= 0 && b >= 0);
        QVERIFY(sendAll(a,
                        "{\"feed\": \"poolscope\", \"process\": \"api\", \"host\": \"h1\"}\n"
                        "{\"t\": 0, \"ev\": \"worker_start\", \"worker\": 1}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().workers, 1, 5000);
        QVERIFY(sendAll(b, "{\"t\": 0, \"ev\": \"worker_start\", \"worker\": 1}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().workers, 2, 5000);
        QVERIFY(sendAll(a, "{\"t\": 1, \"ev\": \"worker_start\", \"worker\": 2}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().workers, 3, 5000);
        // The run's queue is both senders' queues: their depths and capacities add up, once
        // each has said its capacity.
        QCOMPARE(source.account().queueCapacity, -1);
        QVERIFY(sendAll(a, "{\"t\": 2, \"ev\": \"submit\", \"job\": 1, \"capacity\": 8}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().submitted, 1, 5000);
        QCOMPARE(source.account().queueCapacity, -1); // the second has not said
        QVERIFY(sendAll(b, "{\"t\": 2, \"ev\": \"submit\", \"job\": 1, \"capacity\": 4}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().submitted, 2, 5000);
        QVERIFY(sendAll(a, "{\"t\": 3, \"ev\": \"submit\", \"job\": 2}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(source.account().submitted, 3, 5000);
        QCOMPARE(source.account().queueCapacity, 12);
        ::close(a);
        ::close(b);
        QTRY_VERIFY_WITH_TIMEOUT(!source.isRunning(), 5000);
        const FeedSource::Account account = source.account();
        QCOMPARE(account.laneGroups.size(), 2u);
        QCOMPARE(account.laneGroups[0].name, QStringLiteral("api on h1"));
        QCOMPARE(account.laneGroups[0].workers, (std::vector<int> {1, 3}));
        QCOMPARE(account.laneGroups[1].name, QStringLiteral("sender 2"));
        QCOMPARE(account.laneGroups[1].workers, std::vector<int> {2});
        QCOMPARE(account.laneNames.at(3), QStringLiteral("Worker 2"));
        std::vector<std::uint32_t> depths;
        for (const PoolEvent &e : source.takeEvents()) {
            if (e.kind == EventKind::JobEnqueued)
                depths.push_back(e.extra);
        }
        QCOMPARE(depths, (std::vector<std::uint32_t> {1, 2, 3}));
    }
};

QTEST_GUILESS_MAIN(TestFeedSource)
#include "tst_feedsource.moc"
