#include "engine/runrecording.h"
#include "engine/workerpool.h"
#include "eventscript.h"
#include "poolharness.h"
#include "ui/controlpanel.h"
#include "ui/mainwindow.h"
#include "ui/numberstrip.h"
#include "ui/runmodel.h"
#include "ui/statspanel.h"
#include "ui/sweepwindow.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <set>

using namespace gui;

namespace {
MainWindow::Options testOptions()
{
    MainWindow::Options options;
    options.restoreSettings = false;
    options.useGivenConfig = true;
    options.confirmDiscard = false; // tests start run after run; one test asks
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
        // The run over, the views show all of it (a little margin after its end), and every
        // job is a bar of its own.
        // (The model can see the run's end a frame before the pool's finished signal arrives.)
        const std::int64_t end = window.runModel()->endT();
        QTRY_COMPARE_WITH_TIMEOUT(window.timeWindow()->range().end, end + end / 50, 10000);
        QCOMPARE(window.timeWindow()->range().start, 0);
        QVERIFY(!window.timeWindow()->followLive());
        auto *status = window.statusBar()->findChild<QLabel *>();
        QVERIFY2(status->text().endsWith(QLatin1String("the whole run")),
                 qPrintable(status->text()));
        window.timeline()->grab();
        QCOMPARE(window.timeline()->barsPainted(), 15);
        QCOMPARE(window.timeline()->laneCount(), 3);
    }

    // Zoomed during the run, the window stays where the person put it when the run ends.
    void aRunThatEndsStaysWhereThePersonPutIt()
    {
        engine::PoolConfig config;
        config.speed = 25;
        MainWindow window(config, testOptions());
        window.show();
        // Queued after the window's own handler of the same signal, so delivered after it.
        bool handled = false;
        connect(
            window.pool(), &engine::WorkerPool::finished, this, [&handled] { handled = true; },
            Qt::QueuedConnection);
        window.startRun();
        window.timeWindow()->zoomBy(8.0); // before the run can have ended: its events wait for us
        QVERIFY(!handled);
        const std::int64_t length = window.timeWindow()->range().length();
        QTRY_VERIFY_WITH_TIMEOUT(handled, 20000);
        // Not the whole run (its 76 ms and a margin), which a window left alone shows.
        const std::int64_t end = window.runModel()->endT();
        QVERIFY(length != end + end / 50);
        QCOMPARE(window.timeWindow()->range().length(), length);
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
        const int atThree = slider->value();
        spin->setValue(6); // as if typed; the slider follows
        QVERIFY2(slider->value() > atThree, qPrintable(QString::number(slider->value())));
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->liveLaneCount(), 6, 10000);
        QCOMPARE(window.pool()->workerCount(), 6);
        spin->setValue(2);
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->liveLaneCount(), 2, 10000);
        QCOMPARE(window.timeline()->laneCount(), 6); // retired lanes stay, dimmed
        window.cancelRun();
    }

    // A save, export or open that takes long shows its progress with a Cancel (here at once: the
    // threshold is 0 ms instead of 500). Cancel leaves no file, not even a temporary one, and
    // opens nothing; without it the export is whole. The Cancel below is handled before the
    // export can end, whatever the machine's speed: it is already waiting when the window starts
    // to wait for the writer.
    void longSavesShowTheirProgressAndCancelLeavesNothing()
    {
        QTemporaryDir dir;
        engine::RunRecording big;
        big.config.jobs = 200'000;
        big.events = testsupport::sequentialRun(big.config.jobs);
        const QString source = dir.filePath(QStringLiteral("big.psrun"));
        QFile sourceFile(source);
        QVERIFY(sourceFile.open(QIODevice::WriteOnly));
        QVERIFY(engine::writeRunFile(big, sourceFile, nullptr));
        sourceFile.close();

        MainWindow::Options options = testOptions();
        options.progressAfterMs = 0;
        MainWindow window(engine::PoolConfig {}, options);
        window.show();
        QVERIFY(window.openFile(source));
        // Presses the progress dialog's Cancel as soon as the window waits; says what it saw.
        const auto cancelSoon = [&window](QString *label) {
            QTimer::singleShot(0, &window, [&window, label] {
                auto *progress = window.findChild<QProgressDialog *>();
                auto *cancel = progress ? progress->findChild<QPushButton *>() : nullptr;
                if (progress && progress->isVisible() && cancel) {
                    *label = progress->labelText();
                    cancel->click();
                }
            });
        };
        const QString trace = dir.filePath(QStringLiteral("big.trace.json"));
        QString label;
        cancelSoon(&label);
        QVERIFY(!window.exportTo(trace, QStringLiteral("trace")));
        QCOMPARE(label, QStringLiteral("Writing big.trace.json…"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList {QStringLiteral("big.psrun")});
        auto *status = window.statusBar()->findChild<QLabel *>();
        QVERIFY2(status->text().contains(QLatin1String("cancelled")), qPrintable(status->text()));

        QVERIFY(window.exportTo(trace, QStringLiteral("trace")));
        QFile written(trace);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QString error;
        const auto back = engine::readRecording(written, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->events.size(), big.events.size());

        cancelSoon(&label);
        QVERIFY(!window.openFile(trace));
        QCOMPARE(label, QStringLiteral("Reading big.trace.json…"));
        QCOMPARE(QFileInfo(window.windowFilePath()).fileName(), QStringLiteral("big.psrun"));
    }

    void aRunExportsAndReplaysTheSame()
    {
        engine::PoolConfig config;
        config.speed = 50;
        config.failRatePercent = 20;
        config.seed = 77;
        MainWindow window(config, testOptions());
        window.show();
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run.psrun"));
        const QString trace = dir.filePath(QStringLiteral("run.trace.json"));
        const QString csv = dir.filePath(QStringLiteral("results.csv"));
        const QString png = dir.filePath(QStringLiteral("timeline.png"));
        const QString perfetto = dir.filePath(QStringLiteral("run.pftrace"));
        QVERIFY(window.exportTo(run, QStringLiteral("run")));
        QVERIFY(window.exportTo(trace, QStringLiteral("trace")));
        QVERIFY(window.exportTo(perfetto, QStringLiteral("perfetto")));
        QFile perfettoFile(perfetto);
        QVERIFY(perfettoFile.open(QIODevice::ReadOnly));
        QVERIFY(perfettoFile.read(1) == QByteArray(1, '\x0a')); // a Trace's first packet
        QVERIFY(window.exportTo(csv, QStringLiteral("csv")));
        QVERIFY(window.exportTo(png, QStringLiteral("timeline-png")));
        QVERIFY(!QImage(png).isNull());
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        QCOMPARE(csvFile.readAll().trimmed().split('\n').size(), 16); // header + 15 rows
        const auto liveStats = window.runModel()->stats();

        // Replayed from either file, the model ends where the live run ended.
        for (const QString &path : {run, trace}) {
            QVERIFY(window.openFile(path));
            window.toggleReplay(); // a file opens paused at its start
            QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
            QCOMPARE(window.runModel()->completionOrder().size(), std::size_t(15));
            QCOMPARE(window.runModel()->stats().count(engine::JobStatus::Failed),
                     liveStats.count(engine::JobStatus::Failed));
            QCOMPARE(window.resultsView()->model()->rowCount(), 15);
        }
    }

    // Tools ▸ Sweep and size… opens the sweep window on the control panel's configuration (and
    // keeps it there as the panel changes); a point's run opens in the main window as a replay.
    void theSweepWindowSweepsTheCurrentConfigurationAndOpensItsRuns()
    {
        engine::PoolConfig config;
        config.jobs = 30;
        config.speed = 50;
        config.seed = 3;
        MainWindow window(config, testOptions());
        window.show();
        QAction *tools = nullptr;
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Sweep and size…"))
                tools = action;
        }
        QVERIFY(tools);
        tools->trigger();
        auto *sweep = window.findChild<SweepWindow *>();
        QVERIFY(sweep);
        QVERIFY(sweep->isVisible());
        QCOMPARE(sweep->baseConfig(), window.controlPanel()->config());
        auto *workers = window.controlPanel()->findChild<QSpinBox *>(QStringLiteral("workersSpin"));
        workers->setValue(5);
        QCOMPARE(sweep->baseConfig().workers, 5);
        sweep->setKnob(engine::KnobId::Workers);
        sweep->setRangeText(QStringLiteral("4,5"));
        QSignalSpy finished(sweep, &SweepWindow::sweepFinished);
        QVERIFY(sweep->startSweep());
        QVERIFY(finished.wait(30000));
        QCOMPARE(sweep->rowCount(), 2);
        Q_EMIT sweep->openRunRequested(sweep->runner().points().at(1).runFile);
        QVERIFY(window.isReplaying());
        QCOMPARE(window.controlPanel()->config().workers, 5);
        window.toggleReplay();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        QCOMPARE(window.runModel()->stats().results(), 30);
    }

    void aBadFileOpensAnErrorNotACrash()
    {
        MainWindow window(engine::PoolConfig {}, testOptions());
        window.show();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.psrun"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("PSRUN\r\n\x1a\x01\x00\x00\x00\xff\xff");
        file.close();
        QString shown;
        // The error dialog is modal: read it and close it as a person would.
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->accept();
            }
        });
        closer.start(20);
        QVERIFY(!window.openFile(path));
        QVERIFY2(shown.contains(QLatin1String("broken.psrun")), qPrintable(shown));
        QVERIFY2(shown.contains(QLatin1String("truncated")), qPrintable(shown));
        QVERIFY(!window.openFile(dir.filePath(QStringLiteral("missing.psrun"))));
        QVERIFY(shown.contains(QLatin1String("missing.psrun")));
        closer.stop();
        // The window still works.
        window.startRun();
        QVERIFY(window.pool()->isRunning());
        window.cancelRun();
    }

    // A file opens paused at its start; Space plays and pauses it and never starts a live run;
    // Start is off while a replay is open.
    void spaceInAReplayPlaysAndPausesIt()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run.psrun"));
        engine::PoolConfig config;
        config.speed = 50;
        config.seed = 9;
        MainWindow window(config, testOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        QVERIFY(window.exportTo(run, QStringLiteral("run")));
        QVERIFY(window.openFile(run));
        auto *start = window.findChild<QPushButton *>(QStringLiteral("startButton"));
        QVERIFY(window.isReplaying());
        QVERIFY(!window.isReplayPlaying());
        QVERIFY(!start->isEnabled());
        QVERIFY(window.runModel()->completionOrder().empty()); // at its start
        QTest::keyClick(&window, Qt::Key_Space);
        QVERIFY(window.isReplayPlaying());
        QTest::keyClick(&window, Qt::Key_Space);
        QVERIFY(!window.isReplayPlaying());
        QVERIFY(window.isReplaying());
        QVERIFY(!window.pool()->isRunning());
        // Played to its end, Space plays it again from the start, still no live run.
        QTest::keyClick(&window, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isReplayPlaying(), 20000);
        QCOMPARE(window.runModel()->completionOrder().size(), std::size_t(15));
        QTest::keyClick(&window, Qt::Key_Space);
        QVERIFY(window.isReplayPlaying());
        QVERIFY(window.isReplaying());
        QVERIFY(!window.pool()->isRunning());
        window.resetRun(); // "Close replay"
        QVERIFY(!window.isReplaying());
        QVERIFY(start->isEnabled());
    }

    // The status bar and the strip of numbers say the same, refreshed together (ten times a
    // second while a run goes: sampled during a run, their counts agree and never run ahead of
    // the model's, and they move); W (whole run) says at once that the view no longer follows;
    // at the end they are the model's.
    void theStatusBarShowsWhatTheViewsShow()
    {
        engine::PoolConfig config;
        config.workers = 4;
        config.jobs = 4000; // 20 s of sends: still running when the sampling below ends
        config.intervalMs = 5;
        config.minMs = 10;
        config.maxMs = 40;
        MainWindow window(config, testOptions());
        window.show();
        auto *status = window.statusBar()->findChild<QLabel *>();
        QVERIFY(status);
        auto *numbers = window.findChild<NumberStrip *>(QStringLiteral("numberStrip"));
        QVERIFY(numbers && numbers->isVisible());
        const QRegularExpression inStatus(QStringLiteral("(\\d+) of (\\d+) results · queue"));
        const QRegularExpression inStrip(QStringLiteral("<b>(\\d+) of (\\d+)</b>"));
        window.startRun();
        int sampled = 0;
        std::set<std::int64_t> seen;
        while (window.pool()->isRunning() && sampled < 40) {
            QTest::qWait(23);
            const RunModel &m = *window.runModel();
            const auto a = inStatus.match(status->text());
            const auto b = inStrip.match(numbers->text());
            QVERIFY2(a.hasMatch(), qPrintable(status->text()));
            QVERIFY2(b.hasMatch(), qPrintable(numbers->text()));
            QCOMPARE(a.captured(1), b.captured(1)); // results
            QCOMPARE(a.captured(2), b.captured(2)); // submitted
            QVERIFY(a.captured(1).toLongLong() <= m.stats().results());
            QVERIFY(a.captured(2).toLongLong() <= m.submittedCount());
            seen.insert(a.captured(2).toLongLong());
            ++sampled;
        }
        QVERIFY2(seen.size() >= 3, qPrintable(QString::number(seen.size())));
        QVERIFY(sampled > 10);
        QVERIFY(window.pool()->isRunning()); // a finished run's whole is not a pan
        QVERIFY(status->text().contains(QLatin1String("following live")));
        QTest::keyClick(&window, Qt::Key_W);
        QVERIFY2(status->text().contains(QLatin1String("panned")), qPrintable(status->text()));
        window.cancelRun();
        QTRY_VERIFY(!window.pool()->isRunning());
        const RunModel &m = *window.runModel();
        QTRY_VERIFY2(status->text().contains(QStringLiteral("%1 of %2 results")
                                                 .arg(m.stats().results())
                                                 .arg(m.submittedCount())),
                     qPrintable(status->text()));
        QVERIFY2(numbers->text().contains(QStringLiteral("<b>%1 of %2</b>")
                                              .arg(m.stats().results())
                                              .arg(m.stats().submitted())),
                 qPrintable(numbers->text()));
    }

    // Help holds the shortcuts (every one the window has) and a guide; the toolbar a colour key.
    void helpListsTheShortcutsAndTheColoursHaveAKey()
    {
        MainWindow window(engine::PoolConfig {}, testOptions());
        window.show();
        QStringList shown;
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                shown << box->text();
                box->close();
            }
        });
        closer.start(20);
        QMenu *help = nullptr;
        for (QAction *menu : window.menuBar()->actions())
            if (menu->text() == QLatin1String("&Help"))
                help = menu->menu();
        QVERIFY(help);
        for (QAction *action : help->actions())
            if (action->text().contains(QLatin1String("shortcuts"))
                || action->text().contains(QLatin1String("Guide")))
                action->trigger();
        closer.stop();
        QCOMPARE(shown.size(), 2);
        const QString guide = shown.at(0), keys = shown.at(1);
        QVERIFY(guide.contains(QLatin1String("Pipeline"))
                && guide.contains(QLatin1String("Timeline")));
        for (const char *expected :
             {"Space", "Start / Pause", "Zoom in", "Whole run", "Follow live", "Home",
              "End of the run", "Earlier", "Open run"})
            QVERIFY2(keys.contains(QLatin1String(expected)), expected);
        auto *key = window.findChild<QLabel *>(QStringLiteral("colourKey"));
        QVERIFY(key);
        for (const char *expected :
             {"running", "completed", "failed", "cancelled", "blocked", "paused"})
            QVERIFY2(key->text().contains(QLatin1String(expected)), expected);
    }

    // A live run nobody saved is not thrown away without asking: Cancel keeps it, Discard lets
    // the new run start.
    void startingOverAnUnsavedRunAsks()
    {
        engine::PoolConfig config;
        config.speed = 50;
        config.seed = 3;
        MainWindow::Options options = testOptions();
        options.confirmDiscard = true;
        MainWindow window(config, options);
        window.show();
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
        QMessageBox::StandardButton answer = QMessageBox::Cancel;
        QString asked;
        QTimer answerer;
        connect(&answerer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                asked = box->text();
                box->button(answer)->click();
            }
        });
        answerer.start(20);
        window.startRun();
        QVERIFY2(asked.contains(QLatin1String("not saved")), qPrintable(asked));
        QVERIFY(!window.pool()->isRunning());
        QVERIFY(window.runModel()->finished()); // the old run is still there
        asked.clear();
        window.resetRun();
        QVERIFY(!asked.isEmpty());
        QVERIFY(window.runModel()->finished());
        answer = QMessageBox::Discard;
        asked.clear();
        window.startRun();
        QVERIFY(!asked.isEmpty());
        QVERIFY(window.pool()->isRunning());
        answerer.stop();
        window.cancelRun();
        window.pool()->waitForFinished();
    }

    // Another program's feed, live: its events reach the views as they are written, the knobs
    // are disabled while it runs, and Stop ends it with every job accounted for.
    void aFeedIsFollowedLiveAndStopEndsIt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pool.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("{\"feed\": \"poolscope\", \"unit\": \"ms\", \"process\": \"demo\"}\n"
                   "{\"t\": 0, \"ev\": \"submit\", \"job\": 1}\n"
                   "{\"t\": 0, \"ev\": \"submit\", \"job\": 2}\n"
                   "{\"t\": 1, \"ev\": \"start\", \"job\": 1, \"worker\": 1}\n"
                   "{\"t\": 2, \"ev\": \"start\", \"job\": 2, \"worker\": 2}\n");
        MainWindow window(engine::PoolConfig {}, testOptions());
        window.show();
        QVERIFY(window.followFeed(path, engine::FeedDecoder::Format::Auto));
        QVERIFY(window.isFollowing());
        auto *workers = window.controlPanel()->findChild<QSpinBox *>(QStringLiteral("workersSpin"));
        QVERIFY(workers && !workers->isEnabled()); // observed, not controlled
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->submittedCount(), 2, 10000);
        // Observed: no plan to predict from, and no queue capacity until the feed says one.
        QVERIFY(window.runModel()->observed());
        QCOMPARE(window.runModel()->queueCapacity(), -1);
        auto *stats = window.findChild<StatsPanel *>();
        QVERIFY(stats);
        QVERIFY2(stats->theoryText().contains(QLatin1String("no plan")),
                 qPrintable(stats->theoryText()));
        file.write("{\"t\": 40, \"ev\": \"finish\", \"job\": 1, \"worker\": 1, \"capacity\": 8}\n");
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->stats().results(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->queueCapacity(), 8, 10000);
        QVERIFY(window.isFollowing()); // a file's end is a pause, not the feed's end
        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isFollowing() && window.runModel()->finished(), 10000);
        QCOMPARE(window.runModel()->stats().results(), 2); // job 2 ended Cancelled
        QCOMPARE(window.runModel()->stats().count(engine::JobStatus::Cancelled), 1);
        window.resetRun();
        QVERIFY(workers->isEnabled()); // the knobs are Poolscope's own pool's again
        QVERIFY(!window.runModel()->observed());
        QCOMPARE(window.runModel()->queueCapacity(),
                 window.controlPanel()->config().effectiveQueueCapacity());
        QVERIFY(!stats->theoryText().contains(QLatin1String("no plan")));
    }

    void aFeedThatCannotBeReadSaysSo()
    {
        MainWindow window(engine::PoolConfig {}, testOptions());
        QString shown;
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->accept();
            }
        });
        closer.start(20);
        QVERIFY(!window.followFeed(QStringLiteral("/nonexistent/feed.jsonl"),
                                   engine::FeedDecoder::Format::Auto));
        QVERIFY2(shown.contains(QLatin1String("/nonexistent/feed.jsonl")), qPrintable(shown));
        QVERIFY(!window.isFollowing());
        QVERIFY(window.controlPanel()
                    ->findChild<QSpinBox *>(QStringLiteral("workersSpin"))
                    ->isEnabled());
    }

    // Closed during a replay, the window saves its replay bar shown; opened again for a live
    // run, it must not show a replay's controls.
    void aReplayOpenAtCloseDoesNotComeBackWithTheNextWindow()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run.psrun"));
        engine::PoolConfig config;
        config.speed = 50;
        config.seed = 5;
        MainWindow::Options saving;
        saving.useGivenConfig = true;
        {
            MainWindow window(config, saving);
            window.show();
            window.startRun();
            QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 20000);
            QVERIFY(window.exportTo(run, QStringLiteral("run")));
            QVERIFY(window.openFile(run));
            QVERIFY(window.findChild<QToolBar *>(QStringLiteral("replayBar"))->isVisible());
            QVERIFY(window.close()); // saves, replay bar shown
        }
        MainWindow again(config, saving);
        again.show();
        QVERIFY(!again.findChild<QToolBar *>(QStringLiteral("replayBar"))->isVisible());
        QSettings().clear();
    }

    void theLastConfigurationIsRemembered()
    {
        engine::PoolConfig config;
        config.workers = 7;
        config.distribution = engine::Distribution::LogNormal;
        config.meanMs = 42.5;
        config.seed = 99;
        MainWindow::Options remembering;
        remembering.useGivenConfig = true;
        {
            MainWindow window(config, remembering);
            window.show();
            QVERIFY(window.close()); // saves
        }
        MainWindow::Options restoring; // no flags: the saved configuration wins
        MainWindow again(engine::PoolConfig {}, restoring);
        QCOMPARE(again.controlPanel()->config(), config);
        // A damaged entry falls back to the reference instead of starting an invalid run.
        QSettings().setValue(QStringLiteral("run/config"),
                             QVariantMap {{QStringLiteral("workers"), 1e300}});
        MainWindow damaged(engine::PoolConfig {}, restoring);
        QCOMPARE(damaged.controlPanel()->config(), engine::PoolConfig {});
        QSettings().clear();
    }

    void rapidConfigChangesFromTheWindowKeepTheContract()
    {
        engine::PoolConfig config;
        config.jobs = 3000;
        config.intervalMs = 0.2;
        config.minMs = 0;
        config.maxMs = 3;
        MainWindow window(config, testOptions());
        window.show();
        window.startRun();
        auto *workers = window.controlPanel()->findChild<QSpinBox *>(QStringLiteral("workersSpin"));
        auto *speed
            = window.controlPanel()->findChild<QDoubleSpinBox *>(QStringLiteral("speedSpin"));
        auto *interval
            = window.controlPanel()->findChild<QDoubleSpinBox *>(QStringLiteral("intervalSpin"));
        auto *jobs = window.controlPanel()->findChild<QSpinBox *>(QStringLiteral("jobsSpin"));
        QVERIFY(workers && speed && interval && jobs);
        QRandomGenerator random(11);
        for (int i = 0; i < 400 && window.pool()->isRunning(); ++i) {
            workers->setValue(random.bounded(1, 33));
            speed->setValue(0.5 + random.generateDouble() * 20);
            interval->setValue(random.generateDouble() * 2);
            jobs->setValue(random.bounded(1, 5000)); // next run only
            QCoreApplication::processEvents();
        }
        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->finished(), 60000);
        const auto &stats = window.runModel()->stats();
        QCOMPARE(stats.results(), stats.submitted());
        QCOMPARE(stats.count(engine::JobStatus::Cancelled), 0);
        QCOMPARE(window.runModel()->liveLaneCount(), 0);
    }

    void aDarkPaletteGivesLegibleViews()
    {
        MainWindow window(engine::PoolConfig {}, testOptions());
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        window.setPalette(dark);
        window.resize(1280, 800);
        window.show();
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->completionOrder().size() >= 3, 20000);
        const QImage picture = window.timeline()->grab().toImage();
        // The background follows the palette: dark; and bars and labels stand out from it.
        QCOMPARE(picture.pixelColor(picture.width() - 2, 10).lightness() < 80, true);
        int bars = 0, text = 0;
        for (int y = 0; y < picture.height(); y += 2) {
            for (int x = 0; x < picture.width(); x += 2) {
                const QColor c = picture.pixelColor(x, y);
                bars += c.hslSaturation() > 100 && c.lightness() > 90; // the job bars' blue
                text += c.hslSaturation() < 30 && c.lightness() > 170; // labels and axis text
            }
        }
        QVERIFY2(bars > 50 && text > 50,
                 qPrintable(QStringLiteral("%1 bar, %2 text pixels").arg(bars).arg(text)));
        // To look at when it fails: POOLSCOPE_TEST_PICTURES=folder keeps the picture there.
        if (const QString folder = qEnvironmentVariable("POOLSCOPE_TEST_PICTURES");
            !folder.isEmpty()) {
            picture.save(QDir(folder).filePath(QStringLiteral("dark-timeline.png")));
            window.grab().save(QDir(folder).filePath(QStringLiteral("dark-window.png")));
        }
        window.cancelRun();
    }

    void closingMidRunCancelsAndJoinsEveryThread()
    {
        // Taken here, after earlier windows made whatever threads Qt itself keeps.
        const int baseline = harness::threadCount();
        {
            engine::PoolConfig config;
            config.workers = 64;
            config.jobs = 1000;
            config.intervalMs = 0;
            config.distribution = engine::Distribution::Fixed;
            config.meanMs = 10'000;
            MainWindow window(config, testOptions());
            window.show();
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->busyWorkers(), 64, 10000);
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
