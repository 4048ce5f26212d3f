#include "engine/littleslaw.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using engine::LittlesLaw;
using engine::LittlesLawMeter;

namespace {
constexpr std::int64_t ms = 1'000'000;

struct Job
{
    std::int64_t submitted = 0;
    std::int64_t collected = 0; // > `now`: still in the system
};

// L, λ and W over [from, to] by definition: each job's time in the system clipped to the stretch,
// and the results that came in during it.
LittlesLaw byDefinition(const std::vector<Job> &jobs, std::int64_t from, std::int64_t to)
{
    long double area = 0;
    long double latencies = 0;
    std::int64_t results = 0;
    for (const Job &job : jobs) {
        const std::int64_t in = std::max(job.submitted, from);
        const std::int64_t out = std::min(job.collected, to);
        if (out > in)
            area += static_cast<long double>(out - in);
        if (job.collected >= from && job.collected <= to) {
            ++results;
            latencies += static_cast<long double>(job.collected - job.submitted);
        }
    }
    LittlesLaw law;
    const auto span = static_cast<long double>(to - from);
    law.meanInSystem = static_cast<double>(area / span);
    law.resultRate = static_cast<double>(results * 1e9L / span);
    law.meanLatencyS = results > 0 ? static_cast<double>(latencies / results / 1e9L) : 0.0;
    return law;
}

void compare(const LittlesLaw &measured, const LittlesLaw &expected)
{
    const auto close = [](double a, double b) {
        return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
    };
    QVERIFY2(close(measured.meanInSystem, expected.meanInSystem),
             qPrintable(QStringLiteral("L %1 against %2")
                            .arg(measured.meanInSystem)
                            .arg(expected.meanInSystem)));
    QVERIFY2(
        close(measured.resultRate, expected.resultRate),
        qPrintable(
            QStringLiteral("λ %1 against %2").arg(measured.resultRate).arg(expected.resultRate)));
    QVERIFY2(close(measured.meanLatencyS, expected.meanLatencyS),
             qPrintable(QStringLiteral("W %1 against %2")
                            .arg(measured.meanLatencyS)
                            .arg(expected.meanLatencyS)));
}

// Jobs arriving every `gapNs` (with jitter), each in the system `latencyNs` (with jitter) more
// per `growthNs` of run time (a pool falling behind when growth is non-zero).
std::vector<Job> stream(std::int64_t untilNs, std::int64_t gapNs, std::int64_t latencyNs,
                        double growth = 0.0, unsigned seed = 1)
{
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<std::int64_t> jitter(0, gapNs / 2);
    std::vector<Job> jobs;
    for (std::int64_t t = 0; t < untilNs; t += gapNs) {
        const std::int64_t submitted = t + jitter(random);
        const auto latency = latencyNs + jitter(random)
            + static_cast<std::int64_t>(growth * static_cast<double>(submitted));
        jobs.push_back({submitted, submitted + latency});
    }
    return jobs;
}
} // namespace

class TestLittlesLaw : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Whatever order arrivals and departures come in, and wherever the window stands, the meter
    // gives what the definition gives, over the window and over the run.
    void matchesTheDefinitionWhateverTheOrder_data()
    {
        QTest::addColumn<std::int64_t>("untilNs");
        QTest::addColumn<std::int64_t>("nowNs");
        QTest::addColumn<double>("growth");
        QTest::newRow("younger than the window") << 4'000 * ms << 4'000 * ms << 0.0;
        QTest::newRow("long, all done") << 37'000 * ms << 40'000 * ms << 0.0;
        QTest::newRow("long, jobs in flight") << 37'000 * ms << 25'300 * ms << 0.0;
        QTest::newRow("falling behind") << 30'000 * ms << 31'000 * ms << 0.2;
    }
    void matchesTheDefinitionWhateverTheOrder()
    {
        QFETCH(std::int64_t, untilNs);
        QFETCH(std::int64_t, nowNs);
        QFETCH(double, growth);
        const std::vector<Job> jobs = stream(untilNs, 37 * ms, 250 * ms, growth);
        // Each arrival and each departure up to now, shuffled, the window advancing as it goes.
        struct Event
        {
            bool arrival;
            const Job *job;
        };
        std::vector<Event> events;
        for (const Job &job : jobs) {
            if (job.submitted <= nowNs)
                events.push_back({true, &job});
            if (job.collected <= nowNs)
                events.push_back({false, &job});
        }
        std::mt19937_64 random(7);
        std::ranges::shuffle(events, random);
        LittlesLawMeter meter;
        std::int64_t latest = 0;
        for (const Event &e : events) {
            if (e.arrival) {
                meter.arrived(e.job->submitted);
            } else {
                meter.departed(e.job->submitted, e.job->collected);
            }
            latest = std::max(latest, e.arrival ? e.job->submitted : e.job->collected);
            meter.advanceTo(latest);
        }
        meter.advanceTo(nowNs);
        const std::int64_t from = meter.windowStart();
        QVERIFY(from >= 0 && from <= nowNs);
        QVERIFY(nowNs - from >= LittlesLawMeter::kWindowNs || from == 0);
        QVERIFY(nowNs - from < LittlesLawMeter::kWindowNs + LittlesLawMeter::kBucketNs);
        const LittlesLaw recent = meter.overWindow(nowNs);
        QCOMPARE(recent.fromNs, from);
        QCOMPARE(recent.toNs, nowNs);
        compare(recent, byDefinition(jobs, from, nowNs));
        compare(meter.overRun(nowNs), byDefinition(jobs, 0, nowNs));
    }

    // In a steady state the window's two sides agree to within its edges; a pool falling behind
    // holds more jobs than its results account for.
    void theWindowTellsASteadyPoolFromOneFallingBehind()
    {
        for (const double growth : {0.0, 0.2}) {
            const std::int64_t now = 60'000 * ms;
            LittlesLawMeter meter;
            for (const Job &job : stream(now, 20 * ms, 300 * ms, growth, 3)) {
                meter.arrived(job.submitted);
                if (job.collected <= now)
                    meter.departed(job.submitted, job.collected);
            }
            meter.advanceTo(now);
            const LittlesLaw recent = meter.overWindow(now);
            const double gap = recent.meanInSystem - recent.predicted();
            if (growth == 0.0) {
                QVERIFY2(std::abs(gap) < 0.05 * recent.meanInSystem,
                         qPrintable(QString::number(gap)));
            } else {
                // Everything up to `now` arrived, but the late jobs' results are still to come.
                QVERIFY2(gap > 0.1 * recent.meanInSystem, qPrintable(QString::number(gap)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestLittlesLaw)
#include "tst_littleslaw.moc"
