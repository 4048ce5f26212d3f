#pragma once

#include "engine/jobwindow.h"
#include "engine/poolevent.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace engine {

// What one job went through, from its events; −1 for a time not known (yet, or ever: a job
// cancelled on the queue never starts).
struct JobTimes
{
    std::int64_t job = 0;
    std::int64_t submitted = -1;
    std::int64_t enqueued = -1;
    std::int64_t started = -1;
    std::int64_t finished = -1;
    std::int64_t collected = -1;
    std::uint16_t worker = 0; // 0: never started
    JobStatus status = JobStatus::Completed;
    bool done = false; // its result was collected
    bool neverQueued = false; // cancelled while the producer was sending it: it has no enqueue

    std::int64_t wait() const { return started >= 0 && submitted >= 0 ? started - submitted : -1; }
    std::int64_t processing() const
    {
        return finished >= 0 && started >= 0 ? finished - started : -1;
    }
    std::int64_t latency() const
    {
        return collected >= 0 && submitted >= 0 ? collected - submitted : -1;
    }
    // Whether any event of the job is in.
    bool heardOf() const
    {
        return submitted >= 0 || enqueued >= 0 || started >= 0 || finished >= 0 || done;
    }
    // Whether every event the job will have is in: its submission, its result, its enqueue
    // (unless it never got into the queue) and, when a worker took it, its start and finish.
    // Nothing about it changes after that.
    bool complete() const
    {
        return done && submitted >= 0 && (enqueued >= 0 || neverQueued)
            && (worker == 0 || (started >= 0 && finished >= 0));
    }
};

// Whether an event of this kind sets one of its job's times.
constexpr bool changesJobTimes(EventKind kind)
{
    switch (kind) {
    case EventKind::JobSubmitted:
    case EventKind::JobEnqueued:
    case EventKind::JobStarted:
    case EventKind::JobFinished:
    case EventKind::ResultCollected:
        return true;
    default:
        return false;
    }
}

// What an event means to its job: the one place that says it. Events of one job come from up to
// three threads (producer, worker, collector), so they may be folded in any order; the result is
// the same. False (and the record unchanged) for an event that sets none of a job's times.
bool foldJobEvent(JobTimes &job, const PoolEvent &e);

// The queue depth an event reports (after its operation), or −1 when it reports none.
inline int queueDepthAfter(const PoolEvent &e)
{
    switch (e.kind) {
    case EventKind::JobEnqueued:
    case EventKind::JobStarted:
    case EventKind::JobDiscarded:
        return static_cast<int>(e.extra);
    default:
        return -1;
    }
}

// A stretch of one row: a worker processing a job or blocked on the full results queue, a
// worker's lifetime, the producer blocked on the full queue or paused.
enum class SpanKind : std::uint8_t { Busy, Blocked, ProducerBlocked, Paused, Live };
inline constexpr int kSpanKindCount = static_cast<int>(SpanKind::Live) + 1;

struct WorkerSpan
{
    int worker = 0; // 0: the producer
    SpanKind kind = SpanKind::Busy;
    std::int64_t start = 0;
    std::int64_t end = -1; // −1 while open
    std::int64_t job = 0; // busy and blocked spans, the producer's blocked ones
    JobStatus status = JobStatus::Completed; // busy spans, once closed
    std::int64_t plannedNs = 0; // busy spans: the job's planned processing time
};

// The fold of a run's events into job records and spans, written once for everything that reads
// events: the statistics, the writers, the window's model. A sink takes what it wants of:
//   void jobDone(const JobTimes &)       once per job, when complete() (see finish() for the rest)
//   void spanOpened(const WorkerSpan &)  when a span starts
//   void spanClosed(const WorkerSpan &)  when it ends (a span still open at the end never does)
// A sink without jobDone costs no job records. Events of different threads may come in any order;
// each thread's own come in order, so a row's spans open and close in order.
class EventFold
{
public:
    template<typename Sink> void apply(const PoolEvent &e, Sink &sink)
    {
        if constexpr (requires { sink.jobDone(std::declval<const JobTimes &>()); })
            foldJob(e, sink);
        foldSpans(e, sink);
    }

    template<typename Sink> void apply(std::span<const PoolEvent> events, Sink &sink)
    {
        for (const PoolEvent &e : events)
            apply(e, sink);
    }

    // Hands on, in id order, the jobs whose result is in but whose other events never came (a
    // recording cut short): what the end of the events is to them.
    template<typename Sink> void finish(Sink &sink)
    {
        for (std::size_t i = 0; i < m_jobs.size(); ++i) {
            Entry &entry = m_jobs.at(i);
            if (entry.times.done && !entry.handedOn) {
                entry.handedOn = true;
                sink.jobDone(entry.times);
            }
        }
        m_jobs.popFrontWhile([](const Entry &entry) { return entry.handedOn; });
    }

    // A job still in flight (not handed on yet), or nullptr.
    const JobTimes *inFlight(std::int64_t job) const
    {
        const Entry *entry = m_jobs.find(job);
        return entry && !entry->handedOn && entry->times.heardOf() ? &entry->times : nullptr;
    }
    // The span of `kind` open on worker's row (0: the producer), or nullptr.
    const WorkerSpan *open(int worker, SpanKind kind) const;
    // Records kept for jobs in flight (and those after them): the fold's memory, in records.
    std::size_t jobWindow() const { return m_jobs.size(); }

private:
    struct Entry
    {
        JobTimes times;
        bool handedOn = false;
    };
    using Row = std::array<WorkerSpan, kSpanKindCount>; // start −1: none open

    template<typename Sink> void foldJob(const PoolEvent &e, Sink &sink)
    {
        if (!changesJobTimes(e.kind))
            return;
        Entry &entry = m_jobs[e.job];
        if (entry.handedOn)
            return; // a late event of a job already handed on (one that carries nothing new)
        entry.times.job = e.job;
        foldJobEvent(entry.times, e);
        if (!entry.times.complete())
            return;
        entry.handedOn = true;
        sink.jobDone(entry.times);
        m_jobs.popFrontWhile([](const Entry &front) { return front.handedOn; });
    }

    template<typename Sink> void foldSpans(const PoolEvent &e, Sink &sink)
    {
        switch (e.kind) {
        case EventKind::WorkerStarted:
            openSpan({.worker = e.worker, .kind = SpanKind::Live, .start = e.t}, sink);
            break;
        case EventKind::WorkerRetired:
            closeSpan(e.worker, SpanKind::Live, e.t, JobStatus::Completed, sink);
            break;
        case EventKind::JobStarted:
            openSpan({.worker = e.worker,
                      .kind = SpanKind::Busy,
                      .start = e.t,
                      .job = e.job,
                      .plannedNs = e.value},
                     sink);
            break;
        case EventKind::JobFinished:
            closeSpan(e.worker, SpanKind::Busy, e.t, e.status(), sink);
            break;
        case EventKind::ResultBlocked:
            if (e.worker > 0)
                openSpan(
                    {.worker = e.worker, .kind = SpanKind::Blocked, .start = e.t, .job = e.job},
                    sink);
            break;
        case EventKind::ResultDelivered:
            if (e.worker > 0)
                closeSpan(e.worker, SpanKind::Blocked, e.t, JobStatus::Completed, sink);
            break;
        case EventKind::ProducerBlocked:
            openSpan({.worker = 0, .kind = SpanKind::ProducerBlocked, .start = e.t, .job = e.job},
                     sink);
            break;
        case EventKind::ProducerUnblocked:
            closeSpan(0, SpanKind::ProducerBlocked, e.t, JobStatus::Completed, sink);
            break;
        case EventKind::ProducerPaused:
            openSpan({.worker = 0, .kind = SpanKind::Paused, .start = e.t}, sink);
            break;
        case EventKind::ProducerResumed:
            closeSpan(0, SpanKind::Paused, e.t, JobStatus::Completed, sink);
            break;
        case EventKind::ConfigChanged:
            if (e.setting() == LiveSetting::Paused)
                runPaused(e.settingValue() != 0.0, e.t, sink);
            break;
        case EventKind::CancelRequested: // a cancel resumes to end the run
        case EventKind::RunFinished:
            runPaused(false, e.t, sink);
            break;
        default:
            break;
        }
    }

    // A pause that catches the producer waiting on a full queue gets no pause of the producer's
    // own (it records one only once it has its job in, which a paused pool does not let it): its
    // row's paused stretch runs from the pause to the resume.
    template<typename Sink> void runPaused(bool paused, std::int64_t t, Sink &sink)
    {
        if (paused && !m_pauseHeldProducer && open(0, SpanKind::ProducerBlocked)) {
            openSpan({.worker = 0, .kind = SpanKind::Paused, .start = t}, sink);
            m_pauseHeldProducer = true;
        } else if (!paused && m_pauseHeldProducer) {
            closeSpan(0, SpanKind::Paused, t, JobStatus::Completed, sink);
            m_pauseHeldProducer = false;
        }
    }

    Row &row(int worker)
    {
        const auto index = static_cast<std::size_t>(std::max(worker, 0));
        if (index < m_rows.size()) [[likely]]
            return m_rows[index];
        return addRows(index);
    }
    Row &addRows(std::size_t index);

    template<typename Sink> void openSpan(const WorkerSpan &span, Sink &sink)
    {
        row(span.worker)[static_cast<std::size_t>(span.kind)] = span;
        if constexpr (requires { sink.spanOpened(span); })
            sink.spanOpened(span);
    }

    template<typename Sink>
    void closeSpan(int worker, SpanKind kind, std::int64_t t, JobStatus status, Sink &sink)
    {
        WorkerSpan &span = row(worker)[static_cast<std::size_t>(kind)];
        if (span.start < 0)
            return; // nothing open (the events before were not seen)
        span.end = std::max(t, span.start);
        span.status = status;
        if constexpr (requires { sink.spanClosed(span); })
            sink.spanClosed(span);
        span.start = -1;
    }

    JobWindow<Entry> m_jobs;
    std::vector<Row> m_rows; // by worker id; 0 is the producer
    bool m_pauseHeldProducer = false; // a paused stretch opened by runPaused()
};

} // namespace engine
