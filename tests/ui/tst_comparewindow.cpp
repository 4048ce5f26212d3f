#include "engine/workerpool.h"
#include "eventscript.h"
#include "poolharness.h"
#include "testprinting.h"
#include "ui/comparewindow.h"
#include "ui/controlpanel.h"
#include "ui/mainwindow.h"
#include "ui/overlaychart.h"
#include "ui/runmodel.h"
#include "ui/timewindow.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace engine;
using namespace gui;

namespace {

RunRecording recordRun(int workers, std::uint64_t seed)
{
    PoolConfig config;
    config.workers = workers;
    config.jobs = 120;
    config.arrival = ArrivalPattern::Poisson;
    config.intervalMs = 2;
    config.distribution = Distribution::Exponential;
    config.meanMs = 5;
    config.seed = seed;
    WorkerPool pool;
    RunRecording run;
    run.config = config;
    run.seed = seed;
    if (!pool.start(config) || !harness::collectUntilFinished(pool, run.events))
        qFatal("the run did not finish");
    run.failures = pool.takeFailureMessages();
    return run;
}

MainWindow::Options quietOptions()
{
    MainWindow::Options options;
    options.restoreSettings = false;
    options.useGivenConfig = true;
    options.confirmDiscard = false;
    return options;
}

} // namespace

class TestCompareWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_a = recordRun(2, 5);
        m_b = recordRun(4, 5);
    }

    // Both runs whole, on one time axis; every figure in the table, with B − A.
    void twoRunsShareOneTimeAxisAndATable()
    {
        CompareWindow window(m_a, QStringLiteral("a.psrun"), m_b, QStringLiteral("b.psrun"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.model(0).stats().results(), 120);
        QCOMPARE(window.model(1).stats().results(), 120);
        QCOMPARE(window.model(0).lanes().size(), std::size_t(2));
        QCOMPARE(window.model(1).lanes().size(), std::size_t(4));
        // The axis spans the longer run.
        const std::int64_t end = std::max(window.model(0).endT(), window.model(1).endT());
        QVERIFY(window.timeWindow()->range().start <= 0);
        QVERIFY(window.timeWindow()->range().end >= end);
        QCOMPARE(window.comparison().configDifferences,
                 QStringList {QStringLiteral("workers 2 → 4")});
        QCOMPARE(window.rowCount(), int(window.comparison().figures.size()));
        QCOMPARE(window.cellText(0, 0), QStringLiteral("jobs sent"));
        QCOMPARE(window.cellText(0, 1), QStringLiteral("120"));
        QCOMPARE(window.cellText(0, 3), QStringLiteral("0"));
        for (int r = 0; r < window.rowCount(); ++r) {
            if (window.cellText(r, 0) == QLatin1String("wait mean")) {
                QVERIFY2(window.cellText(r, 4).contains(QLatin1String("outside"))
                             || window.cellText(r, 4).contains(QLatin1String("within")),
                         qPrintable(window.cellText(r, 4)));
            }
        }
        // Zooming one zooms both: they read the one window.
        window.timeWindow()->zoomBy(2.0);
        QVERIFY(window.timeWindow()->range().end - window.timeWindow()->range().start < end);
    }

    // The depth overlay reads the queue's own depth after each operation; a column holds the
    // highest depth in it, and the depth held from before it.
    void theDepthOverlayHoldsTheHighestDepthOfAColumn()
    {
        testsupport::Script script;
        script.at(1)
            .submit(1, 1)
            .at(2)
            .submit(2, 2)
            .at(3)
            .submit(3, 3)
            .at(4)
            .start(1, 1, 2)
            .at(8)
            .start(2, 1, 1);
        const auto samples = OverlayChart::depthSamples(script.events());
        QCOMPARE(samples.size(), std::size_t(5));
        QCOMPARE(OverlayChart::maxDepth(samples, 0, testsupport::ms), 0);
        QCOMPARE(OverlayChart::maxDepth(samples, 0, 5 * testsupport::ms), 3);
        QCOMPARE(OverlayChart::maxDepth(samples, 5 * testsupport::ms, 6 * testsupport::ms), 2);
        QCOMPARE(OverlayChart::maxDepth(samples, 9 * testsupport::ms, 10 * testsupport::ms), 1);
    }

    // File ▸ Compare with a saved run…: the file as A, the run in the window as B; with the
    // previous run: the one before this, both live.
    void theMainWindowComparesWithASavedOrThePreviousRun()
    {
        QTemporaryDir dir;
        const QString saved = dir.filePath(QStringLiteral("a.psrun"));
        QFile file(saved);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(writeRunFile(m_a));
        file.close();

        PoolConfig config = m_b.config;
        config.speed = 10;
        MainWindow window(config, quietOptions());
        window.show();
        // The error dialogs are modal: read and close them as a person would.
        QStringList shown;
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&shown] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                shown << box->text();
                box->accept();
            }
        });
        closer.start(20);
        QVERIFY(!window.compareWithFile(saved)); // no run in the window yet
        QVERIFY(!window.compareWithPrevious()); // nor two runs
        QCOMPARE(shown.size(), 2);
        QVERIFY2(shown.at(1).contains(QLatin1String("two live runs")), qPrintable(shown.at(1)));
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        CompareWindow *compare = window.compareWithFile(saved);
        QVERIFY(compare);
        QCOMPARE(compare->model(0).stats().results(), 120);
        QCOMPARE(compare->model(1).stats().results(), 120);
        QCOMPARE(compare->model(1).config().speed, 10.0);
        compare->close(); // deletes itself

        window.controlPanel()->setConfig(m_a.config);
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        compare = window.compareWithPrevious();
        QVERIFY(compare);
        QCOMPARE(compare->model(0).config().workers, 4); // the run before
        QCOMPARE(compare->model(1).config().workers, 2); // this one
        QCOMPARE(compare->model(0).stats().results(), 120);
        QCOMPARE(compare->model(1).stats().results(), 120);
        compare->close();
        QVERIFY(!window.compareWithFile(dir.filePath(QStringLiteral("missing.psrun"))));
        QVERIFY2(shown.constLast().contains(QLatin1String("missing.psrun")),
                 qPrintable(shown.constLast()));
    }

private:
    RunRecording m_a;
    RunRecording m_b;
};

QTEST_MAIN(TestCompareWindow)
#include "tst_comparewindow.moc"
