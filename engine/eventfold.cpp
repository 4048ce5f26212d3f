#include "engine/eventfold.h"

namespace engine {

bool foldJobEvent(JobTimes &job, const PoolEvent &e)
{
    switch (e.kind) {
    case EventKind::JobSubmitted:
        job.submitted = e.t;
        return true;
    case EventKind::JobEnqueued:
        job.enqueued = e.t;
        return true;
    case EventKind::JobStarted:
        job.started = e.t;
        job.worker = e.worker;
        return true;
    case EventKind::JobFinished:
        job.finished = e.t;
        return true;
    case EventKind::ResultCollected:
        job.collected = e.t;
        job.status = e.status();
        job.done = true;
        job.neverQueued = e.extra == kNeverQueued;
        if (e.worker > 0) {
            job.worker = e.worker;
            // The result carries the time the job took, to the nanosecond: a finish whose event
            // has not come yet (the worker's events may come a batch after the collector's) is
            // known from it.
            if (job.finished < 0 && job.started >= 0)
                job.finished = job.started + e.value;
        }
        return true;
    default:
        return false;
    }
}

const WorkerSpan *EventFold::open(int worker, SpanKind kind) const
{
    if (worker < 0 || static_cast<std::size_t>(worker) >= m_rows.size())
        return nullptr;
    const WorkerSpan &span
        = m_rows[static_cast<std::size_t>(worker)][static_cast<std::size_t>(kind)];
    return span.start >= 0 ? &span : nullptr;
}

EventFold::Row &EventFold::addRows(std::size_t index)
{
    Row none;
    for (WorkerSpan &span : none)
        span.start = -1;
    m_rows.resize(index + 1, none);
    return m_rows[index];
}

} // namespace engine
