#include "engine/poolrun.h"
#include "engine/workload.h"

namespace engine {

// Long: a worker thread whole, so its waits and wake-ups read in order.
// NOLINTNEXTLINE(readability-function-size)
void Worker::run()
{
    const int id = m_id;
    m_run.enterThread();
    EventLog::Writer log(&m_run.m_log);
    log.append({.worker = static_cast<std::uint16_t>(id), .kind = EventKind::WorkerStarted});
    const auto worker = static_cast<std::uint16_t>(id);
    struct Hooks : QueueHooks
    {
        PoolRun &run;
        EventLog::Writer &log;
        std::int64_t takenAt = 0;
        int depth = 0;
        void parking() { log.flush(); } // about to sleep: nothing recorded waits with us
        // Read even with the log off: it is where the job's processing time starts.
        std::int64_t stamp() { return run.m_log.now(); }
        void taken(int d, std::int64_t t)
        {
            depth = d;
            takenAt = t;
        }
        std::int64_t leftAt = 0;
        // Stamped before the retirement is claimed: a worker started in its place (once the
        // claim makes room) is stamped after it, so the events never show more live workers
        // than the pool had. The clock is read only when a retirement is likely.
        bool leave()
        {
            if (run.m_live.load(std::memory_order_relaxed)
                <= run.m_target.load(std::memory_order_relaxed))
                return false;
            const std::int64_t t = log.now();
            if (!run.shouldRetire())
                return false;
            leftAt = t;
            return true;
        }
        void closed()
        {
            leftAt = log.now();
            run.m_live.fetch_sub(1);
        }
    } hooks {{}, m_run, log};
    for (;;) {
        if (m_run.m_cancelFlag.load(std::memory_order_acquire)) {
            discardQueued(log, id, hooks);
            break;
        }
        JobItem job;
        m_run.setWorker(id, WorkerState::Idle);
        const auto popped = m_run.m_jobs.pop(job, hooks);
        if (popped == BoundedQueue<JobItem>::PopResult::Left)
            break;
        if (popped == BoundedQueue<JobItem>::PopResult::Closed) {
            hooks.closed();
            break;
        }
        const std::int64_t startedAt = hooks.takenAt;
        const auto depth = static_cast<std::uint32_t>(hooks.depth);
        if (m_run.m_cancelFlag.load(std::memory_order_acquire)) {
            // Taken off the queue by a cancel: it ends Cancelled without starting.
            log.appendStamped({.t = startedAt,
                               .job = job.id,
                               .extra = depth,
                               .worker = worker,
                               .kind = EventKind::JobDiscarded});
            ResultItem result {.job = job.id, .status = JobStatus::Cancelled};
            m_run.deliver(log, result, id, startedAt);
            continue;
        }
        const std::int64_t plannedWallNs = job.processingNs == 0
            ? 0
            : std::llround(static_cast<double>(job.processingNs)
                           / m_run.m_speed.load(std::memory_order_relaxed));
        log.appendStamped({.t = startedAt,
                           .job = job.id,
                           .value = plannedWallNs,
                           .extra = depth,
                           .worker = worker,
                           .kind = EventKind::JobStarted});
        m_run.setWorker(id, WorkerState::Busy, job.id);
        if (plannedWallNs > 0)
            log.flush(); // about to sleep or spin for a while
        ResultItem result {.job = job.id, .worker = id};
        try {
            result.status = runWorkload(m_run.m_config.workload, plannedWallNs, job.fails, job.id,
                                        m_run.m_cancelToken)
                ? JobStatus::Completed
                : JobStatus::Cancelled;
        } catch (const std::exception &error) {
            result.status = JobStatus::Failed;
            result.message = error.what();
        } catch (...) {
            result.status = JobStatus::Failed;
            result.message = "unknown exception";
        }
        const std::int64_t finishedAt = m_run.m_log.now();
        log.appendStamped({.t = finishedAt,
                           .job = job.id,
                           .worker = worker,
                           .kind = EventKind::JobFinished,
                           .aux = static_cast<std::uint8_t>(result.status)});
        result.processingNs = finishedAt - startedAt;
        m_run.deliver(log, result, id, finishedAt);
    }
    m_run.setWorker(id, WorkerState::Retired);
    log.appendStamped({.t = hooks.leftAt, .worker = worker, .kind = EventKind::WorkerRetired});
    log.flush();
    std::lock_guard lock(m_run.m_control);
    m_run.m_idInUse[static_cast<std::size_t>(id)] = false;
    // A grow that found every id taken left the pool short; with an id free now, top it up.
    if (!m_run.m_cancel && !m_run.m_jobs.isClosed() && m_run.m_live.load() < m_run.m_target.load())
        m_run.growLocked(m_run.m_target.load());
}

// After a cancel: takes what is left in the queue in bulk (nothing of it will run), ending each
// job Cancelled, until the queue is closed and empty; then the worker leaves.
template<typename TakeHooks>
void Worker::discardQueued(EventLog::Writer &log, int id, TakeHooks &hooks)
{
    const auto worker = static_cast<std::uint16_t>(id);
    m_run.setWorker(id, WorkerState::Idle);
    std::array<JobItem, kDiscardBatch> jobs;
    std::array<ResultItem, kDiscardBatch> results;
    for (;;) {
        std::size_t taken = 0;
        const auto popped = m_run.m_jobs.popSome(jobs.data(), jobs.size(), &taken, hooks);
        if (popped == BoundedQueue<JobItem>::PopResult::Left)
            return;
        if (popped == BoundedQueue<JobItem>::PopResult::Closed) {
            hooks.closed();
            return;
        }
        for (std::size_t i = 0; i < taken; ++i) {
            // The depth after each one: what the batch left plus those taken after it.
            log.appendStamped(
                {.t = hooks.takenAt,
                 .job = jobs[i].id,
                 .extra = static_cast<std::uint32_t>(hooks.depth + static_cast<int>(taken - 1 - i)),
                 .worker = worker,
                 .kind = EventKind::JobDiscarded});
            results[i] = {.job = jobs[i].id, .status = JobStatus::Cancelled};
        }
        m_run.deliverSome(log, results.data(), taken, id, hooks.takenAt);
    }
}

} // namespace engine
