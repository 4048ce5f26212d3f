#pragma once

// A run's insides, shared by WorkerPool and the threads of its three roles; not for use outside
// the engine's pool.

#include "engine/boundedqueue.h"
#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/jobplan.h"
#include "engine/workerpool.h"

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
#include <string>
#ifdef __linux__
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace engine {

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
inline std::uint64_t packState(WorkerState state, std::int64_t job)
{
    return (static_cast<std::uint64_t>(job) << 8) | static_cast<std::uint64_t>(state);
}

class PoolRun;

// The pattern's producer: sends jobs 1..N (or until stopped) into the job queue on the plan's
// clock, then closes the queue, waits for the workers (the WaitGroup) and closes the results.
class Producer
{
public:
    explicit Producer(PoolRun &run)
        : m_run(run)
    { }
    void run();

private:
    static constexpr std::size_t kSendBatch = 64; // jobs planned and sent at once when flat out
    // How long before a planned arrival a sleeping worker is woken to wait for it awake (well
    // within BoundedQueue::kWarmFor, and longer than a kernel wake-up).
    static constexpr std::int64_t kPrewakeLeadNs = 300'000;

    bool sendBatch(EventLog::Writer &log, JobPlan &plan, std::size_t count);
    bool send(EventLog::Writer &log, const PlannedJob &planned);
    bool sendSubmitted(EventLog::Writer &log, JobItem *items, std::size_t count,
                       std::int64_t submittedAt);

    PoolRun &m_run;
};

// One of the pattern's workers: takes jobs from the queue until it is closed and drained (or the
// pool shrinks), processes each and sends its result on.
class Worker
{
public:
    Worker(PoolRun &run, int id)
        : m_run(run)
        , m_id(id)
    { }
    void run();

private:
    static constexpr std::size_t kDiscardBatch = 64; // queued jobs ended at once on cancel
    template<typename TakeHooks>
    void discardQueued(EventLog::Writer &log, int id, TakeHooks &hooks);

    PoolRun &m_run;
    const int m_id;
};

// The pattern's collector: takes results in completion order until the results queue closes,
// then ends the run.
class Collector
{
public:
    explicit Collector(PoolRun &run)
        : m_run(run)
    { }
    void run();

private:
    static constexpr std::size_t kCollectBatch = 64; // results taken at once

    PoolRun &m_run;
};

// One run of the pool: what the pattern's three roles share (the two queues, the event log, the
// control state) and the control and observation WorkerPool forwards to it. The roles are its
// threads: Producer, Worker (one per live worker) and Collector, each in a file of its own.
class PoolRun
{
public:
    PoolRun(WorkerPool *owner, const PoolConfig &config, std::uint64_t seed,
            const WorkerPool::Options &options)
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
        if (options.eventChunk > 0)
            m_log.setChunkEvents(options.eventChunk);
    }

    ~PoolRun()
    {
        cancel();
        wait();
    }

    void start()
    {
        m_log.appendControl(
            {.value = static_cast<std::int64_t>(m_seed), .kind = EventKind::RunStarted});
        m_collector = QtConcurrent::run(&m_threads, [this] { Collector(*this).run(); });
        {
            std::lock_guard lock(m_control);
            growLocked(m_config.workers);
        }
        m_producer = QtConcurrent::run(&m_threads, [this] { Producer(*this).run(); });
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

    std::vector<PoolEvent> takeEvents(std::vector<PoolEvent> spare)
    {
        return m_log.takeAll(std::move(spare));
    }
    template<typename Visit> std::int64_t consumeEvents(Visit &&visit)
    {
        return m_log.consume(std::forward<Visit>(visit));
    }

    std::vector<FailureMessage> takeFailureMessages()
    {
        std::lock_guard lock(m_messagesMutex);
        return std::exchange(m_messages, {});
    }

private:
    friend class Producer;
    friend class Worker;
    friend class Collector;

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
                        // the last of them to leave tops the pool up (Worker::run)
            m_idInUse[static_cast<std::size_t>(id)] = true;
            m_live.fetch_add(1);
            m_workerState[static_cast<std::size_t>(id)].packed.store(
                packState(WorkerState::Idle, 0), std::memory_order_relaxed);
            m_workerFutures.append(
                QtConcurrent::run(&m_threads, [this, id] { Worker(*this, id).run(); }));
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

    // Sends results to the collector, waiting while the results queue is full. `readyAt` is when
    // they came to be; it stamps the delivery unless the queue made us wait.
    void deliverSome(EventLog::Writer &log, ResultItem *results, std::size_t count, int id,
                     std::int64_t readyAt)
    {
        struct Hooks : QueueHooks
        {
            static constexpr bool wantsDepth() { return false; }
            PoolRun &run;
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

    // Called first by each of the run's threads (its pool's own, which end with the run).
    // Timed waits (arrivals, wait jobs) end within a microsecond of their deadline, not the
    // default 50 µs timer slack: a job takes its planned time, not 5 % more at a millisecond.
    // Background: 10 nice levels below where the process runs (a process started with nice 5
    // gets 15), at most 19; asking for less than the current level would need privileges.
    void enterThread() const
    {
#ifdef __linux__
        prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        if (!m_background)
            return;
        // SCHED_IDLE: the pool runs on what the window leaves. A nice level is not enough: CFS
        // weighs each runnable thread, so 64 workers at nice +10 together outweigh the window's
        // one thread seven to one, and a flat-out run starved the frames that draw it.
        sched_param none {};
        if (sched_setscheduler(0, SCHED_IDLE, &none) == 0)
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

} // namespace engine
