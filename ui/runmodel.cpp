#include "ui/runmodel.h"

#include "engine/durationformat.h"
#include "engine/referencelog.h"
#include "ui/timecoords.h"

#include <algorithm>

namespace gui {

using namespace engine;

namespace {
// A log pane cannot be read faster than this; the rest of a batch is counted, not formatted.
constexpr int kMaxLinesPerBatch = 200;
} // namespace

QString Marker::label() const
{
    switch (kind) {
    case EventKind::StopRequested:
        return QStringLiteral("stop");
    case EventKind::CancelRequested:
        return QStringLiteral("cancel");
    case EventKind::ConfigChanged:
        switch (setting) {
        case LiveSetting::Workers:
            return QStringLiteral("workers → %1").arg(value);
        case LiveSetting::Speed:
            return QStringLiteral("speed %1×").arg(value);
        case LiveSetting::IntervalMs:
            return QStringLiteral("interval %1 ms").arg(value);
        case LiveSetting::Paused:
            return value != 0.0 ? QStringLiteral("paused") : QStringLiteral("resumed");
        }
        break;
    default:
        break;
    }
    return {};
}

const SpanBlock *Lane::blockAt(std::size_t index, std::size_t *end) const
{
    const std::int64_t absolute = m_folded + static_cast<std::int64_t>(index);
    const std::int64_t block = absolute / static_cast<std::int64_t>(kBlock);
    const std::int64_t blockStart = block * static_cast<std::int64_t>(kBlock);
    // Only blocks wholly still here: the first, partly folded, is not summed up.
    if (blockStart < m_folded)
        return nullptr;
    const auto first = static_cast<std::size_t>(blockStart - m_folded);
    if (first + kBlock > spans.size())
        return nullptr;
    const auto slot = static_cast<std::size_t>(block - m_blocksFrom);
    if (slot >= m_blocks.size())
        m_blocks.resize(slot + 1);
    *end = first + kBlock;
    if (const std::optional<SpanBlock> &cached = m_blocks[slot]; cached.has_value())
        return &*cached;
    SpanBlock b;
    b.firstJob = b.lastJob = spans[first].job;
    b.firstStart = spans[first].start;
    for (std::size_t i = first; i < first + kBlock; ++i) {
        const Span &span = spans[i];
        if (span.end < 0)
            return nullptr; // still open: ask again later
        b.onlyBusy = b.onlyBusy && span.kind == Span::Busy;
        b.longest = std::max(b.longest, span.end - span.start);
        if (i > first)
            b.widestGap = std::max(b.widestGap, span.start - spans[i - 1].end);
        b.firstJob = std::min<std::int64_t>(b.firstJob, span.job);
        b.lastJob = std::max<std::int64_t>(b.lastJob, span.job);
        b.lastEnd = std::max(b.lastEnd, span.end);
    }
    return &m_blocks[slot].emplace(b);
}

void Lane::sumUpNewBlocks()
{
    constexpr auto block = static_cast<std::int64_t>(kBlock);
    m_nextBlock = std::max(m_nextBlock, (m_folded + block - 1) / block);
    std::size_t end = 0;
    while ((m_nextBlock + 1) * block <= m_folded + static_cast<std::int64_t>(spans.size())
           && blockAt(static_cast<std::size_t>(m_nextBlock * block - m_folded), &end))
        ++m_nextBlock;
}

void Lane::foldFront(std::size_t n)
{
    spans.erase(spans.begin(), spans.begin() + static_cast<std::ptrdiff_t>(n));
    m_folded += static_cast<std::int64_t>(n);
    // Blocks now (partly) folded away are not needed again.
    const std::int64_t firstKept = m_folded / static_cast<std::int64_t>(kBlock);
    const auto gone = static_cast<std::size_t>(
        std::clamp<std::int64_t>(firstKept - m_blocksFrom, 0, std::int64_t(m_blocks.size())));
    m_blocks.erase(m_blocks.begin(), m_blocks.begin() + static_cast<std::ptrdiff_t>(gone));
    m_blocksFrom = std::max(m_blocksFrom, firstKept);
}

RunModel::RunModel(QObject *parent)
    : QObject(parent)
{
    m_jobs.setAutoPack(false);
}

void RunModel::reset(const PoolConfig &config)
{
    m_config = config;
    m_stats = RunStats {};
    m_started = m_finished = false;
    m_finishedT = m_latestT = m_now = 0;
    m_lanes.clear();
    m_producerSpans.clear();
    m_sends.clear();
    m_depth.clear();
    depthChangedFrom(0);
    m_markers.clear();
    m_jobs.clear();
    m_jobs.setAutoPack(false);
    m_jobsBase = 0;
    m_jobsFloor = INT64_MIN;
    m_jobsSettled = 0;
    m_stragglers.clear();
    m_failures.clear();
    m_completionOrder.clear();
    m_collectedAt.clear();
    m_queued.clear();
    m_submitted = m_collected = 0;
    m_depthNow = m_busy = 0;
    m_producerState = ProducerState::Idle;
    m_producerJob = 0;
    m_log.clear();
    m_logDropped = 0;
    m_spanCount = 0;
    m_summary = Summary {};
    m_laneOf.fill(-1);
    Q_EMIT modelReset();
    Q_EMIT changed();
}

const Lane *RunModel::lane(int worker) const
{
    for (const Lane &l : m_lanes) {
        if (l.worker == worker)
            return &l;
    }
    return nullptr;
}

int RunModel::liveLaneCount() const
{
    return static_cast<int>(
        std::count_if(m_lanes.begin(), m_lanes.end(), [](const Lane &l) { return l.live(); }));
}

Lane &RunModel::laneFor(int worker)
{
    const auto slot
        = static_cast<std::size_t>(std::clamp(worker, 0, engine::PoolConfig::kMaxWorkers));
    if (const int index = m_laneOf[slot]; index >= 0)
        return m_lanes[static_cast<std::size_t>(index)];
    auto it = std::lower_bound(m_lanes.begin(), m_lanes.end(), worker,
                               [](const Lane &l, int id) { return l.worker < id; });
    Lane lane;
    lane.worker = worker;
    const auto index = it - m_lanes.begin();
    it = m_lanes.insert(it, std::move(lane));
    if (m_summary.columnNs > 0) // keep the summary's lanes parallel to the lanes
        m_summary.lanes.insert(m_summary.lanes.begin() + index,
                               std::vector<SummaryColumn>(Summary::kColumns));
    for (std::size_t i = 0; i < m_lanes.size(); ++i)
        m_laneOf[static_cast<std::size_t>(m_lanes[i].worker)] = static_cast<int>(i);
    return *it;
}

namespace {
// Whether any event of the job has arrived (the record window holds fresh records for ids in
// between that nothing was heard of yet).
bool heardOf(const JobRecord &r)
{
    return r.submitted >= 0 || r.enqueued >= 0 || r.started >= 0 || r.finished >= 0 || r.done;
}

// Calls f for each of the oldest spans that closed before `cut` (each read once), and returns how
// many there are: what a fold takes from a lane or the producer's row.
template<typename F> std::size_t closedBefore(const History<Span> &spans, std::int64_t cut, F &&f)
{
    std::size_t n = 0;
    for (; n < spans.size(); ++n) {
        const Span span = spans[n];
        if (span.end < 0 || span.end >= cut)
            break;
        f(span);
    }
    return n;
}
} // namespace

JobRecord &RunModel::record(std::int64_t job)
{
    if (m_jobs.empty() && job >= m_jobsFloor)
        m_jobsBase = job;
    // Outside the window, the side table: below it, a job still in flight when the window moved
    // on, or one older than the first the window saw; far beyond every id seen (ids are dense,
    // so only a damaged recording gets there), one entry rather than millions of records in
    // between. A late event of a job already summarized is kept nowhere.
    const bool below = job < m_jobsBase;
    const auto index = static_cast<std::size_t>(job - m_jobsBase);
    if (below || index > m_jobs.size() + kFarAhead) {
        if (below && job < m_jobsFloor && !m_stragglers.contains(job)) {
            m_scratch = JobRecord {};
            return m_scratch;
        }
        JobRecord &r = m_stragglers[job];
        r.job = job;
        return r;
    }
    while (m_jobs.size() <= index) {
        JobRecord fresh;
        fresh.job = m_jobsBase + static_cast<std::int64_t>(m_jobs.size());
        m_jobs.push_back(fresh);
    }
    return m_jobs.edit(index);
}

// Packs the records of jobs done (and any far behind the newest, done or not: a job that takes
// minutes must not keep every record after it unpacked; its chunk is unpacked again for its
// late events).
void RunModel::settleJobs()
{
    constexpr std::size_t kUnpackedAtMost = 65'536;
    while (m_jobsSettled < m_jobs.size() && m_jobs[m_jobsSettled].done)
        ++m_jobsSettled;
    const std::size_t farBehind
        = m_jobs.size() > kUnpackedAtMost ? m_jobs.size() - kUnpackedAtMost : 0;
    m_jobs.packBefore(std::max(m_jobsSettled, farBehind));
}

std::optional<JobRecord> RunModel::job(std::int64_t id) const
{
    if (id >= m_jobsBase && id - m_jobsBase < static_cast<std::int64_t>(m_jobs.size())) {
        const JobRecord r = m_jobs[static_cast<std::size_t>(id - m_jobsBase)];
        if (heardOf(r))
            return r;
    }
    const auto it = m_stragglers.find(id);
    return it != m_stragglers.end() ? std::optional<JobRecord>(it->second) : std::nullopt;
}

void RunModel::closeSpan(Lane &lane, Span::Kind kind, std::int64_t t, JobStatus status)
{
    History<Span> &spans = lane.spans;
    for (std::size_t i = spans.size(); i-- > 0;) {
        const Span span = spans[i];
        if (span.end < 0 && span.kind == kind) {
            Span &open = spans.edit(i);
            open.end = std::max(t, open.start);
            open.status = status;
            return;
        }
        if (span.end >= 0)
            break; // only the newest spans can be open
    }
}

// The producer's newest open span of `kind` ends at t (a pause can fall inside a blocked stretch,
// so the open one is not always the last).
void RunModel::closeProducerSpan(Span::Kind kind, std::int64_t t)
{
    for (std::size_t i = m_producerSpans.size(); i-- > 0;) {
        const Span span = m_producerSpans[i];
        if (span.kind == kind && span.end < 0) {
            m_producerSpans.edit(i).end = t;
            return;
        }
    }
}

void RunModel::addDepthPoint(std::int64_t t, int depth)
{
    m_depthNow = depth;
    const DepthPoint point {t, depth, m_busy};
    // A batch is applied in time order, so its samples come sorted; they join the series at the
    // batch's end, in one merge when some are older than what is there (a thread's chunk a few
    // milliseconds late), instead of one insertion each.
    if (!m_batchDepth.empty() && m_batchDepth.back().t == t)
        m_batchDepth.back() = point; // several changes at one instant: the last state is what held
    else
        m_batchDepth.push_back(point);
}

void RunModel::mergeBatchDepth()
{
    if (m_batchDepth.empty())
        return;
    const std::int64_t first = m_batchDepth.front().t;
    if (m_depth.empty() || m_depth.back().t < first) {
        m_depth.insert(m_depth.end(), m_batchDepth.begin(), m_batchDepth.end());
        m_batchDepth.clear();
        return;
    }
    const auto at = m_depth.begin()
        + static_cast<std::ptrdiff_t>(m_depth.gallopKey(0, m_depth.size(), first));
    const auto from = static_cast<std::size_t>(at - m_depth.begin());
    depthChangedFrom(from);
    // The newer samples come off the back, merge with the batch's and go back on; the merge keeps
    // the batch's after older ones at equal instants, and equal instants collapse to the last
    // sample merged.
    std::vector<DepthPoint> tail(at, m_depth.end());
    m_depth.truncate(from);
    std::vector<DepthPoint> merged;
    merged.reserve(tail.size() + m_batchDepth.size());
    std::merge(tail.begin(), tail.end(), m_batchDepth.begin(), m_batchDepth.end(),
               std::back_inserter(merged),
               [](const DepthPoint &a, const DepthPoint &b) { return a.t < b.t; });
    for (std::size_t i = 0; i < merged.size(); ++i) {
        if (i + 1 < merged.size() && merged[i + 1].t == merged[i].t)
            continue;
        m_depth.push_back(merged[i]);
    }
    m_batchDepth.clear();
}

std::int64_t RunModel::resultsBy(std::int64_t t) const
{
    std::size_t cursor = 0;
    return resultsBy(t, &cursor);
}

std::int64_t RunModel::resultsBy(std::int64_t t, std::size_t *cursor, std::int64_t slack) const
{
    const std::size_t from = std::min(*cursor, m_collectedAt.size());
    const auto [lo, hi] = m_collectedAt.keyBounds(from, m_collectedAt.size(), t + 1);
    if (static_cast<std::int64_t>(hi - lo) <= 2 * slack) {
        *cursor = lo;
        return m_summary.jobs + static_cast<std::int64_t>(lo + (hi - lo) / 2);
    }
    *cursor = m_collectedAt.gallopKey(lo, hi, t + 1);
    return m_summary.jobs + static_cast<std::int64_t>(*cursor);
}

namespace {
constexpr RunModel::DepthExtremes kNoExtremes {INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN};

void merge(RunModel::DepthExtremes &into, const RunModel::DepthExtremes &b)
{
    into.minDepth = std::min(into.minDepth, b.minDepth);
    into.maxDepth = std::max(into.maxDepth, b.maxDepth);
    into.minBusy = std::min(into.minBusy, b.minBusy);
    into.maxBusy = std::max(into.maxBusy, b.maxBusy);
}

void merge(RunModel::DepthExtremes &into, const DepthPoint &p)
{
    merge(into, {p.depth, p.depth, p.inFlight, p.inFlight});
}
} // namespace

// Brings the blocks up to date (whole blocks only; a range's tail is scanned directly), and the
// super-blocks of kDepthBlock blocks over them. Done at ingest, while the newest samples are fresh
// in memory, and after a merge reached back into blocks already summed up.
void RunModel::updateDepthBlocks() const
{
    const std::size_t whole = m_depth.size() / kDepthBlock * kDepthBlock;
    if (m_depthBlocksValid < whole) {
        m_depthBlocks.resize(whole / kDepthBlock);
        for (std::size_t b = m_depthBlocksValid / kDepthBlock; b < whole / kDepthBlock; ++b) {
            DepthExtremes block = kNoExtremes;
            m_depth.scan(b * kDepthBlock, (b + 1) * kDepthBlock,
                         [&](const DepthPoint &p) { merge(block, p); });
            m_depthBlocks[b] = block;
        }
        const std::size_t supers = m_depthBlocks.size() / kDepthBlock;
        m_depthSupers.resize(supers);
        for (std::size_t sb = m_depthBlocksValid / kSuperBlock; sb < supers; ++sb) {
            DepthExtremes super = kNoExtremes;
            for (std::size_t b = sb * kDepthBlock; b < (sb + 1) * kDepthBlock; ++b)
                merge(super, m_depthBlocks[b]);
            m_depthSupers[sb] = super;
        }
        m_depthBlocksValid = whole;
    }
}

RunModel::DepthExtremes RunModel::depthExtremes(std::size_t from, std::size_t to) const
{
    to = std::min(to, m_depth.size());
    if (from >= to)
        return {};
    DepthExtremes e = kNoExtremes;
    updateDepthBlocks();
    const std::size_t blocksEnd = std::min(to, m_depthBlocksValid);
    const std::size_t supersEnd = std::min(to, m_depthSupers.size() * kSuperBlock);
    auto samples = [&](std::size_t a, std::size_t b) {
        m_depth.scan(a, b, [&](const DepthPoint &p) { merge(e, p); });
    };
    std::size_t i = std::min(to, (from + kDepthBlock - 1) / kDepthBlock * kDepthBlock);
    samples(from, i);
    for (; i + kDepthBlock <= blocksEnd && i % kSuperBlock != 0; i += kDepthBlock)
        merge(e, m_depthBlocks[i / kDepthBlock]);
    for (; i + kSuperBlock <= supersEnd; i += kSuperBlock)
        merge(e, m_depthSupers[i / kSuperBlock]);
    for (; i + kDepthBlock <= blocksEnd; i += kDepthBlock)
        merge(e, m_depthBlocks[i / kDepthBlock]);
    samples(i, to);
    return e;
}

std::vector<WorkerNow> RunModel::workers() const
{
    std::vector<WorkerNow> now;
    for (const Lane &l : m_lanes) {
        if (!l.live())
            continue;
        WorkerNow w;
        w.id = l.worker;
        w.since = l.lifetimes.back().first;
        if (!l.spans.empty() && l.spans.back().end < 0) {
            const Span &s = l.spans.back();
            w.state = s.kind == Span::Blocked ? WorkerState::Blocked : WorkerState::Busy;
            w.job = s.job;
            w.since = s.start;
            if (s.kind == Span::Busy)
                w.plannedNs = l.plannedNs;
        } else if (!l.spans.empty()) {
            w.since = std::max(w.since, l.spans.back().end);
        }
        now.push_back(w);
    }
    return now;
}

std::vector<std::int64_t> RunModel::recentResults(int count) const
{
    const auto n = std::min<std::size_t>(static_cast<std::size_t>(count), m_completionOrder.size());
    return {m_completionOrder.end() - static_cast<std::ptrdiff_t>(n), m_completionOrder.end()};
}

void RunModel::ingest(std::span<const PoolEvent> events, std::span<const FailureMessage> failures)
{
    for (const FailureMessage &f : failures)
        m_failures.insert(f.job, QString::fromStdString(f.message));
    if (events.empty())
        return;
    std::vector<PoolEvent> sorted(events.begin(), events.end());
    sortByTime(sorted);
    m_stats.ingest(sorted);

    const int firstRow = static_cast<int>(m_completionOrder.size());
    QStringList newLines;
    // Only the newest lines of a flood are formatted; the rest are counted.
    std::size_t lineFrom = 0;
    if (sorted.size() > static_cast<std::size_t>(kMaxLinesPerBatch) * 4)
        lineFrom = sorted.size() - static_cast<std::size_t>(kMaxLinesPerBatch);
    m_batchDepth.clear();
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const PoolEvent &e = sorted[i];
        m_latestT = std::max(m_latestT, e.t);
        apply(e, i >= lineFrom ? &newLines : nullptr);
    }
    mergeBatchDepth();
    settleJobs();
    for (Lane &lane : m_lanes)
        lane.sumUpNewBlocks();
    updateDepthBlocks();
    // A catch-up batch (a replay, a window that was not drawn for a while) can need a large
    // buffer; it is not kept for the frame-sized batches that follow.
    if (m_batchDepth.capacity() > 65'536)
        std::vector<DepthPoint>().swap(m_batchDepth);
    if (lineFrom > 0) {
        const QString skipped
            = QStringLiteral("… %1 earlier events of this moment not shown").arg(lineFrom);
        newLines.prepend(skipped);
        m_logDropped += static_cast<std::int64_t>(lineFrom);
    }
    for (const QString &line : std::as_const(newLines)) {
        m_log.push_back(line);
        if (m_log.size() > static_cast<std::size_t>(kMaxLogLines))
            m_log.pop_front();
    }
    const int lastRow = static_cast<int>(m_completionOrder.size()) - 1;
    if (lastRow >= firstRow)
        Q_EMIT resultsAppended(firstRow, lastRow);
    // Fold the oldest detail into the summary until it fits, an eighth at a time: a pass costs
    // what it folds, so the frame that crosses the cap pays for a slice, not for half the history.
    for (std::int64_t before = -1;
         historyBytes() > m_historyCapBytes && historyBytes() != before;) {
        before = historyBytes();
        summarizeOldest();
    }
    if (!newLines.isEmpty())
        Q_EMIT logAppended(newLines);
    Q_EMIT changed();
}

// Long: the event state machine: a case per kind of event.
// NOLINTNEXTLINE(readability-function-size)
void RunModel::apply(const PoolEvent &e, QStringList *newLines)
{
    // Lines nobody will keep (the older part of a flood) are not formatted at all.
    auto log = [&](const QString &failure = {}) {
        if (!newLines)
            return;
        const QString line = referenceLine(e, failure);
        if (!line.isEmpty())
            *newLines << line;
    };
    switch (e.kind) {
    case EventKind::RunStarted:
        m_started = true;
        break;
    case EventKind::RunFinished:
        m_finished = true;
        m_finishedT = e.t;
        m_producerState = ProducerState::Done;
        break;
    case EventKind::WorkerStarted:
        laneFor(e.worker).lifetimes.emplace_back(e.t, -1);
        log();
        break;
    case EventKind::WorkerRetired: {
        Lane &l = laneFor(e.worker);
        if (!l.lifetimes.empty() && l.lifetimes.back().second < 0)
            l.lifetimes.back().second = e.t;
        log();
        break;
    }
    case EventKind::JobSubmitted:
        ++m_submitted;
        if (!m_sends.empty() && m_sends.back().t == e.t)
            ++m_sends.editBack().count;
        else
            m_sends.push_back({e.t, 1});
        record(e.job).submitted = e.t;
        m_producerJob = e.job;
        if (m_producerState != ProducerState::Paused)
            m_producerState = ProducerState::Producing;
        log();
        break;
    case EventKind::JobEnqueued: {
        JobRecord &r = record(e.job);
        r.enqueued = e.t;
        if (r.started < 0 && !r.done && &r != &m_scratch)
            m_queued.push_back(e.job);
        addDepthPoint(e.t, static_cast<int>(e.extra));
        break;
    }
    case EventKind::ProducerBlocked:
        m_producerState = ProducerState::Blocked;
        m_producerSpans.push_back({e.t, -1, e.job, Span::ProducerBlocked});
        break;
    case EventKind::ProducerUnblocked:
        m_producerState = ProducerState::Producing;
        closeProducerSpan(Span::ProducerBlocked, e.t);
        break;
    case EventKind::ProducerPaused:
        m_producerState = ProducerState::Paused;
        m_producerSpans.push_back({e.t, -1, 0, Span::Paused});
        break;
    case EventKind::ProducerResumed:
        m_producerState = ProducerState::Producing;
        closeProducerSpan(Span::Paused, e.t);
        break;
    case EventKind::ProducerDone:
        m_producerState = ProducerState::Done;
        m_producerJob = 0;
        break;
    case EventKind::JobStarted:
    case EventKind::JobDiscarded: {
        JobRecord &r = record(e.job);
        if (auto it = std::find(m_queued.begin(), m_queued.end(), e.job); it != m_queued.end())
            m_queued.erase(it);
        if (e.kind == EventKind::JobStarted) {
            r.started = e.t;
            r.worker = e.worker;
            Lane &lane = laneFor(e.worker);
            lane.plannedNs = e.value;
            lane.spans.push_back({e.t, -1, e.job, Span::Busy});
            ++m_spanCount;
            ++m_busy;
            log();
        }
        addDepthPoint(e.t, static_cast<int>(e.extra));
        break;
    }
    case EventKind::JobFinished: {
        record(e.job).finished = e.t;
        closeSpan(laneFor(e.worker), Span::Busy, e.t, e.status());
        m_busy = std::max(0, m_busy - 1);
        addDepthPoint(e.t, m_depthNow);
        break;
    }
    case EventKind::ResultBlocked:
        if (e.worker > 0) {
            laneFor(e.worker).spans.push_back({e.t, -1, e.job, Span::Blocked});
            ++m_spanCount;
        }
        break;
    case EventKind::ResultDelivered:
        if (e.worker > 0)
            closeSpan(laneFor(e.worker), Span::Blocked, e.t, JobStatus::Completed);
        break;
    case EventKind::ResultCollected: {
        JobRecord &r = record(e.job);
        r.collected = e.t;
        r.status = e.status();
        r.done = true;
        if (e.worker > 0) {
            r.worker = e.worker;
            // The result carries the time it took: a finish not heard of yet (the worker's events
            // can come a batch later than the collector's) is known from it, to the nanosecond.
            if (r.finished < 0 && r.started >= 0)
                r.finished = r.started + e.value;
        }
        if (r.started < 0 && e.status() == JobStatus::Cancelled) {
            // Cancelled before a worker took it (taken off the queue, or never in it).
            if (auto it = std::find(m_queued.begin(), m_queued.end(), e.job); it != m_queued.end())
                m_queued.erase(it);
        }
        m_completionOrder.push_back(e.job);
        m_collectedAt.push_back(e.t);
        ++m_collected;
        log(m_failures.take(e.job));
        break;
    }
    case EventKind::ConfigChanged:
    case EventKind::StopRequested:
    case EventKind::CancelRequested:
        m_markers.push_back({e.t, e.kind, e.setting(),
                             e.kind == EventKind::ConfigChanged ? e.settingValue() : 0.0});
        log();
        break;
    }
}

} // namespace gui

namespace gui {

std::int64_t RunModel::historyBytes() const
{
    std::size_t bytes = 0;
    for (const Lane &lane : m_lanes)
        bytes += lane.spans.bytes();
    // Stragglers sit in a hash table.
    bytes += m_jobs.bytes() + m_stragglers.size() * (sizeof(JobRecord) + 32);
    return static_cast<std::int64_t>(bytes + m_depth.bytes() + m_producerSpans.bytes()
                                     + m_sends.bytes() + m_completionOrder.bytes()
                                     + m_collectedAt.bytes())
        + static_cast<std::int64_t>(m_completionOrder.size()) * m_rowOverheadBytes;
}

// Makes the grid cover [0, until): doubles the column width (merging pairs) as often as needed.
void RunModel::widenSummaryTo(std::int64_t until)
{
    Summary &s = m_summary;
    if (s.columnNs == 0)
        s.columnNs
            = std::max<std::int64_t>(1000, (until + Summary::kColumns - 1) / Summary::kColumns);
    auto mergePairs = [](auto &columns, auto merge) {
        for (std::size_t i = 0; i < columns.size() / 2; ++i)
            columns[i] = merge(columns[2 * i], columns[2 * i + 1]);
        if (columns.size() % 2 == 1)
            columns[columns.size() / 2] = columns.back();
        columns.resize((columns.size() + 1) / 2);
    };
    auto mergeColumns = [](const SummaryColumn &a, const SummaryColumn &b) {
        return SummaryColumn {
            a.busyNs + b.busyNs, a.blockedNs + b.blockedNs, a.jobs + b.jobs,
            static_cast<std::uint16_t>(std::min(65535, a.failed + b.failed)),
            static_cast<std::uint16_t>(std::min(65535, a.cancelled + b.cancelled))};
    };
    auto mergeDepth = [](const DepthSummary &a, const DepthSummary &b) {
        return DepthSummary {std::max(a.maxDepth, b.maxDepth),
                             std::max(a.maxInFlight, b.maxInFlight), a.seen || b.seen};
    };
    while (until > s.columnNs * Summary::kColumns) {
        s.columnNs *= 2;
        for (auto &lane : s.lanes)
            mergePairs(lane, mergeColumns);
        mergePairs(s.producer, mergeColumns);
        mergePairs(s.depth, mergeDepth);
    }
    const auto columns = static_cast<std::size_t>(Summary::kColumns);
    s.lanes.resize(m_lanes.size());
    for (auto &lane : s.lanes)
        lane.resize(columns);
    s.producer.resize(columns);
    s.depth.resize(columns);
}

// Folds the oldest eighth of the detail (by results) into the summary grid: spans, sends, depth
// samples and the records (results rows) of jobs collected before the cut.
// Long: folds lanes, producer, depth and jobs past one time together, so the summary stays whole.
// NOLINTNEXTLINE(readability-function-size)
void RunModel::summarizeOldest()
{
    if (m_completionOrder.size() < 2)
        return;
    // Everything collected up to the edge result goes, the edge included: results collected
    // together share a stamp (a batch of the collector's), and a cut at that stamp would fold none
    // of them.
    std::int64_t cut = m_collectedAt[m_collectedAt.size() / 8] + 1;
    if (cut <= m_summary.until)
        cut = m_summary.until + 1;
    if (cut > m_latestT + 1)
        return;
    widenSummaryTo(cut);
    Summary &s = m_summary;

    // Adds [from, to) of `ns`-weighted time into columns.
    auto spread = [&](std::vector<SummaryColumn> &columns, std::int64_t from, std::int64_t to,
                      float SummaryColumn::*field) {
        for (std::int64_t t = from; t < to;) {
            const int c = std::min(s.columnOf(t), Summary::kColumns - 1);
            const std::int64_t columnEnd = (static_cast<std::int64_t>(c) + 1) * s.columnNs;
            const std::int64_t piece = std::min(to, columnEnd) - t;
            columns[static_cast<std::size_t>(c)].*field += static_cast<float>(piece);
            t += std::max<std::int64_t>(piece, 1);
        }
    };
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        auto &spans = m_lanes[i].spans;
        auto &columns = s.lanes[i];
        const std::size_t n = closedBefore(spans, cut, [&](const Span &span) {
            spread(columns, span.start, span.end,
                   span.kind == Span::Blocked ? &SummaryColumn::blockedNs : &SummaryColumn::busyNs);
            if (span.kind == Span::Busy) {
                SummaryColumn &c = columns[static_cast<std::size_t>(
                    std::min(s.columnOf(span.end), Summary::kColumns - 1))];
                ++c.jobs;
                c.failed += span.status == engine::JobStatus::Failed;
                c.cancelled += span.status == engine::JobStatus::Cancelled;
            }
        });
        m_lanes[i].foldFront(n);
        m_spanCount -= static_cast<std::int64_t>(n);
    }
    {
        const std::size_t n = closedBefore(m_producerSpans, cut, [&](const Span &span) {
            if (span.kind == Span::ProducerBlocked)
                spread(s.producer, span.start, span.end, &SummaryColumn::blockedNs);
        });
        m_producerSpans.erase(m_producerSpans.begin(),
                              m_producerSpans.begin() + static_cast<std::ptrdiff_t>(n));
        const std::size_t sends = m_sends.gallopKey(0, m_sends.size(), cut);
        m_sends.scan(0, sends, [&](const SendRun &run) {
            const auto column
                = static_cast<std::size_t>(std::min(s.columnOf(run.t), Summary::kColumns - 1));
            s.producer[column].jobs += static_cast<std::uint32_t>(run.count);
        });
        m_sends.erase(m_sends.begin(), m_sends.begin() + static_cast<std::ptrdiff_t>(sends));
    }
    {
        const std::size_t depthEnd = m_depth.gallopKey(0, m_depth.size(), cut);
        m_depth.scan(0, depthEnd, [&](const DepthPoint &p) {
            DepthSummary &d = s.depth[static_cast<std::size_t>(
                std::min(s.columnOf(p.t), Summary::kColumns - 1))];
            d.maxDepth = std::max(d.maxDepth, p.depth);
            d.maxInFlight = std::max(d.maxInFlight, p.inFlight);
            d.seen = true;
        });
        // Keep the last summarized sample as the first detailed one so the line stays joined;
        // drop whole super-blocks only, so the extremes kept per block stay valid and move along
        // (a few thousand samples may stay behind the cut: folded again next time, harmlessly,
        // since the summary keeps maxima).
        const std::size_t drop = (depthEnd > 0 ? depthEnd - 1 : 0) / kSuperBlock * kSuperBlock;
        if (drop > 0) {
            m_depth.erase(m_depth.begin(), m_depth.begin() + static_cast<std::ptrdiff_t>(drop));
            const std::size_t blocks = std::min(drop / kDepthBlock, m_depthBlocks.size());
            m_depthBlocks.erase(m_depthBlocks.begin(),
                                m_depthBlocks.begin() + static_cast<std::ptrdiff_t>(blocks));
            const std::size_t supers = std::min(drop / kSuperBlock, m_depthSupers.size());
            m_depthSupers.erase(m_depthSupers.begin(),
                                m_depthSupers.begin() + static_cast<std::ptrdiff_t>(supers));
            m_depthBlocksValid = m_depthBlocksValid > drop ? m_depthBlocksValid - drop : 0;
            m_depthBlocksValid = std::min(m_depthBlocksValid, m_depthBlocks.size() * kDepthBlock);
        }
    }
    // Results rows: the completion order is in collection time, so what goes is a prefix.
    const auto rows = m_collectedAt.gallopKey(0, m_collectedAt.size(), cut);
    if (rows > 0)
        Q_EMIT resultsAboutToBeSummarized(static_cast<int>(rows));
    // Records leave from the oldest id on, as far as they are done before the cut.
    // A job submitted before the cut but not collected before it (still in flight, or collected
    // since: a worker preempted for a while between taking and delivering it, say) moves to a side
    // table instead of holding the window, and with it the records of every job after it: with
    // results folded an eighth at a time, the cut lands close to the oldest detail, behind jobs
    // like that. It leaves the side table with the fold that passes its collection.
    std::size_t leaving = 0;
    for (; leaving < m_jobs.size(); ++leaving) {
        const JobRecord r = m_jobs[leaving];
        if (r.done && r.collected < cut)
            continue;
        if (r.submitted >= 0 && r.submitted < cut) {
            m_stragglers.emplace(r.job, r);
            continue;
        }
        if (!heardOf(r))
            continue; // an id nothing was heard of (as before: its late events are not kept)
        break;
    }
    if (leaving > 0) {
        m_jobs.erase(m_jobs.begin(), m_jobs.begin() + static_cast<std::ptrdiff_t>(leaving));
        m_jobsBase += static_cast<std::int64_t>(leaving);
        m_jobsFloor = m_jobsBase;
    }
    m_jobsSettled -= std::min(m_jobsSettled, leaving);
    std::erase_if(m_stragglers, [cut](const auto &entry) {
        return entry.second.done && entry.second.collected < cut;
    });
    m_completionOrder.erase(m_completionOrder.begin(),
                            m_completionOrder.begin() + static_cast<std::ptrdiff_t>(rows));
    m_collectedAt.erase(m_collectedAt.begin(),
                        m_collectedAt.begin() + static_cast<std::ptrdiff_t>(rows));
    s.jobs += static_cast<std::int64_t>(rows);
    s.until = cut;
    // (What the folded detail held went with it: histories and the record window free their
    // front chunks as they go.)
    if (rows > 0)
        Q_EMIT resultsSummarized(static_cast<int>(rows));
}

} // namespace gui
