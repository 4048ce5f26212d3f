#pragma once

#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/poolstate.h"
#include "engine/runstats.h"
#include "ui/history.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace gui {

// One stretch of a lane: a job being processed, or a worker blocked on the full results queue.
struct Span
{
    enum Kind : std::uint8_t { Busy, Blocked, ProducerBlocked, Paused };
    std::int64_t start = 0;
    std::int64_t end = -1; // -1 while still open
    std::int64_t job : 48 = 0; // 2^47 jobs: a flat-out run would take weeks to get there
    Kind kind : 8 = Busy;
    engine::JobStatus status : 8 = engine::JobStatus::Completed; // Busy spans, once closed
};
static_assert(sizeof(Span) == 24); // a million of them per million jobs

// Packed in a History as its start, its length, its job and its kind and status: a lane's spans
// follow one another closely, so each of those takes a byte or a few.
template<> struct Packing<Span>
{
    static constexpr int kColumns = 4;
    static void split(const Span &s, std::int64_t *c)
    {
        c[0] = s.start;
        c[1] = s.end - s.start;
        c[2] = s.job;
        c[3] = static_cast<std::int64_t>(s.kind) | static_cast<std::int64_t>(s.status) << 8;
    }
    static Span join(const std::int64_t *c)
    {
        Span s;
        s.start = c[0];
        s.end = c[0] + c[1];
        s.job = c[2];
        s.kind = static_cast<Span::Kind>(c[3] & 0xff);
        s.status = static_cast<engine::JobStatus>(c[3] >> 8);
        return s;
    }
};

// What a block of a lane's spans looks like from afar, so that a zoomed-out view can take it in
// one step when all of it merges into one dense run.
struct SpanBlock
{
    std::int64_t firstStart = 0;
    std::int64_t lastEnd = 0;
    std::int64_t longest = 0; // the longest span
    std::int64_t widestGap = 0; // between one span's end and the next one's start
    std::int64_t firstJob = 0, lastJob = 0;
    bool onlyBusy = true; // no blocked stretch among them
};

// One worker id's row on the timeline. A lane can live several times (ids are reused after a
// shrink and a grow); lifetimes lists each [start, end) it was live.
struct Lane
{
    static constexpr std::size_t kBlock = 256; // spans per SpanBlock

    int worker = 0;
    History<Span> spans;
    std::vector<std::pair<std::int64_t, std::int64_t>> lifetimes; // end -1 while live
    std::int64_t plannedNs = 0; // of the job it is busy with
    bool live() const { return !lifetimes.empty() && lifetimes.back().second < 0; }

    // The block holding spans[index] and where it ends (an index into spans), or nullptr while
    // the block is not complete (fewer than kBlock spans, or one still open). Blocks are counted
    // from the first span the lane ever had, so folding the front away does not move them.
    const SpanBlock *blockAt(std::size_t index, std::size_t *end) const;
    void foldFront(std::size_t n); // drops spans[0, n)
    // Sums up the blocks completed since the last call, while their spans are fresh in memory
    // (a zoomed-out frame would otherwise do it for all of them at once, the first time).
    void sumUpNewBlocks();

private:
    std::int64_t m_folded = 0; // spans folded away from the front
    mutable std::vector<std::optional<SpanBlock>> m_blocks; // from block m_blocksFrom on
    mutable std::int64_t m_blocksFrom = 0;
    std::int64_t m_nextBlock = 0; // sumUpNewBlocks() has done the blocks before this one
};

struct JobRecord
{
    std::int64_t job = 0;
    std::int64_t submitted = -1;
    std::int64_t enqueued = -1;
    std::int64_t started = -1;
    std::int64_t finished = -1;
    std::int64_t collected = -1;
    std::uint16_t worker = 0; // 0: never started
    engine::JobStatus status = engine::JobStatus::Completed;
    bool done = false; // result collected
    std::int64_t wait() const { return started >= 0 && submitted >= 0 ? started - submitted : -1; }
    std::int64_t processing() const
    {
        return finished >= 0 && started >= 0 ? finished - started : -1;
    }
    std::int64_t latency() const
    {
        return collected >= 0 && submitted >= 0 ? collected - submitted : -1;
    }
};

// Packed in a History as its id, its submission time, each later time as the step from the
// one before it (0 for a time not known yet), and worker, status and done together: a chunk of
// consecutive jobs then needs a few bytes per time instead of eight.
template<> struct Packing<JobRecord>
{
    static constexpr int kColumns = 7;
    static std::int64_t step(std::int64_t t, std::int64_t *ref)
    {
        if (t == -1)
            return 0;
        const std::int64_t d = t - *ref;
        *ref = t >= 0 ? t : *ref;
        return d >= 0 ? d + 1 : d;
    }
    static std::int64_t unstep(std::int64_t c, std::int64_t *ref)
    {
        if (c == 0)
            return -1;
        const std::int64_t t = *ref + (c > 0 ? c - 1 : c);
        *ref = t >= 0 ? t : *ref;
        return t;
    }
    static void split(const JobRecord &r, std::int64_t *c)
    {
        std::int64_t ref = std::max<std::int64_t>(r.submitted, 0);
        c[0] = r.job;
        c[1] = r.submitted;
        c[2] = step(r.enqueued, &ref);
        c[3] = step(r.started, &ref);
        c[4] = step(r.finished, &ref);
        c[5] = step(r.collected, &ref);
        c[6] = std::int64_t {r.worker} | std::int64_t {static_cast<std::uint8_t>(r.status)} << 16
            | std::int64_t {r.done} << 24;
    }
    static JobRecord join(const std::int64_t *c)
    {
        JobRecord r;
        std::int64_t ref = std::max<std::int64_t>(c[1], 0);
        r.job = c[0];
        r.submitted = c[1];
        r.enqueued = unstep(c[2], &ref);
        r.started = unstep(c[3], &ref);
        r.finished = unstep(c[4], &ref);
        r.collected = unstep(c[5], &ref);
        r.worker = static_cast<std::uint16_t>(c[6] & 0xffff);
        r.status = static_cast<engine::JobStatus>((c[6] >> 16) & 0xff);
        r.done = (c[6] >> 24) != 0;
        return r;
    }
};

// A sample of the queue and the pool, taken at every change of the queue depth or of the busy
// workers. (Results collected so far: RunModel::resultsBy.)
struct DepthPoint
{
    std::int64_t t = 0;
    int depth = 0;
    int inFlight = 0; // busy workers
};

template<> struct Packing<DepthPoint>
{
    static constexpr int kColumns = 3;
    static void split(const DepthPoint &p, std::int64_t *c)
    {
        c[0] = p.t;
        c[1] = p.depth;
        c[2] = p.inFlight;
    }
    static DepthPoint join(const std::int64_t *c)
    {
        return {c[0], static_cast<int>(c[1]), static_cast<int>(c[2])};
    }
};

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

// Detail older than the history cap, folded into a fixed grid of time columns. Additive, so
// columns merge pairwise when the summarized stretch outgrows the grid.
struct SummaryColumn
{
    float busyNs = 0; // time spent processing jobs in this column
    float blockedNs = 0; // time blocked on a full queue
    std::uint32_t jobs = 0; // jobs that finished (workers) or were sent (producer)
    std::uint16_t failed = 0;
    std::uint16_t cancelled = 0;
};

struct DepthSummary
{
    int maxDepth = 0;
    int maxInFlight = 0;
    bool seen = false;
};

struct Summary
{
    static constexpr int kColumns = 2048;
    std::int64_t columnNs = 0; // width of one column; 0 while nothing is summarized
    std::int64_t until = 0; // everything before this time is summarized
    std::vector<std::vector<SummaryColumn>> lanes; // by lane index (parallel to lanes())
    std::vector<SummaryColumn> producer;
    std::vector<DepthSummary> depth;
    std::int64_t jobs = 0; // job records folded in
    int columnOf(std::int64_t t) const { return columnNs > 0 ? static_cast<int>(t / columnNs) : 0; }
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
    int queueCapacity() const { return m_config.effectiveQueueCapacity(); }
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
    const History<DepthPoint> &depth() const { return m_depth; }
    // The extremes of depth and busy workers over depth()[from, to), in O((to − from) / 64) steps:
    // what a chart needs for a pixel column holding thousands of samples.
    struct DepthExtremes
    {
        int minDepth = 0, maxDepth = 0, minBusy = 0, maxBusy = 0;
    };
    DepthExtremes depthExtremes(std::size_t from, std::size_t to) const;
    // Ranges from and to multiples of this many samples cost only whole blocks.
    static constexpr std::size_t kDepthBlock = 64;
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
    std::optional<JobRecord> job(std::int64_t id) const;
    std::int64_t submittedCount() const { return m_submitted; }

    // Now: what is queued (FIFO, oldest first), what each live worker does, the last results.
    const std::deque<std::int64_t> &queued() const { return m_queued; }
    std::vector<WorkerNow> workers() const;
    std::vector<std::int64_t> recentResults(int count = kRecentResults) const;
    engine::ProducerState producerState() const { return m_producerState; }
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
    static std::array<int, engine::PoolConfig::kMaxWorkers + 1> filledWithMinusOne()
    {
        std::array<int, engine::PoolConfig::kMaxWorkers + 1> a {};
        a.fill(-1);
        return a;
    }
    JobRecord &record(std::int64_t job);
    void closeSpan(Lane &lane, Span::Kind kind, std::int64_t t, engine::JobStatus status);
    void closeProducerSpan(Span::Kind kind, std::int64_t t);
    void addDepthPoint(std::int64_t t, int depth);
    void apply(const engine::PoolEvent &e, QStringList *newLines);
    void mergeBatchDepth();
    void summarizeOldest();
    void widenSummaryTo(std::int64_t until);

    engine::PoolConfig m_config;
    engine::RunStats m_stats;
    bool m_started = false;
    bool m_finished = false;
    std::int64_t m_finishedT = 0;
    std::int64_t m_latestT = 0;
    std::int64_t m_now = 0;

    std::vector<Lane> m_lanes;
    std::array<int, engine::PoolConfig::kMaxWorkers + 1> m_laneOf
        = filledWithMinusOne(); // worker id → lane
    History<Span> m_producerSpans;
    History<SendRun> m_sends;
    History<DepthPoint> m_depth;
    std::vector<DepthPoint> m_batchDepth; // samples of the batch being applied, in time order
    // Extremes per block of 64 depth samples, rebuilt lazily from the first block a change touched.
    static constexpr std::size_t kSuperBlock = kDepthBlock * kDepthBlock; // samples
    mutable std::vector<DepthExtremes> m_depthBlocks;
    mutable std::vector<DepthExtremes> m_depthSupers; // extremes of kDepthBlock blocks each
    mutable std::size_t m_depthBlocksValid
        = 0; // samples covered by valid blocks (a multiple of 64)
    void updateDepthBlocks() const;
    void depthChangedFrom(std::size_t index)
    {
        m_depthBlocksValid = std::min(m_depthBlocksValid, index / kDepthBlock * kDepthBlock);
    }
    std::vector<Marker> m_markers;
    // Job records by id (m_jobs[id − m_jobsBase]); the oldest leave with the summary. Records of
    // jobs done are packed (settleJobs), the rest stay as they are while they change.
    History<JobRecord> m_jobs;
    std::int64_t m_jobsBase = 0;
    std::int64_t m_jobsFloor = INT64_MIN; // ids below were folded away
    std::size_t m_jobsSettled = 0; // every record before this index is done
    static constexpr std::size_t kFarAhead = std::size_t {1} << 20;
    void settleJobs();
    std::unordered_map<std::int64_t, JobRecord> m_stragglers; // in flight, below the window
    JobRecord m_scratch; // late events of jobs already summarized land here
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
    std::int64_t m_producerJob = 0;
    std::deque<QString> m_log;
    std::int64_t m_logDropped = 0;
    std::int64_t m_historyCapBytes = kDefaultHistoryCapBytes;
    std::int64_t m_rowOverheadBytes = 0;
    std::int64_t m_spanCount = 0;
    Summary m_summary;
};

} // namespace gui
