#include "engine/sizing.h"
#include "eventscript.h"
#include "testprinting.h"

#include <QTest>
#include <QThread>

using namespace engine;

namespace {

std::optional<SizingTarget> target(const char *text)
{
    QString error;
    auto t = SizingTarget::parse(QString::fromUtf8(text), &error);
    if (!t)
        qWarning("%s", qPrintable(error));
    return t;
}

// Poisson arrivals 10 ms apart, exponential jobs of 35 ms: 3.5 workers' worth of work (M/M/c).
PoolConfig markovLoad()
{
    PoolConfig c;
    c.jobs = 1000;
    c.arrival = ArrivalPattern::Poisson;
    c.intervalMs = 10;
    c.distribution = Distribution::Exponential;
    c.meanMs = 35;
    return c;
}

} // namespace

class TestSizing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void targetsParse()
    {
        const auto t = target("p95_wait_ms<=50");
        QVERIFY(t);
        QCOMPARE(t->metric, SizingTarget::Metric::WaitP95Ms);
        QCOMPARE(t->limit, 50.0);
        QCOMPARE(t->text(), QStringLiteral("p95_wait_ms<=50"));
        QCOMPARE(target(" p_wait <= 0.2 ")->metric, SizingTarget::Metric::PWait);
        QCOMPARE(target("utilization<=0.8")->limit, 0.8);
        QCOMPARE(target("latency_ms<=400")->name(), QStringLiteral("mean latency"));
    }

    void badTargetsAreRefusedSayingWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        const auto row = [](const char *text, const char *says) {
            QTest::newRow(text) << QString::fromUtf8(text) << QString::fromUtf8(says);
        };
        row("p95_wait_ms", "FIGURE<=LIMIT");
        row("p95_wait_ms>=50", "FIGURE<=LIMIT");
        row("<=50", "FIGURE<=LIMIT");
        row("speed<=2", "cannot size for 'speed'; allowed: p95_wait_ms, p99_wait_ms");
        row("p_wait<=2", "at most 1");
        row("utilization<=0", "above 0");
        row("wait_ms<=soon", "'soon'");
        row("wait_ms<=nan", "'nan'");
    }

    void badTargetsAreRefusedSayingWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        QString error;
        QVERIFY(!SizingTarget::parse(text, &error));
        QVERIFY2(error.startsWith(QLatin1String("--size-for ")), qPrintable(error));
        QVERIFY2(error.contains(says), qPrintable(error));
    }

    // The fewest workers: the answer meets the target and one fewer does not (Erlang C for
    // a = 3.5: C(5) = 0.378, C(6) = 0.177; p95 waits 188 ms with 4 workers, 47 ms with 5).
    void theFewestWorkersThatMeetTheTarget_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("workers");
        QTest::newRow("P(wait) ≤ 0.2") << QStringLiteral("p_wait<=0.2") << 6;
        QTest::newRow("p95 wait ≤ 50 ms") << QStringLiteral("p95_wait_ms<=50") << 5;
        QTest::newRow("utilization ≤ 0.8") << QStringLiteral("utilization<=0.8") << 5;
        QTest::newRow("utilization ≤ 0.88") << QStringLiteral("utilization<=0.88") << 4;
        QTest::newRow("mean latency ≤ 36 ms")
            << QStringLiteral("latency_ms<=36") << 7; // 37.5 ms with 6
    }

    void theFewestWorkersThatMeetTheTarget()
    {
        QFETCH(QString, text);
        QFETCH(int, workers);
        const auto t = SizingTarget::parse(text, nullptr);
        QVERIFY(t);
        const SizingAnswer answer = sizePool(markovLoad(), *t);
        QVERIFY(answer.found);
        QCOMPARE(answer.workers, workers);
        QVERIFY(t->met(t->predicted(answer.prediction)));
        QVERIFY(!t->met(t->predicted(answer.below)));
        QCOMPARE(answer.prediction.utilization, 3.5 / workers);
    }

    void aTargetNoPoolMeetsSaysWhatLimitsIt()
    {
        PoolConfig c = markovLoad();
        c.intervalMs = 0.1; // 350 workers' worth of work
        SizingAnswer answer = sizePool(c, *target("utilization<=0.9"));
        QVERIFY(!answer.found);
        QVERIFY2(answer.why.contains(QLatin1String("no pool of up to 256 workers")),
                 qPrintable(answer.why));
        // CPU work more than the cores can do: no number of workers helps.
        c = markovLoad();
        c.workload = Workload::Cpu;
        c.intervalMs = 35.0 / (QThread::idealThreadCount() + 0.5);
        answer = sizePool(c, *target("utilization<=0.99"));
        QVERIFY(!answer.found);
        QVERIFY2(answer.why.contains(QLatin1String("cores")), qPrintable(answer.why));
    }

    // A run's figures as the target reads them.
    void aRunIsMeasuredAsTheTargetSays()
    {
        // Two jobs of 10 ms on one worker, sent 2 ms apart: the second waits 8 ms for the first.
        testsupport::Script script;
        script.at(0)
            .event(EventKind::WorkerStarted, 0, 1)
            .submit(1, 1)
            .start(1, 1, 0, 10)
            .at(2)
            .submit(2, 1)
            .at(10)
            .finish(1, 1)
            .collect(1, 1, JobStatus::Completed, 10)
            .start(2, 1, 0, 10)
            .at(20)
            .finish(2, 1)
            .collect(2, 1, JobStatus::Completed, 10);
        RunStats s;
        s.ingest(script.events());
        QCOMPARE(s.results(), 2);
        QCOMPARE(target("p_wait<=1")->measured(s), 0.5);
        QVERIFY(std::abs(target("wait_ms<=1")->measured(s) - 4.0) < 0.05);
        QVERIFY(std::abs(target("p99_wait_ms<=1")->measured(s) - 8.0) < 0.05);
        QVERIFY(std::abs(target("latency_ms<=1")->measured(s) - 14.0) < 0.05); // 10 and 18
        QCOMPARE(target("utilization<=1")->format(0.5), QStringLiteral("0.500"));
        QCOMPARE(target("wait_ms<=1")->format(12.0), QStringLiteral("12ms"));
    }
};

QTEST_GUILESS_MAIN(TestSizing)
#include "tst_sizing.moc"
