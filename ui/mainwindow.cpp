#include "ui/mainwindow.h"

#include "engine/backgroundwriter.h"
#include "engine/durationformat.h"
#include "engine/feedsource.h"
#include "engine/perfettotrace.h"
#include "engine/redispool.h"
#include "engine/rediswatch.h"
#include "engine/workerpool.h"
#include "ui/comparewindow.h"
#include "ui/configsettings.h"
#include "ui/controlpanel.h"
#include "ui/longtask.h"
#include "ui/numberstrip.h"
#include "ui/pipelineview.h"
#include "ui/queuechart.h"
#include "ui/resultsmodel.h"
#include "ui/runmodel.h"
#include "ui/statspanel.h"
#include "ui/sweepwindow.h"
#include "ui/theme.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryFile>
#include <QToolBar>
#include <QVBoxLayout>

namespace gui {

using namespace engine;

namespace {
constexpr int kFrameMs = 16;
constexpr int kStatsEveryMs = 250;
constexpr int kNumbersEveryMs = 100;
constexpr int kMaxLogBlocks = RunModel::kMaxLogLines;
} // namespace

MainWindow::MainWindow(const PoolConfig &config, QWidget *parent)
    : MainWindow(config, Options {}, parent)
{ }

MainWindow::MainWindow(const PoolConfig &config, Options options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_pool(new WorkerPool(WorkerPool::Options {.recordEvents = true,
                                                 .eventBacklogLimit = kEventBacklog,
                                                 .eventChunk = kEventChunk,
                                                 .backgroundPriority = true},
                            this))
    , m_feed(new FeedSource(this))
    , m_redisPool(new redis::RedisPool(this))
    , m_redisWatch(new redis::RedisWatch(this))
    , m_model(new RunModel(this))
    , m_window(new TimeWindow(this))
{
    m_model->setRowOverheadBytes(kResultRowBytes);
    setWindowTitle(tr("Poolscope"));
    placeOnScreen(); // until the saved geometry says otherwise
    buildUi();
    buildActions();
    buildMenus();
    buildReplayBar();
    setAcceptDrops(true);
    m_controls->setConfig(config);
    if (m_options.restoreSettings)
        restoreSettings();
    m_model->reset(m_controls->config());
    applyTheme();
    updateRunState();

    // A source (the pool, or a feed) signals at most once per batch; the frame timer drains.
    const auto wake = [this] {
        if (!m_frameTimer.isActive())
            m_frameTimer.start();
    };
    connect(m_pool, &WorkerPool::eventsAvailable, this, wake, Qt::QueuedConnection);
    connect(m_pool, &WorkerPool::finished, this, &MainWindow::onRunFinished, Qt::QueuedConnection);
    for (LiveSource *source :
         std::initializer_list<LiveSource *> {m_feed, m_redisPool, m_redisWatch}) {
        connect(source, &LiveSource::eventsAvailable, this, wake, Qt::QueuedConnection);
        connect(source, &LiveSource::finished, this, &MainWindow::onRunFinished,
                Qt::QueuedConnection);
    }
    m_frameTimer.setInterval(kFrameMs);
    m_frameTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_frameTimer, &QTimer::timeout, this, &MainWindow::frame);
    m_catchUp.setSingleShot(true);
    m_catchUp.setInterval(0);
    connect(&m_catchUp, &QTimer::timeout, this, &MainWindow::catchUp);
    m_sinceFrame.start();
    m_sinceStats.start();
    m_sinceNumbers.start();
}

MainWindow::~MainWindow()
{
    m_frameTimer.stop();
    m_catchUp.stop();
    m_recordWriter.reset(); // its thread before its file
    // The pool's and the sources' destructors stop and join; do it before the views go.
    m_source = nullptr;
    delete m_feed;
    m_feed = nullptr;
    delete m_redisPool;
    m_redisPool = nullptr;
    delete m_redisWatch;
    m_redisWatch = nullptr;
    delete m_pool;
    m_pool = nullptr;
}

// Long: the window's widgets, menus and shortcuts, top to bottom.
// NOLINTNEXTLINE(readability-function-size)
void MainWindow::buildUi()
{
    m_timeline = new TimelineView(m_model, m_window);
    m_chart = new QueueChart(m_model, m_window);
    m_pipeline = new PipelineView(m_model);

    m_timeSplitter = new QSplitter(Qt::Vertical);
    m_timeSplitter->setObjectName(QStringLiteral("timeSplitter"));
    m_timeSplitter->addWidget(m_timeline);
    m_timeSplitter->addWidget(m_chart);
    m_timeSplitter->setStretchFactor(0, 3);
    m_timeSplitter->setStretchFactor(1, 1);
    m_timeSplitter->setChildrenCollapsible(false);

    m_results = new ResultsModel(m_model, this);
    m_sortedResults = new QSortFilterProxyModel(this);
    m_sortedResults->setSourceModel(m_results);
    m_sortedResults->setSortRole(ResultsModel::kSortRole);
    m_resultsView = new QTableView;
    m_resultsView->setObjectName(QStringLiteral("resultsView"));
    m_resultsView->setAccessibleName(tr("Results"));
    m_resultsView->setModel(m_sortedResults);
    m_resultsView->setSortingEnabled(true);
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_resultsView->verticalHeader()->hide();
    m_resultsView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_resultsView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_resultsView->setAlternatingRowColors(true);
    m_resultsView->sortByColumn(-1, Qt::AscendingOrder); // completion order until the user sorts
    connect(m_resultsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    return;
                const auto job = current.data(ResultsModel::kJobRole).toLongLong();
                m_timeline->setSelectedJob(job);
            });
    connect(m_sortedResults, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_window->followLive() && m_sortedResults->sortColumn() < 0)
            m_resultsView->scrollToBottom();
    });

    m_stats = new StatsPanel(m_model);
    auto *statsScroll = new QScrollArea;
    statsScroll->setWidget(m_stats);
    statsScroll->setWidgetResizable(true);
    statsScroll->setFrameShape(QFrame::NoFrame);
    statsScroll->setFocusPolicy(Qt::StrongFocus); // the keyboard scrolls it

    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("eventLog"));
    m_log->setAccessibleName(tr("Event log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogBlocks);
    m_log->setFont(QFont(QStringLiteral("monospace")));
    connect(m_model, &RunModel::logAppended, this, [this](const QStringList &lines) {
        m_log->appendPlainText(lines.join(QLatin1Char('\n')));
    });

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->addTab(m_resultsView, tr("&Results"));
    m_tabs->addTab(statsScroll, tr("&Statistics"));
    m_tabs->addTab(m_log, tr("&Log"));

    m_mainSplitter = new QSplitter(Qt::Vertical);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_pipeline);
    m_mainSplitter->addWidget(m_timeSplitter);
    // The run's numbers stay in view above the tabs, whichever of them is open.
    m_numbers = new NumberStrip(m_model);
    auto *bottom = new QWidget;
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->setSpacing(2);
    bottomLayout->addWidget(m_numbers);
    bottomLayout->addWidget(m_tabs, 1);
    m_mainSplitter->addWidget(bottom);
    m_mainSplitter->setStretchFactor(0, 2);
    m_mainSplitter->setStretchFactor(1, 4);
    m_mainSplitter->setStretchFactor(2, 2);
    m_mainSplitter->setChildrenCollapsible(false);
    m_mainSplitter->setSizes({210, 400, 170});
    setCentralWidget(m_mainSplitter);

    m_controls = new ControlPanel;
    auto *controlsScroll = new QScrollArea;
    controlsScroll->setWidget(m_controls);
    controlsScroll->setWidgetResizable(true);
    controlsScroll->setFrameShape(QFrame::NoFrame);
    controlsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *dock = new QDockWidget(tr("Controls"), this);
    dock->setObjectName(QStringLiteral("controlsDock"));
    dock->setWidget(controlsScroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    connect(m_controls, &ControlPanel::startRequested, this, &MainWindow::startRun);
    connect(m_controls, &ControlPanel::pauseToggled, this, &MainWindow::togglePause);
    connect(m_controls, &ControlPanel::stopRequested, this, &MainWindow::stopRun);
    connect(m_controls, &ControlPanel::cancelRequested, this, &MainWindow::cancelRun);
    connect(m_controls, &ControlPanel::resetRequested, this, &MainWindow::resetRun);
    connect(m_controls, &ControlPanel::workersChanged, m_pool, &WorkerPool::setWorkerCount);
    connect(m_controls, &ControlPanel::speedChanged, m_pool, &WorkerPool::setSpeed);
    connect(m_controls, &ControlPanel::intervalChanged, m_pool, &WorkerPool::setIntervalMs);
    connect(m_controls, &ControlPanel::configEdited, this, [this] {
        if (m_sweepWindow)
            m_sweepWindow->setBaseConfig(m_controls->config());
        if (!liveRunning() && !m_model->started()) {
            m_model->reset(m_controls->config());
            m_dirty = true;
        }
    });

    connect(m_timeline, &TimelineView::jobSelected, this, &MainWindow::selectJob);
    connect(m_model, &RunModel::changed, this, [this] { m_dirty = true; });

    m_status = new QLabel;
    statusBar()->addWidget(m_status, 1);
}

QAction *MainWindow::addShortcut(const QString &text, const QKeySequence &key,
                                 const std::function<void()> &slot, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    connect(action, &QAction::triggered, this, slot);
    addAction(action);
    return action;
}

void MainWindow::buildActions()
{
    auto *toolbar = addToolBar(tr("View"));
    toolbar->setObjectName(QStringLiteral("viewToolbar"));
    toolbar->setMovable(false);
    addShortcut(
        tr("Start / Pause"), QKeySequence(Qt::Key_Space),
        [this] {
            if (m_replaying)
                toggleReplay();
            else if (m_source && m_source->isRunning())
                return; // an observed or remote run does not pause
            else if (m_pool->isRunning())
                togglePause();
            else
                startRun();
        },
        tr("Start the run, or pause and resume it (a replay: play and pause it)"));
    addShortcut(
        tr("Cancel"), QKeySequence(Qt::Key_Escape), [this] { cancelRun(); }, tr("Cancel the run"));
    addShortcut(
        tr("Reset"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { resetRun(); },
        tr("Clear the run"));
    buildTimeActions(toolbar);
    // The key to the timeline's colours, at the toolbar's right (set with the theme).
    auto *spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    m_legend = new QLabel;
    m_legend->setObjectName(QStringLiteral("colourKey"));
    m_legend->setAccessibleName(tr("Colour key"));
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setContentsMargins(0, 0, 8, 0);
    toolbar->addWidget(m_legend);
}

// Zoom, pan, follow and the whole run: the keys and buttons that move through time.
void MainWindow::buildTimeActions(QToolBar *toolbar)
{
    // Keys zoom around the selected job, or the middle of the data in view.
    auto anchor = [this]() -> std::int64_t {
        if (const auto job = m_model->job(m_timeline->selectedJob()); job && job->started >= 0)
            return job->started;
        return -1;
    };
    auto *zoomIn = addShortcut(
        tr("Zoom in"), QKeySequence(Qt::Key_Plus),
        [this, anchor] { m_window->zoomBy(1.5, anchor()); }, tr("Zoom the timeline in"));
    auto *zoomInEquals = new QAction(this);
    zoomInEquals->setShortcut(QKeySequence(Qt::Key_Equal));
    connect(zoomInEquals, &QAction::triggered, zoomIn, &QAction::trigger);
    addAction(zoomInEquals);
    auto *zoomOut = addShortcut(
        tr("Zoom out"), QKeySequence(Qt::Key_Minus),
        [this, anchor] { m_window->zoomBy(1 / 1.5, anchor()); }, tr("Zoom the timeline out"));
    // Panning keys act where time is shown (the timeline or the chart has the focus), so that the
    // results table and the sliders keep their arrow keys.
    auto timeKey = [&](const QString &text, const QKeySequence &key, auto slot) {
        auto *action = new QAction(text, m_timeSplitter);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        m_timeSplitter->addAction(action);
    };
    timeKey(tr("Earlier"), QKeySequence(Qt::Key_Left), [this] { m_window->panByWindows(-0.25); });
    timeKey(tr("Later"), QKeySequence(Qt::Key_Right), [this] { m_window->panByWindows(0.25); });
    timeKey(tr("Start of the run"), QKeySequence(Qt::Key_Home), [this] { m_window->showStart(); });
    timeKey(tr("End of the run"), QKeySequence(Qt::Key_End), [this] { m_window->showEnd(); });
    auto *follow = addShortcut(
        tr("Follow live"), QKeySequence(Qt::Key_F),
        [this] {
            m_window->setFollowLive(true);
            m_window->follow(m_model->endT());
        },
        tr("Keep the newest moment in view"));
    follow->setCheckable(true);
    follow->setChecked(true);
    connect(m_window, &TimeWindow::followLiveChanged, follow, &QAction::setChecked);
    connect(m_window, &TimeWindow::followLiveChanged, this, &MainWindow::updateStatus);
    connect(follow, &QAction::triggered, this, [follow] { follow->setChecked(true); });
    auto *fit = addShortcut(
        tr("Whole run"), QKeySequence(Qt::Key_W),
        [this] {
            m_window->setExtent(m_model->endT(), !liveRunning() && !m_replayPlaying);
            m_window->showAll();
        },
        tr("Show the whole run"));
    toolbar->addAction(zoomIn);
    toolbar->addAction(zoomOut);
    toolbar->addAction(fit);
    toolbar->addAction(follow);
}

QString MainWindow::colourKey(const Theme &theme)
{
    // A translucent colour as it shows over the view's background.
    const auto swatch = [&theme](const QColor &colour, const QString &text, const QString &shape) {
        const double a = colour.alphaF();
        const QColor &b = theme.background;
        const QColor shown
            = QColor::fromRgbF(static_cast<float>(colour.redF() * a + b.redF() * (1 - a)),
                               static_cast<float>(colour.greenF() * a + b.greenF() * (1 - a)),
                               static_cast<float>(colour.blueF() * a + b.blueF() * (1 - a)));
        return QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;%3")
            .arg(shown.name(), shape, text.toHtmlEscaped());
    };
    const QString square = QStringLiteral("&#9632;"); // ■
    const QString hatched = QStringLiteral("&#9640;"); // ▨
    const QStringList parts = {
        swatch(theme.running, tr("running"), square),
        swatch(theme.completed, tr("completed"), square),
        swatch(theme.failed, tr("failed"), square),
        swatch(theme.cancelled, tr("cancelled"), square),
        swatch(theme.blocked, tr("blocked (queue full)"), hatched),
        swatch(theme.paused, tr("paused"), square),
        swatch(theme.summarized, tr("summarized"), square),
    };
    return parts.join(QStringLiteral("&nbsp;&nbsp; "));
}

void MainWindow::startRun()
{
    if (liveRunning() || !confirmDiscard())
        return;
    // The run that ends here stays at hand for File ▸ Compare with the previous run, once all
    // its events are in its file.
    const bool recorded = m_recordWriter && m_recordWriter->drain();
    m_recordWriter.reset();
    if (!m_replaying && recorded && m_recordedEvents > 0 && !m_recordingFull) {
        m_previousRecorded = std::move(m_recorded);
        m_previousRecordFile = std::move(m_recordFile);
    }
    setReplaying(false);
    leaveSource();
    const PoolConfig config = m_controls->config();
    m_model->reset(config);
    m_recorded = RunRecording {};
    m_recordingFull = false;
    m_runSaved = false;
    m_recordedEvents = 0;
    openRecording();
    m_window->reset();
    m_log->clear();
    QString error;
    const bool started = m_engineTarget ? m_redisPool->start(*m_engineTarget, config, &error)
                                        : m_pool->start(config, &error);
    if (!started) {
        m_status->setText(tr("Cannot start: %1").arg(error));
        return;
    }
    m_recorded.config = config;
    m_recorded.seed = m_engineTarget ? m_redisPool->seed() : m_pool->seed();
    if (m_engineTarget) // the remote workers' lanes, named and grouped as they come
        m_source = m_redisPool;
    m_frameTimer.start();
    updateRunState();
    if (!m_options.screenshotPath.isEmpty())
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
}

void MainWindow::togglePause()
{
    if (!m_pool->isRunning() || m_source)
        return;
    if (m_pool->isPaused())
        m_pool->resume();
    else
        m_pool->pause();
    updateRunState();
}

void MainWindow::stopRun()
{
    if (m_source && m_source->isRunning())
        m_source->stop(); // finished() comes from the source's thread
    m_pool->stop();
    updateRunState();
}

void MainWindow::cancelRun()
{
    if (m_source == m_redisPool)
        m_redisPool->cancel();
    m_pool->cancel();
    updateRunState();
}

// Every view that names lanes (timeline, pipeline, results table) names them the same way;
// none: lanes are the pool's workers.
void MainWindow::showLanes(std::unordered_map<int, QString> names,
                           std::vector<engine::LaneGroup> groups)
{
    m_pipeline->setLaneNames(names);
    m_results->setLaneNames(names);
    m_timeline->setLaneNames(std::move(names));
    m_timeline->setLaneGroups(std::move(groups));
}

// The window goes back to its own pool (or a recording): knobs apply again, lanes are workers.
void MainWindow::leaveSource()
{
    m_source = nullptr;
    m_controls->setObserving({});
    showLanes({}, {});
}

void MainWindow::resetRun()
{
    if (!confirmDiscard())
        return;
    setReplaying(false);
    stopSources();
    m_pool->cancel();
    m_pool->waitForFinished();
    drain();
    leaveSource();
    m_model->reset(m_controls->config());
    m_window->reset();
    m_log->clear();
    updateRunState();
    m_timeline->update();
    m_chart->update();
    m_pipeline->update();
}

void MainWindow::drain()
{
    if (m_replaying)
        return;
    takeFromSource(); // what is there now, all of it
    m_model->fold(RunModel::kWhole);
}

bool MainWindow::drain(std::int64_t budgetNs)
{
    if (m_replaying)
        return false;
    return m_model->fold(budgetNs, [this] { return takeFromSource(); });
}

bool MainWindow::takeFromSource()
{
    // The last batch's vector goes back to be filled again.
    m_takenEvents = m_source ? m_source->takeEvents(std::move(m_takenEvents))
                             : m_pool->takeEvents(std::move(m_takenEvents));
    const std::vector<PoolEvent> &events = m_takenEvents;
    const auto failures
        = m_source ? m_source->takeFailureMessages() : m_pool->takeFailureMessages();
    if (events.empty() && failures.empty())
        return false;
    m_model->hold(events, failures);
    m_recorded.failures.insert(m_recorded.failures.end(), failures.begin(), failures.end());
    if (m_recordingFull || !m_recordWriter)
        return true;
    if (m_recordedEvents + static_cast<std::int64_t>(events.size()) > kMaxRecordedEvents
        || !m_recordWriter->append(encodeEvents(events))) {
        m_recordingFull = true; // the status bar says so; an export then says it too
        return true;
    }
    m_recordedEvents += static_cast<std::int64_t>(events.size());
    return true;
}

void MainWindow::openRecording()
{
    m_recordWriter.reset();
    m_recordFile = std::make_unique<QTemporaryFile>();
    // No disk for it: the run still runs; an export says there is nothing.
    if (!m_recordFile->open()) {
        m_recordFile.reset();
        return;
    }
    m_recordWriter = std::make_unique<BackgroundWriter>(m_recordFile->fileName());
    if (m_recordWriter->failed()) {
        m_recordWriter.reset();
        m_recordFile.reset();
    }
}

void MainWindow::catchUp()
{
    if (drain(kTurnNs))
        m_catchUp.start();
    if (!m_frameTimer.isActive())
        m_frameTimer.start(); // what was folded is drawn
}

void MainWindow::frame()
{
    const auto elapsed = static_cast<double>(m_sinceFrame.restart());
    if (drain(kTurnNs) && !m_catchUp.isActive())
        m_catchUp.start(); // folds on between frames, letting input and painting in
    if (m_replaying && m_replayPlaying) {
        replayTo(m_replayT + static_cast<std::int64_t>(elapsed * 1e6 * m_replaySpeed));
        if (m_replayNext >= m_replay.events.size()) {
            m_replayPlaying = false;
            m_replayPlay->setText(tr("Play"));
        }
    }
    const bool running = liveRunning() || (m_replaying && m_replayPlaying);
    if (running)
        m_model->setNow(m_replaying ? m_replayT : liveNow());
    if (m_source) {
        LiveSource::Shape shape = m_source->shape();
        m_model->setQueueCapacity(shape.queueCapacity);
        if (m_source == m_redisPool && shape.workers > 0) // the pool is the workers that came
            m_model->setWorkerCount(shape.workers);
        // Lanes named after their senders or consumers, grouped by sender or host.
        if (shape.laneNames.size() != m_timeline->laneNames().size())
            showLanes(std::move(shape.laneNames), std::move(shape.laneGroups));
    }
    m_window->setExtent(m_model->endT(), !running);
    if (m_window->followLive() && (running || m_dirty))
        m_window->follow(m_model->endT());
    const bool animating = m_pipeline->advance(elapsed);
    if (m_dirty || running) {
        m_timeline->update();
        m_chart->update();
    }
    if (m_dirty || animating || running)
        m_pipeline->update();
    // The status bar's and the strip's figures, together, ten times a second while a run goes:
    // as often as they can be read, and each refresh lays the strip's table out anew.
    if ((m_dirty || running) && (!running || m_sinceNumbers.elapsed() >= kNumbersEveryMs)) {
        updateStatus();
        m_numbers->refresh();
        m_sinceNumbers.restart();
    }
    if (m_dirty && (m_sinceStats.elapsed() >= kStatsEveryMs || !running)) {
        refreshNumbers();
        updateRunState();
        m_sinceStats.restart();
    }
    m_dirty = false;
    // Nothing repaints while nothing changes.
    if (!running && !animating)
        m_frameTimer.stop();
}

void MainWindow::onRunFinished()
{
    // Closing, or the end of a run that a newer one has replaced (its signal was queued).
    if (m_closing || liveRunning())
        return;
    drain();
    if (m_source) { // what the source showed of its pool, for the exports and the run file
        const LiveSource::Shape shape = m_source->shape();
        m_recorded.config.workers
            = std::clamp(shape.workers, PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers);
        if (m_source != m_redisPool) { // observed: no plan but what it showed
            m_recorded.config.jobs
                = std::clamp(shape.submitted, PoolConfig::kMinJobs, PoolConfig::kMaxJobs);
            m_recorded.config.queueCapacity = recordedQueueCapacity(shape.queueCapacity);
        }
    }
    m_dirty = true;
    // The end of a run shows all of it, unless the person has zoomed or panned.
    m_window->setExtent(m_model->endT(), true);
    if (!m_window->moved())
        m_window->showAll();
    frame();
    refreshNumbers();
    updateRunState();
    if (!m_frameTimer.isActive())
        m_frameTimer.start(); // let the last tokens land
}

void MainWindow::updateRunState()
{
    const bool running = liveRunning();
    m_controls->setRunState(running, running && !m_source && m_pool->isPaused());
    updateStatus();
}

bool MainWindow::liveRunning() const
{
    return m_pool->isRunning() || (m_source && m_source->isRunning());
}

std::int64_t MainWindow::liveNow() const
{
    return m_source ? m_source->nowNs() : m_pool->elapsedNs();
}

bool MainWindow::isFollowing() const
{
    return m_source && m_source != m_redisPool && m_source->isRunning();
}

bool MainWindow::followFeed(const QString &path, FeedDecoder::Format format)
{
    const QString name
        = path == QLatin1String("-") ? tr("standard input") : QFileInfo(path).fileName();
    return observe(tr("Cannot follow the feed"),
                   tr("Following %1: its own program runs that pool, so these knobs cannot act "
                      "on it. Stop ends the following; Reset gives the knobs back to Poolscope's "
                      "own pool.")
                       .arg(name),
                   m_feed, [&](QString *error) { return m_feed->start(path, format, error); });
}

bool MainWindow::listenForFeeds(const QString &address, FeedDecoder::Format format)
{
    return observe(tr("Cannot listen for feeds"),
                   tr("Listening for feeds: their programs run their pools, so these knobs "
                      "cannot act on them. Stop ends the listening; Reset gives the knobs back "
                      "to Poolscope's own pool."),
                   m_feed,
                   [&](QString *error) { return m_feed->listen(address, format, false, error); });
}

void MainWindow::stopSources()
{
    m_feed->stop();
    m_redisPool->cancel();
    m_redisPool->waitForFinished();
    m_redisWatch->cancel();
    m_redisWatch->waitForFinished();
}

void MainWindow::useRedisEngine(const redis::Target &target)
{
    m_engineTarget = target;
    m_controls->setRemote(
        tr("Runs go through Redis at %1 to the poolscope-worker processes that read it; start "
           "each with: poolscope-worker --redis %2 --workers N")
            .arg(target.display(), target.display()));
    updateRunState();
}

bool MainWindow::watchRedis(const redis::WatchTarget &target)
{
    return observe(tr("Cannot watch the Redis queue"),
                   tr("Watching %1: its own workers run that queue, so these knobs cannot act on "
                      "it. Stop ends the watch; Reset gives the knobs back to Poolscope's own "
                      "pool.")
                       .arg(target.server.display()),
                   m_redisWatch,
                   [&](QString *error) { return m_redisWatch->start(target, error); });
}

// Starts showing a feed: the model and the recording start afresh, the knobs step aside.
bool MainWindow::observe(const QString &failureTitle, const QString &why, LiveSource *source,
                         const std::function<bool(QString *)> &start)
{
    if (liveRunning() && !isFollowing()) {
        showError(failureTitle, tr("A run is going: stop it first."));
        return false;
    }
    if (!confirmDiscard())
        return false;
    stopSources();
    setReplaying(false);
    // The feed's run is recorded as a live run is, so that File ▸ Save and the exports work on it.
    m_model->reset(PoolConfig {});
    m_model->setObserved(true);
    m_model->setQueueCapacity(-1); // until the feed says
    m_window->reset();
    m_log->clear();
    showLanes({}, {});
    m_recorded = RunRecording {};
    m_recordingFull = false;
    m_runSaved = false;
    m_recordedEvents = 0;
    openRecording();
    QString error;
    m_source = source;
    if (!start(&error)) {
        m_source = nullptr;
        showError(failureTitle, error);
        updateRunState();
        return false;
    }
    m_controls->setObserving(why);
    m_frameTimer.start();
    updateRunState();
    if (!m_options.screenshotPath.isEmpty())
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
    return true;
}

// What the feed said of itself: where from, how much, and what was wrong or dropped.
QString MainWindow::feedText() const
{
    const FeedSource::Account a = m_feed->account();
    const QString path = m_feed->path() == QLatin1String("-")
        ? tr("standard input")
        : QFileInfo(m_feed->path()).fileName();
    const QString listening = m_feed->listeningAddress();
    QString text;
    if (!listening.isEmpty()) {
        text = (m_feed->isRunning() ? tr("Listening on %1") : tr("Listened on %1")).arg(listening)
            + tr(" · %n senders", nullptr, a.senders);
        if (a.sendersOpen > 0)
            text += tr(" (%1 connected)").arg(a.sendersOpen);
    } else {
        text = m_feed->isRunning() ? tr("Following %1").arg(path) : tr("Feed %1 ended").arg(path);
        if (!a.sourceName.isEmpty())
            text += tr(" (%1)").arg(a.sourceName);
    }
    text += tr(" · %n lines", nullptr, static_cast<int>(std::min<std::int64_t>(a.lines, INT_MAX)));
    if (a.problems > 0) {
        text += tr(" · %n problems", nullptr,
                   static_cast<int>(std::min<std::int64_t>(a.problems, INT_MAX)));
        if (!a.firstProblems.empty())
            text += tr(" (line %1: %2)")
                        .arg(a.firstProblems.front().line)
                        .arg(a.firstProblems.front().text);
    }
    if (a.dropped > 0)
        text += tr(" · %n events dropped by the sender", nullptr,
                   static_cast<int>(std::min<std::int64_t>(a.dropped, INT_MAX)));
    return text;
}

QString MainWindow::sourceText() const
{
    return m_source == m_feed ? feedText() : redisText();
}

// The Redis engine's or watch's own account: where, the hosts, what is held and retried, and the
// connection (reconnects; unreachable now).
QString MainWindow::redisText() const
{
    const auto count = [](std::int64_t n) {
        return static_cast<int>(std::min<std::int64_t>(n, INT_MAX));
    };
    QString text;
    bool connected = true;
    std::int64_t reconnects = 0;
    const bool running = m_source->isRunning();
    if (m_source == m_redisPool) {
        const redis::RedisPool::Account a = m_redisPool->account();
        text = (running ? tr("Redis %1") : tr("Redis %1, run ended"))
                   .arg(m_redisPool->target().display())
            + tr(" · %n hosts", nullptr, a.hosts) + tr(" · %1 pending").arg(a.pending);
        if (a.retried > 0)
            text += tr(" · %n retried", nullptr, count(a.retried));
        if (a.duplicates > 0)
            text += tr(" · %n duplicates dropped", nullptr, count(a.duplicates));
        connected = a.connected;
        reconnects = a.reconnects;
    } else {
        const redis::RedisWatch::Account a = m_redisWatch->account();
        const redis::WatchTarget &t = m_redisWatch->target();
        text = (running ? tr("Watching %1, group %2") : tr("Watched %1, group %2"))
                   .arg(t.server.display(), a.group);
        if (!a.ended.isEmpty())
            text += tr(" (ended: %1)").arg(a.ended);
        std::int64_t pending = 0;
        const redis::RedisWatch::Consumer *idlest = nullptr;
        for (const redis::RedisWatch::Consumer &c : a.consumers) {
            pending += c.pending;
            if (!idlest || c.idleMs > idlest->idleMs)
                idlest = &c;
        }
        text += tr(" · %n consumers", nullptr, static_cast<int>(a.consumers.size()))
            + tr(" · %1 pending").arg(pending);
        if (a.lag >= 0)
            text += tr(" · lag %1").arg(a.lag);
        if (idlest)
            text += tr(" · longest idle %1 (%2)")
                        .arg(idlest->name, displayDuration(idlest->idleMs * 1'000'000));
        if (a.claimed > 0)
            text += tr(" · %n claimed", nullptr, count(a.claimed));
        connected = a.connected;
        reconnects = a.reconnects;
    }
    if (reconnects > 0)
        text += tr(" · reconnected %n times", nullptr, count(reconnects));
    if (!connected && running)
        text += tr(" · Redis unreachable, reconnecting");
    return text;
}

// What the views show, in words: called in the frame that draws them.
void MainWindow::refreshNumbers()
{
    m_stats->refresh();
    m_numbers->refresh();
}

// What the time window shows, in the status bar's words.
QString MainWindow::viewText() const
{
    if (m_window->followLive())
        return tr("following live");
    if (m_model->finished() && !liveRunning())
        return m_window->moved() ? tr("zoomed in (W shows the whole run)") : tr("the whole run");
    return tr("panned (F follows)");
}

void MainWindow::updateStatus()
{
    const bool running = liveRunning();
    QString state;
    if (m_source)
        state = sourceText();
    else if (m_replaying)
        state = m_replayPlaying
            ? tr("Replaying %1").arg(QFileInfo(windowFilePath()).fileName())
            : tr("Replay of %1, paused (Space plays)").arg(QFileInfo(windowFilePath()).fileName());
    else if (running)
        state = m_pool->isPaused() ? tr("Paused") : tr("Running");
    else if (m_model->finished())
        state = tr("Finished");
    else
        state = tr("Ready");
    // A recording that stopped short says so: an export or a save then holds only its start.
    QString recording;
    if (!m_replaying && m_recordWriter && m_recordWriter->failed())
        recording = tr(" · recording stopped: %1").arg(m_recordWriter->errorString());
    else if (!m_replaying && m_recordingFull)
        recording = tr(" · recording stopped: the run outgrew the recording cap");
    m_status->setText(
        tr("%1 · %2 workers · %3 of %4 results · queue %5 · %6%7")
            .arg(state)
            .arg(m_model->started() ? m_model->liveLaneCount() : m_model->config().workers)
            .arg(m_model->stats().results()) // summarized ones included
            .arg(m_model->submittedCount())
            .arg(m_model->queued().size())
            .arg(viewText(), recording));
    // A watched queue's consumers, each with what it holds and how long since Redis heard from it.
    QString consumers;
    if (m_source == m_redisWatch) {
        for (const redis::RedisWatch::Consumer &c : m_redisWatch->account().consumers)
            consumers += (consumers.isEmpty() ? QString() : QStringLiteral("\n"))
                + tr("%1: %2 pending, idle %3")
                      .arg(c.name)
                      .arg(c.pending)
                      .arg(displayDuration(c.idleMs * 1'000'000));
    }
    m_status->setToolTip(consumers);
}

void MainWindow::selectJob(std::int64_t job)
{
    const int row = m_results->rowOfJob(job);
    if (row < 0)
        return;
    const QModelIndex index = m_sortedResults->mapFromSource(m_results->index(row, 0));
    m_resultsView->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_resultsView->scrollTo(index);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_closing = true;
    m_frameTimer.stop();
    m_catchUp.stop();
    if (m_options.restoreSettings)
        saveSettings();
    // Cancel and join every thread of the run before the window goes.
    stopSources();
    m_pool->cancel();
    m_pool->waitForFinished();
    event->accept();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyTheme();
    QMainWindow::changeEvent(event);
}

void MainWindow::applyTheme()
{
    const Theme theme = Theme::fromPalette(palette());
    m_legend->setText(colourKey(theme));
    m_legend->setToolTip(
        tr("The timeline's colours: a job being processed, then its result's colour; hatched, a "
           "worker or the producer waiting on a full queue; shaded, history older than the memory "
           "cap, summarized per pixel column"));
    m_timeline->setTheme(theme);
    m_chart->setTheme(theme);
    m_pipeline->setTheme(theme);
    m_stats->setTheme(theme);
}

// A first launch takes most of the screen (90 % of what is free of panels, at most 2200×1400: past
// that, lanes and text only spread out), centred on it.
void MainWindow::placeOnScreen()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    if (!screen) {
        resize(1280, 800);
        return;
    }
    const QRect free = screen->availableGeometry();
    const QSize size(std::min(2200, free.width() * 9 / 10), std::min(1400, free.height() * 9 / 10));
    setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, free));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("window/timeSplitter"), m_timeSplitter->saveState());
    settings.setValue(QStringLiteral("run/config"), toVariantMap(m_controls->config()));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    // The saved state shows the replay bar when the window was closed during a replay; it belongs
    // to replays alone.
    m_replayBar->setVisible(m_replaying);
    m_mainSplitter->restoreState(
        settings.value(QStringLiteral("window/mainSplitter")).toByteArray());
    m_timeSplitter->restoreState(
        settings.value(QStringLiteral("window/timeSplitter")).toByteArray());
    if (!settings.value(QStringLiteral("run/confirmDiscard"), true).toBool())
        m_options.confirmDiscard = false;
    if (!m_options.useGivenConfig && settings.contains(QStringLiteral("run/config")))
        m_controls->setConfig(fromVariantMap(settings.value(QStringLiteral("run/config")).toMap()));
}

void MainWindow::takeScreenshot()
{
    drain();
    if (liveRunning())
        m_model->setNow(liveNow());
    if (m_window->followLive())
        m_window->follow(m_model->endT());
    refreshNumbers();
    updateRunState();
    // A comparison or the sweep window when one is open (from the command line), else this.
    QWidget *shown = this;
    if (auto *compare = findChild<CompareWindow *>(); compare && compare->isVisible())
        shown = compare;
    else if (m_sweepWindow && m_sweepWindow->isVisible())
        shown = m_sweepWindow;
    const QPixmap picture = shown->grab();
    const bool saved = picture.save(m_options.screenshotPath, "PNG");
    close();
    QApplication::exit(saved ? 0 : 1);
}

SweepWindow *MainWindow::showSweepWindow()
{
    if (!m_sweepWindow) {
        m_sweepWindow = new SweepWindow(this);
        connect(m_sweepWindow, &SweepWindow::openRunRequested, this, [this](const QString &path) {
            raise();
            activateWindow();
            openFile(path);
        });
    }
    m_sweepWindow->setBaseConfig(m_controls->config());
    m_sweepWindow->show();
    m_sweepWindow->raise();
    m_sweepWindow->activateWindow(); // the range box has the focus: Return runs the sweep
    return m_sweepWindow;
}

void MainWindow::startSweep(const SweepSpec &spec)
{
    showSweepWindow()->startSweepOf(spec);
    if (!m_options.screenshotPath.isEmpty())
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
}

void MainWindow::startSizing(const SizingTarget &target)
{
    showSweepWindow()->sizeFor(target);
    if (!m_options.screenshotPath.isEmpty())
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
}

CompareWindow *MainWindow::compareRuns(const RunRecording &a, const QString &nameA,
                                       const RunRecording &b, const QString &nameB)
{
    auto *window = new CompareWindow(a, nameA, b, nameB, this);
    window->show();
    window->raise();
    window->activateWindow();
    return window;
}

CompareWindow *MainWindow::compareWithPrevious()
{
    if (!m_previousRecordFile || !m_model->started() || m_replaying) {
        showError(tr("Nothing to compare"),
                  tr("Compare with the previous run needs two live runs: run one, then another."));
        return nullptr;
    }
    RunRecording previous = m_previousRecorded;
    m_previousRecordFile->flush();
    QFile events(m_previousRecordFile->fileName());
    QString error;
    if (!events.open(QIODevice::ReadOnly)
        || !decodeEvents(events.readAll(), &previous.events, &error)) {
        showError(tr("Cannot compare"),
                  tr("The previous run's events cannot be read: %1")
                      .arg(error.isEmpty() ? events.errorString() : error));
        return nullptr;
    }
    drain();
    return compareRuns(previous, tr("the previous run"), currentRecording(), tr("this run"));
}

CompareWindow *MainWindow::compareWithFile(const QString &path)
{
    QString error;
    const auto saved = readRun(path, &error);
    if (!saved) {
        if (!error.isEmpty())
            showError(tr("Cannot compare"), tr("%1: %2").arg(QFileInfo(path).fileName(), error));
        return nullptr;
    }
    if (!m_model->started()) {
        showError(tr("Nothing to compare"),
                  tr("Compare with a saved run compares it with the run in the window: run one "
                     "(or open one) first."));
        return nullptr;
    }
    drain();
    const QString name = m_replaying ? QFileInfo(windowFilePath()).fileName() : tr("this run");
    return compareRuns(*saved, QFileInfo(path).fileName(), currentRecording(), name);
}

CompareWindow *MainWindow::compareFiles(const QString &pathA, const QString &pathB)
{
    RunRecording runs[2];
    const QString paths[2] = {pathA, pathB};
    for (int i = 0; i < 2; ++i) {
        QString error;
        std::optional<RunRecording> run = readRun(paths[i], &error);
        if (!run) {
            if (!error.isEmpty())
                showError(tr("Cannot compare"),
                          tr("%1: %2").arg(QFileInfo(paths[i]).fileName(), error));
            return nullptr;
        }
        runs[i] = std::move(*run);
    }
    CompareWindow *window
        = compareRuns(runs[0], QFileInfo(pathA).fileName(), runs[1], QFileInfo(pathB).fileName());
    if (!m_options.screenshotPath.isEmpty())
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
    return window;
}

void MainWindow::buildCompareActions(QMenu *file)
{
    file->addAction(tr("Compare with a sa&ved run…"), this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Compare with a run"), QString(),
                                           tr("Poolscope runs (*.psrun *.json);;All files (*)"));
        if (!path.isEmpty())
            compareWithFile(path);
    });
    m_comparePrevious = file->addAction(tr("Compare with the &previous run"), this,
                                        &MainWindow::compareWithPrevious);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open run…"), this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Open a run"), QString(),
                                           tr("Poolscope runs (*.psrun *.json);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction *save = file->addAction(tr("&Save run…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the run"), QStringLiteral("run.psrun"), tr("Poolscope runs (*.psrun)"));
        if (!path.isEmpty())
            exportTo(path, QStringLiteral("run"));
    });
    save->setShortcut(QKeySequence::Save);
    QMenu *exportMenu = file->addMenu(tr("&Export"));
    struct Kind
    {
        QString label, format, filter, name;
    };
    const Kind kinds[] = {
        {tr("Chrome &trace (JSON; Perfetto, chrome://tracing)…"), QStringLiteral("trace"),
         tr("Chrome trace (*.json)"), QStringLiteral("run.trace.json")},
        {tr("&Perfetto trace (protobuf, a tenth of the size)…"), QStringLiteral("perfetto"),
         tr("Perfetto trace (*.pftrace)"), QStringLiteral("run.pftrace")},
        {tr("Results as &CSV…"), QStringLiteral("csv"), tr("CSV (*.csv)"),
         QStringLiteral("results.csv")},
        {tr("Time&line as PNG…"), QStringLiteral("timeline-png"), tr("PNG image (*.png)"),
         QStringLiteral("timeline.png")},
        {tr("&Window as PNG…"), QStringLiteral("window-png"), tr("PNG image (*.png)"),
         QStringLiteral("poolscope.png")},
    };
    for (const Kind &kind : kinds) {
        exportMenu->addAction(kind.label, this, [this, kind] {
            const QString path
                = QFileDialog::getSaveFileName(this, tr("Export"), kind.name, kind.filter);
            if (!path.isEmpty())
                exportTo(path, kind.format);
        });
    }
    file->addSeparator();
    buildCompareActions(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    QAction *sweep = tools->addAction(tr("&Sweep and size…"), this, &MainWindow::showSweepWindow);
    sweep->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    sweep->setToolTip(tr("Run this configuration across a range of one knob, or find the fewest "
                         "workers that meet a target"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *guide = help->addAction(tr("&Guide to the views"), this, [this] {
        QMessageBox box(QMessageBox::NoIcon, tr("Guide to the views"), guideText(),
                        QMessageBox::Close, this);
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    guide->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"), shortcutsText(),
                        QMessageBox::Close, this);
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    help->addSeparator();
    help->addAction(tr("&About Poolscope"), this, [this] {
        QMessageBox::about(
            this, tr("About Poolscope"),
            tr("<h3>Poolscope %1</h3><p>The worker-pool pattern on real threads, live: a producer, "
               "a "
               "bounded queue, a fixed set of workers, results in completion order.</p>"
               "<p>Built with Qt %2.</p>")
                .arg(QStringLiteral(POOLSCOPE_VERSION), QLatin1String(qVersion())));
    });
}

QString MainWindow::shortcutsText() const
{
    QString rows;
    auto row = [&rows](const QAction *action) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            return;
        rows += QStringLiteral("<tr><td><b>%1</b></td><td>&nbsp;&nbsp;%2</td></tr>")
                    .arg(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                         QString(action->text()).remove(QLatin1Char('&')).toHtmlEscaped());
    };
    for (const QAction *action : actions())
        row(action);
    for (const QAction *action : m_timeSplitter->actions())
        row(action);
    for (const QAction *menu : menuBar()->actions())
        if (menu->menu())
            for (const QAction *action : menu->menu()->actions())
                row(action);
    return tr("<table>%1</table><p>The wheel over the timeline zooms around the mouse; dragging "
              "pans; a click on a bar selects its job. Left, Right, Home and End act while the "
              "timeline or the chart has the focus.</p>")
        .arg(rows);
}

QString MainWindow::guideText()
{
    return tr(
        "<p><b>Pipeline</b> (top): the pattern as it is now, left to right: the producer sending "
        "jobs, the queue (its slots and capacity), each worker with the job it processes and its "
        "progress, and the last results in the order they were collected. Look here first: a "
        "full queue with a blocked producer means the workers cannot keep up.</p>"
        "<p><b>Timeline</b> (middle): a lane per worker, a bar per job (its colour: running, then "
        "how it ended; see the colour key in the toolbar), the producer's sends as ticks and its "
        "waits hatched, and markers where settings changed. Wheel to zoom, drag to pan, click a "
        "bar to select its job.</p>"
        "<p><b>Queue chart</b> (under it): the queue depth over time against its capacity, the "
        "busy workers, the results so far (dotted) and the throughput of the last second.</p>"
        "<p><b>Results, Statistics, Log</b> (bottom): every result with its times; wait, "
        "processing and latency percentiles, utilization per worker and Little's law; and the "
        "run's lines as the reference program prints them.</p>"
        "<p><b>Controls</b> (left): the knobs of the next run; workers, interval and speed also "
        "act on a running pool. File ▸ Save keeps a run to replay; File ▸ Export writes a "
        "Perfetto trace or a CSV.</p>");
}

void MainWindow::buildReplayBar()
{
    m_replayBar = new QToolBar(tr("Replay"), this);
    m_replayBar->setObjectName(QStringLiteral("replayBar"));
    m_replayBar->setMovable(false);
    addToolBarBreak();
    addToolBar(Qt::TopToolBarArea, m_replayBar);
    m_replayPlay = m_replayBar->addAction(tr("Play"), this, &MainWindow::toggleReplay);
    m_replayPlay->setToolTip(tr("Play or pause the replay"));
    auto *speed = new QComboBox;
    speed->setAccessibleName(tr("Replay speed"));
    speed->setToolTip(tr("How fast the replay runs against the recorded time"));
    for (double factor : {0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0})
        speed->addItem(QStringLiteral("%1×").arg(factor), factor);
    speed->setCurrentIndex(3);
    connect(speed, &QComboBox::currentIndexChanged, this,
            [this, speed](int index) { m_replaySpeed = speed->itemData(index).toDouble(); });
    m_replayBar->addWidget(speed);
    m_replaySlider = new QSlider(Qt::Horizontal);
    m_replaySlider->setObjectName(QStringLiteral("replaySlider"));
    m_replaySlider->setAccessibleName(tr("Replay position"));
    m_replaySlider->setToolTip(tr("Drag to move through the recorded run"));
    m_replaySlider->setRange(0, 1000);
    m_replaySlider->setMinimumWidth(300);
    connect(m_replaySlider, &QSlider::sliderMoved, this, [this](int position) {
        const std::int64_t end = m_replay.events.empty() ? 0 : m_replay.events.back().t;
        replayTo(end * position / 1000);
    });
    m_replayBar->addWidget(m_replaySlider);
    m_replayTime = new QLabel;
    m_replayBar->addWidget(m_replayTime);
    m_replayBar->addAction(tr("Close replay"), this, [this] { resetRun(); });
    m_replayBar->hide();
}

void MainWindow::toggleReplay()
{
    if (!m_replaying)
        return;
    if (m_replayNext >= m_replay.events.size())
        replayTo(-1); // from the start again
    m_replayPlaying = !m_replayPlaying;
    m_replayPlay->setText(m_replayPlaying ? tr("Pause") : tr("Play"));
    m_sinceFrame.restart();
    if (m_replayPlaying)
        m_frameTimer.start();
    updateRunState();
}

void MainWindow::setReplaying(bool replaying)
{
    if (m_replaying == replaying)
        return;
    m_replaying = replaying;
    m_replayPlaying = false;
    m_replayPlay->setText(tr("Play"));
    m_replayBar->setVisible(replaying);
    m_controls->setStartAllowed(!replaying, tr("A replay is open: close it to start a live run"));
    m_timeline->setEmptyHint(replaying ? tr("Press Play (Space) to play the replay") : QString());
    if (!replaying) {
        m_replay = RunRecording {};
        setWindowFilePath(QString());
    }
}

// Feeds the model every recorded event up to t; going back rebuilds it from the start.
void MainWindow::replayTo(std::int64_t t)
{
    if (t < m_replayT || t < 0) {
        m_model->reset(m_replay.config);
        m_log->clear();
        m_replayNext = 0;
        m_window->reset();
        t = std::max<std::int64_t>(t, 0);
    }
    m_replayT = t;
    const auto &events = m_replay.events;
    std::size_t end = m_replayNext;
    while (end < events.size() && events[end].t <= t)
        ++end;
    if (end > m_replayNext) {
        const std::span<const PoolEvent> batch(events.data() + m_replayNext, end - m_replayNext);
        m_model->ingest(batch,
                        m_replayNext == 0 ? std::span<const FailureMessage>(m_replay.failures)
                                          : std::span<const FailureMessage>());
        m_replayNext = end;
    }
    m_model->setNow(t);
    const std::int64_t total = events.empty() ? 0 : events.back().t;
    m_replaySlider->setValue(
        total > 0 ? static_cast<int>(std::min<std::int64_t>(t, total) * 1000 / total) : 0);
    m_replayTime->setText(
        tr(" %1 of %2 ").arg(displayDuration(std::min(t, total)), displayDuration(total)));
    if (m_window->followLive())
        m_window->follow(m_model->endT());
    m_dirty = true;
    m_timeline->update();
    m_chart->update();
    m_pipeline->update();
    refreshNumbers();
}

bool MainWindow::openFile(const QString &path)
{
    QString error;
    auto recording = readRun(path, &error);
    if (!recording) {
        if (!error.isEmpty())
            showError(tr("Cannot open the run"),
                      tr("%1: %2").arg(QFileInfo(path).fileName(), error));
        return false;
    }
    if (!confirmDiscard())
        return false;
    stopSources();
    m_pool->cancel();
    m_pool->waitForFinished();
    m_pool->takeEvents();
    if (m_source)
        m_source->takeEvents();
    leaveSource();
    std::stable_sort(recording->events.begin(), recording->events.end(),
                     [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
    setReplaying(true);
    m_replay = std::move(*recording);
    setWindowFilePath(path);
    m_controls->setConfig(m_replay.config);
    m_replayT = 0;
    replayTo(-1); // opens paused at its start: Space (or Play) plays it
    updateRunState();
    if (!m_options.screenshotPath.isEmpty()) { // a picture of the replay, as of a live run
        toggleReplay();
        QTimer::singleShot(m_options.runForMs, this, &MainWindow::takeScreenshot);
    }
    return true;
}

RunRecording MainWindow::currentRecording() const
{
    if (m_replaying)
        return m_replay;
    RunRecording recording = m_recorded;
    if (m_recordFile && m_recordWriter) {
        m_recordWriter->drain(); // what was handed over is in the file (a failure: the status bar)
        QFile events(m_recordFile->fileName());
        QString error;
        if (events.open(QIODevice::ReadOnly))
            decodeEvents(events.readAll(), &recording.events, &error);
    }
    return recording;
}

std::optional<RunRecording> MainWindow::readRun(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return std::nullopt;
    }
    std::optional<RunRecording> recording;
    const LongTaskOutcome outcome
        = runLongTask(this, tr("Reading %1…").arg(QFileInfo(path).fileName()),
                      m_options.progressAfterMs, [&](const Progress &progress, QString *taskError) {
                          recording = readRecording(file, taskError, progress);
                          return recording.has_value();
                      });
    if (outcome.kind == LongTaskOutcome::Cancelled) {
        m_status->setText(tr("Reading %1 cancelled").arg(QFileInfo(path).fileName()));
        error->clear();
        return std::nullopt;
    }
    *error = outcome.error;
    return recording;
}

bool MainWindow::exportTo(const QString &path, const QString &format)
{
    if (format == QLatin1String("timeline-png") || format == QLatin1String("window-png")) {
        const QPixmap picture = format == QLatin1String("window-png") ? grab() : m_timeline->grab();
        if (!picture.save(path, "PNG")) {
            showError(tr("Cannot export"), tr("%1 could not be written").arg(path));
            return false;
        }
        return true;
    }
    const RunRecording recording = currentRecording();
    if (recording.events.empty()) {
        showError(tr("Nothing to export"), tr("Run the pool or open a run first."));
        return false;
    }
    using Writer = bool (*)(const RunRecording &, QIODevice &, QString *, const Progress &);
    Writer write = &writeRunFile;
    if (format == QLatin1String("trace"))
        write = &writeChromeTrace;
    else if (format == QLatin1String("perfetto"))
        write = &writePerfettoTrace;
    else if (format == QLatin1String("csv"))
        write = &writeResultsCsv;
    // Streamed into a temporary file that takes the name once whole and not cancelled. The file
    // is written on the task's thread and committed here, after that thread is joined.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        showError(tr("Cannot export"), tr("%1: %2").arg(path, file.errorString()));
        return false;
    }
    const LongTaskOutcome outcome
        = runLongTask(this, tr("Writing %1…").arg(QFileInfo(path).fileName()),
                      m_options.progressAfterMs, [&](const Progress &progress, QString *error) {
                          return write(recording, file, error, progress);
                      });
    if (outcome.kind == LongTaskOutcome::Cancelled) {
        file.cancelWriting();
        m_status->setText(tr("Export cancelled: %1 was not written").arg(path));
        return false;
    }
    if (outcome.kind == LongTaskOutcome::Failed || !file.commit()) {
        showError(
            tr("Cannot export"),
            tr("%1: %2").arg(path, outcome.error.isEmpty() ? file.errorString() : outcome.error));
        return false;
    }
    if (format == QLatin1String("run") && !m_replaying)
        m_runSaved = true;
    if (m_recordWriter && m_recordWriter->failed() && !m_replaying)
        m_status->setText(tr("Exported the first %L1 events: recording the run failed (%2)")
                              .arg(recording.events.size())
                              .arg(m_recordWriter->errorString()));
    else if (m_recordingFull && !m_replaying)
        m_status->setText(tr("Exported the first %L1 events: the run outgrew the recording cap")
                              .arg(recording.events.size()));
    return true;
}

bool MainWindow::confirmDiscard()
{
    if (!m_options.confirmDiscard || m_replaying || m_recordedEvents == 0 || m_runSaved)
        return true;
    QMessageBox box(QMessageBox::Question, tr("Discard the last run?"),
                    tr("The last run (%L1 of %L2 results) was not saved.")
                        .arg(m_model->stats().results())
                        .arg(m_model->submittedCount()),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setInformativeText(tr("Save it as a run file to replay it or export it later."));
    box.setDefaultButton(QMessageBox::Save);
    auto *dontAsk = new QCheckBox(tr("Do not ask again"));
    box.setCheckBox(dontAsk);
    const int answer = box.exec();
    if (dontAsk->isChecked() && answer != QMessageBox::Cancel) {
        m_options.confirmDiscard = false;
        if (m_options.restoreSettings)
            QSettings().setValue(QStringLiteral("run/confirmDiscard"), false);
    }
    if (answer == QMessageBox::Save) {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the run"), QStringLiteral("run.psrun"), tr("Poolscope runs (*.psrun)"));
        return !path.isEmpty() && exportTo(path, QStringLiteral("run"));
    }
    return answer == QMessageBox::Discard;
}

void MainWindow::showError(const QString &title, const QString &text)
{
    m_status->setText(text);
    QMessageBox::warning(this, title, text);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().size() == 1
        && event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    openFile(event->mimeData()->urls().first().toLocalFile());
    event->acceptProposedAction();
}

} // namespace gui
