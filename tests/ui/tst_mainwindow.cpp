#include "controlpanel.h"
#include "mainwindow.h"
#include "poolharness.h"
#include "runmodel.h"
#include "timelineview.h"
#include "timewindow.h"
#include "workerpool.h"

#include <QAbstractItemModel>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace gui;

namespace {
MainWindow::Options testOptions()
{
    MainWindow::Options options;
    options.restoreSettings = false;
    options.useGivenConfig = true;
    return options;
}

int closedBusySpans(const RunModel &model)
{
    int bars = 0;
    for (const Lane &lane : model.lanes())
        for (const Span &span : lane.spans)
            bars += span.kind == Span::Busy && span.end >= 0;
    return bars;
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void theReferenceRunEndsWithFifteenResultsAndFifteenBars()
    {
        engine::PoolConfig config; // the reference, sped up
        config.speed = 25;
        MainWindow window(config, testOptions());
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(window.resultsView()->model()->rowCount(), 15, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        QCOMPARE(closedBusySpans(*window.runModel()), 15);
        // Painted: show the whole run, then every job is a bar of its own.
        window.timeWindow()->setFollowLive(false);
        window.timeWindow()->setRange({0, window.runModel()->endT()});
        window.timeline()->grab();
        QCOMPARE(window.timeline()->barsPainted(), 15);
        QCOMPARE(window.timeline()->laneCount(), 3);
    }

    void theWorkersSliderResizesTheLivePool()
    {
        engine::PoolConfig config;
        config.jobs = 100000;
        config.intervalMs = 1;
        config.minMs = 20;
        config.maxMs = 40;
        MainWindow window(config, testOptions());
        window.show();
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->liveLaneCount(), 3, 10000);
        auto *slider = window.controlPanel()->findChild<QSlider *>(QStringLiteral("workersSlider"));
        auto *spin = window.controlPanel()->findChild<QSpinBox *>(QStringLiteral("workersSpin"));
        QVERIFY(slider && spin);
        spin->setValue(6); // as if typed; the slider follows
        QCOMPARE(slider->value() > 0, true);
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->liveLaneCount(), 6, 10000);
        QCOMPARE(window.pool()->workerCount(), 6);
        spin->setValue(2);
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->liveLaneCount(), 2, 10000);
        QCOMPARE(window.timeline()->laneCount(), 6); // retired lanes stay, dimmed
        window.cancelRun();
    }

    void closingMidRunCancelsAndJoinsEveryThread()
    {
        // Taken here, after earlier windows made whatever threads Qt itself keeps.
        const int baseline = harness::threadCount();
        {
            engine::PoolConfig config;
            config.workers = 16;
            config.jobs = 1000;
            config.intervalMs = 0;
            config.distribution = engine::Distribution::Fixed;
            config.meanMs = 10'000;
            MainWindow window(config, testOptions());
            window.show();
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->busyWorkers(), 16, 10000);
            QElapsedTimer timer;
            timer.start();
            QVERIFY(window.close());
            QVERIFY(!window.pool()->isRunning());
            // 10 s jobs: a close that waited for them would take 10 s.
            QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        }
        QTRY_VERIFY_WITH_TIMEOUT(harness::threadCount() <= baseline, 5000);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
