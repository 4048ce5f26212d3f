#include "engine/batchmeans.h"
#include "engine/queueingtheory.h"

#include <QTest>
#include <QThread>
#include <algorithm>
#include <cmath>
#include <queue>
#include <random>

using namespace engine;

namespace {
// Erlang C from its definition, with factorials: an independent check of the recursion.
double erlangCByDefinition(int c, double a)
{
    double sum = 0.0, term = 1.0; // a^k / k!
    for (int k = 0; k < c; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    const double top = term * c / (c - a); // a^c / c! · c / (c − a)
    return top / (sum + top);
}

bool near(double a, double b, double tolerance = 1e-9)
{
    return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b));
}
} // namespace

class TestQueueingTheory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void erlangCMatchesPublishedAndDefinedValues()
    {
        QVERIFY(near(erlangC(1, 0.5), 0.5)); // M/M/1: ρ
        QVERIFY(near(erlangC(2, 1.0), 1.0 / 3.0));
        QVERIFY(near(erlangC(5, 4.0), 42.666666666666664 / 77.0)); // 0.5541, as tables give
        QVERIFY(std::abs(erlangC(5, 4.0) - 0.5541) < 5e-5);
        for (const int c : {1, 3, 8, 20, 64})
            for (const double rho : {0.1, 0.5, 0.8, 0.95})
                QVERIFY(near(erlangC(c, rho * c), erlangCByDefinition(c, rho * c), 1e-9));
        // 256 workers: no factorial overflow in the recursion.
        const double big = erlangC(256, 240.0);
        QVERIFY(big > 0.0 && big < 1.0);
        QCOMPARE(erlangC(3, 3.0), 1.0);
    }

    void mm1AndMd1AreExact()
    {
        // M/M/1, λ = 0.5/s, E[S] = 1 s: Wq = ρ / (μ − λ) = 1 s, L = ρ / (1 − ρ) = 1.
        QueueInputs mm1 {
            .arrivalRatePerS = 0.5, .serviceMeanS = 1.0, .ca2 = 1, .cs2 = 1, .servers = 1};
        const QueuePrediction p = predict(mm1);
        QCOMPARE(p.model, QueueModel::ErlangC);
        QVERIFY(p.stable);
        QVERIFY(near(p.utilization, 0.5));
        QVERIFY(near(p.waitMeanS, 1.0));
        QVERIFY(near(p.latencyMeanS, 2.0));
        QVERIFY(near(p.inSystemMean, 1.0));
        QVERIFY(near(p.queueLenMean, 0.5));
        // M/D/1 (Pollaczek–Khinchine): Wq = ρ / (2μ(1 − ρ)) = 0.5 s.
        QueueInputs md1 = mm1;
        md1.cs2 = 0.0;
        const QueuePrediction d = predict(md1);
        QCOMPARE(d.model, QueueModel::AllenCunneen);
        QVERIFY(near(d.waitMeanS, 0.5));
        // M/G/1 in general: Wq = λ E[S²] / (2(1 − ρ)) with E[S²] = (1 + cs²) E[S]².
        QueueInputs mg1 = mm1;
        mg1.cs2 = 1.718;
        QVERIFY(near(predict(mg1).waitMeanS, 0.5 * (1 + 1.718) / (2 * 0.5)));
    }

    void aFiniteQueueIsFullAsMMcKSays()
    {
        // M/M/1/K with room for 4 in all: P(4) = (1 − ρ)ρ⁴ / (1 − ρ⁵).
        const double rho = 0.5;
        QVERIFY(near(fullProbability(1, 3, rho),
                     (1 - rho) * std::pow(rho, 4) / (1 - std::pow(rho, 5))));
        // No queue at all: Erlang B, the share of time every worker is busy.
        for (const int c : {1, 2, 7})
            QVERIFY(near(fullProbability(c, 0, 0.8 * c), erlangB(c, 0.8 * c)));
        QVERIFY(near(erlangB(2, 1.0), 0.2)); // (1/2) / (1 + 1 + 1/2)
        // A long queue at a light load is almost never full; a heavy load fills a short one.
        QVERIFY(fullProbability(4, 100'000, 2.0) < 1e-12);
        QVERIFY(fullProbability(2, 3, 1.9) > 0.05);
    }

    void anOverloadedPoolGrowsWithoutBound()
    {
        const QueueInputs in {.arrivalRatePerS = 10.0,
                              .serviceMeanS = 0.5,
                              .ca2 = 0,
                              .cs2 = 0,
                              .servers = 3,
                              .queueCapacity = 100};
        const QueuePrediction p = predict(in);
        QVERIFY(!p.stable);
        QVERIFY(near(p.utilization, 5.0 / 3.0));
        QVERIFY(near(p.growthPerS, 4.0)); // 10 arrive, 6 leave a second
        QVERIFY(near(p.secondsToFill, 25.0));
        QVERIFY(std::isinf(p.waitMeanS));
        QCOMPARE(p.pFull, 1.0);
    }

    // A first-come-first-served pool of c servers simulated event by event (seeded): its mean
    // wait, with the steady state's 95 % interval from batch means, holds Erlang C's prediction
    // for M/M/c, and Allen–Cunneen's for Poisson arrivals and uniform durations (M/G/c) within a
    // tenth. (For fixed gaps it is poor: D/U/4 at ρ 0.8 waits 71 ms a second of work where it
    // predicts 124; the README says so.)
    void aSimulatedPoolWaitsAsTheTheorySays_data()
    {
        QTest::addColumn<bool>("markovian");
        QTest::addColumn<int>("servers");
        QTest::addColumn<double>("rho");
        QTest::newRow("M/M/1, ρ 0.5") << true << 1 << 0.5;
        QTest::newRow("M/M/4, ρ 0.8") << true << 4 << 0.8;
        QTest::newRow("M/M/16, ρ 0.9") << true << 16 << 0.9;
        QTest::newRow("M/U/4, ρ 0.8") << false << 4 << 0.8;
    }
    void aSimulatedPoolWaitsAsTheTheorySays()
    {
        QFETCH(bool, markovian);
        QFETCH(int, servers);
        QFETCH(double, rho);
        const double service = 1.0; // E[S]
        const double lambda = rho * servers / service;
        std::mt19937_64 random(42);
        std::exponential_distribution<double> gap(lambda), work(1.0 / service);
        std::uniform_real_distribution<double> uniform(0.0, 2.0 * service); // cs² = 1/3
        std::priority_queue<double, std::vector<double>, std::greater<>> freeAt;
        for (int k = 0; k < servers; ++k)
            freeAt.push(0.0);
        BatchMeans waits;
        std::vector<double> all;
        double t = 0.0;
        for (int job = 0; job < 400'000; ++job) {
            t += gap(random);
            const double start = std::max(t, freeAt.top());
            freeAt.pop();
            freeAt.push(start + (markovian ? work(random) : uniform(random)));
            waits.add(start - t);
            all.push_back(start - t);
        }
        const QueueInputs in {.arrivalRatePerS = lambda,
                              .serviceMeanS = service,
                              .ca2 = 1.0,
                              .cs2 = markovian ? 1.0 : 1.0 / 3.0,
                              .servers = servers};
        const QueuePrediction p = predict(in);
        const BatchMeans::Interval measured = waits.interval();
        QVERIFY(measured.valid);
        const QString says = QStringLiteral("measured %1 ± %2, predicted %3")
                                 .arg(measured.mean)
                                 .arg(measured.halfWidth)
                                 .arg(p.waitMeanS);
        qInfo("%s", qPrintable(says));
        if (markovian) {
            QVERIFY2(std::abs(measured.mean - p.waitMeanS) <= measured.halfWidth, qPrintable(says));
        } else {
            // An approximation: within a tenth.
            QVERIFY2(std::abs(measured.mean - p.waitMeanS) <= 0.1 * p.waitMeanS, qPrintable(says));
        }
        // The p95 wait: exact for M/M/c, an approximation otherwise. Its sampling noise is the
        // mean's (the same busy stretches make both): its relative half-width, and a little more.
        std::sort(all.begin(), all.end());
        const double p95 = all.at(all.size() * 95 / 100);
        const double predicted = waitQuantileS(p, 0.95);
        qInfo("p95 wait: measured %g, predicted %g", p95, predicted);
        const double noise = measured.halfWidth / measured.mean + 0.02;
        QVERIFY2(std::abs(p95 - predicted) <= (markovian ? noise : 0.15) * predicted,
                 qPrintable(QStringLiteral("p95 %1 vs %2").arg(p95).arg(predicted)));
    }

    // M/M/c waits are exponential once a job waits: P(Wq > t) = C · e^{−(cμ − λ)t}.
    void waitQuantilesFollowTheExponentialTail()
    {
        // M/M/1 at ρ 0.5, E[S] 1: P(Wq > t) = 0.5 e^{−t/2}, so p95 = 2 ln 10 and p99 = 2 ln 50.
        QueuePrediction p = predict({.arrivalRatePerS = 0.5, .serviceMeanS = 1.0});
        QVERIFY(near(waitQuantileS(p, 0.95), 2.0 * std::log(10.0)));
        QVERIFY(near(waitQuantileS(p, 0.99), 2.0 * std::log(50.0)));
        QCOMPARE(waitQuantileS(p, 0.4), 0.0); // most jobs do not wait at all
        // M/M/2 at a = 1: C = 1/3, cμ − λ = 1: p95 = ln((1/3)/0.05).
        p = predict({.arrivalRatePerS = 1.0, .serviceMeanS = 1.0, .servers = 2});
        QVERIFY(near(waitQuantileS(p, 0.95), std::log(20.0 / 3.0)));
        p = predict({.arrivalRatePerS = 3.0, .serviceMeanS = 1.0, .servers = 2});
        QVERIFY(std::isinf(waitQuantileS(p, 0.95))); // no steady state
    }

    void aConfigurationPlansItsInputs()
    {
        PoolConfig reference; // 3 workers, every 100 ms, whole ms 200..499
        QueueInputs in = plannedInputs(reference);
        QVERIFY(near(in.arrivalRatePerS, 10.0));
        QVERIFY(near(in.serviceMeanS, 0.3495));
        QCOMPARE(in.ca2, 0.0);
        QVERIFY(near(in.cs2, (300.0 * 300.0 - 1.0) / 12.0 / (349.5 * 349.5)));
        QCOMPARE(in.servers, 3);
        QCOMPARE(in.queueCapacity, 15);
        // The reference run is overloaded: 3 workers finish 8.6 jobs a second of the 10 sent.
        const QueuePrediction p = predict(in);
        QVERIFY(!p.stable);
        QVERIFY(near(p.growthPerS, 10.0 - 3.0 / 0.3495));

        PoolConfig c;
        c.speed = 4;
        c.arrival = ArrivalPattern::Burst;
        c.burstSize = 8;
        c.distribution = Distribution::LogNormal;
        c.meanMs = 200;
        in = plannedInputs(c);
        QVERIFY(near(in.arrivalRatePerS, 40.0)); // four times the rate at four times the speed
        QVERIFY(near(in.serviceMeanS, 0.05));
        QCOMPARE(in.ca2, 7.0);
        QVERIFY(near(in.cs2, std::exp(1.0) - 1.0));
        c.arrival = ArrivalPattern::Poisson;
        c.distribution = Distribution::Exponential;
        in = plannedInputs(c);
        QCOMPARE(predict(in).model, QueueModel::ErlangC);
        c.intervalMs = 0; // as fast as the producer sends: no steady state
        QVERIFY(!predict(plannedInputs(c)).stable);
    }

    // CPU work has as many servers as cores: workers beyond them hold jobs that wait for a core.
    void cpuWorkIsServedByTheCores()
    {
        const int cores = std::max(1, QThread::idealThreadCount());
        PoolConfig c;
        c.workload = Workload::Cpu;
        c.workers = cores + 4;
        c.jobs = 100;
        c.queueCapacity = 10;
        QueueInputs in = plannedInputs(c);
        QCOMPARE(in.servers, cores);
        QCOMPARE(in.queueCapacity, 14);
        c.workers = cores; // no more workers than cores: as for waiting work
        in = plannedInputs(c);
        QCOMPARE(in.servers, cores);
        QCOMPARE(in.queueCapacity, 10);
        c.workload = Workload::Wait;
        c.workers = cores + 4;
        QCOMPARE(plannedInputs(c).servers, cores + 4);
    }
};

QTEST_GUILESS_MAIN(TestQueueingTheory)
#include "tst_queueingtheory.moc"
