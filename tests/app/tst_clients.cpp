// The emitters in clients/ end to end: each real program (the Go reference and its instrumented
// twin, the Python example, the C++ example) piped into a headless poolscope following its feed.
// Every job must end with exactly one result from the pool's workers, with its times in order.
// The toolchains are part of the test command (scripts/test.sh installs golang-go and python3): a
// missing one fails here, it is not skipped.

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Feed
{
    QJsonObject summary;
    QList<QStringList> rows; // the results CSV without its header
    QString problem; // why the pipeline did not give a summary
};

// Runs `program arguments` (in `folder`) with its standard output (or error, for a feed written
// there) piped into `poolscope --headless --follow - --summary-json --csv …`.
Feed pipeIntoPoolscope(const QString &program, const QStringList &arguments, const QString &folder,
                       bool feedOnStandardError = false)
{
    Feed feed;
    if (QStandardPaths::findExecutable(program).isEmpty()) {
        feed.problem = program + QStringLiteral(" is not installed (scripts/test.sh installs it)");
        return feed;
    }
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("results.csv"));
    QProcess sender;
    QProcess viewer;
    sender.setWorkingDirectory(folder);
    if (feedOnStandardError) {
        sender.setStandardOutputFile(QProcess::nullDevice());
        sender.setProcessChannelMode(QProcess::SeparateChannels);
        // QProcess pipes only standard output onward: the sender's error channel is read here
        // and written to the viewer.
    } else {
        sender.setStandardOutputProcess(&viewer);
    }
    viewer.start(QStringLiteral(POOLSCOPE_BINARY),
                 {QStringLiteral("--headless"), QStringLiteral("--follow"), QStringLiteral("-"),
                  QStringLiteral("--summary-json"), QStringLiteral("--csv"), csv});
    sender.start(program, arguments);
    if (!sender.waitForStarted(10000)) {
        feed.problem = program + QStringLiteral(" did not start: ") + sender.errorString();
        return feed;
    }
    sender.setReadChannel(QProcess::StandardError);
    QByteArray senderErr;
    while (sender.state() != QProcess::NotRunning) {
        sender.waitForReadyRead(100);
        const QByteArray bytes = sender.readAllStandardError();
        if (feedOnStandardError)
            viewer.write(bytes);
        else
            senderErr += bytes;
    }
    const QByteArray rest = sender.readAllStandardError();
    if (feedOnStandardError)
        viewer.write(rest);
    viewer.closeWriteChannel();
    if (sender.exitStatus() != QProcess::NormalExit || sender.exitCode() != 0) {
        feed.problem = program + QStringLiteral(" failed: ") + QString::fromUtf8(senderErr + rest);
        viewer.waitForFinished(); // its input has closed: it ends
        return feed;
    }
    if (!viewer.waitForFinished(60000) || viewer.exitCode() != 0) {
        feed.problem = QStringLiteral("poolscope failed: ")
            + QString::fromUtf8(viewer.readAllStandardError());
        return feed;
    }
    const QByteArray out = viewer.readAllStandardOutput();
    feed.summary = QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
    QFile file(csv);
    if (!file.open(QIODevice::ReadOnly)) {
        feed.problem = QStringLiteral("no results CSV");
        return feed;
    }
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i)
        feed.rows.append(QString::fromUtf8(lines.at(i)).split(QLatin1Char(',')));
    return feed;
}

// Starts `poolscope --headless --listen LISTEN --summary-json`, reads where it listens, runs
// `program arguments` with "ADDRESS" in them replaced by the sender's address for it, and reads
// the summary once the sender has gone.
Feed listenFor(const QString &program, QStringList arguments, const QString &folder,
               const QString &listen)
{
    Feed feed;
    QProcess viewer;
    viewer.start(QStringLiteral(POOLSCOPE_BINARY),
                 {QStringLiteral("--headless"), QStringLiteral("--listen"), listen,
                  QStringLiteral("--summary-json")});
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    viewer.setReadChannel(QProcess::StandardError);
    while (!err.contains('\n') && timer.elapsed() < 20000
           && viewer.state() != QProcess::NotRunning) {
        viewer.waitForReadyRead(100);
        err += viewer.readAllStandardError();
    }
    const QByteArray marker = "poolscope: listening on ";
    if (!err.startsWith(marker)) {
        feed.problem = QStringLiteral("poolscope did not listen: ") + QString::fromUtf8(err);
        return feed;
    }
    QString address = QString::fromUtf8(err.mid(marker.size()).trimmed());
    if (!address.startsWith(QLatin1String("unix:")))
        address.prepend(QStringLiteral("tcp:"));
    arguments.replaceInStrings(QStringLiteral("ADDRESS"), address);
    QProcess sender;
    sender.setWorkingDirectory(folder);
    sender.start(program, arguments);
    if (!sender.waitForFinished(60000) || sender.exitCode() != 0) {
        feed.problem = program + QStringLiteral(" failed: ")
            + QString::fromUtf8(sender.readAllStandardError());
        viewer.kill(); // it would wait for a sender that will not come
        viewer.waitForFinished();
        return feed;
    }
    if (!viewer.waitForFinished(30000) || viewer.exitCode() != 0) {
        feed.problem = QStringLiteral("poolscope did not end with its sender: ")
            + QString::fromUtf8(viewer.readAllStandardError());
        viewer.kill();
        viewer.waitForFinished();
        return feed;
    }
    feed.summary = QJsonDocument::fromJson(viewer.readAllStandardOutput().trimmed()).object();
    return feed;
}

QString clients(const char *folder)
{
    return QStringLiteral(POOLSCOPE_SOURCE_DIR "/clients/") + QLatin1String(folder);
}

} // namespace

class TestClients : public QObject
{
    Q_OBJECT

    // Every job once, completed (or failed where `failures` says), by one of `workers` workers,
    // its times in order; processing at least `minProcessingMs` where the sender stamps its own.
    static void verifyPool(const Feed &feed, int jobs, int workers, double minProcessingMs,
                           int failures = 0)
    {
        QVERIFY2(feed.problem.isEmpty(), qPrintable(feed.problem));
        QCOMPARE(feed.summary.value(QStringLiteral("submitted")).toInteger(), jobs);
        QCOMPARE(feed.summary.value(QStringLiteral("completed")).toInteger(), jobs - failures);
        QCOMPARE(feed.summary.value(QStringLiteral("failed")).toInteger(), failures);
        QCOMPARE(feed.summary.value(QStringLiteral("cancelled")).toInteger(), 0);
        QCOMPARE(feed.summary.value(QStringLiteral("utilization")).toArray().size(), workers);
        const QJsonObject account = feed.summary.value(QStringLiteral("feed")).toObject();
        QCOMPARE(account.value(QStringLiteral("problems")).toInteger(), 0);
        QCOMPARE(account.value(QStringLiteral("dropped")).toInteger(), 0);
        QCOMPARE(feed.rows.size(), jobs);
        QSet<QString> seen;
        QSet<QString> workersSeen;
        for (const QStringList &row : feed.rows) {
            // job,worker,status,submitted_ms,enqueued_ms,started_ms,finished_ms,collected_ms,…
            QCOMPARE(row.size(), 11);
            QVERIFY2(!seen.contains(row.at(0)), qPrintable(row.join(QLatin1Char(','))));
            seen.insert(row.at(0));
            const int worker = row.at(1).toInt();
            QVERIFY(worker >= 1 && worker <= workers);
            workersSeen.insert(row.at(1));
            const double submitted = row.at(3).toDouble(), started = row.at(5).toDouble(),
                         finished = row.at(6).toDouble(), collected = row.at(7).toDouble();
            QVERIFY2(submitted <= started && started <= finished && finished <= collected,
                     qPrintable(row.join(QLatin1Char(','))));
            if (row.at(2) == QLatin1String("completed"))
                QVERIFY2(finished - started >= minProcessingMs,
                         qPrintable(row.join(QLatin1Char(','))));
        }
        QCOMPARE(workersSeen.size(), workers); // with jobs to spare, every worker worked
    }

private Q_SLOTS:
    // The Go package's own tests: every line JSON in time order, the end line, drops counted.
    void theGoPackagesTests()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("go")).isEmpty(),
                 "go is not installed (scripts/test.sh installs golang-go)");
        QProcess go;
        go.setWorkingDirectory(clients("go"));
        go.setProcessChannelMode(QProcess::MergedChannels);
        go.start(QStringLiteral("go"),
                 {QStringLiteral("test"), QStringLiteral("-count=1"), QStringLiteral("./...")});
        QVERIFY(go.waitForFinished(120000));
        QVERIFY2(go.exitStatus() == QProcess::NormalExit && go.exitCode() == 0,
                 go.readAll().constData());
    }

    // The reference program's own log, stamped as it arrives: go run … | poolscope --follow -.
    void theGoReferenceProgramsLog()
    {
        const Feed feed = pipeIntoPoolscope(
            QStringLiteral("go"), {QStringLiteral("run"), QStringLiteral("./examples/reference")},
            clients("go"));
        verifyPool(feed, 15, 3, 0);
        QCOMPARE(
            feed.summary.value(QStringLiteral("feed")).toObject().value(QStringLiteral("format")),
            QStringLiteral("seed-log"));
    }

    // The same program with the Go emitter: exact times, so a job takes at least its 200 ms.
    void theInstrumentedGoReference()
    {
        const Feed feed
            = pipeIntoPoolscope(QStringLiteral("go"),
                                {QStringLiteral("run"), QStringLiteral("./examples/instrumented"),
                                 QStringLiteral("-feed"), QStringLiteral("stderr")},
                                clients("go"), true);
        verifyPool(feed, 15, 3, 200);
        const QJsonObject account = feed.summary.value(QStringLiteral("feed")).toObject();
        QCOMPARE(account.value(QStringLiteral("format")), QStringLiteral("jsonl"));
        QVERIFY(account.value(QStringLiteral("source"))
                    .toString()
                    .startsWith(QStringLiteral("reference on ")));
    }

    void thePythonEmitter()
    {
        const Feed feed = pipeIntoPoolscope(
            QStringLiteral("python3"),
            {QStringLiteral("example.py"), QStringLiteral("--workers"), QStringLiteral("4"),
             QStringLiteral("--jobs"), QStringLiteral("20"), QStringLiteral("--interval-ms"),
             QStringLiteral("20"), QStringLiteral("--fail-every"), QStringLiteral("5")},
            clients("python"));
        verifyPool(feed, 20, 4, 200, 4);
    }

    void theCppEmitter()
    {
        const Feed feed = pipeIntoPoolscope(QStringLiteral(POOLFEED_EXAMPLE),
                                            {QStringLiteral("--workers"), QStringLiteral("4"),
                                             QStringLiteral("--jobs"), QStringLiteral("20"),
                                             QStringLiteral("--interval-ms"), QStringLiteral("20")},
                                            clients("cpp"));
        verifyPool(feed, 20, 4, 200);
    }

    // The emitters dial a listener: Python over TCP, C++ over a unix socket.
    void thePythonEmitterOverTcp()
    {
        const Feed feed
            = listenFor(QStringLiteral("python3"),
                        {QStringLiteral("example.py"), QStringLiteral("--feed"),
                         QStringLiteral("ADDRESS"), QStringLiteral("--jobs"), QStringLiteral("6"),
                         QStringLiteral("--interval-ms"), QStringLiteral("10")},
                        clients("python"), QStringLiteral("127.0.0.1:0"));
        QVERIFY2(feed.problem.isEmpty(), qPrintable(feed.problem));
        QCOMPARE(feed.summary.value(QStringLiteral("completed")).toInteger(), 6);
        QCOMPARE(feed.summary.value(QStringLiteral("submitted")).toInteger(), 6);
        const QJsonObject account = feed.summary.value(QStringLiteral("feed")).toObject();
        QCOMPARE(account.value(QStringLiteral("senders")).toInteger(), 1);
        QCOMPARE(account.value(QStringLiteral("problems")).toInteger(), 0);
    }

    void theCppEmitterOverAUnixSocket()
    {
        QTemporaryDir dir;
        const Feed feed = listenFor(
            QStringLiteral(POOLFEED_EXAMPLE),
            {QStringLiteral("--feed"), QStringLiteral("ADDRESS"), QStringLiteral("--jobs"),
             QStringLiteral("8"), QStringLiteral("--workers"), QStringLiteral("2"),
             QStringLiteral("--interval-ms"), QStringLiteral("10")},
            clients("cpp"), QStringLiteral("unix:") + dir.filePath(QStringLiteral("pool.sock")));
        QVERIFY2(feed.problem.isEmpty(), qPrintable(feed.problem));
        QCOMPARE(feed.summary.value(QStringLiteral("completed")).toInteger(), 8);
        QCOMPARE(feed.summary.value(QStringLiteral("utilization")).toArray().size(), 2);
        QVERIFY(feed.summary.value(QStringLiteral("feed"))
                    .toObject()
                    .value(QStringLiteral("source"))
                    .toString()
                    .startsWith(QLatin1String("poolfeed_example on ")));
    }
};

QTEST_GUILESS_MAIN(TestClients)
#include "tst_clients.moc"
