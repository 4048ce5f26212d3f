#pragma once

#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/poolstate.h"

#include <QObject>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace engine {

class PoolRun; // engine/poolrun.h

// The worker pool of the reference program on real threads: a producer thread sends jobs 1..N into
// a bounded queue; workers (Qt Concurrent on a thread pool of the pool's own) take them FIFO,
// process them and send results into a bounded results queue; a collector takes results in
// completion order. When the producer is done it closes the queue; workers drain it and exit; when
// the last worker is done (QFutureSynchronizer, the WaitGroup) the results queue closes and the
// run ends. Every transition is recorded as a PoolEvent.
//
// Control calls come from one thread (the one that owns the pool). Destroying the pool cancels the
// run and joins every thread; every submitted job still ends with exactly one result.
class WorkerPool : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        bool recordEvents = true;
        // Events published but not yet taken, at most; past it the pool waits for takeEvents()
        // (see EventLog::setBacklogLimit). 0: no bound, for consumers that read only at the end.
        std::int64_t eventBacklogLimit = 0;
        // Events a pool thread gathers before publishing them: its event chunk's size (see
        // EventLog::setChunkEvents); 0: the log's default.
        std::size_t eventChunk = 0;
        // Runs the pool's threads at the idle scheduling class (SCHED_IDLE on Linux; nice +10 where
        // it is refused), so that a window drawing the run keeps the CPU it needs when the pool
        // would take all of it.
        bool backgroundPriority = false;
    };

    explicit WorkerPool(QObject *parent = nullptr);
    explicit WorkerPool(Options options, QObject *parent = nullptr);
    ~WorkerPool() override;

    // Starts a run; false (with the problems in *error) on an invalid config or while a run is
    // still going. A finished run's events stay readable until the next start.
    bool start(const PoolConfig &config, QString *error = nullptr);

    void pause();
    void resume();
    void setWorkerCount(int workers); // grows at once; shrinking retires workers after their job
    void setSpeed(double speed);
    void setIntervalMs(double intervalMs);
    void stop(); // graceful drain: nothing new is produced, queued jobs still run
    void cancel(); // queued jobs end Cancelled at once; running jobs are interrupted

    // Blocks until the current run has ended and every thread of it is joined.
    void waitForFinished();
    // Like waitForFinished, but gives up after timeoutMs; true when the run has ended.
    bool waitForFinished(int timeoutMs);

    bool isRunning() const;
    // Run time now, on the events' clock (ns since the run started); 0 before any run.
    std::int64_t elapsedNs() const;
    bool isPaused() const;
    const PoolConfig &config() const { return m_config; }
    std::uint64_t seed() const;
    int workerCount() const; // the pool size asked for
    int liveWorkers() const; // workers that have not retired
    int queueDepth() const;
    std::int64_t submittedJobs() const;
    std::int64_t collectedResults() const;
    std::vector<WorkerSnapshot> workerStates() const;
    ProducerState producerState() const;

    // Everything recorded since the last call, in publication order (each thread's own events in
    // order; across threads, ordered within a few milliseconds). One consumer only. A consumer
    // that keeps taking hands back the vector it took last time (`spare`): its memory is reused.
    std::vector<PoolEvent> takeEvents(std::vector<PoolEvent> spare = {});
    // The same without a copy: hands what was recorded since the last take to `visit`, a chunk's
    // events (see eventChunk) at a time in the same order, each batch valid only during its call
    // (see EventLog::consume). Returns how many events were visited.
    using EventVisitor = std::function<void(std::span<const PoolEvent>)>;
    std::int64_t consumeEvents(const EventVisitor &visit);
    std::vector<FailureMessage> takeFailureMessages();

Q_SIGNALS:
    // A batch of events is ready for takeEvents(); emitted at most once until the next take, from
    // whichever thread published it (connect with a queued or auto connection).
    void eventsAvailable();
    // The run has ended (all results collected); emitted from the collector thread.
    void finished();

private:
    Options m_options;
    PoolConfig m_config;
    std::unique_ptr<PoolRun> m_run;
};

} // namespace engine
