#pragma once

#include "engine/feeddecoder.h"
#include "engine/feedlistener.h"
#include "engine/poolconfig.h"
#include "engine/redisclient.h"
#include "engine/runrecording.h"
#include "engine/sizing.h"
#include "engine/sweepspec.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace engine {
class BackgroundWriter;
class FeedSource;
class LiveSource;
class WorkerPool;
namespace redis {
class RedisPool;
class RedisWatch;
struct WatchTarget;
} // namespace redis
} // namespace engine

class QAction;
class QKeySequence;
class QLabel;
class QMenu;
class QSlider;
class QToolBar;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTabWidget;
class QTemporaryFile;

namespace gui {

class CompareWindow;
class ControlPanel;
class NumberStrip;
class PipelineView;
class QueueChart;
class ResultsModel;
class RunModel;
class StatsPanel;
class SweepWindow;
class TimelineView;
class TimeWindow;
struct Theme;

// The window: control panel docked at the side; pipeline and timeline (with the queue chart under
// it) as the stars; the run's numbers in a strip and results, statistics and the log in tabs
// below. The GUI thread takes the engine's batches in turns of about kTurnNs (one each frame, more
// between frames while a flood lasts) and never waits on it.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Events the engine may publish ahead of the window (about 3 MB): a pool faster than the
    // window can absorb waits for it rather than filling memory, so the run goes as fast as the
    // window can follow (poolscope-bench's window_ingest figures: 64 workers flat out, the pool's
    // threads in the background).
    static constexpr std::int64_t kEventBacklog = 100'000;
    // Events a pool thread gathers before publishing them (its event chunk): an eighth of the
    // default, so that 64 threads' chunks landing together add ~33,000 events to a take, not
    // ~260,000, and a thread's events come late by less (a late event re-merges what was drawn
    // after it).
    static constexpr std::size_t kEventChunk = 512;
    // How long a turn of the data path may hold the GUI thread (RunModel::fold): a flood is
    // folded in turns of about this, frames painting and input handled between them.
    static constexpr std::int64_t kTurnNs = 2'500'000;
    // Memory a result row in the table costs besides the run model: the sorting proxy's two
    // index mappings and the header's section, with their lists' growth room (~30 bytes measured
    // in a flat-out soak). Counted against the history cap.
    static constexpr std::int64_t kResultRowBytes = 32;

    struct Options
    {
        bool restoreSettings
            = true; // window geometry, splitters and (without flags) the last config
        bool useGivenConfig = false; // the command line gave a configuration: use it
        QString screenshotPath; // grab the window runForMs after the start, save, quit
        int runForMs = 2000;
        // Asks before a live run that was not saved is thrown away (by Start, Reset or opening a
        // file); the dialog's "do not ask again" turns it off in the settings.
        bool confirmDiscard = true;
        // A save, export or open that takes longer than this shows its progress, with Cancel.
        int progressAfterMs = 500;
    };

    explicit MainWindow(const engine::PoolConfig &config, Options options,
                        QWidget *parent = nullptr);
    explicit MainWindow(const engine::PoolConfig &config, QWidget *parent = nullptr);
    ~MainWindow() override;

    // For tests and the benchmark: the pieces the window is made of.
    engine::WorkerPool *pool() const { return m_pool; }
    RunModel *runModel() const { return m_model; }
    ControlPanel *controlPanel() const { return m_controls; }
    TimelineView *timeline() const { return m_timeline; }
    TimeWindow *timeWindow() const { return m_window; }
    QTableView *resultsView() const { return m_resultsView; }
    bool isReplaying() const { return m_replaying; }
    // The sweep and sizing window, opened (and made) on demand with the current configuration.
    SweepWindow *showSweepWindow();
    // Opens it and starts a sweep, or a sizing answer and its check (from the command line);
    // with a screenshot path, its picture is taken runForMs later.
    void startSweep(const engine::SweepSpec &spec);
    void startSizing(const engine::SizingTarget &target);
    // Opens a comparison of two runs (A first); the window deletes itself when closed.
    CompareWindow *compareRuns(const engine::RunRecording &a, const QString &nameA,
                               const engine::RunRecording &b, const QString &nameB);
    // This run against the run before it (File ▸ Compare with the previous run); null, after
    // saying why, when there are not two.
    CompareWindow *compareWithPrevious();
    // This run against a saved one, A (File ▸ Compare with a saved run…); null, after saying why,
    // when the file cannot be read or there is no run now.
    CompareWindow *compareWithFile(const QString &path);
    // Two saved runs (from the command line); with a screenshot path, its picture is taken
    // runForMs later. Null, after saying why, when a file cannot be read.
    CompareWindow *compareFiles(const QString &pathA, const QString &pathB);
    bool isReplayPlaying() const { return m_replayPlaying; }
    // Follows another program's feed ("-": standard input; a file as it grows) live in the
    // views; false, after saying why, when it cannot be read. The knobs are disabled while it
    // runs (a feed is observed, not controlled); Stop ends the following.
    bool followFeed(const QString &path, engine::FeedDecoder::Format format);
    // Listens for programs' feeds ("HOST:PORT" or "unix:PATH"), each sender's workers in lanes
    // named after it; false, after saying why, when it cannot listen.
    bool listenForFeeds(const QString &address, engine::FeedDecoder::Format format);
    engine::FeedSource *feed() const { return m_feed; }
    bool isFollowing() const;
    // From now on a run goes through Redis Streams at `target` to poolscope-worker processes
    // (the Redis engine): Start sends the knobs' jobs there, and the lanes are the workers that
    // take them, grouped by host. The knobs the workers decide are disabled, saying so.
    void useRedisEngine(const engine::redis::Target &target);
    engine::redis::RedisPool *redisPool() const { return m_redisPool; }
    // Watches a Redis work queue, read-only: a lane per consumer of its group; false, after
    // saying why, when the stream or group cannot be watched.
    bool watchRedis(const engine::redis::WatchTarget &target);
    engine::redis::RedisWatch *redisWatch() const { return m_redisWatch; }
    // The source the run shown comes from when it is not the window's own pool; else null.
    engine::LiveSource *liveSource() const { return m_source; }

public Q_SLOTS:
    void startRun();
    void togglePause();
    void stopRun();
    void cancelRun();
    void resetRun();
    // Plays or pauses an open replay (from its start again once it has ended).
    void toggleReplay();
    // Opens a run file or Poolscope Chrome trace and replays it; false (after telling the user
    // what is wrong, in a dialog) when it cannot be read.
    bool openFile(const QString &path);
    // format: "trace", "perfetto", "csv", "run", "timeline-png", "window-png". False when it
    // failed (said in a dialog) or was cancelled (said in the status bar): then no file is left.
    bool exportTo(const QString &path, const QString &format);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void leaveSource(); // back to the window's own pool: knobs apply, lanes are workers
    void showLanes(std::unordered_map<int, QString> names, std::vector<engine::LaneGroup> groups);
    void stopSources(); // every source but the pool stops, and its threads are joined
    void buildUi();
    void buildActions();
    void buildCompareActions(QMenu *file);
    void buildTimeActions(QToolBar *toolbar);
    QAction *addShortcut(const QString &text, const QKeySequence &key,
                         const std::function<void()> &slot, const QString &tip);
    void frame();
    // Takes in the source's events: everything there now (drain()), or in a turn of about
    // `budgetNs` on the GUI thread (RunModel::fold), returning whether it ran out of time.
    void drain();
    bool drain(std::int64_t budgetNs);
    bool takeFromSource(); // into the model's held events (and the recording); false: nothing
    void catchUp(); // a turn between frames while a flood lasts
    void openRecording(); // a fresh temporary file for the live run's events, and its writer
    void updateRunState();
    void updateStatus();
    // The live source, a pool or a feed: running, and its clock.
    bool liveRunning() const;
    std::int64_t liveNow() const;
    QString feedText() const; // the feed's account, for the status bar
    QString redisText() const; // the Redis engine's or watch's account, for the status bar
    QString sourceText() const;
    bool observe(const QString &failureTitle, const QString &why, engine::LiveSource *source,
                 const std::function<bool(QString *)> &start);
    void selectJob(std::int64_t job);
    void onRunFinished();
    void placeOnScreen();
    void refreshNumbers(); // the strip and the Statistics tab
    QString viewText() const;
    void saveSettings() const;
    void restoreSettings();
    void applyTheme();
    static QString colourKey(const Theme &theme);
    QString shortcutsText() const;
    static QString guideText();
    void takeScreenshot();
    void buildMenus();
    void buildReplayBar();
    void replayTo(std::int64_t t);
    void setReplaying(bool replaying);
    void showError(const QString &title, const QString &text);
    // True when the live run may go: nothing unsaved, or the user saved or discarded it.
    bool confirmDiscard();
    engine::RunRecording currentRecording() const;
    // A run file or trace read with its progress shown (and Cancel) when it takes long;
    // std::nullopt with *error saying why, or empty when the user cancelled.
    std::optional<engine::RunRecording> readRun(const QString &path, QString *error);

    Options m_options;
    engine::WorkerPool *m_pool = nullptr;
    engine::FeedSource *m_feed = nullptr;
    engine::redis::RedisPool *m_redisPool = nullptr;
    engine::redis::RedisWatch *m_redisWatch = nullptr;
    std::optional<engine::redis::Target> m_engineTarget; // runs go through Redis
    engine::LiveSource *m_source = nullptr; // the run shown came from it, not m_pool
    std::vector<engine::PoolEvent> m_takenEvents; // the last batch taken, its memory reused
    RunModel *m_model = nullptr;
    TimeWindow *m_window = nullptr;
    ControlPanel *m_controls = nullptr;
    PipelineView *m_pipeline = nullptr;
    TimelineView *m_timeline = nullptr;
    QueueChart *m_chart = nullptr;
    ResultsModel *m_results = nullptr;
    QSortFilterProxyModel *m_sortedResults = nullptr;
    QTableView *m_resultsView = nullptr;
    StatsPanel *m_stats = nullptr;
    SweepWindow *m_sweepWindow = nullptr;
    NumberStrip *m_numbers = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_timeSplitter = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_legend = nullptr;
    QTimer m_frameTimer;
    QTimer m_catchUp;
    QElapsedTimer m_sinceFrame;
    QElapsedTimer m_sinceStats;
    QElapsedTimer m_sinceNumbers;
    bool m_dirty = false;
    bool m_closing = false;

    // The live run, kept for export and saving: its config and failures in memory, its events in a
    // temporary file (32 bytes each), so a long run costs disk, not the history's memory cap.
    static constexpr std::int64_t kMaxRecordedEvents = 128'000'000; // 4 GiB of disk
    engine::RunRecording m_recorded;
    std::unique_ptr<QTemporaryFile> m_recordFile;
    // Writes the events to m_recordFile on a thread of its own (gone before the file goes).
    std::unique_ptr<engine::BackgroundWriter> m_recordWriter;
    // The live run before this one (its events' file handed over at Start), to compare with.
    engine::RunRecording m_previousRecorded;
    std::unique_ptr<QTemporaryFile> m_previousRecordFile;
    QAction *m_comparePrevious = nullptr;
    std::int64_t m_recordedEvents = 0;
    bool m_recordingFull = false;
    bool m_runSaved = false; // the live run was saved as a run file

    // Replay of an opened file: its events sorted by time, fed to the model as the replay clock
    // runs.
    bool m_replaying = false;
    bool m_replayPlaying = false;
    double m_replaySpeed = 1.0;
    std::int64_t m_replayT = 0;
    std::size_t m_replayNext = 0;
    engine::RunRecording m_replay;
    QToolBar *m_replayBar = nullptr;
    QAction *m_replayPlay = nullptr;
    QSlider *m_replaySlider = nullptr;
    QLabel *m_replayTime = nullptr;
};

} // namespace gui
