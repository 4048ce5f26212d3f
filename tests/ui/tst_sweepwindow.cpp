#include "engine/knob.h"
#include "testprinting.h"
#include "ui/sweepchart.h"
#include "ui/sweepseries.h"
#include "ui/sweepwindow.h"

#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace engine;
using namespace gui;

namespace {

// Poisson arrivals 10 ms apart, exponential jobs of 35 ms (3.5 workers' worth of work), quick:
// 80 jobs at 20 times the speed.
PoolConfig quickLoad()
{
    PoolConfig c;
    c.workers = 4;
    c.jobs = 80;
    c.arrival = ArrivalPattern::Poisson;
    c.intervalMs = 10;
    c.distribution = Distribution::Exponential;
    c.meanMs = 35;
    c.speed = 20;
    c.seed = 9;
    return c;
}

bool near(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::abs(a[i] - b[i]) > 1e-9 * std::max(1.0, std::abs(b[i])))
            return false;
    }
    return true;
}

SweepSpec spec(const char *text, const PoolConfig &base = quickLoad())
{
    QString error;
    const auto s = SweepSpec::parse(QString::fromUtf8(text), 0, base, &error);
    if (!s)
        qFatal("%s", qPrintable(error));
    return *s;
}

const SweepLine *line(const SweepSeries &s, const QString &name)
{
    for (const SweepLine &l : s.lines) {
        if (l.name == name)
            return &l;
    }
    return nullptr;
}

} // namespace

class TestSweepWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Before any run: the theory alone, broken where the pool has no steady state (up to 3
    // workers for 3.5 workers' worth of work), that stretch shaded, the current pool marked.
    void theTheoryIsDrawnWhereThePoolHasASteadyState()
    {
        const SweepSeries wait
            = sweepSeries(SweepMetric::Wait, spec("workers=1..8"), quickLoad(), {});
        QCOMPARE(wait.currentX, std::optional<double>(4.0));
        QCOMPARE(wait.unstable.size(), std::size_t(1));
        QCOMPARE(wait.unstable.front().first, 1.0);
        QCOMPARE(wait.unstable.front().second, 3.5);
        const SweepLine *theory = line(wait, QStringLiteral("theory"));
        QVERIFY(theory);
        QVERIFY(theory->theory);
        QCOMPARE(theory->pieces.size(), std::size_t(1));
        QCOMPARE(theory->pieces.front().front().x(), 4.0); // from the first stable size
        QCOMPARE(theory->pieces.front().size(), std::size_t(5));
        QVERIFY(line(wait, QStringLiteral("theory p95")));
        QVERIFY(line(wait, QStringLiteral("mean"))->pieces.empty()); // nothing measured yet
        QCOMPARE(wait.xMin, 1.0);
        QCOMPARE(wait.xMax, 8.0);
        // Throughput: what arrives, or what the workers can do, whichever is less.
        const SweepSeries throughput
            = sweepSeries(SweepMetric::Throughput, spec("workers=1..8"), quickLoad(), {});
        const auto &points = line(throughput, QStringLiteral("theory"))->pieces.front();
        QCOMPARE(points.front().y(), 1.0 / (0.035 / 20.0)); // one worker of 1.75 ms jobs
        QCOMPARE(points.back().y(), 2000.0); // λ: 100 a second at 20 times the speed
    }

    void aChoiceIsLabelledAndNiceTicksAreRound()
    {
        const SweepSeries s
            = sweepSeries(SweepMetric::Latency, spec("distribution=fixed,exponential,lognormal"),
                          quickLoad(), {});
        QCOMPARE(s.xLabels,
                 (QStringList {QStringLiteral("fixed"), QStringLiteral("exponential"),
                               QStringLiteral("lognormal")}));
        QCOMPARE(s.currentX, std::optional<double>(1.0)); // the configuration's exponential
        QCOMPARE(s.xMin, -0.5);
        QVERIFY(near(niceTicks(0, 1, 4), {0, 0.5, 1.0}));
        QVERIFY(near(niceTicks(0, 1, 6), {0, 0.2, 0.4, 0.6, 0.8, 1.0}));
        QVERIFY(near(niceTicks(0, 1437, 4), {0, 500, 1000}));
        QVERIFY(near(niceTicks(90, 300, 3), {100, 200, 300}));
        QVERIFY(near(niceTicks(-0.3, 0.3, 3), {-0.2, 0, 0.2}));
        QVERIFY(niceTicks(5, 5, 4).empty());
    }

    // A sweep in the window: a row and a measured point per run, each run's file to open.
    void aSweepFillsTheTableAndTheCharts()
    {
        SweepWindow window;
        window.setBaseConfig(quickLoad());
        window.setKnob(KnobId::Workers);
        window.setRangeText(QStringLiteral("3..5"));
        QSignalSpy finished(&window, &SweepWindow::sweepFinished);
        QSignalSpy open(&window, &SweepWindow::openRunRequested);
        QVERIFY(window.startSweep());
        QVERIFY(window.isSweeping());
        QVERIFY(finished.wait(60000));
        QCOMPARE(window.rowCount(), 3);
        for (int r = 0; r < 3; ++r) {
            QCOMPARE(window.cellText(r, 0), QString::number(3 + r));
            QCOMPARE(window.cellText(r, 1), QStringLiteral("80"));
        }
        QVERIFY2(window.statusText().startsWith(QLatin1String("3 runs of workers 3, 4, 5 done")),
                 qPrintable(window.statusText()));
        const SweepSeries &utilization = window.chart(SweepMetric::Utilization)->series();
        const SweepLine *measured = line(utilization, QStringLiteral("measured"));
        QVERIFY(measured);
        QCOMPARE(measured->pieces.front().size(), std::size_t(3));
        for (const QPointF &p : measured->pieces.front())
            QVERIFY(p.y() > 0 && p.y() <= 1.0);
        const SweepSeries &hockey = window.chart(SweepMetric::HockeyStick)->series();
        QCOMPARE(line(hockey, QStringLiteral("measured"))->pieces.front().size(), std::size_t(3));
        // Double-clicking a row asks for its run.
        QMetaObject::invokeMethod(window.findChild<QObject *>(QStringLiteral("sweepTable")),
                                  "cellDoubleClicked", Q_ARG(int, 1), Q_ARG(int, 0));
        QCOMPARE(open.size(), 1);
        const QString path = open.at(0).at(0).toString();
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QCOMPARE(path, window.runner().points().at(1).runFile);
    }

    void aBadRangeSaysWhatIsWrongAndRunsNothing()
    {
        SweepWindow window;
        window.setBaseConfig(quickLoad());
        window.setKnob(KnobId::Workers);
        window.setRangeText(QStringLiteral("0..4"));
        QVERIFY(!window.startSweep());
        QVERIFY(!window.isSweeping());
        QVERIFY2(window.statusText().contains(QLatin1String("an integer from 1 to 256")),
                 qPrintable(window.statusText()));
        PoolConfig endless = quickLoad();
        endless.continuous = true;
        window.setBaseConfig(endless);
        window.setRangeText(QStringLiteral("1..2"));
        QVERIFY(!window.startSweep());
        QVERIFY2(window.statusText().contains(QLatin1String("must end")),
                 qPrintable(window.statusText()));
    }

    void cancellingStopsTheSweepAndKeepsWhatRan()
    {
        SweepWindow window;
        PoolConfig slow = quickLoad();
        slow.speed = 1; // a run of several seconds
        window.setBaseConfig(slow);
        window.setKnob(KnobId::Workers);
        window.setRangeText(QStringLiteral("1..4"));
        QSignalSpy finished(&window, &SweepWindow::sweepFinished);
        QVERIFY(window.startSweep());
        window.cancelSweep();
        QVERIFY(finished.wait(30000));
        QCOMPARE(window.rowCount(), 1);
        QVERIFY2(window.cellText(0, 0).contains(QLatin1String("cancelled")),
                 qPrintable(window.cellText(0, 0)));
        QVERIFY2(window.statusText().startsWith(QLatin1String("Cancelled after 1 of 4 runs")),
                 qPrintable(window.statusText()));
        QCOMPARE(window.runner().points().front().stats.results(),
                 window.runner().points().front().stats.submitted());
    }

    // Sizing: the theory's answer, then two runs at it and one fewer with the target drawn.
    void sizingAnswersAndChecksWithTwoRuns()
    {
        SweepWindow window;
        window.setBaseConfig(quickLoad());
        window.setTargetText(QStringLiteral("p_wait<=0.2"));
        QVERIFY(window.findWorkers());
        QVERIFY2(window.answerText().contains(QLatin1String("<b>6 workers</b>")),
                 qPrintable(window.answerText()));
        QSignalSpy finished(&window, &SweepWindow::sweepFinished);
        QVERIFY(window.verifyAnswer());
        QVERIFY(finished.wait(60000));
        QCOMPARE(window.rowCount(), 2);
        QCOMPARE(window.cellText(0, 0), QStringLiteral("5"));
        QCOMPARE(window.cellText(1, 0), QStringLiteral("6"));
        QCOMPARE(window.findChild<QLineEdit *>(QStringLiteral("sweepRange"))->text(),
                 QStringLiteral("5,6")); // the boxes show what ran
        QVERIFY(window.chart(SweepMetric::Wait)->series().xWhole);
        QVERIFY2(window.answerText().contains(QLatin1String("The runs agree"))
                     || window.answerText().contains(QLatin1String("The runs disagree")),
                 qPrintable(window.answerText()));
        // A wait target is drawn on the wait chart.
        window.setTargetText(QStringLiteral("p95_wait_ms<=50"));
        QVERIFY(window.findWorkers());
        QVERIFY(window.verifyAnswer());
        QVERIFY(finished.wait(60000));
        QCOMPARE(window.chart(SweepMetric::Wait)->series().targetY, std::optional<double>(50.0));
        QVERIFY(!window.chart(SweepMetric::Latency)->series().targetY);
        // A target no pool meets says why; a bad one says what is allowed.
        PoolConfig heavy = quickLoad();
        heavy.intervalMs = 0.1;
        window.setBaseConfig(heavy);
        window.setTargetText(QStringLiteral("utilization<=0.5"));
        QVERIFY(window.findWorkers());
        QVERIFY2(window.answerText().contains(QLatin1String("no pool of up to 256 workers")),
                 qPrintable(window.answerText()));
        window.setTargetText(QStringLiteral("p_wait<=7"));
        QVERIFY(!window.findWorkers());
        QVERIFY2(window.answerText().contains(QLatin1String("at most 1")),
                 qPrintable(window.answerText()));
    }
};

QTEST_MAIN(TestSweepWindow)
#include "tst_sweepwindow.moc"
