#include "app/commandline.h"
#include "engine/knob.h"
#include "testprinting.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using app::CommandLine;
using app::parseCommandLine;

namespace {

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs poolscope to its end, with `input` as its standard input.
Outcome runPoolscope(const QStringList &arguments, int timeoutMs = 60000,
                     const QByteArray &input = {})
{
    QProcess process;
    process.start(QStringLiteral(POOLSCOPE_BINARY), arguments);
    process.write(input);
    process.closeWriteChannel();
    Outcome outcome;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return outcome;
    }
    outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    outcome.out = QString::fromUtf8(process.readAllStandardOutput());
    outcome.err = QString::fromUtf8(process.readAllStandardError());
    return outcome;
}

// Starts poolscope and reads its output until `marker` shows (or 20 s pass): what it printed.
QByteArray startUntil(QProcess &process, const QStringList &arguments, const char *marker)
{
    process.start(QStringLiteral(POOLSCOPE_BINARY), arguments);
    QByteArray out;
    if (!process.waitForStarted())
        return out;
    QElapsedTimer timer;
    timer.start();
    while (!out.contains(marker) && timer.elapsed() < 20000) {
        process.waitForReadyRead(100);
        out += process.readAllStandardOutput();
    }
    return out;
}

// A sender for a listener's tests: a TCP connection to "HOST:PORT", written to by hand.
int dial(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    sockaddr_in where {};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(address.mid(colon + 1).toInt()));
    ::inet_pton(AF_INET, address.left(colon).toLatin1().constData(), &where.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&where), sizeof where) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send(int fd, const QByteArray &bytes)
{
    return ::write(fd, bytes.constData(), static_cast<std::size_t>(bytes.size())) == bytes.size();
}

} // namespace

// A sweep whose first point cannot end by itself (a minute a job), for an interrupt to stop.
QStringList interruptedSweep(const QStringList &more)
{
    return QStringList {QStringLiteral("--headless"),
                        QStringLiteral("--sweep"),
                        QStringLiteral("workers=1..3"),
                        QStringLiteral("--jobs"),
                        QStringLiteral("3"),
                        QStringLiteral("--interval-ms"),
                        QStringLiteral("0"),
                        QStringLiteral("--distribution"),
                        QStringLiteral("fixed"),
                        QStringLiteral("--mean-ms"),
                        QStringLiteral("60000")}
    + more;
}

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flagsSetTheConfig()
    {
        const CommandLine cli = parseCommandLine({QStringLiteral("--headless"),
                                                  QStringLiteral("--workers"),
                                                  QStringLiteral("8"),
                                                  QStringLiteral("--jobs=1000"),
                                                  QStringLiteral("--queue-capacity"),
                                                  QStringLiteral("0"),
                                                  QStringLiteral("--arrival"),
                                                  QStringLiteral("poisson"),
                                                  QStringLiteral("--distribution"),
                                                  QStringLiteral("lognormal"),
                                                  QStringLiteral("--mean-ms"),
                                                  QStringLiteral("12.5"),
                                                  QStringLiteral("--fail-rate"),
                                                  QStringLiteral("5"),
                                                  QStringLiteral("--workload"),
                                                  QStringLiteral("cpu"),
                                                  QStringLiteral("--speed"),
                                                  QStringLiteral("2.5"),
                                                  QStringLiteral("--seed"),
                                                  QStringLiteral("77"),
                                                  QStringLiteral("--quiet")});
        QCOMPARE(cli.outcome, CommandLine::Outcome::Run);
        QVERIFY(cli.headless);
        QVERIFY(cli.quiet);
        QCOMPARE(cli.config.workers, 8);
        QCOMPARE(cli.config.jobs, 1000);
        QCOMPARE(cli.config.queueCapacity, 0);
        QCOMPARE(cli.config.arrival, engine::ArrivalPattern::Poisson);
        QCOMPARE(cli.config.distribution, engine::Distribution::LogNormal);
        QCOMPARE(cli.config.meanMs, 12.5);
        QCOMPARE(cli.config.failRatePercent, 5.0);
        QCOMPARE(cli.config.workload, engine::Workload::Cpu);
        QCOMPARE(cli.config.speed, 2.5);
        QCOMPARE(cli.config.seed, 77u);
    }

    // A configuration flag counts as given even when it repeats the default (the window then uses
    // it, not the configuration it saved); the program's own flags do not.
    // Without --headless a sweep or a sizing opens the sweep window with it.
    void aSweepOrSizingWithoutHeadlessIsForTheWindow()
    {
        CommandLine cli
            = parseCommandLine({QStringLiteral("--sweep"), QStringLiteral("workers=1..4"),
                                QStringLiteral("--jobs"), QStringLiteral("40")});
        QCOMPARE(cli.outcome, CommandLine::Outcome::Run);
        QVERIFY(!cli.headless);
        QVERIFY(cli.sweep);
        QCOMPARE(cli.sweep->values.size(), std::size_t(4));
        cli = parseCommandLine({QStringLiteral("--size-for"), QStringLiteral("p_wait<=0.2")});
        QCOMPARE(cli.outcome, CommandLine::Outcome::Run);
        QVERIFY(!cli.headless);
        QVERIFY(cli.sizeFor);
        QCOMPARE(cli.sizeFor->limit, 0.2);
    }

    void aConfigFlagCountsAsGivenEvenAtItsDefault()
    {
        QVERIFY(parseCommandLine({QStringLiteral("--workers"), QStringLiteral("3")}).configGiven);
        QVERIFY(parseCommandLine({QStringLiteral("--seed"), QStringLiteral("42")}).configGiven);
        QVERIFY(!parseCommandLine({QStringLiteral("--autostart")}).configGiven);
        QVERIFY(!parseCommandLine({}).configGiven);
        const CommandLine file = parseCommandLine(
            {QStringLiteral("run.psrun"), QStringLiteral("--jobs"), QStringLiteral("15")});
        QCOMPARE(file.outcome, CommandLine::Outcome::Error); // a file takes no run flags
    }

    void noFlagsIsTheReference()
    {
        const CommandLine cli = parseCommandLine({});
        QCOMPARE(cli.outcome, CommandLine::Outcome::Run);
        QCOMPARE(cli.config, engine::PoolConfig {});
        QVERIFY(!cli.headless);
    }

    void badFlagsAreRejectedNamingTheFlag_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("named");
        auto row = [](const char *name, QStringList args, const char *named) {
            QTest::newRow(name) << args << QString::fromLatin1(named);
        };
        row("unknown", {QStringLiteral("--wrokers"), QStringLiteral("3")}, "--wrokers");
        row("out of range", {QStringLiteral("--workers"), QStringLiteral("257")}, "--workers");
        row("zero workers", {QStringLiteral("--workers"), QStringLiteral("0")}, "--workers");
        row("negative", {QStringLiteral("--jobs"), QStringLiteral("-5")}, "--jobs");
        row("not a number", {QStringLiteral("--interval-ms"), QStringLiteral("fast")},
            "--interval-ms");
        row("empty",
            {
                QStringLiteral("--speed="),
            },
            "--speed");
        row("missing value", {QStringLiteral("--speed")}, "--speed");
        row("huge", {QStringLiteral("--queue-capacity"), QStringLiteral("99999999999999999999")},
            "--queue-capacity");
        row("fractional integer", {QStringLiteral("--workers"), QStringLiteral("2.5")},
            "--workers");
        row("infinite", {QStringLiteral("--max-ms"), QStringLiteral("inf")}, "--max-ms");
        row("repeated",
            {QStringLiteral("--workers"), QStringLiteral("2"), QStringLiteral("--workers"),
             QStringLiteral("3")},
            "--workers");
        row("bad choice", {QStringLiteral("--arrival"), QStringLiteral("sometimes")}, "--arrival");
        row("bad seed", {QStringLiteral("--seed"), QStringLiteral("-1")}, "--seed");
        row("min above max", {QStringLiteral("--min-ms"), QStringLiteral("600")}, "--min-ms");
        row("switch with value", {QStringLiteral("--headless=yes")}, "--headless");
        row("duration needs continuous", {QStringLiteral("--duration-s"), QStringLiteral("3")},
            "--duration-s");
        row("two files", {QStringLiteral("a.run"), QStringLiteral("b.run")}, "b.run");
        row("single dash", {QStringLiteral("-x")}, "-x");
        const QString sweep = QStringLiteral("--sweep");
        const QString headless = QStringLiteral("--headless");
        row("sweep of no knob", {headless, sweep, QStringLiteral("cores=1..4")}, "cores");
        row("sweep without a range", {headless, sweep, QStringLiteral("workers")}, "--sweep");
        row("sweep out of range", {headless, sweep, QStringLiteral("workers=0..4")}, "workers");
        row("sweep of too many points", {headless, sweep, QStringLiteral("jobs=1..100")}, "64");
        row("sweep of a bad value", {headless, sweep, QStringLiteral("interval-ms=5,x")}, "'x'");
        row("sweep a range of a choice", {headless, sweep, QStringLiteral("arrival=1..2")},
            "arrival");
        row("sweep a fractional step of workers",
            {headless, sweep, QStringLiteral("workers=1..4"), QStringLiteral("--sweep-step"),
             QStringLiteral("0.5")},
            "--sweep-step");
        row("sweep step of zero",
            {headless, sweep, QStringLiteral("speed=1..4"), QStringLiteral("--sweep-step"),
             QStringLiteral("0")},
            "--sweep-step");
        row("sweep step without a sweep",
            {headless, QStringLiteral("--sweep-step"), QStringLiteral("2")}, "--sweep-step");
        row("sweep that never ends",
            {headless, QStringLiteral("--continuous"), sweep, QStringLiteral("workers=1..4")},
            "--duration-s");
        row("size for nothing", {headless, QStringLiteral("--size-for"), QStringLiteral("fast")},
            "--size-for");
        row("size for an unknown figure",
            {headless, QStringLiteral("--size-for"), QStringLiteral("speed<=3")}, "speed");
        row("size and sweep",
            {headless, QStringLiteral("--size-for"), QStringLiteral("p_wait<=0.2"), sweep,
             QStringLiteral("workers=1..3")},
            "exclude each other");
        row("follow a feed and a file",
            {QStringLiteral("--follow"), QStringLiteral("-"), QStringLiteral("run.psrun")},
            "a feed is one run");
        row("follow and listen",
            {QStringLiteral("--follow"), QStringLiteral("-"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0")},
            "--follow and --listen exclude each other");
        row("listen with run flags",
            {headless, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--jobs"), QStringLiteral("2")},
            "a feed takes no run flags");
        row("follow with run flags",
            {headless, QStringLiteral("--follow"), QStringLiteral("-"), QStringLiteral("--workers"),
             QStringLiteral("2")},
            "it is observed");
        row("a format that is none",
            {headless, QStringLiteral("--follow"), QStringLiteral("-"), QStringLiteral("--format"),
             QStringLiteral("xml")},
            "--format 'xml'");
        row("a format without a feed",
            {headless, QStringLiteral("--format"), QStringLiteral("jsonl")},
            "--format applies only with --follow or --listen");
        row("compare one file", {QStringLiteral("--compare"), QStringLiteral("a.psrun")},
            "--compare needs two run files");
        // A value that would break the message's line shows its control characters escaped.
        row("size for a line break",
            {headless, QStringLiteral("--size-for"), QStringLiteral("\n--")}, "'\\x0a--'");
        row("sweep a line break", {headless, sweep, QStringLiteral("work\ners=1..3")},
            "'work\\x0aers'");
        row("follow a line break format",
            {headless, QStringLiteral("--follow"), QStringLiteral("-"), QStringLiteral("--format"),
             QStringLiteral("a\rb")},
            "'a\\x0db'");
        row("compare three files",
            {QStringLiteral("--compare"), QStringLiteral("a"), QStringLiteral("b"),
             QStringLiteral("c")},
            "(got 3)");
        row("compare with run flags",
            {QStringLiteral("--compare"), QStringLiteral("a"), QStringLiteral("b"),
             QStringLiteral("--workers"), QStringLiteral("4")},
            "--compare takes no run flags");
        row("sweep to an invalid point",
            {headless, sweep, QStringLiteral("max-ms=100,300"), QStringLiteral("--min-ms"),
             QStringLiteral("200")},
            "max-ms 100");
    }

    void badFlagsAreRejectedNamingTheFlag()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, named);
        const CommandLine cli = parseCommandLine(arguments);
        QCOMPARE(cli.outcome, CommandLine::Outcome::Error);
        QVERIFY2(cli.error.contains(named), qPrintable(cli.error));
        QVERIFY(!cli.error.contains(QLatin1Char('\n')));
    }

    void everyFlagRejectsHostileValues_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("value");
        const QStringList numeric = {QStringLiteral("workers"),
                                     QStringLiteral("jobs"),
                                     QStringLiteral("duration-s"),
                                     QStringLiteral("queue-capacity"),
                                     QStringLiteral("results-capacity"),
                                     QStringLiteral("interval-ms"),
                                     QStringLiteral("burst-size"),
                                     QStringLiteral("min-ms"),
                                     QStringLiteral("max-ms"),
                                     QStringLiteral("mean-ms"),
                                     QStringLiteral("fail-rate"),
                                     QStringLiteral("speed"),
                                     QStringLiteral("seed")};
        const QStringList hostile = {QStringLiteral("-1"),
                                     QStringLiteral("abc"),
                                     QStringLiteral(""),
                                     QStringLiteral("1e400"),
                                     QStringLiteral("99999999999999999999999"),
                                     QStringLiteral("nan"),
                                     QStringLiteral("-inf"),
                                     QStringLiteral("0x10"),
                                     QStringLiteral("5 apples"),
                                     QStringLiteral("1e9")};
        for (const QString &flag : numeric) {
            for (const QString &value : hostile) {
                if (flag == QLatin1String("seed") && value == QLatin1String("1e9"))
                    continue; // not a hostile seed... but written as a float: checked below
                QTest::addRow("--%s %s", qPrintable(flag),
                              value.isEmpty() ? "(empty)" : qPrintable(value))
                    << flag << value;
            }
        }
        for (const char *choice : {"arrival", "distribution", "workload"}) {
            for (const char *value : {"", "FIXED", "none", "-1", "cpu,wait"})
                QTest::addRow("--%s '%s'", choice, value)
                    << QString::fromLatin1(choice) << QString::fromLatin1(value);
        }
        QTest::addRow("--seed 1e9") << QStringLiteral("seed") << QStringLiteral("1e9");
    }

    void everyFlagRejectsHostileValues()
    {
        QFETCH(QString, flag);
        QFETCH(QString, value);
        // Continuous so --duration-s is allowed and --jobs still applies alone.
        QStringList arguments = {QStringLiteral("--") + flag, value};
        if (flag == QLatin1String("duration-s"))
            arguments << QStringLiteral("--continuous");
        const CommandLine cli = parseCommandLine(arguments);
        QCOMPARE(cli.outcome, CommandLine::Outcome::Error);
        QVERIFY2(cli.error.contains(QStringLiteral("--") + flag), qPrintable(cli.error));
        QVERIFY(!cli.error.contains(QLatin1Char('\n')));
        // And repeated, with a good value each time.
        const QHash<QString, QString> good
            = {{QStringLiteral("arrival"), QStringLiteral("poisson")},
               {QStringLiteral("distribution"), QStringLiteral("fixed")},
               {QStringLiteral("workload"), QStringLiteral("cpu")}};
        const QString fine = good.value(flag, QStringLiteral("1"));
        const CommandLine twice
            = parseCommandLine({QStringLiteral("--headless"), QStringLiteral("--") + flag, fine,
                                QStringLiteral("--") + flag, fine});
        QCOMPARE(twice.outcome, CommandLine::Outcome::Error);
        QVERIFY2(twice.error.contains(QStringLiteral("more than once")), qPrintable(twice.error));
    }

    void randomArgumentsNeverCrashAndValidOnesValidate()
    {
        // A property test: any argument list either parses into a config that validates, or is
        // rejected with one line naming a flag or argument.
        QRandomGenerator random(4242);
        const QStringList names
            = {QStringLiteral("--workers"),        QStringLiteral("--jobs"),
               QStringLiteral("--speed"),          QStringLiteral("--interval-ms"),
               QStringLiteral("--queue-capacity"), QStringLiteral("--arrival"),
               QStringLiteral("--min-ms"),         QStringLiteral("--max-ms"),
               QStringLiteral("--continuous"),     QStringLiteral("--duration-s"),
               QStringLiteral("--quiet"),          QStringLiteral("--headless"),
               QStringLiteral("--fail-rate"),      QStringLiteral("--bogus"),
               QStringLiteral("--seed"),           QStringLiteral("--distribution"),
               QStringLiteral("--mean-ms")};
        const QStringList values
            = {QStringLiteral("0"),         QStringLiteral("1"),  QStringLiteral("3"),
               QStringLiteral("250"),       QStringLiteral("-2"), QStringLiteral("1e5"),
               QStringLiteral("0.5"),       QStringLiteral("x"),  QStringLiteral("poisson"),
               QStringLiteral("lognormal"), QStringLiteral(""),   QStringLiteral("10001"),
               QStringLiteral("100")};
        int valid = 0;
        for (int i = 0; i < 5000; ++i) {
            QStringList arguments;
            const int n = random.bounded(0, 6);
            for (int k = 0; k < n; ++k) {
                arguments << names.at(random.bounded(names.size()));
                if (random.bounded(0, 4) != 0)
                    arguments << values.at(random.bounded(values.size()));
            }
            const CommandLine cli = parseCommandLine(arguments);
            if (cli.outcome == CommandLine::Outcome::Run) {
                ++valid;
                QVERIFY2(cli.config.isValid(), qPrintable(arguments.join(QLatin1Char(' '))));
            } else {
                QCOMPARE(cli.outcome, CommandLine::Outcome::Error);
                QVERIFY(!cli.error.isEmpty());
                QVERIFY(!cli.error.contains(QLatin1Char('\n')));
            }
        }
        QVERIFY(valid > 100);
    }

    void interruptingAHeadlessRunCancelsSummarizesAndExits_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("status");
        QTest::newRow("SIGINT") << int(SIGINT) << 130;
        QTest::newRow("SIGTERM") << int(SIGTERM) << 143;
    }

    void interruptingAHeadlessRunCancelsSummarizesAndExits()
    {
        QFETCH(int, signal);
        QFETCH(int, status);
        QProcess process;
        QByteArray out = startUntil(
            process,
            {QStringLiteral("--headless"), QStringLiteral("--jobs"), QStringLiteral("100"),
             QStringLiteral("--interval-ms"), QStringLiteral("0"), QStringLiteral("--distribution"),
             QStringLiteral("fixed"), QStringLiteral("--mean-ms"), QStringLiteral("60000")},
            "processing job");
        QVERIFY(out.contains("processing job"));
        ::kill(static_cast<pid_t>(process.processId()), signal);
        QVERIFY(process.waitForFinished(20000));
        out += process.readAllStandardOutput();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), status);
        QVERIFY2(out.contains("Summary (interrupted)"), out.constData());
        QVERIFY(out.contains("cancelled"));
    }

    // One row a point, in the order given, each a whole run of the same seed.
    void aSweepPrintsARowPerPoint()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--sweep"),
             QStringLiteral("workers=3..1"), QStringLiteral("--jobs"), QStringLiteral("20"),
             QStringLiteral("--interval-ms"), QStringLiteral("1"), QStringLiteral("--min-ms"),
             QStringLiteral("1"), QStringLiteral("--max-ms"), QStringLiteral("3"),
             QStringLiteral("--speed"), QStringLiteral("10"), QStringLiteral("--seed"),
             QStringLiteral("8")});
        QCOMPARE(outcome.exitCode, 0);
        QStringList lines = outcome.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines.at(0), QStringLiteral("Sweep of workers 3, 2, 1 (3 runs, seed 8)"));
        QVERIFY(lines.at(1).simplified().startsWith(QLatin1String("workers results results/s")));
        for (int i = 0; i < 3; ++i) {
            const QStringList cells = lines.at(2 + i).simplified().split(QLatin1Char(' '));
            QCOMPARE(cells.value(0), QString::number(3 - i));
            QCOMPARE(cells.value(1), QStringLiteral("20"));
        }
    }

    void aSweepsJsonIsAnArrayOfSummaries()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--summary-json"),
             QStringLiteral("--sweep"), QStringLiteral("distribution=fixed,exponential"),
             QStringLiteral("--jobs"), QStringLiteral("30"), QStringLiteral("--arrival"),
             QStringLiteral("poisson"), QStringLiteral("--interval-ms"), QStringLiteral("2"),
             QStringLiteral("--mean-ms"), QStringLiteral("2"), QStringLiteral("--speed"),
             QStringLiteral("4")});
        QCOMPARE(outcome.exitCode, 0);
        QJsonParseError error;
        const QJsonArray points = QJsonDocument::fromJson(outcome.out.toUtf8(), &error).array();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(outcome.out));
        QCOMPARE(points.size(), 2);
        const QString seed = points.at(0).toObject().value(QLatin1String("seed")).toString();
        const char *models[] = {"allen_cunneen", "erlang_c"}; // M/D/3 and M/M/3
        const char *names[] = {"fixed", "exponential"};
        for (int i = 0; i < 2; ++i) {
            const QJsonObject point = points.at(i).toObject();
            QCOMPARE(point.value(QLatin1String("completed")).toInt(), 30);
            QCOMPARE(point.value(QLatin1String("seed")).toString(), seed); // one seed for all
            const QJsonObject sweep = point.value(QLatin1String("sweep")).toObject();
            QCOMPARE(sweep.value(QLatin1String("knob")).toString(), QStringLiteral("distribution"));
            QCOMPARE(sweep.value(QLatin1String("value_text")).toString(), QLatin1String(names[i]));
            QCOMPARE(sweep.value(QLatin1String("cancelled")).toBool(), false);
            QCOMPARE(point.value(QLatin1String("theory"))
                         .toObject()
                         .value(QLatin1String("model"))
                         .toString(),
                     QLatin1String(models[i]));
        }
    }

    // The theory's answer, then a run at that size and one a worker fewer, and a verdict.
    void sizingAnswersAndVerifies()
    {
        const QStringList load = {QStringLiteral("--headless"),  QStringLiteral("--jobs"),
                                  QStringLiteral("300"),         QStringLiteral("--arrival"),
                                  QStringLiteral("poisson"),     QStringLiteral("--distribution"),
                                  QStringLiteral("exponential"), QStringLiteral("--speed"),
                                  QStringLiteral("20"),          QStringLiteral("--seed"),
                                  QStringLiteral("3"),           QStringLiteral("--size-for"),
                                  QStringLiteral("p_wait<=0.2")};
        Outcome outcome = runPoolscope(load);
        QCOMPARE(outcome.exitCode, 0);
        const QStringList lines = outcome.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 6);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("Sizing for p_wait<=0.2 under λ = 200.00/s, "
                                                       "E[S] = 18ms, ca² = 1.00, cs² = 1.00 "
                                                       "(Erlang C)")),
                 qPrintable(lines.at(0)));
        QCOMPARE(lines.at(1),
                 QStringLiteral("6 workers by the theory (P(wait) 0.177; with 5: 0.378)."));
        QCOMPARE(lines.at(2), QStringLiteral("Verifying runs of 300 jobs each, seed 3:"));
        QVERIFY2(lines.at(3).startsWith(QLatin1String("  5 workers: P(wait) ")),
                 qPrintable(lines.at(3)));
        QVERIFY2(lines.at(4).startsWith(QLatin1String("  6 workers: P(wait) ")),
                 qPrintable(lines.at(4)));
        QVERIFY2(lines.at(5).startsWith(QLatin1String("The runs agree with the theory"))
                     || lines.at(5).startsWith(QLatin1String("The runs disagree with the theory")),
                 qPrintable(lines.at(5)));

        outcome = runPoolscope(load + QStringList {QStringLiteral("--summary-json")});
        QCOMPARE(outcome.exitCode, 0);
        const QJsonObject answer = QJsonDocument::fromJson(outcome.out.toUtf8()).object();
        QCOMPARE(answer.value(QLatin1String("target")).toString(), QStringLiteral("p_wait<=0.2"));
        QCOMPARE(answer.value(QLatin1String("workers")).toInt(), 6);
        const QJsonArray runs = answer.value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 2);
        bool met[2] = {};
        for (int i = 0; i < 2; ++i) {
            const QJsonObject run = runs.at(i).toObject();
            QCOMPARE(run.value(QLatin1String("workers")).toInt(), 5 + i);
            const double measured = run.value(QLatin1String("measured")).toDouble();
            met[i] = run.value(QLatin1String("met")).toBool();
            QCOMPARE(met[i], measured <= 0.2);
            QCOMPARE(run.value(QLatin1String("summary"))
                         .toObject()
                         .value(QLatin1String("completed"))
                         .toInt(),
                     300);
        }
        QCOMPARE(answer.value(QLatin1String("agrees")).toBool(), met[1] && !met[0]);
    }

    void sizingForWhatNoPoolMeetsExits1SayingWhy()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--interval-ms"), QStringLiteral("1"),
             QStringLiteral("--size-for"), QStringLiteral("utilization<=0.5")});
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(outcome.out.contains(QLatin1String("no pool of up to 256 workers meets "
                                                    "utilization<=0.5")),
                 qPrintable(outcome.out));
    }

    // Two recorded runs compared: the configuration's difference, every figure, the noise.
    void comparingTwoRunFilesPrintsTheTable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString a = dir.filePath(QStringLiteral("a.psrun"));
        const QString b = dir.filePath(QStringLiteral("b.psrun"));
        for (const auto &[path, workers] : {std::pair {a, "3"}, std::pair {b, "4"}}) {
            const Outcome recorded = runPoolscope(
                {QStringLiteral("--headless"), QStringLiteral("--quiet"),
                 QStringLiteral("--workers"), QLatin1String(workers), QStringLiteral("--jobs"),
                 QStringLiteral("300"), QStringLiteral("--speed"), QStringLiteral("50"),
                 QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--record"), path});
            QCOMPARE(recorded.exitCode, 0);
        }
        Outcome outcome
            = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--compare"), a, b});
        QCOMPARE(outcome.exitCode, 0);
        const QStringList lines = outcome.out.split(QLatin1Char('\n'));
        QCOMPARE(lines.value(0), QStringLiteral("A: a.psrun — 3 workers, 300 jobs sent, seed 5"));
        QCOMPARE(lines.value(1), QStringLiteral("B: b.psrun — 4 workers, 300 jobs sent, seed 5"));
        QCOMPARE(lines.value(2), QStringLiteral("Configuration: workers 3 → 4"));
        QVERIFY(
            lines.value(4).simplified().startsWith(QStringLiteral("figure A B B − A 95 % noise")));
        QCOMPARE(lines.value(5).simplified(), QStringLiteral("jobs sent 300 300 0"));
        const auto waitLine = std::find_if(lines.begin(), lines.end(), [](const QString &line) {
            return line.startsWith(QLatin1String("wait mean"));
        });
        QVERIFY(waitLine != lines.end());
        QVERIFY2(waitLine->contains(QLatin1String("the noise")), qPrintable(*waitLine));

        outcome = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--compare"),
                                QStringLiteral("--summary-json"), a, b});
        QCOMPARE(outcome.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(outcome.out.toUtf8()).object();
        QCOMPARE(json.value(QLatin1String("config_differences")).toArray().size(), 1);
        const QJsonArray figures = json.value(QLatin1String("figures")).toArray();
        QVERIFY(figures.size() >= 20);
        const QJsonObject first = figures.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("name")).toString(), QStringLiteral("jobs sent"));
        QCOMPARE(first.value(QLatin1String("difference")).toDouble(), 0.0);

        const QString missing = dir.filePath(QStringLiteral("missing.psrun"));
        outcome
            = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--compare"), a, missing});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QLatin1String("missing.psrun")), qPrintable(outcome.err));
        QVERIFY(outcome.out.isEmpty());
    }

    // The reference program's own output read back as a feed: the same 15 jobs, the same
    // workers; JSON Lines too, with what was wrong counted by line.
    void aFeedIsReadToItsEndAndSummarized()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("reference.log"));
        const Outcome reference
            = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--seed"),
                            QStringLiteral("42"), QStringLiteral("--speed"), QStringLiteral("20")});
        QCOMPARE(reference.exitCode, 0);
        QFile file(log);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(reference.out.toUtf8());
        file.close();
        Outcome outcome = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--follow"),
                                        log, QStringLiteral("--summary-json")});
        QCOMPARE(outcome.exitCode, 0);
        QJsonObject summary = QJsonDocument::fromJson(outcome.out.toUtf8()).object();
        QCOMPARE(summary.value(QLatin1String("completed")).toInt(), 15);
        QCOMPARE(summary.value(QLatin1String("utilization")).toArray().size(), 3);
        QJsonObject feed = summary.value(QLatin1String("feed")).toObject();
        QCOMPARE(feed.value(QLatin1String("format")).toString(), QStringLiteral("seed-log"));
        QCOMPARE(feed.value(QLatin1String("problems")).toInt(), 0);
        // Observed, not planned: no theory from a plan, and a capacity the log never says.
        QVERIFY(!summary.contains(QLatin1String("theory")));
        QVERIFY(summary.value(QLatin1String("theory_measured")).isObject());
        QVERIFY(feed.value(QLatin1String("queue_capacity")).isNull());

        // On standard input: a stream ends at its end, whatever the jobs are doing.
        const QByteArray jsonl
            = "{\"feed\": \"poolscope\", \"unit\": \"ms\"}\n"
              "{\"t\": 0, \"ev\": \"submit\", \"job\": \"a\"}\n"
              "{\"t\": 1, \"ev\": \"start\", \"job\": \"a\", \"worker\": \"w1\"}\n"
              "garbage\n"
              "{\"t\": 5, \"ev\": \"fail\", \"job\": \"a\", \"error\": \"boom\"}\n"
              "{\"t\": 6, \"ev\": \"submit\", \"job\": \"b\"}\n";
        outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--follow"), QStringLiteral("-")}, 60000,
            jsonl);
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY2(
            outcome.out.contains(QLatin1String("Result: Job 1 failed on worker 1 after 4ms: boom")),
            qPrintable(outcome.out));
        QVERIFY2(
            outcome.out.contains(QStringLiteral("2 results of 2 jobs sent — 0 completed, 1 failed, "
                                                "1 cancelled")),
            qPrintable(outcome.out));
        QVERIFY2(outcome.out.contains(QLatin1String("Feed: 6 lines (JSON Lines), 1 problems")),
                 qPrintable(outcome.out));
        QVERIFY2(outcome.out.contains(QLatin1String("  line 4: not a JSON object")),
                 qPrintable(outcome.out));
        // A feed that says its queue's capacity and depth: the summary has them.
        outcome = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--follow"),
                                QStringLiteral("-"), QStringLiteral("--summary-json")},
                               60000,
                               "{\"feed\": \"poolscope\", \"capacity\": 4}\n"
                               "{\"t\": 0, \"ev\": \"submit\", \"job\": 1, \"depth\": 3}\n"
                               "{\"t\": 2, \"ev\": \"start\", \"job\": 1, \"worker\": 1}\n"
                               "{\"t\": 5, \"ev\": \"finish\", \"job\": 1}\n");
        QCOMPARE(outcome.exitCode, 0);
        summary = QJsonDocument::fromJson(outcome.out.toUtf8()).object();
        QCOMPARE(
            summary.value(QLatin1String("feed")).toObject().value(QLatin1String("queue_capacity")),
            QJsonValue(4));
        QCOMPARE(summary.value(QLatin1String("max_queue_depth")).toInt(), 3);
        outcome = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--follow"),
                                dir.filePath(QStringLiteral("missing.jsonl"))});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(outcome.err.contains(QLatin1String("missing.jsonl")));
    }

    // A file is followed as it grows, like tail -f: lines appended later are read, and the
    // feed's end line ends it.
    void aGrowingFileIsFollowedToItsEndLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growing.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("{\"feed\": \"poolscope\", \"unit\": \"ms\"}\n"
                   "{\"t\": 0, \"ev\": \"submit\", \"job\": 1}\n"
                   "{\"t\": 1, \"ev\": \"start\", \"job\": 1, \"worker\": 1}\n");
        QProcess process;
        QByteArray out
            = startUntil(process, {QStringLiteral("--headless"), QStringLiteral("--follow"), path},
                         "Worker 1 processing job 1");
        QVERIFY2(out.contains("Worker 1 processing job 1"), out.constData());
        QCOMPARE(process.state(), QProcess::Running); // the file's end is not the feed's
        file.write("{\"t\": 30, \"ev\": \"finish\", \"job\": 1, \"worker\": 1}\n"
                   "{\"t\": 31, \"ev\": \"submit\", \"job\": 2}\n"
                   "{\"ev\": \"end\"}\n");
        QVERIFY(process.waitForFinished(20000));
        out += process.readAllStandardOutput();
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.contains("Result: Job 1 completed by worker 1 in 29ms"), out.constData());
        QVERIFY2(out.contains("2 results of 2 jobs sent — 1 completed, 0 failed, 1 cancelled"),
                 out.constData());
    }

    // Ctrl+C ends a followed feed as its end would: the open job cancelled, the summary printed.
    void interruptingAFollowedFeedEndsItWithItsSummary()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("open.log"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("Sending job 1 to pool\nWorker 1 processing job 1 (will take 2s)\n");
        QProcess process;
        QByteArray out
            = startUntil(process, {QStringLiteral("--headless"), QStringLiteral("--follow"), path},
                         "Worker 1 processing job 1");
        QVERIFY2(out.contains("Worker 1 processing job 1"), out.constData());
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(20000));
        out += process.readAllStandardOutput();
        QCOMPARE(process.exitCode(), 130);
        QVERIFY2(out.contains("Summary (interrupted): 1 results of 1 jobs sent — 0 completed, 0 "
                              "failed, 1 cancelled"),
                 out.constData());
        QVERIFY2(out.contains("Feed: 2 lines (the reference log), 0 problems"), out.constData());
    }

    // Two programs at once on a loopback listener, each in its own lanes; one disconnects in the
    // middle of a job, which ends Cancelled; the run ends when both have gone.
    void twoSendersOnALoopbackListener()
    {
        QProcess process;
        process.start(QStringLiteral(POOLSCOPE_BINARY),
                      {QStringLiteral("--headless"), QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--summary-json")});
        QByteArray err;
        process.setReadChannel(QProcess::StandardError);
        QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError()).contains('\n'), 20000);
        QVERIFY2(err.startsWith("poolscope: listening on 127.0.0.1:"), err.constData());
        const QString address = QString::fromLatin1(err.mid(24).trimmed());
        const int alpha = dial(address);
        const int beta = dial(address);
        QVERIFY(alpha >= 0 && beta >= 0);
        QVERIFY(send(alpha,
                     "{\"feed\": \"poolscope\", \"unit\": \"ms\", \"process\": \"alpha\"}\n"
                     "{\"t\": 0, \"ev\": \"submit\", \"job\": 1}\n"
                     "{\"t\": 1, \"ev\": \"start\", \"job\": 1, \"worker\": 1}\n"));
        QVERIFY(send(beta, "Sending job 1 to pool\nWorker 1 processing job 1 (will take 1s)\n"));
        QVERIFY(send(alpha,
                     "{\"t\": 20, \"ev\": \"finish\", \"job\": 1, \"worker\": 1}\n"
                     "{\"t\": 21, \"ev\": \"submit\", \"job\": 2}\n"
                     "{\"t\": 22, \"ev\": \"start\", \"job\": 2, \"worker\": 2}\n"));
        ::close(beta); // in the middle of its job 1
        QVERIFY(send(alpha,
                     "{\"t\": 40, \"ev\": \"finish\", \"job\": 2, \"worker\": 2}\n"
                     "{\"ev\": \"end\"}\n"));
        ::close(alpha);
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject summary
            = QJsonDocument::fromJson(process.readAllStandardOutput().trimmed()).object();
        QCOMPARE(summary.value(QLatin1String("submitted")).toInt(), 3);
        QCOMPARE(summary.value(QLatin1String("completed")).toInt(), 2);
        QCOMPARE(summary.value(QLatin1String("cancelled")).toInt(), 1);
        QCOMPARE(summary.value(QLatin1String("utilization")).toArray().size(), 3); // lanes
        const QJsonObject feed = summary.value(QLatin1String("feed")).toObject();
        QCOMPARE(feed.value(QLatin1String("senders")).toInt(), 2);
        QCOMPARE(feed.value(QLatin1String("problems")).toInt(), 0);
        QCOMPARE(feed.value(QLatin1String("source")).toString(), QStringLiteral("alpha, sender 2"));
    }

    void aListenerThatCannotListenSaysWhy()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("nowhere")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QLatin1String("cannot listen on nowhere")),
                 qPrintable(outcome.err));
    }

    // An interrupt cancels the point that runs, keeps its row and starts no other. (How many of
    // the point's jobs the producer had sent when the interrupt came is the machine's timing: on
    // a loaded machine, none. The engine's own tests hold every cancelled job to one result.)
    void interruptingASweepKeepsItsRowsAndStops()
    {
        QProcess process;
        QByteArray out = startUntil(process, interruptedSweep({}), "Sweep of");
        QVERIFY(out.contains("Sweep of")); // printed once the first point has started
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(20000));
        out += process.readAllStandardOutput();
        QCOMPARE(process.exitCode(), 130);
        const QStringList lines
            = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines.at(2).endsWith(QLatin1String("(cancelled)")), qPrintable(lines.at(2)));
        const QString row = lines.at(2).simplified();
        QCOMPARE(row.section(QLatin1Char(' '), 0, 0), QStringLiteral("1")); // workers
        const int results = row.section(QLatin1Char(' '), 1, 1).toInt();
        QVERIFY2(results >= 0 && results <= 3, qPrintable(row));
        QCOMPARE(lines.at(3), QStringLiteral("Sweep interrupted after 1 of 3 runs"));
    }

    // A headless run loads Qt Core alone (the window is a module loaded when one opens): its
    // process maps no widgets, GUI or X library while it runs.
    void aHeadlessRunLoadsNoWindowLibraries()
    {
        QProcess process;
        const QByteArray out = startUntil(process,
                                          {QStringLiteral("--headless"), QStringLiteral("--jobs"),
                                           QStringLiteral("100"), QStringLiteral("--interval-ms"),
                                           QStringLiteral("50")},
                                          "Sending job 2 ");
        QVERIFY2(out.contains("Sending job 2 "), out.constData());
        QFile maps(QStringLiteral("/proc/%1/maps").arg(process.processId()));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        const QByteArray mapped = maps.readAll();
        process.kill();
        process.waitForFinished();
        QVERIFY(mapped.contains("libQt6Core.so"));
        for (const char *library :
             {"libQt6Widgets.so", "libQt6Gui.so", "libX11.so", "libpoolscope-window.so"})
            QVERIFY2(!mapped.contains(library), library);
    }

    // The window comes up from its module: the first frame saved as a picture, exit 0.
    void theWindowOpensFromItsModule()
    {
        QTemporaryDir dir;
        const QString shot = dir.filePath(QStringLiteral("first.png"));
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path());
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(POOLSCOPE_BINARY),
                      {QStringLiteral("--screenshot"), shot, QStringLiteral("--run-for"),
                       QStringLiteral("0")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        // A PNG's signature, then its IHDR chunk: width and height, big-endian, at 16 and 20.
        QFile file(shot);
        QVERIFY2(file.open(QIODevice::ReadOnly),
                 qPrintable(QString::fromUtf8(process.readAllStandardError())));
        const QByteArray png = file.read(24);
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n") && png.mid(12, 4) == "IHDR");
        const auto at = [&](int i) {
            return qFromBigEndian<quint32>(png.constData() + i);
        };
        QVERIFY2(at(16) > 400 && at(20) > 300,
                 qPrintable(QStringLiteral("%1×%2").arg(at(16)).arg(at(20))));
    }

    void theProgramExitsWith2OnABadFlagWithoutRunning()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--workers"), QStringLiteral("abc")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(outcome.out.isEmpty());
        QCOMPARE(outcome.err.count(QLatin1Char('\n')), 1);
        QVERIFY(outcome.err.contains(QLatin1String("--workers")));
    }

    // Every knob of the table, with what it allows and its default, and the program's own flags.
    void helpListsEveryFlagWithItsDefault()
    {
        const Outcome outcome = runPoolscope({QStringLiteral("--help")});
        QCOMPARE(outcome.exitCode, 0);
        const QStringList lines = outcome.out.split(QLatin1Char('\n'));
        for (const engine::Knob &k : engine::knobs()) {
            const QString flag = QStringLiteral("  --") + QLatin1String(k.flag);
            const auto at = std::find_if(lines.begin(), lines.end(), [&](const QString &line) {
                return line.startsWith(flag + QLatin1Char(' '));
            });
            QVERIFY2(at != lines.end() && std::next(at) != lines.end(), k.flag);
            const QString details = *std::next(at);
            QVERIFY2(details.contains(QStringLiteral("default: ") + k.defaultText()),
                     qPrintable(details));
            if (k.type != engine::KnobType::Switch)
                QVERIFY2(details.contains(k.allowedText()), qPrintable(details));
        }
        for (const char *flag :
             {"--headless", "--quiet", "--summary-json", "--autostart", "--screenshot", "--trace",
              "--csv", "--record", "--run-for", "--help", "--version"})
            QVERIFY2(outcome.out.contains(QLatin1String(flag)), flag);
        QVERIFY(outcome.out.contains(QLatin1String("default: 3")));
    }

    void aQuietRunPrintsItsSummaryFromTheFirstLine()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--quiet"), QStringLiteral("--speed"),
             QStringLiteral("50"), QStringLiteral("--seed"), QStringLiteral("3")});
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY2(outcome.out.startsWith(QLatin1String("Summary: 15 results of 15 jobs sent")),
                 qPrintable(outcome.out));
    }

    void theHeadlessReferenceRunPrintsTheReferenceLines()
    {
        const Outcome outcome
            = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--speed"),
                            QStringLiteral("10"), QStringLiteral("--seed"), QStringLiteral("3")});
        QCOMPARE(outcome.exitCode, 0);
        const QStringList lines = outcome.out.split(QLatin1Char('\n'));
        auto count = [&](const QString &pattern) {
            return lines.filter(QRegularExpression(pattern)).size();
        };
        QCOMPARE(count(QStringLiteral("^Worker [1-3] started$")), 3);
        QCOMPARE(count(QStringLiteral("^Sending job ([1-9]|1[0-5]) to pool$")), 15);
        QCOMPARE(count(QStringLiteral(
                     "^Worker [1-3] processing job \\d+ \\(will take \\d+(\\.\\d+)?ms\\)$")),
                 15);
        QCOMPARE(count(QStringLiteral(
                     "^Result: Job \\d+ completed by worker [1-3] in \\d+(\\.\\d+)?ms$")),
                 15);
        QCOMPARE(count(QStringLiteral("^Worker [1-3] finished$")), 3);
        QVERIFY(outcome.out.contains(QLatin1String("15 completed, 0 failed, 0 cancelled")));
    }

    void summaryJsonHasTheDocumentedKeys()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--summary-json"),
             QStringLiteral("--jobs"), QStringLiteral("200"), QStringLiteral("--workers"),
             QStringLiteral("4"), QStringLiteral("--speed"), QStringLiteral("100"),
             QStringLiteral("--fail-rate"), QStringLiteral("10"), QStringLiteral("--seed"),
             QStringLiteral("5")});
        QCOMPARE(outcome.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(outcome.out.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(outcome.out));
        const QJsonObject summary = document.object();
        for (const char *key :
             {"completed", "failed", "cancelled", "wall_ms", "throughput_per_s", "wait_ms",
              "processing_ms", "latency_ms", "utilization", "max_queue_depth"})
            QVERIFY2(summary.contains(QLatin1String(key)), key);
        QCOMPARE(summary.value(QLatin1String("completed")).toInt()
                     + summary.value(QLatin1String("failed")).toInt(),
                 200);
        QVERIFY(summary.value(QLatin1String("failed")).toInt() > 0);
        QCOMPARE(summary.value(QLatin1String("utilization")).toArray().size(), 4);
        for (const char *key : {"mean", "p50", "p95", "p99"})
            QVERIFY(
                summary.value(QLatin1String("latency_ms")).toObject().contains(QLatin1String(key)));
        const double p50 = summary.value(QLatin1String("processing_ms"))
                               .toObject()
                               .value(QLatin1String("p50"))
                               .toDouble();
        // 200–500 ms jobs at 100× speed take 2–5 ms of wall time.
        QVERIFY2(p50 >= 2.0 && p50 <= 5.5, qPrintable(QString::number(p50)));

        // Queueing theory from the configuration: the reference's shape, 4 workers, at 100×: a
        // job every ms of 3.495 ms on average, ρ = 0.87, fixed gaps and uniform durations, so
        // Allen–Cunneen; from the measured inputs too.
        const QJsonObject theory = summary.value(QLatin1String("theory")).toObject();
        for (const char *key : {"model", "utilization", "p_wait", "wait_ms_mean", "latency_ms_mean",
                                "queue_len_mean", "in_system_mean", "stable"})
            QVERIFY2(theory.contains(QLatin1String(key)), key);
        QCOMPARE(theory.value(QLatin1String("model")).toString(), QStringLiteral("allen_cunneen"));
        QVERIFY(theory.value(QLatin1String("stable")).toBool());
        QVERIFY(std::abs(theory.value(QLatin1String("utilization")).toDouble() - 3.495 / 4) < 1e-9);
        const double latency = theory.value(QLatin1String("latency_ms_mean")).toDouble();
        QVERIFY2(latency > 3.495 && latency < 10, qPrintable(QString::number(latency)));
        const QJsonObject inputs = summary.value(QLatin1String("measured_inputs")).toObject();
        QVERIFY(inputs.value(QLatin1String("arrival_rate_per_s")).toDouble() > 0);
        QVERIFY(inputs.value(QLatin1String("service_ms_mean")).toDouble()
                >= 2.0); // sleeps never end early
        QVERIFY(inputs.value(QLatin1String("ca2")).toDouble() >= 0);
        QVERIFY(inputs.value(QLatin1String("cs2")).toDouble() > 0);
        QVERIFY(summary.value(QLatin1String("theory_measured"))
                    .toObject()
                    .contains(QLatin1String("p_wait")));
        // 200 jobs are enough for an interval: the steady state's mean latency lies in the
        // run's range of latencies, its half-width positive.
        const QJsonObject steady = summary.value(QLatin1String("measured_steady")).toObject();
        const double mean = steady.value(QLatin1String("latency_ms_mean")).toDouble();
        QVERIFY2(mean >= 2.0
                     && mean <= summary.value(QLatin1String("latency_ms"))
                                    .toObject()
                                    .value(QLatin1String("p99"))
                                    .toDouble(),
                 qPrintable(QString::number(mean)));
        QVERIFY(steady.value(QLatin1String("latency_ms_half_width")).toDouble() > 0);
    }

    // An overloaded configuration has no steady state: the summary says so and how fast the queue
    // grows, with nulls where a mean would be infinite.
    void summaryJsonSaysWhenThePoolIsOverloaded()
    {
        const Outcome outcome
            = runPoolscope({QStringLiteral("--headless"), QStringLiteral("--summary-json"),
                            QStringLiteral("--speed"), QStringLiteral("100"),
                            QStringLiteral("--seed"), QStringLiteral("5")});
        QCOMPARE(outcome.exitCode, 0);
        const QJsonObject theory = QJsonDocument::fromJson(outcome.out.toUtf8())
                                       .object()
                                       .value(QLatin1String("theory"))
                                       .toObject();
        QVERIFY(!theory.value(QLatin1String("stable")).toBool());
        QVERIFY(theory.value(QLatin1String("wait_ms_mean")).isNull());
        // 1,000 jobs a second in, 3 workers of 3.495 ms each finish 858.4.
        QVERIFY(std::abs(theory.value(QLatin1String("queue_growth_per_s")).toDouble()
                         - (1000.0 - 3.0 / 0.003495))
                < 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
