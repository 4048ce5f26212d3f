#include "engine/runcomparison.h"
#include "eventscript.h"
#include "testprinting.h"

#include <QTest>
#include <random>

using namespace engine;
using testsupport::Script;

namespace {

// A run of `jobs` jobs on one worker, one sent every 10 ms, each processed for 5 ms after
// waiting an exponential time of mean `meanWaitMs` (drawn from `seed`), collected at once.
RunStats run(int jobs, double meanWaitMs, unsigned seed)
{
    std::mt19937_64 random(seed);
    std::exponential_distribution<double> wait(1.0 / meanWaitMs);
    Script script;
    script.at(0).event(EventKind::WorkerStarted, 0, 1);
    for (int k = 1; k <= jobs; ++k) {
        const std::int64_t sent = std::int64_t {k} * 10 * testsupport::ms;
        const auto waited = static_cast<std::int64_t>(wait(random) * testsupport::ms);
        script.at(0, sent)
            .submit(k, 1)
            .at(0, sent + waited)
            .start(k, 1, 0, 5)
            .at(0, sent + waited + 5 * testsupport::ms)
            .finish(k, 1)
            .collect(k, 1, JobStatus::Completed, 5);
    }
    RunStats stats;
    stats.ingest(script.events());
    return stats;
}

const ComparedFigure &figure(const RunComparison &c, const char *name)
{
    for (const ComparedFigure &f : c.figures) {
        if (f.name == QLatin1String(name))
            return f;
    }
    qFatal("no figure %s", name);
}

} // namespace

class TestRunComparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFigureOfBothRunsWithItsDifference()
    {
        const RunStats a = run(2000, 2.0, 1), b = run(1000, 2.0, 2);
        PoolConfig configA, configB;
        configB.workers = 4;
        configB.arrival = ArrivalPattern::Poisson;
        const RunComparison c = compareRuns(configA, 7, a, configB, 8, b);
        QCOMPARE(c.configDifferences,
                 (QStringList {QStringLiteral("workers 3 → 4"),
                               QStringLiteral("arrival fixed → poisson"),
                               QStringLiteral("seed 7 → 8")}));
        QCOMPARE(figure(c, "jobs sent").a, 2000.0);
        QCOMPARE(figure(c, "jobs sent").b, 1000.0);
        QCOMPARE(figure(c, "jobs sent").difference(), -1000.0);
        QVERIFY(!figure(c, "jobs sent").hasNoise()); // a count has no interval
        QCOMPARE(figure(c, "processing mean").a, 5e6);
        QCOMPARE(figure(c, "wait p95").a, double(a.wait().quantile(0.95)));
        QCOMPARE(figure(c, "latency p99").b, double(b.latency().quantile(0.99)));
        QCOMPARE(figure(c, "throughput").a, a.throughputPerS());
        for (const char *name : {"wall time", "utilization", "wait mean", "wait p50", "wait p99",
                                 "processing p50", "latency mean", "queue depth mean",
                                 "queue depth max", "completed", "failed", "cancelled"})
            figure(c, name); // every summary figure is there
        QCOMPARE(compareRuns(configA, 7, a, configA, 7, a).configDifferences, QStringList());
    }

    // Runs of the same load differ by noise: about one pair in twenty is outside its 95 %
    // interval (100 pairs, fixed seeds: a calibration test, not a lucky pair). A wait half as
    // long again is outside it almost always; the processing time, the same in all, never is.
    void aDifferenceIsOutsideTheNoiseOnlyWhenItIs()
    {
        int sameOutside = 0, longerOutside = 0, processingOutside = 0;
        constexpr int kPairs = 100;
        for (unsigned pair = 0; pair < kPairs; ++pair) {
            const RunStats a = run(2000, 2.0, 3 * pair);
            const RunStats same = run(2000, 2.0, 3 * pair + 1);
            const RunStats longer = run(2000, 3.0, 3 * pair + 2);
            RunComparison c = compareRuns({}, 1, a, {}, 2, same);
            const ComparedFigure &wait = figure(c, "wait mean");
            QVERIFY(wait.hasNoise());
            QCOMPARE(wait.noise, std::hypot(a.steadyWait().halfWidth, same.steadyWait().halfWidth));
            sameOutside += wait.outsideNoise();
            c = compareRuns({}, 1, a, {}, 3, longer);
            longerOutside += figure(c, "wait mean").outsideNoise();
            processingOutside += figure(c, "processing mean").outsideNoise();
        }
        qInfo("outside the noise: %d of %d same-load pairs, %d of %d with 1.5× the wait",
              sameOutside, kPairs, longerOutside, kPairs);
        QVERIFY2(sameOutside <= 12, qPrintable(QString::number(sameOutside)));
        QVERIFY2(longerOutside >= 95, qPrintable(QString::number(longerOutside)));
        QCOMPARE(processingOutside, 0);
    }

    void figuresReadAsAPersonWouldWriteThem()
    {
        using Unit = ComparedFigure::Unit;
        QCOMPARE(figureText(Unit::Count, 400), QStringLiteral("400"));
        QCOMPARE(figureText(Unit::Count, 26.894), QStringLiteral("26.89"));
        QCOMPARE(figureText(Unit::PerSecond, 7.776), QStringLiteral("7.78/s"));
        QCOMPARE(figureText(Unit::Nanoseconds, 42e6), QStringLiteral("42ms"));
        QCOMPARE(figureText(Unit::Share, 0.867), QStringLiteral("86.7 %"));
        QCOMPARE(differenceText(Unit::Nanoseconds, -155e6), QStringLiteral("−155ms"));
        QCOMPARE(differenceText(Unit::PerSecond, 27.01), QStringLiteral("+27.01/s"));
        QCOMPARE(differenceText(Unit::Share, -0.131), QStringLiteral("−13.1 pp"));
        QCOMPARE(differenceText(Unit::Count, 0), QStringLiteral("0"));
        QCOMPARE(differenceText(Unit::PerSecond, -0.001), QStringLiteral("0"));
    }
};

QTEST_GUILESS_MAIN(TestRunComparison)
#include "tst_runcomparison.moc"
