#pragma once

#include "engine/eventfold.h"
#include "engine/eventorder.h"
#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/poolstate.h"
#include "engine/runstats.h"
#include "ui/depthseries.h"
#include "ui/history.h"
#include "ui/historysummary.h"
#include "ui/jobtable.h"
#include "ui/lane.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace gui {

// Submissions at one instant as one element: a producer sending a batch stamps its jobs alike, so
// a flat-out run's sends take an element per batch rather than per job.
struct SendRun
{
    std::int64_t t = 0;
    std::int64_t count = 0;
};

template<> struct Packing<SendRun>
{
    static constexpr int kColumns = 2;
    static void split(const SendRun &s, std::int64_t *c)
    {
        c[0] = s.t;
        c[1] = s.count;
    }
    static SendRun join(const std::int64_t *c) { return {c[0], c[1]}; }
};

struct Marker
{
    std::int64_t t = 0;
    engine::EventKind kind = engine::EventKind::ConfigChanged;
    engine::LiveSetting setting = engine::LiveSetting::Workers;
    double value = 0;
    QString label() const;
};

struct WorkerNow
{
    int id = 0;
    engine::WorkerState state = engine::WorkerState::Idle;
    std::int64_t job = 0;
    std::int64_t since = 0;
    std::int64_t plannedNs = 0;
};

// Everything the views show, built on the GUI thread from the engine's event batches. Views only
// read it. A replay and a live run look the same to it.
class RunModel : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxLogLines = 2000;
    static constexpr int kRecentResults = 12;
    static constexpr std::int64_t kDefaultHistoryCapBytes = 256LL * 1024 * 1024;

    explicit RunModel(QObject *parent = nullptr);

    void reset(const engine::PoolConfig &config);
    // Absorbs a batch (any order across threads; each thread's own in order). Emits changed()
    // once when anything changed.
    void ingest(std::span<const engine::PoolEvent> events,
                std::span<const engine::FailureMessage> failures = {});

    // The same in turns, for a live window that must not hold the GUI thread through a flood:
    // hold() takes a batch in (in time order with what is held, nothing folded yet); fold() folds
    // the held events in time order, kPiece at a time, until `budgetNs` has passed. Whenever
    // everything held is folded it calls `takeMore` (which calls hold(); true if it brought
    // anything), if the turn has folded nothing yet or has half its budget left. What is not
    // folded stays held for the next turn: memory is at most what one take brings, as nothing
    // is taken while anything is held. Emits changed() once when anything was folded; hands the
    // log its lines a frame at a time (kLinesEveryNs), and all of them once caught up. Returns
    // whether the turn ran out of time (call again soon); false when everything held is folded
    // and takeMore brought nothing.
    static constexpr std::int64_t kWhole = std::numeric_limits<std::int64_t>::max();
    static constexpr std::size_t kPiece = 2048; // events folded between looks at the clock
    void hold(std::span<const engine::PoolEvent> events,
              std::span<const engine::FailureMessage> failures = {});
    bool fold(std::int64_t budgetNs, const std::function<bool()> &takeMore = {});
    std::size_t held() const { return m_order.held(); }

    // Detail kept in memory at most (estimated); older detail is summarized per time column.
    void setHistoryCapBytes(std::int64_t bytes)
    {
        m_historyCapBytes = std::max<std::int64_t>(bytes, std::int64_t {64} * 1024);
    }
    std::int64_t historyCapBytes() const { return m_historyCapBytes; }
    // What each result row still in detail costs outside the model (a results table's proxy
    // mapping and header sections, say), so that the cap bounds that memory too.
    void setRowOverheadBytes(std::int64_t bytes)
    {
        m_rowOverheadBytes = std::max<std::int64_t>(bytes, 0);
    }
    std::int64_t historyBytes() const;
    const Summary &summary() const { return m_summary; }

    const engine::PoolConfig &config() const { return m_config; }
    // The queue's capacity: the configuration's, unless set; -1 when unknown (a feed that does
    // not say).
    int queueCapacity() const { return m_queueCapacity; }
    void setQueueCapacity(int capacity)
    {
        if (capacity == m_queueCapacity)
            return;
        m_queueCapacity = capacity;
        Q_EMIT changed();
    }
    // A run observed from a feed: it has no plan (its configuration is a placeholder), so the
    // views predict from what was measured alone. Until the next reset.
    bool observed() const { return m_observed; }
    void setObserved(bool on) { m_observed = on; }
    // The pool's size when processes elsewhere decide it (the Redis engine's workers): the
    // consumers seen so far. Until the next reset.
    void setWorkerCount(int workers)
    {
        if (workers == m_config.workers)
            return;
        m_config.workers = workers;
        Q_EMIT changed();
    }
    // The workers live now (a feed's pool size as far as it has shown it).
    int liveLanes() const;
    bool started() const { return m_started; }
    bool finished() const { return m_finished; }
    std::int64_t latestT() const { return m_latestT; }
    // The run's "now": its end once finished, else the newest of the last event and setNow().
    std::int64_t endT() const { return m_finished ? m_finishedT : std::max(m_latestT, m_now); }
    // Lets open bars and the now edge move smoothly between batches (the engine's clock).
    void setNow(std::int64_t now) { m_now = now; }

    const std::vector<Lane> &lanes() const { return m_lanes; } // by worker id, id 1 first
    const Lane *lane(int worker) const;
    int liveLaneCount() const;
    const History<Span> &producerSpans() const { return m_producerSpans; }
    // Submission times, those at one instant (a producer's batch) as one run.
    const History<SendRun> &sends() const { return m_sends; }
    const History<DepthPoint> &depth() const { return m_depth.samples(); }
    // The extremes of depth and busy workers over depth()[from, to), in O((to − from) / 64) steps:
    // what a chart needs for a pixel column holding thousands of samples.
    using DepthExtremes = DepthSeries::Extremes;
    DepthExtremes depthExtremes(std::size_t from, std::size_t to) const
    {
        return m_depth.extremes(from, to);
    }
    // Ranges from and to multiples of this many samples cost only whole blocks.
    static constexpr std::size_t kDepthBlock = DepthSeries::kBlock;
    const std::vector<Marker> &markers() const { return m_markers; }

    // Results in completion order.
    const History<std::int64_t> &completionOrder() const { return m_completionOrder; }
    // Results collected at or before `t`, summarized ones included (all of them: within the
    // summarized stretch it does not tell them apart by time).
    std::int64_t resultsBy(std::int64_t t) const;
    // The same for rising times, one after another: *cursor (0 to begin with) carries the search
    // on from where the last one ended, so a chart's pixel columns cost a step or two each.
    // Give or take `slack` results (for a line drawn to a fraction of a pixel): with the slack of
    // half a chunk of the history, the count is told from the chunks' first times alone.
    std::int64_t resultsBy(std::int64_t t, std::size_t *cursor, std::int64_t slack = 0) const;
    // Throughput as every view names it, "throughput (last 1 s)": results collected in the last
    // `windowNs` of run time up to endT() (since the start while the run is younger), per second.
    static constexpr std::int64_t kThroughputWindowNs = 1'000'000'000;
    double recentThroughput() const;
    std::optional<JobRecord> job(std::int64_t id) const { return m_jobs.find(id); }
    std::int64_t submittedCount() const { return m_submitted; }

    // Now: what is queued (FIFO, oldest first), what each live worker does, the last results.
    const std::deque<std::int64_t> &queued() const { return m_queued; }
    std::vector<WorkerNow> workers() const;
    std::vector<std::int64_t> recentResults(int count = kRecentResults) const;
    // Paused while the run is paused, also when the pause caught the producer waiting on a full
    // queue (it records no pause of its own until it gets its job in).
    engine::ProducerState producerState() const
    {
        const bool sending = m_producerState == engine::ProducerState::Blocked
            || m_producerState == engine::ProducerState::Producing;
        return m_paused && sending ? engine::ProducerState::Paused : m_producerState;
    }
    // Whether the run is paused (idle workers then wait for the resume, not for jobs).
    bool paused() const { return m_paused; }
    std::int64_t producerJob() const { return m_producerJob; } // the job being sent or blocked on
    int busyWorkers() const { return m_busy; }

    const engine::RunStats &stats() const { return m_stats; }
    const std::deque<QString> &logLines() const { return m_log; }
    std::int64_t logLinesDropped() const { return m_logDropped; }

Q_SIGNALS:
    void modelReset();
    void changed();
    void resultsAppended(int first, int last); // rows in completion order
    void resultsAboutToBeSummarized(int count); // the oldest `count` rows are about to go
    void resultsSummarized(int count); // ... and went into the summary
    void logAppended(const QStringList &lines);

private:
    Lane &laneFor(int worker);
    struct FoldSink;
    void closeSpan(Lane &lane, Span::Kind kind, std::int64_t t, engine::JobStatus status);
    void closeProducerSpan(Span::Kind kind, std::int64_t t);
    void addDepthPoint(std::int64_t t, int depth);
    void apply(const engine::PoolEvent &e);
    void queueLine(const engine::PoolEvent &e, QString failure);
    // Hands the pending lines over to the log (logAppended).
    void flushLines();
    static constexpr std::int64_t kLinesEveryNs = 16'000'000;
    void summarizeOldest();

    engine::PoolConfig m_config;
    int m_queueCapacity = m_config.effectiveQueueCapacity();
    bool m_observed = false;
    engine::RunStats m_stats;
    bool m_started = false;
    bool m_finished = false;
    std::int64_t m_finishedT = 0;
    std::int64_t m_latestT = 0;
    std::int64_t m_now = 0;

    std::vector<Lane> m_lanes;
    // Worker id → lane (-1: none yet), as long as the highest id seen: a pool's ids are at most
    // PoolConfig::kMaxWorkers, a feed's up to 65535.
    std::vector<int> m_laneOf;
    History<Span> m_producerSpans;
    History<SendRun> m_sends;
    DepthSeries m_depth;
    std::vector<Marker> m_markers;
    engine::EventOrder m_order;
    JobTable m_jobs;
    QHash<std::int64_t, QString> m_failures;
    History<std::int64_t> m_completionOrder;
    // When each of them was collected: rising (one collector stamps them), so searchable, and
    // there for every row, also one whose job record went with an earlier fold.
    History<std::int64_t> m_collectedAt;
    std::deque<std::int64_t> m_queued;
    std::int64_t m_submitted = 0;
    std::int64_t m_collected = 0;
    int m_depthNow = 0;
    int m_busy = 0;
    engine::ProducerState m_producerState = engine::ProducerState::Idle;
    bool m_paused = false;
    std::int64_t m_producerJob = 0;
    std::deque<QString> m_log;
    std::int64_t m_logDropped = 0;
    // The events that make log lines and are not in the log yet (fold() hands them over a frame
    // at a time, or once caught up): the newest kPendingLines, with a failure's text, in a ring;
    // more than that is a flood, of which the newest lines are formatted and the rest counted.
    struct PendingLine
    {
        engine::PoolEvent event;
        QString failure;
    };
    // A log pane cannot be read faster than kFloodLines a hand-over.
    static constexpr std::size_t kFloodLines = 200;
    static constexpr std::size_t kPendingLines = 4 * kFloodLines;
    std::vector<PendingLine> m_pendingLines;
    std::size_t m_pendingCount = 0; // since the last hand-over
    QElapsedTimer m_sinceLines;
    std::int64_t m_historyCapBytes = kDefaultHistoryCapBytes;
    std::int64_t m_rowOverheadBytes = 0;
    std::int64_t m_spanCount = 0;
    Summary m_summary;
};

} // namespace gui
