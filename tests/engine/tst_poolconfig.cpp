#include "engine/poolconfig.h"
#include "testprinting.h"

#include <QTest>
#include <functional>
#include <limits>

using engine::PoolConfig;

using Mutation = std::function<void(PoolConfig &)>;
Q_DECLARE_METATYPE(Mutation)

class TestPoolConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreTheReferenceRun()
    {
        const PoolConfig config;
        QCOMPARE(config.workers, 3);
        QCOMPARE(config.jobs, 15);
        QCOMPARE(config.intervalMs, 100.0);
        QCOMPARE(config.minMs, 200.0);
        QCOMPARE(config.maxMs, 500.0);
        QCOMPARE(config.effectiveQueueCapacity(), 15);
        QCOMPARE(config.effectiveResultsCapacity(), 15);
        QVERIFY2(config.isValid(), qPrintable(config.validate().join(QLatin1Char('\n'))));
    }

    void automaticCapacityIsCappedAtTheMaximum()
    {
        PoolConfig config;
        config.jobs = 5'000'000;
        QCOMPARE(config.effectiveQueueCapacity(), PoolConfig::kMaxCapacity);
        config.continuous = true;
        QCOMPARE(config.effectiveResultsCapacity(), PoolConfig::kMaxCapacity);
        config.queueCapacity = 0;
        QCOMPARE(config.effectiveQueueCapacity(), 0);
    }

    void validateRejectsEachOutOfRangeField_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("field");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("no workers") << Mutation([](PoolConfig &c) { c.workers = 0; }) << "workers";
        QTest::newRow("too many workers")
            << Mutation([](PoolConfig &c) { c.workers = 257; }) << "workers";
        QTest::newRow("no jobs") << Mutation([](PoolConfig &c) { c.jobs = 0; }) << "jobs";
        QTest::newRow("too many jobs")
            << Mutation([](PoolConfig &c) { c.jobs = 10'000'001; }) << "jobs";
        QTest::newRow("negative queue")
            << Mutation([](PoolConfig &c) { c.queueCapacity = -2; }) << "queue-capacity";
        QTest::newRow("huge queue")
            << Mutation([](PoolConfig &c) { c.queueCapacity = 100'001; }) << "queue-capacity";
        QTest::newRow("huge results")
            << Mutation([](PoolConfig &c) { c.resultsCapacity = 200'000; }) << "results-capacity";
        QTest::newRow("negative interval")
            << Mutation([](PoolConfig &c) { c.intervalMs = -1; }) << "interval-ms";
        QTest::newRow("long interval")
            << Mutation([](PoolConfig &c) { c.intervalMs = 10'001; }) << "interval-ms";
        QTest::newRow("NaN interval")
            << Mutation([nan](PoolConfig &c) { c.intervalMs = nan; }) << "interval-ms";
        QTest::newRow("empty burst")
            << Mutation([](PoolConfig &c) { c.burstSize = 0; }) << "burst-size";
        QTest::newRow("huge burst")
            << Mutation([](PoolConfig &c) { c.burstSize = 10'001; }) << "burst-size";
        QTest::newRow("negative min") << Mutation([](PoolConfig &c) { c.minMs = -5; }) << "min-ms";
        QTest::newRow("min above max")
            << Mutation([](PoolConfig &c) { c.minMs = 600; }) << "min-ms must not exceed max-ms";
        QTest::newRow("negative mean")
            << Mutation([](PoolConfig &c) { c.meanMs = -1; }) << "mean-ms";
        QTest::newRow("fail rate over 100")
            << Mutation([](PoolConfig &c) { c.failRatePercent = 100.5; }) << "fail-rate";
        QTest::newRow("speed too low")
            << Mutation([](PoolConfig &c) { c.speed = 0.001; }) << "speed";
        QTest::newRow("speed too high")
            << Mutation([](PoolConfig &c) { c.speed = 101; }) << "speed";
        QTest::newRow("duration without continuous")
            << Mutation([](PoolConfig &c) { c.durationS = 5; }) << "duration-s";
        QTest::newRow("negative duration") << Mutation([](PoolConfig &c) {
            c.continuous = true;
            c.durationS = -1;
        }) << "duration-s";
        QTest::newRow("bad arrival enum")
            << Mutation([](PoolConfig &c) { c.arrival = static_cast<engine::ArrivalPattern>(9); })
            << "arrival";
        QTest::newRow("bad workload enum")
            << Mutation([](PoolConfig &c) { c.workload = static_cast<engine::Workload>(7); })
            << "workload";
    }

    void validateRejectsEachOutOfRangeField()
    {
        QFETCH(Mutation, mutate);
        QFETCH(QString, field);
        PoolConfig config;
        mutate(config);
        const QStringList problems = config.validate();
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().startsWith(field), qPrintable(problems.first()));
        QVERIFY2(problems.first().contains(QLatin1String("must")), qPrintable(problems.first()));
    }

    void validateAcceptsTheEdgesOfEveryRange()
    {
        PoolConfig low;
        low.workers = 1;
        low.jobs = 1;
        low.queueCapacity = 0;
        low.resultsCapacity = 0;
        low.intervalMs = 0;
        low.burstSize = 1;
        low.minMs = low.maxMs = low.meanMs = 0;
        low.speed = PoolConfig::kMinSpeed;
        QVERIFY(low.isValid());
        PoolConfig high;
        high.workers = 256;
        high.jobs = 10'000'000;
        high.queueCapacity = high.resultsCapacity = 100'000;
        high.intervalMs = 10'000;
        high.burstSize = 10'000;
        high.failRatePercent = 100;
        high.speed = 100;
        QVERIFY2(high.isValid(), qPrintable(high.validate().join(QLatin1Char('\n'))));
    }

    void choicesRoundTripThroughTheirNames()
    {
        for (auto pattern : {engine::ArrivalPattern::Fixed, engine::ArrivalPattern::Poisson,
                             engine::ArrivalPattern::Burst}) {
            engine::ArrivalPattern parsed {};
            QVERIFY(engine::fromString(engine::nameOf(pattern), &parsed));
            QCOMPARE(parsed, pattern);
        }
        engine::Distribution distribution {};
        QVERIFY(engine::fromString(QStringLiteral("lognormal"), &distribution));
        QCOMPARE(distribution, engine::Distribution::LogNormal);
        QVERIFY(!engine::fromString(QStringLiteral("LogNormal "), &distribution));
    }
};

QTEST_GUILESS_MAIN(TestPoolConfig)
#include "tst_poolconfig.moc"
