#include "engine/jobplan.h"
#include "engine/poolrun.h"

namespace engine {

// Long: the producer thread whole, so its waits and wake-ups read in order.
// NOLINTNEXTLINE(readability-function-size)
void Producer::run()
{
    m_run.enterThread();
    EventLog::Writer log(&m_run.m_log);
    JobPlan plan(m_run.m_config, m_run.m_seed);
    const std::int64_t durationNs = m_run.m_config.continuous && m_run.m_config.durationS > 0
        ? std::llround(m_run.m_config.durationS * 1e9)
        : -1;
    m_run.m_producerState.store(ProducerState::Producing);
    std::int64_t previousPlanT = 0;
    bool pausedRecorded = false;
    for (std::int64_t sent = 0; m_run.m_config.continuous || sent < m_run.m_config.jobs; ++sent) {
        // Flat out (no interval, no end time, nothing asked of the producer): every arrival is
        // due now, so send a batch at once, without the control lock.
        const bool flatOut = durationNs < 0 && !pausedRecorded
            && m_run.m_intervalMs.load(std::memory_order_relaxed) == 0.0
            && !m_run.m_attention.load(std::memory_order_acquire);
        if (flatOut) {
            const auto count = static_cast<std::size_t>(
                m_run.m_config.continuous
                    ? kSendBatch
                    : std::min<std::int64_t>(kSendBatch, m_run.m_config.jobs - sent));
            if (!sendBatch(log, plan, count))
                break;
            sent += static_cast<std::int64_t>(count) - 1;
            continue;
        }
        const PlannedJob next = plan.next();
        std::int64_t dueT = previousPlanT;
        bool prewoken = false;
        {
            std::unique_lock lock(m_run.m_control);
            bool leave = false;
            for (;;) {
                if (m_run.m_cancel || m_run.m_stop) {
                    leave = true;
                    break;
                }
                if (m_run.m_paused) {
                    if (!pausedRecorded) {
                        pausedRecorded = true;
                        m_run.m_producerState.store(ProducerState::Paused);
                        log.append({.kind = EventKind::ProducerPaused});
                        log.flush();
                    }
                    m_run.m_controlCv.wait(lock);
                    continue;
                }
                if (pausedRecorded) {
                    pausedRecorded = false;
                    m_run.m_producerState.store(ProducerState::Producing);
                    log.append({.kind = EventKind::ProducerResumed});
                }
                const double intervalNs = m_run.m_intervalMs.load() * 1e6;
                dueT = previousPlanT + std::llround(next.unitGap * intervalNs);
                // A continuous run with a duration ends when its plan clock gets there (with a
                // zero interval, no arrival time ever would).
                if (durationNs >= 0
                    && (dueT > durationNs
                        || m_run.m_clock.planAt(m_run.m_log.now()) > durationNs)) {
                    leave = true;
                    break;
                }
                const std::int64_t dueWall = m_run.m_clock.wallFor(dueT);
                const std::int64_t now = m_run.m_log.now();
                if (now >= dueWall)
                    break;
                log.flush();
                // Shortly before the arrival, one sleeping worker is woken to be awake for it.
                const std::int64_t prewakeAt = dueWall - kPrewakeLeadNs;
                if (!prewoken && now >= prewakeAt) {
                    m_run.m_jobs.prewake();
                    prewoken = true;
                }
                m_run.m_controlCv.wait_until(
                    lock,
                    m_run.m_log.start() + std::chrono::nanoseconds(prewoken ? dueWall : prewakeAt));
            }
            if (leave)
                break;
        }
        previousPlanT = dueT;
        if (!send(log, next))
            break;
    }
    if (pausedRecorded)
        log.append({.kind = EventKind::ProducerResumed});
    m_run.m_producerState.store(ProducerState::Done);
    log.append({.kind = EventKind::ProducerDone});
    log.flush();
    m_run.m_jobs.close();
    m_run.waitForWorkers();
    log.flush();
    m_run.m_results.close();
}

// Plans and sends `count` jobs at once: one clock read, one claim in the queue when there is
// room for all; false when the queue was closed under them (a cancel).
bool Producer::sendBatch(EventLog::Writer &log, JobPlan &plan, std::size_t count)
{
    std::array<JobItem, kSendBatch> items;
    const std::int64_t submittedAt = log.now();
    for (std::size_t i = 0; i < count; ++i) {
        const PlannedJob planned = plan.next();
        items[i] = {planned.id, planned.processingNs, planned.fails};
        log.appendStamped({.t = submittedAt, .job = planned.id, .kind = EventKind::JobSubmitted});
    }
    m_run.m_submitted.store(m_run.m_submitted.load(std::memory_order_relaxed)
                                + static_cast<std::int64_t>(count),
                            std::memory_order_relaxed); // one producer
    return sendSubmitted(log, items.data(), count, submittedAt);
}

// Sends one job; false when the queue was closed under it (a cancel).
bool Producer::send(EventLog::Writer &log, const PlannedJob &planned)
{
    m_run.m_submitted.store(m_run.m_submitted.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed); // one producer
    const std::int64_t submittedAt
        = log.append({.job = planned.id, .kind = EventKind::JobSubmitted});
    JobItem item {planned.id, planned.processingNs, planned.fails};
    return sendSubmitted(log, &item, 1, submittedAt);
}

// Puts jobs already recorded as submitted (consecutive ids) into the queue, waiting while it
// is full; false when it was closed under them, after ending the ones not sent Cancelled.
bool Producer::sendSubmitted(EventLog::Writer &log, JobItem *items, std::size_t count,
                             std::int64_t submittedAt)
{
    struct Hooks : QueueHooks
    {
        PoolRun &run;
        EventLog::Writer &log;
        std::int64_t nextJob;
        std::int64_t submittedAt;
        std::int64_t waitingFor = 0; // the first job of this push: not in yet, or handed off
        bool stampNow = false; // once it has waited, the submission stamp is past
        void blocked()
        {
            stampNow = true;
            run.m_producerState.store(ProducerState::Blocked, std::memory_order_relaxed);
            log.append({.job = waitingFor, .kind = EventKind::ProducerBlocked});
        }
        // Only a sleep publishes what this thread holds: a few yields are too short to matter,
        // and publishing at each would fill the log with nearly empty chunks.
        void parking() { log.flush(); }
        void inserted(int depth)
        {
            // Not blocked: sent within the same few nanoseconds, one clock read serves both.
            log.appendStamped({.t = stampNow ? log.now() : submittedAt,
                               .job = nextJob++,
                               .extra = static_cast<std::uint32_t>(depth),
                               .kind = EventKind::JobEnqueued});
        }
    } hooks {{}, m_run, log, items[0].id, submittedAt};
    std::size_t done = 0;
    while (done < count) {
        bool blocked = false;
        hooks.waitingFor = items[done].id;
        const std::size_t in = m_run.m_jobs.pushSome(items + done, count - done, hooks, &blocked);
        if (blocked) {
            m_run.m_producerState.store(ProducerState::Producing, std::memory_order_relaxed);
            log.append({.job = hooks.waitingFor, .kind = EventKind::ProducerUnblocked});
        }
        if (in == 0) {
            for (; done < count; ++done) {
                ResultItem cancelled {
                    .job = items[done].id, .status = JobStatus::Cancelled, .neverQueued = true};
                m_run.deliver(log, cancelled, 0, log.now());
            }
            return false;
        }
        done += in;
    }
    return true;
}

} // namespace engine
