#include "commandline.h"
#include "testprinting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using app::CommandLine;
using app::parseCommandLine;

namespace {

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runPoolscope(const QStringList &arguments, int timeoutMs = 60000)
{
    QProcess process;
    process.start(QStringLiteral(POOLSCOPE_BINARY), arguments);
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

} // namespace

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
        row("stray argument", {QStringLiteral("workers")}, "workers");
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

    void theProgramExitsWith2OnABadFlagWithoutRunning()
    {
        const Outcome outcome = runPoolscope(
            {QStringLiteral("--headless"), QStringLiteral("--workers"), QStringLiteral("abc")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(outcome.out.isEmpty());
        QCOMPARE(outcome.err.count(QLatin1Char('\n')), 1);
        QVERIFY(outcome.err.contains(QLatin1String("--workers")));
    }

    void helpListsEveryFlagWithItsDefault()
    {
        const Outcome outcome = runPoolscope({QStringLiteral("--help")});
        QCOMPARE(outcome.exitCode, 0);
        for (const char *flag :
             {"--workers", "--jobs", "--continuous", "--duration-s", "--queue-capacity",
              "--results-capacity", "--interval-ms", "--arrival", "--burst-size", "--min-ms",
              "--max-ms", "--mean-ms", "--distribution", "--fail-rate", "--workload", "--speed",
              "--seed", "--quiet", "--summary-json"})
            QVERIFY2(outcome.out.contains(QLatin1String(flag)), flag);
        QVERIFY(outcome.out.contains(QLatin1String("default: 3")));
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
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
