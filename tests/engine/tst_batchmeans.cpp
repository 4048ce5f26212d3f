#include "engine/batchmeans.h"

#include <QTest>
#include <cmath>
#include <random>

using engine::BatchMeans;

class TestBatchMeans : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Of 400 independent series with a known mean, the interval covers it about 95 % of the
    // time (seeded: the same series every run).
    void theIntervalCoversTheMeanAsOftenAsItSays()
    {
        std::mt19937_64 random(11);
        std::exponential_distribution<double> exponential(1.0); // mean 1, skewed like waits
        int covered = 0;
        constexpr int series = 400;
        for (int k = 0; k < series; ++k) {
            BatchMeans b;
            for (int i = 0; i < 5000; ++i)
                b.add(exponential(random));
            const BatchMeans::Interval interval = b.interval();
            QVERIFY(interval.valid);
            covered += std::abs(interval.mean - 1.0) <= interval.halfWidth;
        }
        QVERIFY2(covered >= series * 90 / 100 && covered <= series * 99 / 100,
                 qPrintable(QString::number(covered)));
    }

    // A series that starts far from its steady state (a pool filling from empty): the warm-up is
    // found and left out, and the interval is the steady state's.
    void theWarmUpIsLeftOut()
    {
        std::mt19937_64 random(3);
        std::normal_distribution<double> noise(0.0, 0.2);
        BatchMeans b;
        for (int i = 0; i < 20'000; ++i)
            b.add((i < 3000 ? 10.0 - 9.0 * i / 3000.0 : 1.0) + noise(random));
        const BatchMeans::Interval interval = b.interval();
        QVERIFY(interval.valid);
        QVERIFY2(interval.warmup >= 2000 && interval.warmup <= 6000,
                 qPrintable(QString::number(interval.warmup)));
        QVERIFY2(std::abs(interval.mean - 1.0) < 0.02, qPrintable(QString::number(interval.mean)));
        QVERIFY(interval.halfWidth < 0.02);
    }

    void fewValuesGiveNoInterval()
    {
        BatchMeans b;
        for (int i = 0; i < BatchMeans::kMinBatches - 1; ++i)
            b.add(i);
        QVERIFY(!b.interval().valid);
        // However many values, the batches stay at most kMaxBatches.
        for (int i = 0; i < 1'000'000; ++i)
            b.add(1.0);
        QVERIFY(b.interval().valid);
        QVERIFY(b.interval().batches <= BatchMeans::kMaxBatches);
        QCOMPARE(b.count(), std::int64_t {1'000'000 + BatchMeans::kMinBatches - 1});
    }

    void studentsT()
    {
        QCOMPARE(engine::studentT95(1), 12.706);
        QCOMPARE(engine::studentT95(30), 2.042);
        QCOMPARE(engine::studentT95(35), 2.042); // the wider of its neighbours
        QCOMPARE(engine::studentT95(1000), 1.980);
    }
};

QTEST_GUILESS_MAIN(TestBatchMeans)
#include "tst_batchmeans.moc"
