#include "engine/workerpool.h"

#include "engine/boundedqueue.h"
#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/jobplan.h"
#include "engine/workload.h"

#include <QFuture>
#include <QFutureSynchronizer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <mutex>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace engine {

namespace {

struct JobItem
{
    std::int64_t id = 0;
    std::int64_t processingNs = 0; // plan time
    bool fails = false;
};

struct ResultItem
{
    std::int64_t job = 0;
    std::int64_t processingNs = 0; // measured wall time
    std::string message; // why it failed
    int worker = 0; // 0: never started
    JobStatus status = JobStatus::Completed;
    bool neverQueued = false; // cancelled while the producer was still sending it
};

// Maps plan time (what the JobPlan speaks) onto wall time since the run's start, through the speed
// factor and pauses. Guarded by the run's control mutex.
class PlanClock
{
public:
    explicit PlanClock(double speed)
        : m_speed(speed)
    { }
    std::int64_t planAt(std::int64_t wall) const
    {
        if (m_paused)
            return m_planAnchor;
        return m_planAnchor
            + static_cast<std::int64_t>(static_cast<double>(wall - m_wallAnchor) * m_speed);
    }
    // Wall time at which the plan reaches `plan` (meaningless while paused).
    std::int64_t wallFor(std::int64_t plan) const
    {
        return m_wallAnchor
            + static_cast<std::int64_t>(
                   std::ceil(static_cast<double>(plan - m_planAnchor) / m_speed));
    }
    void setSpeed(std::int64_t wall, double speed)
    {
        reanchor(wall);
        m_speed = speed;
    }
    void pause(std::int64_t wall)
    {
        reanchor(wall);
        m_paused = true;
    }
    void resume(std::int64_t wall)
    {
        m_wallAnchor = wall;
        m_paused = false;
    }

private:
    void reanchor(std::int64_t wall)
    {
        m_planAnchor = planAt(wall);
        m_wallAnchor = wall;
    }
    std::int64_t m_wallAnchor = 0;
    std::int64_t m_planAnchor = 0;
    double m_speed = 1.0;
    bool m_paused = false;
};

// State of one worker slot, packed so it can be read without a lock: state in the low byte, job
// id above it.
std::uint64_t packState(WorkerState state, std::int64_t job)
{
    return (static_cast<std::uint64_t>(job) << 8) | static_cast<std::uint64_t>(state);
}

} // namespace

class WorkerPool::Run
{
    static constexpr std::size_t kSendBatch = 64; // jobs planned and sent at once when flat out
    static constexpr std::size_t kCollectBatch = 64; // results taken at once by the collector
    static constexpr std::size_t kDiscardBatch = 64; // queued jobs a worker ends at once on cancel
    // How long before a planned arrival a sleeping worker is woken to wait for it awake (well
    // within BoundedQueue::kWarmFor, and longer than a kernel wake-up).
    static constexpr std::int64_t kPrewakeLeadNs = 300'000;

public:
    Run(WorkerPool *owner, const PoolConfig &config, std::uint64_t seed, const Options &options)
        : m_owner(owner)
        , m_config(config)
        , m_seed(seed)
        , m_background(options.backgroundPriority)
        , m_log(options.recordEvents)
        , m_jobs(config.effectiveQueueCapacity())
        , m_results(config.effectiveResultsCapacity())
        , m_clock(config.speed)
    {
        m_target.store(config.workers);
        m_speed.store(config.speed);
        m_intervalMs.store(config.intervalMs);
        // Producer, collector, every live worker and those still finishing a job after a shrink.
        m_threads.setMaxThreadCount(2 * PoolConfig::kMaxWorkers + 2);
        for (auto &slot : m_workerState)
            slot.packed.store(packState(WorkerState::Absent, 0), std::memory_order_relaxed);
        m_log.setBatchCallback([owner] { Q_EMIT owner->eventsAvailable(); });
        m_log.setBacklogLimit(options.eventBacklogLimit);
    }

    ~Run()
    {
        cancel();
        wait();
    }

    void start()
    {
        m_log.appendControl(
            {.value = static_cast<std::int64_t>(m_seed), .kind = EventKind::RunStarted});
        m_collector = QtConcurrent::run(&m_threads, [this] { collectorLoop(); });
        {
            std::lock_guard lock(m_control);
            growLocked(m_config.workers);
        }
        m_producer = QtConcurrent::run(&m_threads, [this] { producerLoop(); });
    }

    void wait()
    {
        m_producer.waitForFinished();
        m_collector.waitForFinished();
        m_threads.waitForDone();
    }

    bool waitFor(int timeoutMs)
    {
        std::unique_lock lock(m_finishedMutex);
        if (!m_finishedCv.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                   [this] { return m_finished; }))
            return false;
        lock.unlock();
        wait();
        return true;
    }

    bool isFinished() const
    {
        std::lock_guard lock(m_finishedMutex);
        return m_finished;
    }

    // --- control (one controlling thread) ---

    void pause()
    {
        std::lock_guard lock(m_control);
        if (m_paused || m_cancel || m_stop)
            return;
        m_paused = true;
        m_attention.store(true, std::memory_order_release);
        m_clock.pause(m_log.now());
        m_jobs.setPaused(true);
        recordSetting(LiveSetting::Paused, 1.0);
        m_controlCv.notify_all();
    }

    void resume()
    {
        std::lock_guard lock(m_control);
        resumeLocked();
    }

    void setWorkerCount(int workers)
    {
        std::lock_guard lock(m_control);
        if (m_target.load() == workers || m_cancel)
            return;
        m_target.store(workers);
        recordSetting(LiveSetting::Workers, workers);
        if (workers > m_live.load())
            growLocked(workers);
        else
            m_jobs.wake(); // idle workers re-check whether they should retire
    }

    void setSpeed(double speed)
    {
        std::lock_guard lock(m_control);
        m_clock.setSpeed(m_log.now(), speed);
        m_speed.store(speed);
        recordSetting(LiveSetting::Speed, speed);
        m_controlCv.notify_all();
    }

    void setIntervalMs(double intervalMs)
    {
        std::lock_guard lock(m_control);
        m_intervalMs.store(intervalMs);
        recordSetting(LiveSetting::IntervalMs, intervalMs);
        m_controlCv.notify_all();
    }

    void stop()
    {
        std::lock_guard lock(m_control);
        if (m_stop || m_cancel)
            return;
        m_stop = true;
        m_attention.store(true, std::memory_order_release);
        m_log.appendControl({.kind = EventKind::StopRequested});
        resumeLocked();
        m_controlCv.notify_all();
    }

    void cancel()
    {
        std::lock_guard lock(m_control);
        if (m_cancel)
            return;
        m_cancel = true;
        m_attention.store(true, std::memory_order_release);
        m_cancelFlag.store(true, std::memory_order_release);
        m_log.appendControl({.kind = EventKind::CancelRequested});
        resumeLocked();
        m_cancelToken.cancel();
        m_log.releaseBacklog(); // nobody waits on a reader once the run is cancelled
        m_jobs.close(); // a blocked producer gets its job back and cancels it
        m_controlCv.notify_all();
    }

    // --- observation ---

    std::uint64_t seed() const { return m_seed; }
    std::int64_t now() const { return m_log.now(); }
    int target() const { return m_target.load(); }
    int live() const { return m_live.load(); }
    bool paused() const
    {
        std::lock_guard lock(m_control);
        return m_paused;
    }
    int queueDepth() const { return m_jobs.depth(); }
    std::int64_t submitted() const { return m_submitted.load(); }
    std::int64_t collected() const { return m_collectedCount.load(); }
    ProducerState producerState() const { return m_producerState.load(); }

    std::vector<WorkerSnapshot> workerStates() const
    {
        std::vector<WorkerSnapshot> states;
        for (int id = 1; id <= PoolConfig::kMaxWorkers; ++id) {
            const std::uint64_t packed = m_workerState[id].packed.load(std::memory_order_relaxed);
            const auto state = static_cast<WorkerState>(packed & 0xff);
            if (state != WorkerState::Absent)
                states.push_back({id, state, static_cast<std::int64_t>(packed >> 8)});
        }
        return states;
    }

    std::vector<PoolEvent> takeEvents() { return m_log.takeAll(); }

    std::vector<FailureMessage> takeFailureMessages()
    {
        std::lock_guard lock(m_messagesMutex);
        return std::exchange(m_messages, {});
    }

private:
    void recordSetting(LiveSetting setting, double value)
    {
        m_log.appendControl({.value = PoolEvent::encodeSettingValue(value),
                             .kind = EventKind::ConfigChanged,
                             .aux = static_cast<std::uint8_t>(setting)});
    }

    void resumeLocked()
    {
        if (!m_paused)
            return;
        m_paused = false;
        m_attention.store(m_stop || m_cancel, std::memory_order_release);
        m_clock.resume(m_log.now());
        m_jobs.setPaused(false);
        recordSetting(LiveSetting::Paused, 0.0);
        m_controlCv.notify_all();
    }

    // Adds workers until `workers` are live, each with the lowest free id. Control mutex held.
    void growLocked(int workers)
    {
        if (m_workersClosed)
            return; // the run is ending: the WaitGroup has already been waited on
        // Adds what is missing now; workers leaving meanwhile (a drained, closed queue) are not
        // replaced, so this cannot chase a count that keeps falling.
        for (int missing = workers - m_live.load(); missing > 0; --missing) {
            int id = 1;
            while (id <= PoolConfig::kMaxWorkers && m_idInUse[static_cast<std::size_t>(id)])
                ++id;
            if (id > PoolConfig::kMaxWorkers)
                return; // every id is held, some by workers still finishing a job before retiring:
                        // the last of them to leave tops the pool up (workerLoop)
            m_idInUse[static_cast<std::size_t>(id)] = true;
            m_live.fetch_add(1);
            m_workerState[static_cast<std::size_t>(id)].packed.store(
                packState(WorkerState::Idle, 0), std::memory_order_relaxed);
            m_workerFutures.append(QtConcurrent::run(&m_threads, [this, id] { workerLoop(id); }));
        }
        // Futures of workers long gone need not be kept (the WaitGroup only waits on live ones).
        if (m_workerFutures.size() > qsizetype {4} * PoolConfig::kMaxWorkers)
            m_workerFutures.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    }

    // Claims one retirement when more workers are live than asked for.
    bool shouldRetire()
    {
        int live = m_live.load();
        while (live > m_target.load()) {
            if (m_live.compare_exchange_weak(live, live - 1))
                return true;
        }
        return false;
    }

    void setWorker(int id, WorkerState state, std::int64_t job = 0)
    {
        m_workerState[id].packed.store(packState(state, job), std::memory_order_relaxed);
    }

    // Long: the producer thread whole, so its waits and wake-ups read in order.
    // NOLINTNEXTLINE(readability-function-size)
    void producerLoop()
    {
        enterThread();
        EventLog::Writer log(&m_log);
        JobPlan plan(m_config, m_seed);
#ifdef __linux__
        // Arrivals keep to the plan's clock to the microsecond, not the default 50 µs slack.
        prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
#endif
        const std::int64_t durationNs = m_config.continuous && m_config.durationS > 0
            ? std::llround(m_config.durationS * 1e9)
            : -1;
        m_producerState.store(ProducerState::Producing);
        std::int64_t previousPlanT = 0;
        bool pausedRecorded = false;
        for (std::int64_t sent = 0; m_config.continuous || sent < m_config.jobs; ++sent) {
            // Flat out (no interval, no end time, nothing asked of the producer): every arrival is
            // due now, so send a batch at once, without the control lock.
            const bool flatOut = durationNs < 0 && !pausedRecorded
                && m_intervalMs.load(std::memory_order_relaxed) == 0.0
                && !m_attention.load(std::memory_order_acquire);
            if (flatOut) {
                const auto count = static_cast<std::size_t>(
                    m_config.continuous ? kSendBatch
                                        : std::min<std::int64_t>(kSendBatch, m_config.jobs - sent));
                if (!sendBatch(log, plan, count))
                    break;
                sent += static_cast<std::int64_t>(count) - 1;
                continue;
            }
            const PlannedJob next = plan.next();
            std::int64_t dueT = previousPlanT;
            bool prewoken = false;
            {
                std::unique_lock lock(m_control);
                bool leave = false;
                for (;;) {
                    if (m_cancel || m_stop) {
                        leave = true;
                        break;
                    }
                    if (m_paused) {
                        if (!pausedRecorded) {
                            pausedRecorded = true;
                            m_producerState.store(ProducerState::Paused);
                            log.append({.kind = EventKind::ProducerPaused});
                            log.flush();
                        }
                        m_controlCv.wait(lock);
                        continue;
                    }
                    if (pausedRecorded) {
                        pausedRecorded = false;
                        m_producerState.store(ProducerState::Producing);
                        log.append({.kind = EventKind::ProducerResumed});
                    }
                    const double intervalNs = m_intervalMs.load() * 1e6;
                    dueT = previousPlanT + std::llround(next.unitGap * intervalNs);
                    // A continuous run with a duration ends when its plan clock gets there (with a
                    // zero interval, no arrival time ever would).
                    if (durationNs >= 0
                        && (dueT > durationNs || m_clock.planAt(m_log.now()) > durationNs)) {
                        leave = true;
                        break;
                    }
                    const std::int64_t dueWall = m_clock.wallFor(dueT);
                    const std::int64_t now = m_log.now();
                    if (now >= dueWall)
                        break;
                    log.flush();
                    // Shortly before the arrival, one sleeping worker is woken to be awake for it.
                    const std::int64_t prewakeAt = dueWall - kPrewakeLeadNs;
                    if (!prewoken && now >= prewakeAt) {
                        m_jobs.prewake();
                        prewoken = true;
                    }
                    m_controlCv.wait_until(
                        lock,
                        m_log.start() + std::chrono::nanoseconds(prewoken ? dueWall : prewakeAt));
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
        m_producerState.store(ProducerState::Done);
        log.append({.kind = EventKind::ProducerDone});
        log.flush();
        m_jobs.close();
        waitForWorkers();
        log.flush();
        m_results.close();
    }

    // Plans and sends `count` jobs at once: one clock read, one claim in the queue when there is
    // room for all; false when the queue was closed under them (a cancel).
    bool sendBatch(EventLog::Writer &log, JobPlan &plan, std::size_t count)
    {
        std::array<JobItem, kSendBatch> items;
        const std::int64_t submittedAt = log.now();
        for (std::size_t i = 0; i < count; ++i) {
            const PlannedJob planned = plan.next();
            items[i] = {planned.id, planned.processingNs, planned.fails};
            log.appendStamped(
                {.t = submittedAt, .job = planned.id, .kind = EventKind::JobSubmitted});
        }
        m_submitted.store(m_submitted.load(std::memory_order_relaxed)
                              + static_cast<std::int64_t>(count),
                          std::memory_order_relaxed); // one producer
        return sendSubmitted(log, items.data(), count, submittedAt);
    }

    // Sends one job; false when the queue was closed under it (a cancel).
    bool send(EventLog::Writer &log, const PlannedJob &planned)
    {
        m_submitted.store(m_submitted.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed); // one producer
        const std::int64_t submittedAt
            = log.append({.job = planned.id, .kind = EventKind::JobSubmitted});
        JobItem item {planned.id, planned.processingNs, planned.fails};
        return sendSubmitted(log, &item, 1, submittedAt);
    }

    // Puts jobs already recorded as submitted (consecutive ids) into the queue, waiting while it
    // is full; false when it was closed under them, after ending the ones not sent Cancelled.
    bool sendSubmitted(EventLog::Writer &log, JobItem *items, std::size_t count,
                       std::int64_t submittedAt)
    {
        struct Hooks : QueueHooks
        {
            Run &run;
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
        } hooks {{}, *this, log, items[0].id, submittedAt};
        std::size_t done = 0;
        while (done < count) {
            bool blocked = false;
            hooks.waitingFor = items[done].id;
            const std::size_t in = m_jobs.pushSome(items + done, count - done, hooks, &blocked);
            if (blocked) {
                m_producerState.store(ProducerState::Producing, std::memory_order_relaxed);
                log.append({.job = hooks.waitingFor, .kind = EventKind::ProducerUnblocked});
            }
            if (in == 0) {
                for (; done < count; ++done) {
                    ResultItem cancelled {
                        .job = items[done].id, .status = JobStatus::Cancelled, .neverQueued = true};
                    deliver(log, cancelled, 0, log.now());
                }
                return false;
            }
            done += in;
        }
        return true;
    }

    // The WaitGroup: waits for every worker future, including those added by a resize meanwhile,
    // until all are done and no more can be added.
    void waitForWorkers()
    {
        for (;;) {
            QFutureSynchronizer<void> group;
            {
                std::lock_guard lock(m_control);
                bool allDone = true;
                for (const auto &future : std::as_const(m_workerFutures))
                    allDone = allDone && future.isFinished();
                if (allDone) {
                    m_workersClosed = true;
                    m_workerFutures.clear();
                    return;
                }
                for (const auto &future : std::as_const(m_workerFutures))
                    group.addFuture(future);
            }
            group.waitForFinished();
        }
    }

    // Long: a worker thread whole, so its waits and wake-ups read in order.
    // NOLINTNEXTLINE(readability-function-size)
    void workerLoop(int id)
    {
        enterThread();
        EventLog::Writer log(&m_log);
        log.append({.worker = static_cast<std::uint16_t>(id), .kind = EventKind::WorkerStarted});
        const auto worker = static_cast<std::uint16_t>(id);
        struct Hooks : QueueHooks
        {
            Run &run;
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
        } hooks {{}, *this, log};
        for (;;) {
            if (m_cancelFlag.load(std::memory_order_acquire)) {
                discardQueued(log, id, hooks);
                break;
            }
            JobItem job;
            setWorker(id, WorkerState::Idle);
            const auto popped = m_jobs.pop(job, hooks);
            if (popped == BoundedQueue<JobItem>::PopResult::Left)
                break;
            if (popped == BoundedQueue<JobItem>::PopResult::Closed) {
                hooks.closed();
                break;
            }
            const std::int64_t startedAt = hooks.takenAt;
            const auto depth = static_cast<std::uint32_t>(hooks.depth);
            if (m_cancelFlag.load(std::memory_order_acquire)) {
                // Taken off the queue by a cancel: it ends Cancelled without starting.
                log.appendStamped({.t = startedAt,
                                   .job = job.id,
                                   .extra = depth,
                                   .worker = worker,
                                   .kind = EventKind::JobDiscarded});
                ResultItem result {.job = job.id, .status = JobStatus::Cancelled};
                deliver(log, result, id, startedAt);
                continue;
            }
            const std::int64_t plannedWallNs = job.processingNs == 0
                ? 0
                : std::llround(static_cast<double>(job.processingNs)
                               / m_speed.load(std::memory_order_relaxed));
            log.appendStamped({.t = startedAt,
                               .job = job.id,
                               .value = plannedWallNs,
                               .extra = depth,
                               .worker = worker,
                               .kind = EventKind::JobStarted});
            setWorker(id, WorkerState::Busy, job.id);
            if (plannedWallNs > 0)
                log.flush(); // about to sleep or spin for a while
            ResultItem result {.job = job.id, .worker = id};
            try {
                result.status = runWorkload(m_config.workload, plannedWallNs, job.fails, job.id,
                                            m_cancelToken)
                    ? JobStatus::Completed
                    : JobStatus::Cancelled;
            } catch (const std::exception &error) {
                result.status = JobStatus::Failed;
                result.message = error.what();
            } catch (...) {
                result.status = JobStatus::Failed;
                result.message = "unknown exception";
            }
            const std::int64_t finishedAt = m_log.now();
            log.appendStamped({.t = finishedAt,
                               .job = job.id,
                               .worker = worker,
                               .kind = EventKind::JobFinished,
                               .aux = static_cast<std::uint8_t>(result.status)});
            result.processingNs = finishedAt - startedAt;
            deliver(log, result, id, finishedAt);
        }
        setWorker(id, WorkerState::Retired);
        log.appendStamped({.t = hooks.leftAt, .worker = worker, .kind = EventKind::WorkerRetired});
        log.flush();
        std::lock_guard lock(m_control);
        m_idInUse[static_cast<std::size_t>(id)] = false;
        // A grow that found every id taken left the pool short; with an id free now, top it up.
        if (!m_cancel && !m_jobs.isClosed() && m_live.load() < m_target.load())
            growLocked(m_target.load());
    }

    // After a cancel: takes what is left in the queue in bulk (nothing of it will run), ending each
    // job Cancelled, until the queue is closed and empty; then the worker leaves.
    template<typename TakeHooks> void discardQueued(EventLog::Writer &log, int id, TakeHooks &hooks)
    {
        const auto worker = static_cast<std::uint16_t>(id);
        setWorker(id, WorkerState::Idle);
        std::array<JobItem, kDiscardBatch> jobs;
        std::array<ResultItem, kDiscardBatch> results;
        for (;;) {
            std::size_t taken = 0;
            const auto popped = m_jobs.popSome(jobs.data(), jobs.size(), &taken, hooks);
            if (popped == BoundedQueue<JobItem>::PopResult::Left)
                return;
            if (popped == BoundedQueue<JobItem>::PopResult::Closed) {
                hooks.closed();
                return;
            }
            for (std::size_t i = 0; i < taken; ++i) {
                // The depth after each one: what the batch left plus those taken after it.
                log.appendStamped({.t = hooks.takenAt,
                                   .job = jobs[i].id,
                                   .extra = static_cast<std::uint32_t>(
                                       hooks.depth + static_cast<int>(taken - 1 - i)),
                                   .worker = worker,
                                   .kind = EventKind::JobDiscarded});
                results[i] = {.job = jobs[i].id, .status = JobStatus::Cancelled};
            }
            deliverSome(log, results.data(), taken, id, hooks.takenAt);
        }
    }

    // Sends results to the collector, waiting while the results queue is full. `readyAt` is when
    // they came to be; it stamps the delivery unless the queue made us wait.
    void deliverSome(EventLog::Writer &log, ResultItem *results, std::size_t count, int id,
                     std::int64_t readyAt)
    {
        struct Hooks : QueueHooks
        {
            static constexpr bool wantsDepth() { return false; }
            Run &run;
            EventLog::Writer &log;
            const ResultItem *next;
            int id;
            std::int64_t readyAt;
            bool stampNow = false;
            void blocked()
            {
                stampNow = true;
                if (id > 0)
                    run.setWorker(id, WorkerState::Blocked, next->job);
                log.append({.job = next->job,
                            .worker = static_cast<std::uint16_t>(id),
                            .kind = EventKind::ResultBlocked});
            }
            void parking() { log.flush(); }
            bool handOff;
            void inserted(int)
            {
                if (!handOff)
                    delivered(stampNow ? log.now() : readyAt);
            }
            void delivered(std::int64_t t)
            {
                log.appendStamped({.t = t,
                                   .job = next->job,
                                   .worker = static_cast<std::uint16_t>(id),
                                   .kind = EventKind::ResultDelivered});
                ++next;
            }
        } hooks {{}, *this, log, results, id, readyAt, false, m_results.capacity() == 0};
        for (std::size_t done = 0; done < count;) {
            // The results queue is closed only after every worker and the producer are done.
            done += m_results.pushSome(results + done, count - done, hooks);
            if (hooks.handOff) // delivered once the collector has it
                hooks.delivered(log.now());
        }
    }

    void deliver(EventLog::Writer &log, ResultItem &result, int id, std::int64_t readyAt)
    {
        deliverSome(log, &result, 1, id, readyAt);
    }

    void collectorLoop()
    {
        enterThread();
        EventLog::Writer log(&m_log);
        struct Hooks : QueueHooks
        {
            static constexpr bool wantsDepth() { return false; }
            EventLog::Writer &log;
            std::int64_t takenAt = 0;
            void parking() { log.flush(); }
            std::int64_t stamp() { return log.now(); }
            void taken(int, std::int64_t t) { takenAt = t; }
        } hooks {{}, log};
        std::int64_t collected = 0;
        std::vector<ResultItem> results(kCollectBatch);
        for (;;) {
            std::size_t taken = 0;
            if (m_results.popSome(results.data(), results.size(), &taken, hooks)
                != BoundedQueue<ResultItem>::PopResult::Item)
                break;
            for (std::size_t i = 0; i < taken; ++i) {
                ResultItem &result = results[i];
                log.appendStamped({.t = hooks.takenAt,
                                   .job = result.job,
                                   .value = result.processingNs,
                                   .extra = result.neverQueued ? kNeverQueued : 0U,
                                   .worker = static_cast<std::uint16_t>(result.worker),
                                   .kind = EventKind::ResultCollected,
                                   .aux = static_cast<std::uint8_t>(result.status)});
                if (!result.message.empty()) {
                    std::lock_guard lock(m_messagesMutex);
                    m_messages.push_back({result.job, std::move(result.message)});
                    result.message.clear();
                }
            }
            collected += static_cast<std::int64_t>(taken);
            m_collectedCount.store(collected, std::memory_order_relaxed); // one collector
        }
        log.append({.kind = EventKind::RunFinished});
        log.flush();
        {
            std::lock_guard lock(m_finishedMutex);
            m_finished = true;
        }
        m_finishedCv.notify_all();
        Q_EMIT m_owner->finished();
    }

    // Called first by each of the run's threads (its pool's own, which end with the run).
    // Background: 10 nice levels below where the process runs (a process started with nice 5
    // gets 15), at most 19; asking for less than the current level would need privileges.
    void enterThread() const
    {
#ifdef __linux__
        if (!m_background)
            return;
        const auto tid = static_cast<id_t>(gettid());
        errno = 0;
        const int current = getpriority(PRIO_PROCESS, tid);
        if (errno == 0)
            setpriority(PRIO_PROCESS, tid, std::min(19, current + kBackgroundNice));
#endif
    }
    static constexpr int kBackgroundNice = 10;

    WorkerPool *const m_owner;
    const PoolConfig m_config;
    const std::uint64_t m_seed;
    const bool m_background;
    EventLog m_log;
    BoundedQueue<JobItem> m_jobs;
    BoundedQueue<ResultItem> m_results;
    CancelToken m_cancelToken;
    QThreadPool m_threads;

    // Control state, guarded by m_control; atomics are read lock-free on the hot path.
    mutable std::mutex m_control;
    std::condition_variable m_controlCv;
    PlanClock m_clock;
    bool m_paused = false;
    bool m_stop = false;
    bool m_cancel = false;
    bool m_workersClosed = false;
    std::array<bool, PoolConfig::kMaxWorkers + 1> m_idInUse {};
    QList<QFuture<void>> m_workerFutures;

    std::atomic<bool> m_cancelFlag {false};
    std::atomic<bool> m_attention {false}; // paused, stop or cancel: the producer takes the lock
    std::atomic<int> m_target {0};
    std::atomic<int> m_live {0};
    std::atomic<double> m_speed {1.0};
    std::atomic<double> m_intervalMs {0.0};
    // Written once per job by one thread each: lines of their own, away from the flags above.
    alignas(64) std::atomic<std::int64_t> m_submitted {0};
    alignas(64) std::atomic<std::int64_t> m_collectedCount {0};
    alignas(64) std::atomic<ProducerState> m_producerState {ProducerState::Idle};
    // One cache line per worker: each writes its own twice per job.
    struct alignas(64) WorkerStateSlot
    {
        std::atomic<std::uint64_t> packed;
    };
    std::array<WorkerStateSlot, PoolConfig::kMaxWorkers + 1> m_workerState;

    std::mutex m_messagesMutex;
    std::vector<FailureMessage> m_messages;

    mutable std::mutex m_finishedMutex;
    std::condition_variable m_finishedCv;
    bool m_finished = false;

    QFuture<void> m_producer;
    QFuture<void> m_collector;
};

WorkerPool::WorkerPool(QObject *parent)
    : WorkerPool(Options {}, parent)
{ }

WorkerPool::WorkerPool(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{ }

WorkerPool::~WorkerPool()
{
    if (m_run) {
        // Cancel and join while the run is still reachable: finished() is emitted meanwhile.
        m_run->cancel();
        m_run->wait();
    }
}

bool WorkerPool::start(const PoolConfig &config, QString *error)
{
    const QStringList problems = config.validate();
    if (!problems.isEmpty()) {
        if (error)
            *error = problems.join(QLatin1String("; "));
        return false;
    }
    if (m_run && !m_run->isFinished()) {
        if (error)
            *error = QStringLiteral("a run is still going: stop or cancel it first");
        return false;
    }
    m_run.reset();
    m_config = config;
    const std::uint64_t seed = config.seed != 0 ? config.seed : freshSeed();
    m_run = std::make_unique<Run>(this, config, seed, m_options);
    m_run->start();
    return true;
}

void WorkerPool::pause()
{
    if (m_run)
        m_run->pause();
}

void WorkerPool::resume()
{
    if (m_run)
        m_run->resume();
}

void WorkerPool::setWorkerCount(int workers)
{
    workers = std::clamp(workers, PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers);
    m_config.workers = workers;
    if (m_run)
        m_run->setWorkerCount(workers);
}

void WorkerPool::setSpeed(double speed)
{
    speed = std::clamp(speed, PoolConfig::kMinSpeed, PoolConfig::kMaxSpeed);
    m_config.speed = speed;
    if (m_run)
        m_run->setSpeed(speed);
}

void WorkerPool::setIntervalMs(double intervalMs)
{
    intervalMs = std::clamp(intervalMs, 0.0, PoolConfig::kMaxIntervalMs);
    m_config.intervalMs = intervalMs;
    if (m_run)
        m_run->setIntervalMs(intervalMs);
}

void WorkerPool::stop()
{
    if (m_run)
        m_run->stop();
}

void WorkerPool::cancel()
{
    if (m_run)
        m_run->cancel();
}

void WorkerPool::waitForFinished()
{
    if (m_run)
        m_run->wait();
}

bool WorkerPool::waitForFinished(int timeoutMs)
{
    return !m_run || m_run->waitFor(timeoutMs);
}

bool WorkerPool::isRunning() const
{
    return m_run && !m_run->isFinished();
}

std::int64_t WorkerPool::elapsedNs() const
{
    return m_run ? m_run->now() : 0;
}

bool WorkerPool::isPaused() const
{
    return m_run && m_run->paused();
}

std::uint64_t WorkerPool::seed() const
{
    return m_run ? m_run->seed() : 0;
}

int WorkerPool::workerCount() const
{
    return m_run ? m_run->target() : m_config.workers;
}

int WorkerPool::liveWorkers() const
{
    return m_run ? m_run->live() : 0;
}

int WorkerPool::queueDepth() const
{
    return m_run ? m_run->queueDepth() : 0;
}

std::int64_t WorkerPool::submittedJobs() const
{
    return m_run ? m_run->submitted() : 0;
}

std::int64_t WorkerPool::collectedResults() const
{
    return m_run ? m_run->collected() : 0;
}

std::vector<WorkerSnapshot> WorkerPool::workerStates() const
{
    return m_run ? m_run->workerStates() : std::vector<WorkerSnapshot> {};
}

ProducerState WorkerPool::producerState() const
{
    return m_run ? m_run->producerState() : ProducerState::Idle;
}

std::vector<PoolEvent> WorkerPool::takeEvents()
{
    return m_run ? m_run->takeEvents() : std::vector<PoolEvent> {};
}

std::vector<FailureMessage> WorkerPool::takeFailureMessages()
{
    return m_run ? m_run->takeFailureMessages() : std::vector<FailureMessage> {};
}

} // namespace engine
