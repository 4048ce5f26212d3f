#pragma once

#include "engine/redisclient.h"

#include <QString>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace engine::redis {

// The worker side of a distributed pool (poolscope-worker): `workers` threads, each its own
// consumer of the group "workers" on NAME:jobs with a connection of its own. Each claims one job
// at a time (XREADGROUP … COUNT 1), reports its start to NAME:results, does the job's work (the
// local engine's Workload: a timed wait or a fixed amount of computation), reports its result and
// acknowledges the job (XACK). A job left pending longer than claimIdle by a consumer that went
// away is claimed again (XAUTOCLAIM) and reported as retried: nothing a killed worker held is
// lost. A dropped connection is opened again with backoff.
struct WorkerOptions
{
    Target target;
    int workers = 1;
    QString name; // consumers are NAME/1 … NAME/N; empty: HOST-PID
    QString host; // the host its lanes are grouped under; empty: this machine's name
    std::chrono::milliseconds claimIdle {30000};
};

class WorkerProcess
{
public:
    using Log = std::function<void(const QString &line)>; // called from any of the threads

    WorkerProcess(WorkerOptions options, Log log);

    // Checks that Redis answers (and accepts the credentials) before any thread starts; false
    // with the reason.
    bool reachable(QString *error);
    // Runs the threads until stop() (each finishes the job it holds first), then joins them.
    // Returns the jobs done.
    std::int64_t run();
    // Safe from a signal handler's thread: only sets a flag.
    void stop() { m_stop.store(true, std::memory_order_relaxed); }

private:
    struct Consumer;
    void serve(int index);
    bool connect(Consumer &me);
    std::vector<StreamEntry> take(Consumer &me, bool *retried);
    void work(Consumer &me, const StreamEntry &job, bool retried);

    WorkerOptions m_options;
    Log m_log;
    std::atomic<bool> m_stop {false};
    std::atomic<std::int64_t> m_done {0};
};

} // namespace engine::redis
