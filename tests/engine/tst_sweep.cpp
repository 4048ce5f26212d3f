#include "engine/sweeprunner.h"
#include "engine/sweepspec.h"
#include "testprinting.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace engine;

namespace {

std::vector<double> valuesOf(const QString &text, double step = 0, PoolConfig base = {})
{
    QString error;
    const auto spec = SweepSpec::parse(text, step, base, &error);
    if (!spec)
        qWarning("%s", qPrintable(error));
    return spec ? spec->values : std::vector<double> {};
}

// Quick points: 40 jobs of 1–3 ms, 4 ms apart, at ten times the speed.
PoolConfig quickBase()
{
    PoolConfig c;
    c.jobs = 40;
    c.intervalMs = 4;
    c.minMs = 1;
    c.maxMs = 3;
    c.speed = 10;
    return c;
}

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rangesListsAndChoicesParse()
    {
        QCOMPARE(valuesOf(QStringLiteral("workers=1..4")), (std::vector<double> {1, 2, 3, 4}));
        QCOMPARE(valuesOf(QStringLiteral("workers=8..2"), 3), (std::vector<double> {8, 5, 2}));
        QCOMPARE(valuesOf(QStringLiteral("speed=0.5..2"), 0.5),
                 (std::vector<double> {0.5, 1, 1.5, 2}));
        // A step that does not land on the end stops before it.
        QCOMPARE(valuesOf(QStringLiteral("interval-ms=10..35"), 10),
                 (std::vector<double> {10, 20, 30}));
        // Rounding does not lose the last point: 0.1 × 3 is a hair above 0.3.
        QCOMPARE(valuesOf(QStringLiteral("speed=0.1..0.4"), 0.1).size(), std::size_t(4));
        QCOMPARE(valuesOf(QStringLiteral("interval-ms=50, 100,200")),
                 (std::vector<double> {50, 100, 200}));
        QCOMPARE(valuesOf(QStringLiteral("queue-capacity=-1,0,4")),
                 (std::vector<double> {-1, 0, 4})); // the automatic capacity is a value too
        QCOMPARE(
            valuesOf(QStringLiteral("distribution=fixed,lognormal")),
            (std::vector<double> {double(Distribution::Fixed), double(Distribution::LogNormal)}));
        QCOMPARE(valuesOf(QStringLiteral("workers=1..64")).size(), std::size_t(64));
    }

    void aSpecNamesItsPointsAndSetsTheKnob()
    {
        QString error;
        const auto spec = SweepSpec::parse(QStringLiteral("distribution=exponential,uniform"), 0,
                                           PoolConfig {}, &error);
        QVERIFY(spec);
        QCOMPARE(spec->describe(), QStringLiteral("distribution exponential, uniform"));
        QCOMPARE(spec->valueText(0), QStringLiteral("exponential"));
        PoolConfig base;
        base.workers = 7;
        const PoolConfig at = spec->configAt(base, 0);
        QCOMPARE(at.distribution, Distribution::Exponential);
        QCOMPARE(at.workers, 7);
    }

    void badSweepsAreRefusedSayingWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("step");
        QTest::addColumn<QString>("says");
        const auto row = [](const char *name, const QString &text, double step, const char *says) {
            QTest::newRow(name) << text << step << QString::fromUtf8(says);
        };
        const auto t = [](const char *text) {
            return QString::fromUtf8(text);
        };
        row("no equals", t("workers"), 0, "KNOB=FROM..TO");
        row("no knob", t("=1..3"), 0, "KNOB=FROM..TO");
        row("unknown knob", t("cores=1..3"), 0, "allowed: workers,");
        row("a switch", t("continuous=0,1"), 0, "cannot vary 'continuous'");
        row("the seed", t("seed=1..3"), 0, "cannot vary 'seed'");
        row("below range", t("workers=0..3"), 0, "an integer from 1 to 256");
        row("above range", t("workers=1..300"), 0, "'300'");
        row("not a number", t("speed=1..fast"), 0, "'fast'");
        row("fraction of an integer", t("workers=1.5..3"), 0, "'1.5'");
        row("too many points", t("jobs=1..65"), 0, "more than 64 points");
        row("too many values", t("workers=") + t("1,").repeated(64) + t("2"), 0, "at most 64");
        row("fractional step", t("workers=1..3"), 0.5, "whole numbers");
        row("step on a list", t("workers=1,2"), 2, "only to a range");
        row("range of a choice", t("workload=0..1"), 0, "workload=wait,cpu");
        row("bad choice", t("workload=wait,gpu"), 0, "'gpu'");
        row("empty item", t("workers=1,,2"), 0, "''");
        // min-ms is 200 by default: a point below it is not a valid configuration.
        row("invalid point", t("max-ms=300,100"), 0, "at max-ms 100");
    }

    void badSweepsAreRefusedSayingWhy()
    {
        QFETCH(QString, text);
        QFETCH(double, step);
        QFETCH(QString, says);
        QString error;
        QVERIFY(!SweepSpec::parse(text, step, PoolConfig {}, &error));
        QVERIFY2(error.startsWith(QLatin1String("--sweep ")), qPrintable(error));
        QVERIFY2(error.contains(says), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

    // Each point is a whole run with the knob set and the same seed; every job of it accounted.
    void aSweepRunsEveryPointInOrder()
    {
        const auto spec = SweepSpec::parse(QStringLiteral("workers=1..3"), 0, quickBase(), nullptr);
        QVERIFY(spec);
        SweepRunner sweep;
        QSignalSpy started(&sweep, &SweepRunner::pointStarted);
        QSignalSpy ended(&sweep, &SweepRunner::pointFinished);
        QSignalSpy finished(&sweep, &SweepRunner::finished);
        QVERIFY(sweep.start(quickBase(), *spec));
        QVERIFY(!sweep.start(quickBase(), *spec)); // one sweep at a time
        QVERIFY(finished.wait(30000));
        QCOMPARE(started.size(), 3);
        QCOMPARE(ended.size(), 3);
        QVERIFY(!sweep.isRunning());
        QVERIFY(!sweep.wasCancelled());
        QCOMPARE(sweep.points().size(), std::size_t(3));
        const std::uint64_t seed = sweep.points().front().config.seed;
        QVERIFY(seed != 0); // picked once for every point
        for (int i = 0; i < 3; ++i) {
            const SweepRunner::Point &p = sweep.points().at(i);
            QCOMPARE(ended.at(i).at(0).toInt(), i);
            QCOMPARE(p.config.workers, i + 1);
            QCOMPARE(p.config.seed, seed);
            QVERIFY(!p.cancelled);
            QVERIFY(p.stats.finished());
            QCOMPARE(p.stats.submitted(), 40);
            QCOMPARE(p.stats.count(JobStatus::Completed), 40);
            QCOMPARE(p.stats.workerUsage().size(), std::size_t(i + 1));
        }
    }

    // With a directory for them, each point leaves its run file: the run it was, to open.
    void eachPointLeavesItsRunFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        PoolConfig base = quickBase();
        base.failRatePercent = 20;
        const auto spec = SweepSpec::parse(QStringLiteral("workers=1,2"), 0, base, nullptr);
        QVERIFY(spec);
        SweepRunner sweep;
        sweep.setRunFileDirectory(dir.path());
        QSignalSpy finished(&sweep, &SweepRunner::finished);
        QVERIFY(sweep.start(base, *spec));
        QVERIFY(finished.wait(30000));
        for (std::size_t i = 0; i < 2; ++i) {
            const SweepRunner::Point &p = sweep.points().at(i);
            QCOMPARE(p.runFile, dir.filePath(QStringLiteral("sweep-0%1.psrun").arg(i + 1)));
            QFile file(p.runFile);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QString error;
            const auto recording = readRecording(file.readAll(), &error);
            QVERIFY2(recording, qPrintable(error));
            QCOMPARE(recording->config, p.config);
            QCOMPARE(recording->seed, p.config.seed);
            RunStats replayed;
            replayed.ingest(recording->events);
            QCOMPARE(replayed.results(), p.stats.results());
            QCOMPARE(replayed.count(JobStatus::Failed), p.stats.count(JobStatus::Failed));
            QCOMPARE(std::int64_t(recording->failures.size()), p.stats.count(JobStatus::Failed));
        }
        // Without a directory, none.
        SweepRunner plain;
        QSignalSpy plainFinished(&plain, &SweepRunner::finished);
        QVERIFY(plain.start(base, *spec));
        QVERIFY(plainFinished.wait(30000));
        QVERIFY(plain.points().front().runFile.isEmpty());
    }

    // Cancelled between points: no other starts. Cancelled during one: its jobs end Cancelled,
    // each with its result, and it is kept, marked.
    void cancellingStopsTheSweep_data()
    {
        QTest::addColumn<bool>("duringAPoint");
        QTest::newRow("between points") << false;
        QTest::newRow("during a point") << true;
    }

    void cancellingStopsTheSweep()
    {
        QFETCH(bool, duringAPoint);
        PoolConfig base = quickBase();
        base.distribution = Distribution::Fixed;
        base.speed = 1;
        base.jobs = 4;
        base.intervalMs = 0;
        // The second point's jobs take a minute each: only a cancel ends it.
        const auto spec = SweepSpec::parse(QStringLiteral("mean-ms=1,60000,1"), 0, base, nullptr);
        QVERIFY(spec);
        SweepRunner sweep;
        QSignalSpy finished(&sweep, &SweepRunner::finished);
        if (duringAPoint)
            connect(&sweep, &SweepRunner::pointStarted, &sweep, [&sweep](int i) {
                if (i == 1)
                    QTimer::singleShot(0, &sweep, &SweepRunner::cancel);
            });
        else
            connect(&sweep, &SweepRunner::pointFinished, &sweep, &SweepRunner::cancel);
        QVERIFY(sweep.start(base, *spec));
        QVERIFY(finished.wait(30000));
        QVERIFY(sweep.wasCancelled());
        QCOMPARE(sweep.points().size(), std::size_t(duringAPoint ? 2 : 1));
        const SweepRunner::Point &last = sweep.points().back();
        QCOMPARE(last.cancelled, duringAPoint);
        QCOMPARE(last.stats.results(), last.stats.submitted());
        QCOMPARE(last.stats.count(JobStatus::Completed), duringAPoint ? 0 : 4);
        QCOMPARE(finished.size(), 1);
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1); // and nothing after
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
