#include "ui/runmodel.h"

#include "engine/durationformat.h"
#include "engine/referencelog.h"
#include "ui/timecoords.h"

#include <algorithm>

namespace gui {

using namespace engine;

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

RunModel::RunModel(QObject *parent)
    : QObject(parent)
{ }

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
    m_markers.clear();
    m_order.clear();
    m_jobs.clear();
    m_failures.clear();
    m_completionOrder.clear();
    m_collectedAt.clear();
    m_queued.clear();
    m_submitted = m_collected = 0;
    m_depthNow = m_busy = 0;
    m_producerState = ProducerState::Idle;
    m_paused = false;
    m_producerJob = 0;
    m_log.clear();
    m_logDropped = 0;
    m_pendingLines.clear();
    m_pendingCount = 0;
    m_sinceLines.invalidate();
    m_spanCount = 0;
    m_summary = Summary {};
    m_laneOf.clear();
    m_queueCapacity = m_config.effectiveQueueCapacity();
    m_observed = false;
    Q_EMIT modelReset();
    Q_EMIT changed();
}

int RunModel::liveLanes() const
{
    return static_cast<int>(
        std::count_if(m_lanes.begin(), m_lanes.end(), [](const Lane &l) { return l.live(); }));
}

const Lane *RunModel::lane(int worker) const
{
    const auto slot = static_cast<std::size_t>(worker);
    if (worker < 0 || slot >= m_laneOf.size() || m_laneOf[slot] < 0)
        return nullptr;
    return &m_lanes[static_cast<std::size_t>(m_laneOf[slot])];
}

int RunModel::liveLaneCount() const
{
    return static_cast<int>(
        std::count_if(m_lanes.begin(), m_lanes.end(), [](const Lane &l) { return l.live(); }));
}

Lane &RunModel::laneFor(int worker)
{
    const auto slot = static_cast<std::size_t>(std::max(worker, 0));
    if (slot >= m_laneOf.size())
        m_laneOf.resize(slot + 1, -1);
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
    m_depth.add({t, depth, m_busy});
}

double RunModel::recentThroughput() const
{
    const std::int64_t now = endT();
    const std::int64_t window = std::min(kThroughputWindowNs, std::max<std::int64_t>(now, 1));
    const std::int64_t done = resultsBy(now) - resultsBy(now - window);
    return static_cast<double>(done) * 1e9 / static_cast<double>(window);
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

static_assert(static_cast<int>(Span::Busy) == static_cast<int>(SpanKind::Busy)
              && static_cast<int>(Span::Blocked) == static_cast<int>(SpanKind::Blocked)
              && static_cast<int>(Span::ProducerBlocked)
                  == static_cast<int>(SpanKind::ProducerBlocked)
              && static_cast<int>(Span::Paused) == static_cast<int>(SpanKind::Paused));

// The rows' spans as the fold opens and closes them.
struct RunModel::FoldSink
{
    RunModel &model;

    void spanOpened(const WorkerSpan &span)
    {
        const auto kind = static_cast<Span::Kind>(span.kind);
        switch (span.kind) {
        case SpanKind::Live:
            model.laneFor(span.worker).lifetimes.emplace_back(span.start, -1);
            break;
        case SpanKind::Busy:
        case SpanKind::Blocked: {
            Lane &lane = model.laneFor(span.worker);
            if (span.kind == SpanKind::Busy)
                lane.plannedNs = span.plannedNs;
            lane.spans.push_back({span.start, -1, span.job, kind});
            ++model.m_spanCount;
            break;
        }
        case SpanKind::ProducerBlocked:
        case SpanKind::Paused:
            model.m_producerSpans.push_back({span.start, -1, span.job, kind});
            break;
        }
    }

    void spanClosed(const WorkerSpan &span)
    {
        const auto kind = static_cast<Span::Kind>(span.kind);
        switch (span.kind) {
        case SpanKind::Live: {
            Lane &lane = model.laneFor(span.worker);
            if (!lane.lifetimes.empty() && lane.lifetimes.back().second < 0)
                lane.lifetimes.back().second = span.end;
            break;
        }
        case SpanKind::Busy:
        case SpanKind::Blocked:
            model.closeSpan(model.laneFor(span.worker), kind, span.end, span.status);
            break;
        case SpanKind::ProducerBlocked:
        case SpanKind::Paused:
            model.closeProducerSpan(kind, span.end);
            break;
        }
    }
};

void RunModel::ingest(std::span<const PoolEvent> events, std::span<const FailureMessage> failures)
{
    hold(events, failures);
    fold(kWhole);
}

void RunModel::hold(std::span<const PoolEvent> events, std::span<const FailureMessage> failures)
{
    for (const FailureMessage &f : failures)
        m_failures.insert(f.job, QString::fromStdString(f.message));
    // In time order with what is held: what comes later than what is drawn is merged in.
    m_order.push(events);
}

bool RunModel::fold(std::int64_t budgetNs, const std::function<bool()> &takeMore)
{
    QElapsedTimer clock;
    clock.start();
    const int firstRow = static_cast<int>(m_completionOrder.size());
    std::size_t folded = 0; // events this turn
    bool outOfTime = false;
    for (;;) {
        if (held() == 0) {
            if (!takeMore)
                break;
            // Taking more (and ordering it) needs time left for folding some of it; a turn that
            // has folded nothing yet takes all the same (each turn moves on).
            if (folded > 0 && clock.nsecsElapsed() > budgetNs / 2) {
                outOfTime = true; // the source may have more
                break;
            }
            if (!takeMore())
                break;
            if (held() == 0)
                continue; // failure messages alone
        }
        const std::span<const PoolEvent> piece = m_order.release(EventOrder::kEverything, kPiece);
        FoldSink rows {*this};
        m_stats.ingest(piece, rows); // the statistics' fold draws the rows' spans as it goes
        for (const PoolEvent &e : piece) {
            m_latestT = std::max(m_latestT, e.t);
            apply(e);
        }
        folded += piece.size();
        if (clock.nsecsElapsed() >= budgetNs) {
            outOfTime = true;
            break;
        }
    }
    if (folded == 0) { // caught up: nothing new
        flushLines();
        return outOfTime;
    }
    m_order.trim();
    m_depth.commitBatch();
    m_jobs.settle();
    for (Lane &lane : m_lanes)
        lane.sumUpNewBlocks();
    const int lastRow = static_cast<int>(m_completionOrder.size()) - 1;
    if (lastRow >= firstRow)
        Q_EMIT resultsAppended(firstRow, lastRow);
    // Fold the oldest detail into the summary until it fits, an eighth at a time: a pass costs
    // what it folds, so the turn that crosses the cap pays for a slice, not for half the history.
    for (std::int64_t before = -1;
         historyBytes() > m_historyCapBytes && historyBytes() != before;) {
        before = historyBytes();
        summarizeOldest();
    }
    // The log takes a flood's lines a frame at a time (a pane is not read faster), and all that
    // is pending once the turn has caught up.
    if (!outOfTime || !m_sinceLines.isValid() || m_sinceLines.nsecsElapsed() >= kLinesEveryNs)
        flushLines();
    Q_EMIT changed();
    return outOfTime;
}

void RunModel::queueLine(const PoolEvent &e, QString failure)
{
    // A ring of the newest kPendingLines: slot k % kPendingLines holds the k-th since the last
    // hand-over.
    PendingLine line {e, std::move(failure)};
    if (m_pendingLines.size() < kPendingLines)
        m_pendingLines.push_back(std::move(line));
    else
        m_pendingLines[m_pendingCount % kPendingLines] = std::move(line);
    ++m_pendingCount;
}

void RunModel::flushLines()
{
    m_sinceLines.start();
    if (m_pendingCount == 0)
        return;
    // Only the newest lines of a flood are formatted; the rest are counted.
    const std::size_t shown = m_pendingCount > kPendingLines ? kFloodLines : m_pendingCount;
    const std::size_t skipped = m_pendingCount - shown;
    QStringList lines;
    if (skipped > 0) {
        lines << QStringLiteral("… %1 earlier events of this moment not shown").arg(skipped);
        m_logDropped += static_cast<std::int64_t>(skipped);
    }
    for (std::size_t k = skipped; k < m_pendingCount; ++k) {
        const PendingLine &pending = m_pendingLines[k % kPendingLines];
        QString line = referenceLine(pending.event, pending.failure);
        if (!line.isEmpty())
            lines << std::move(line);
    }
    m_pendingLines.clear();
    m_pendingCount = 0;
    for (const QString &line : std::as_const(lines)) {
        m_log.push_back(line);
        if (m_log.size() > static_cast<std::size_t>(kMaxLogLines))
            m_log.pop_front();
    }
    if (!lines.isEmpty())
        Q_EMIT logAppended(lines);
}

// The rows are the fold's (the statistics' EventFold hands its spans to FoldSink in ingest), the
// job records' times engine::foldJobEvent's. What is here is the model's own: the state now
// (queue, producer, busy workers), the depth samples, the completion order, the markers, the log.
// Long: a case per kind of event.
// NOLINTNEXTLINE(readability-function-size)
void RunModel::apply(const PoolEvent &e)
{
    // Lines are formatted when handed over to the log, and only those it keeps.
    auto log = [&](QString failure = {}) {
        queueLine(e, std::move(failure));
    };
    JobRecord *record = nullptr;
    if (changesJobTimes(e.kind)) {
        record = &m_jobs.record(e.job);
        foldJobEvent(*record, e);
    }
    // Only a job whose enqueue was folded can be in m_queued (its start usually comes after
    // it): a start that comes first costs no search of the whole queue. (A discard, rare, has
    // no record here, and a job already summarized only a scratch one: those search.)
    auto dequeue = [&] {
        if (record && record->enqueued < 0 && !m_jobs.isScratch(*record))
            return;
        if (auto it = std::find(m_queued.begin(), m_queued.end(), e.job); it != m_queued.end())
            m_queued.erase(it);
    };
    switch (e.kind) {
    case EventKind::RunStarted:
        m_started = true;
        break;
    case EventKind::RunFinished:
        m_finished = true;
        m_paused = false;
        m_finishedT = e.t;
        m_producerState = ProducerState::Done;
        break;
    case EventKind::WorkerStarted:
    case EventKind::WorkerRetired:
        log();
        break;
    case EventKind::JobSubmitted:
        ++m_submitted;
        if (!m_sends.empty() && m_sends.back().t == e.t)
            ++m_sends.editBack().count;
        else
            m_sends.push_back({e.t, 1});
        m_producerJob = e.job;
        if (m_producerState != ProducerState::Paused)
            m_producerState = ProducerState::Producing;
        log();
        break;
    case EventKind::JobEnqueued:
        if (record->started < 0 && !record->done && !m_jobs.isScratch(*record))
            m_queued.push_back(e.job);
        addDepthPoint(e.t, static_cast<int>(e.extra));
        break;
    case EventKind::ProducerBlocked:
        m_producerState = ProducerState::Blocked;
        break;
    case EventKind::ProducerUnblocked:
    case EventKind::ProducerResumed:
        m_producerState = ProducerState::Producing;
        break;
    case EventKind::ProducerPaused:
        m_producerState = ProducerState::Paused;
        break;
    case EventKind::ProducerDone:
        m_producerState = ProducerState::Done;
        m_producerJob = 0;
        break;
    case EventKind::JobStarted:
        dequeue();
        ++m_busy;
        log();
        addDepthPoint(e.t, static_cast<int>(e.extra));
        break;
    case EventKind::JobDiscarded:
        dequeue();
        addDepthPoint(e.t, static_cast<int>(e.extra));
        break;
    case EventKind::JobFinished:
        m_busy = std::max(0, m_busy - 1);
        addDepthPoint(e.t, m_depthNow);
        break;
    case EventKind::ResultBlocked:
    case EventKind::ResultDelivered:
        break;
    case EventKind::ResultCollected:
        if (record->started < 0 && e.status() == JobStatus::Cancelled)
            dequeue(); // cancelled before a worker took it (taken off the queue, or never in it)
        m_completionOrder.push_back(e.job);
        m_collectedAt.push_back(e.t);
        ++m_collected;
        log(m_failures.take(e.job));
        break;
    case EventKind::ConfigChanged:
    case EventKind::StopRequested:
    case EventKind::CancelRequested:
        if (e.kind == EventKind::ConfigChanged && e.setting() == LiveSetting::Paused)
            m_paused = e.settingValue() != 0.0;
        if (e.kind == EventKind::CancelRequested)
            m_paused = false; // a cancel resumes to end the run
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
    bytes += m_jobs.bytes();
    return static_cast<std::int64_t>(bytes + m_depth.bytes() + m_producerSpans.bytes()
                                     + m_sends.bytes() + m_completionOrder.bytes()
                                     + m_collectedAt.bytes())
        + static_cast<std::int64_t>(m_completionOrder.size()) * m_rowOverheadBytes;
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
    m_summary.widenTo(cut, m_lanes.size());
    Summary &s = m_summary;

    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        auto &spans = m_lanes[i].spans;
        auto &columns = s.lanes[i];
        const std::size_t n = closedBefore(spans, cut, [&](const Span &span) {
            s.spread(columns, span.start, span.end,
                     span.kind == Span::Blocked ? &SummaryColumn::blockedNs
                                                : &SummaryColumn::busyNs);
            if (span.kind == Span::Busy) {
                SummaryColumn &c = columns[s.clampedColumn(span.end)];
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
                s.spread(s.producer, span.start, span.end, &SummaryColumn::blockedNs);
        });
        m_producerSpans.erase(m_producerSpans.begin(),
                              m_producerSpans.begin() + static_cast<std::ptrdiff_t>(n));
        const std::size_t sends = m_sends.gallopKey(0, m_sends.size(), cut);
        m_sends.scan(0, sends, [&](const SendRun &run) {
            s.producer[s.clampedColumn(run.t)].jobs += static_cast<std::uint32_t>(run.count);
        });
        m_sends.erase(m_sends.begin(), m_sends.begin() + static_cast<std::ptrdiff_t>(sends));
    }
    m_depth.foldBefore(cut, s);
    // Results rows: the completion order is in collection time, so what goes is a prefix.
    const auto rows = m_collectedAt.gallopKey(0, m_collectedAt.size(), cut);
    if (rows > 0)
        Q_EMIT resultsAboutToBeSummarized(static_cast<int>(rows));
    m_jobs.foldBefore(cut);
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
