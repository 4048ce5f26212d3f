#include "engine/jobplan.h"

#include <QTest>
#include <cmath>

using namespace engine;

class TestJobPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameSeedGivesTheSamePlan()
    {
        PoolConfig config;
        config.arrival = ArrivalPattern::Poisson;
        config.failRatePercent = 30;
        JobPlan a(config, 1234);
        JobPlan b(config, 1234);
        JobPlan other(config, 1235);
        int differences = 0;
        for (int i = 0; i < 1000; ++i) {
            const PlannedJob x = a.next();
            const PlannedJob y = b.next();
            const PlannedJob z = other.next();
            QCOMPARE(x.id, i + 1);
            QCOMPARE(x.unitGap, y.unitGap);
            QCOMPARE(x.processingNs, y.processingNs);
            QCOMPARE(x.fails, y.fails);
            differences += x.processingNs != z.processingNs;
        }
        QVERIFY(differences > 900);
    }

    void processingTimesDoNotDependOnArrivalsOrFailures()
    {
        PoolConfig config;
        PoolConfig changed = config;
        changed.arrival = ArrivalPattern::Poisson;
        changed.failRatePercent = 50;
        JobPlan a(config, 99);
        JobPlan b(changed, 99);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(a.next().processingNs, b.next().processingNs);
    }

    void uniformTimesAreWholeMillisecondsInRange()
    {
        PoolConfig config; // 200–500 ms like rand.Intn(300)+200
        JobPlan plan(config, 7);
        std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = 0;
        for (int i = 0; i < 20000; ++i) {
            const std::int64_t ns = plan.next().processingNs;
            QCOMPARE(ns % 1'000'000, 0);
            lo = std::min(lo, ns);
            hi = std::max(hi, ns);
        }
        QCOMPARE(lo, 200'000'000);
        QCOMPARE(hi, 499'000'000);
    }

    void distributionsHaveTheirMean_data()
    {
        QTest::addColumn<Distribution>("distribution");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("fixed") << Distribution::Fixed << 1e-9;
        QTest::newRow("exponential") << Distribution::Exponential << 0.03;
        QTest::newRow("lognormal") << Distribution::LogNormal << 0.05;
    }

    void distributionsHaveTheirMean()
    {
        QFETCH(Distribution, distribution);
        QFETCH(double, tolerance);
        PoolConfig config;
        config.distribution = distribution;
        config.meanMs = 40;
        JobPlan plan(config, 2024);
        const int n = 50000;
        double sum = 0;
        for (int i = 0; i < n; ++i)
            sum += static_cast<double>(plan.next().processingNs) / 1e6;
        const double mean = sum / n;
        QVERIFY2(std::abs(mean - 40.0) <= 40.0 * tolerance, qPrintable(QString::number(mean)));
    }

    void failureRateIsWithinStatisticalTolerance()
    {
        PoolConfig config;
        config.failRatePercent = 20;
        JobPlan plan(config, 31337);
        const int n = 100000;
        int failures = 0;
        for (int i = 0; i < n; ++i)
            failures += plan.next().fails;
        // Binomial(n, 0.2): sigma = sqrt(n p (1-p)) ≈ 126; allow five sigma.
        const double sigma = std::sqrt(n * 0.2 * 0.8);
        QVERIFY2(std::abs(failures - n * 0.2) < 5 * sigma, qPrintable(QString::number(failures)));
    }

    void poissonGapsAverageOneInterval()
    {
        PoolConfig config;
        config.arrival = ArrivalPattern::Poisson;
        JobPlan plan(config, 5);
        const int n = 100000;
        double sum = 0;
        for (int i = 0; i < n; ++i)
            sum += plan.next().unitGap;
        QVERIFY(std::abs(sum / (n - 1) - 1.0) < 0.02);
    }

    void burstsSendBurstSizeJobsTogether()
    {
        PoolConfig config;
        config.arrival = ArrivalPattern::Burst;
        config.burstSize = 4;
        JobPlan plan(config, 5);
        const double expected[] = {0, 0, 0, 0, 4, 0, 0, 0, 4, 0};
        for (double gap : expected)
            QCOMPARE(plan.next().unitGap, gap);
    }

    void theFirstJobIsSentAtOnce()
    {
        PoolConfig config;
        JobPlan plan(config, 5);
        QCOMPARE(plan.next().unitGap, 0.0);
        QCOMPARE(plan.next().unitGap, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestJobPlan)
#include "tst_jobplan.moc"
