#include "engine/durationformat.h"
#include "eventscript.h"
#include "ui/latencycurve.h"
#include "ui/numberstrip.h"
#include "ui/runmodel.h"
#include "ui/statspanel.h"

#include <QLabel>
#include <QTest>

using namespace engine;
using namespace gui;
using testsupport::ms;
using testsupport::Script;

namespace {
// Everything the panel shows, its labels' rich text one after another.
QString shown(const StatsPanel &panel)
{
    QString text;
    for (const QLabel *label : panel.findChildren<QLabel *>())
        text += label->text() + QLatin1Char('\n');
    return text;
}

// Jobs every `gapMs` from `fromMs` on, each done 1 ms after it is sent, on workers 1 and 2 in
// turn: ids first, first + 1, ...
void addJobs(Script &s, int first, int count, std::int64_t fromMs, std::int64_t gapMs)
{
    for (int i = 0; i < count; ++i) {
        const int job = first + i;
        const int worker = 1 + job % 2;
        const std::int64_t t = fromMs + i * gapMs;
        s.at(t)
            .submit(job, 1)
            .start(job, worker, 0)
            .at(t + 1)
            .finish(job, worker)
            .collect(job, worker, JobStatus::Completed, 1);
    }
}
} // namespace

class TestStatsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheRunsCountsPercentilesUtilizationAndLittlesLaw()
    {
        RunModel model;
        model.reset(PoolConfig {});
        Script s;
        s.at(0)
            .event(EventKind::RunStarted)
            .event(EventKind::WorkerStarted, 0, 1)
            .event(EventKind::WorkerStarted, 0, 2);
        addJobs(s, 1, 10, 1, 1); // job k sent at k ms, done at k + 1 ms
        s.at(11)
            .event(EventKind::JobSubmitted, 11)
            .event(EventKind::ResultCollected, 11, 0, kNeverQueued, 0,
                   static_cast<std::uint8_t>(JobStatus::Cancelled));
        s.at(12)
            .event(EventKind::WorkerRetired, 0, 1)
            .event(EventKind::WorkerRetired, 0, 2)
            .event(EventKind::RunFinished);
        model.ingest(s.events());
        StatsPanel panel(&model);
        const QString text = shown(panel);
        QVERIFY2(text.contains(QStringLiteral(
                     "<b>11</b> results of 11 sent · 10 completed · 0 failed · 1 cancelled")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("queue depth mean")));
        QVERIFY(text.contains(QStringLiteral("max 1\n")));
        QVERIFY(text.contains(QStringLiteral("run time ") + displayDuration(12 * ms)));
        // Every completed job waited 0 and took 1 ms; the cancelled one's latency was 0.
        const QString oneMs = QStringLiteral("&nbsp;%1&nbsp;").arg(displayDuration(ms));
        QVERIFY2(text.contains(QStringLiteral("<tr><td>processing</td>")
                               + QStringLiteral("<td align=right>") + oneMs),
                 qPrintable(text));
        // Each worker was live 12 ms and busy 5 of them.
        QVERIFY2(text.contains(QStringLiteral("w1 42%")) && text.contains(QStringLiteral("w2 42%")),
                 qPrintable(text));
        // L: 10 jobs 1 ms each in 12 ms; λ = 11 results in 12 ms; W = 10 ms / 11 results.
        QVERIFY2(text.contains(QStringLiteral("L = 0.83 jobs")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("gives λW = 0.83 jobs; difference 0.00 jobs")),
                 qPrintable(text));
        // A whole finished run: the law holds by construction, and the panel says so.
        QVERIFY(text.contains(QStringLiteral("over the whole run:")));
        QVERIFY(text.contains(QStringLiteral("agree by construction")));
        QVERIFY(!text.contains(QStringLiteral("-0.00")));
        QVERIFY(text.contains(panel.littlesLawText()));

        // The strip above the tabs: the same run in one table.
        NumberStrip strip(&model);
        const QString numbers = strip.text();
        QVERIFY2(numbers.contains(QStringLiteral("<b>11 of 11</b>")), qPrintable(numbers));
        QVERIFY(numbers.contains(QStringLiteral("<b>42 % (42–42)</b>")));
        QVERIFY(numbers.contains(QStringLiteral("<b>0.83 vs 0.83</b>")));
        const QString oneMsAll = QStringLiteral("<b>%1 · %1 · %1</b>").arg(displayDuration(ms));
        QVERIFY2(numbers.contains(oneMsAll), qPrintable(numbers)); // latency p50 · p95 · p99
    }

    // A live run longer than the window: the law over its last 10 s, where it is a real check,
    // and over the run so far beneath; a steady stream agrees, a pool falling behind does not.
    void littlesLawIsCheckedOverTheLastTenSecondsOfALiveRun()
    {
        for (const bool fallingBehind : {false, true}) {
            RunModel model;
            model.reset(PoolConfig {});
            Script s;
            s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
            s.event(EventKind::WorkerStarted, 0, 2);
            // One every 100 ms for 30 s, each done in 1 ms: the window of 10 s and 1 ms (its start
            // is on a step of 100 ms) holds 101 results.
            addJobs(s, 1, 300, 0, 100);
            if (fallingBehind) {
                // 20 more in the last 2 s, none of them done yet.
                for (int k = 0; k < 20; ++k)
                    s.at(28'000 + k * 100).submit(1000 + k, k + 1);
            }
            model.ingest(s.events());
            StatsPanel panel(&model);
            const QString text = shown(panel);
            QVERIFY2(text.contains(QStringLiteral("over its last 10 s (19.9s – 29.901s)")),
                     qPrintable(text));
            QVERIFY(text.contains(QStringLiteral("Over the whole run: L = ")));
            QVERIFY(!text.contains(QStringLiteral("by construction")));
            if (fallingBehind) {
                QVERIFY2(text.contains(QStringLiteral("L is above λW: jobs are building up")),
                         qPrintable(text));
            } else {
                QVERIFY2(text.contains(QStringLiteral("They agree")), qPrintable(text));
                QVERIFY2(text.contains(QStringLiteral("λ = 10.10 results/s")), qPrintable(text));
            }
        }
    }

    // Queueing theory beside the measurement: the reference is overloaded (10 jobs a second for
    // 3 workers of 349.5 ms) and the panel says how fast its queue grows; an M/M/c pool gets
    // Erlang C's figures.
    void theTheorySaysWhatTheConfigurationPredicts()
    {
        RunModel model;
        model.reset(PoolConfig {});
        StatsPanel reference(&model);
        QString text = reference.theoryText();
        QVERIFY2(text.contains(QStringLiteral("Allen–Cunneen")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("grows without bound, by 1.4 jobs a second")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("a queue of 15 fills in")));

        PoolConfig mmc;
        mmc.workers = 2;
        mmc.arrival = ArrivalPattern::Poisson;
        mmc.distribution = Distribution::Exponential;
        mmc.intervalMs = 100;
        mmc.meanMs = 100; // a = 1, c = 2: P(wait) = 1/3, Wq = 1/3 · 100 ms / 1
        model.reset(mmc);
        StatsPanel panel(&model);
        text = panel.theoryText();
        QVERIFY2(text.contains(QStringLiteral("Erlang C")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("<td>P(wait)</td><td align=right>&nbsp;0.33&nbsp;")));
        QVERIFY2(text.contains(QStringLiteral("<td>mean wait Wq</td><td align=right>&nbsp;")
                               + displayDuration(std::llround(100 * ms / 3.0))),
                 qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("without bound")));
    }

    // The measured means against the prediction from the measured inputs, with the difference
    // and whether it is within the mean's 95 % interval: jobs 100 ms apart that take 10 ms need
    // no wait (fixed gaps and durations: Wq = 0), yet these waited 40–60 ms each: outside. A
    // run whose jobs start as they arrive: within.
    void theDifferenceSaysWhetherThePredictionIsWithinTheInterval()
    {
        for (const bool waited : {true, false}) {
            PoolConfig config;
            config.workers = 2;
            config.intervalMs = 100;
            config.distribution = Distribution::Fixed;
            config.meanMs = 10;
            RunModel model;
            model.reset(config);
            Script s;
            s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
            s.event(EventKind::WorkerStarted, 0, 2);
            for (int job = 1; job <= 400; ++job) {
                const std::int64_t sent = job * 100;
                const std::int64_t wait = waited ? 40 + (job * 7) % 21 : 0;
                const int worker = 1 + job % 2;
                s.at(sent)
                    .submit(job, 1)
                    .at(sent + wait)
                    .start(job, worker, 0, 10)
                    .at(sent + wait + 10)
                    .finish(job, worker)
                    .collect(job, worker, JobStatus::Completed, 10);
            }
            model.ingest(s.events());
            StatsPanel panel(&model);
            const QString text = panel.theoryText();
            QVERIFY2(text.contains(QStringLiteral("measured − from inputs")), qPrintable(text));
            const qsizetype waitRow = text.indexOf(QStringLiteral("<td>mean wait Wq</td>"));
            QVERIFY(waitRow >= 0);
            const QString row
                = text.mid(waitRow, text.indexOf(QStringLiteral("</tr>"), waitRow) - waitRow);
            if (waited)
                QVERIFY2(row.contains(QStringLiteral("<b>outside</b> ±")), qPrintable(row));
            else
                QVERIFY2(row.contains(QStringLiteral("(within ±")), qPrintable(row));
            // P(wait): every job or none waited longer than a hand-off.
            QVERIFY2(text.contains(QStringLiteral("<td>P(wait)</td>")), qPrintable(text));
            const qsizetype pRow = text.indexOf(QStringLiteral("<td>P(wait)</td>"));
            const QString pWait
                = text.mid(pRow, text.indexOf(QStringLiteral("</tr>"), pRow) - pRow);
            QVERIFY2(pWait.contains(waited ? QStringLiteral("&nbsp;1.00&nbsp;")
                                           : QStringLiteral("&nbsp;0.00&nbsp;")),
                     qPrintable(pWait));
        }
    }

    // The latency curve: share of jobs done (up) against latency (along); jobs of 1..100 ms give a
    // straight line, half of them within 50 ms; a heavy tail runs far right near the top.
    void theLatencyCurveShowsTheDistribution()
    {
        const QRectF plot(10, 10, 400, 100);
        Histogram even;
        QVERIFY(LatencyCurve::curve(even, plot).isEmpty());
        for (int k = 1; k <= 100; ++k)
            even.add(k * ms);
        const QPolygonF points = LatencyCurve::curve(even, plot);
        QCOMPARE(points.size(), 201);
        for (qsizetype i = 1; i < points.size(); ++i) {
            QVERIFY(points[i].x() >= points[i - 1].x());
            QVERIFY(points[i].y() < points[i - 1].y());
        }
        QVERIFY(std::abs(points[100].x() - (10 + 400 * 0.5)) <= 4); // p50 = 50 ms of 100
        QCOMPARE(points.last(), QPointF(410, 10)); // all of them by the largest
        Histogram heavy;
        for (int k = 1; k <= 99; ++k)
            heavy.add(10 * ms);
        heavy.add(1000 * ms);
        const QPolygonF tail = LatencyCurve::curve(heavy, plot);
        QVERIFY(tail[198].x() < 10 + 400 * 0.02); // 99 % within a hundredth of the largest
        QCOMPARE(tail.last().x(), 410.0);

        RunModel model;
        model.reset(PoolConfig {});
        const StatsPanel panel(&model);
        QVERIFY(panel.findChild<LatencyCurve *>());
    }

    // One throughput, named alike in every view: results in the last second of run time.
    void throughputIsTheLastSecondsResultsAsInTheChart()
    {
        RunModel model;
        model.reset(PoolConfig {});
        StatsPanel panel(&model);
        Script first;
        first.at(0).event(EventKind::RunStarted);
        addJobs(first, 1, 10, 100, 100); // 10 results by 1001 ms
        model.ingest(first.events());
        panel.refresh();
        auto says = [&](const QString &what) {
            return shown(panel).contains(what);
        };
        QVERIFY2(says(QStringLiteral("throughput (last 1 s) 10.0/s")), qPrintable(shown(panel)));
        Script second;
        addJobs(second, 11, 20, 1050, 50); // 20 more in the next second
        model.ingest(second.events());
        panel.refresh();
        QVERIFY2(says(QStringLiteral("throughput (last 1 s) 20.0/s")), qPrintable(shown(panel)));
        QVERIFY(says(QStringLiteral("mean over the run 15.0/s"))); // 30 by 2001 ms
        // 100 ms later the last second holds 19 of them (those done after 1101 ms, and job 31).
        Script third;
        addJobs(third, 31, 1, 2100, 1);
        model.ingest(third.events());
        panel.refresh();
        QVERIFY2(says(QStringLiteral("throughput (last 1 s) 19.0/s")), qPrintable(shown(panel)));
        QCOMPARE(model.recentThroughput(), 19.0);
        model.reset(PoolConfig {});
        panel.refresh();
        QVERIFY2(says(QStringLiteral("<b>0</b> results of 0 sent")), qPrintable(shown(panel)));
        QVERIFY(says(QStringLiteral("throughput (last 1 s) 0.0/s")));
    }
};

QTEST_MAIN(TestStatsPanel)
#include "tst_statspanel.moc"
