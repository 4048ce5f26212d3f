#pragma once

#include "engine/eventlog.h"
#include "engine/poolevent.h"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace engine {

// The pattern's events for jobs done elsewhere (the Redis engine's worker processes, a watched
// queue's consumers), recorded by the one thread that learns of them: a lane for each consumer
// name in the order they appear, each job's attempt on a lane, its result. A job's events come in
// the order the fold expects: started, then finished, delivered and collected on the lane that
// holds it; an attempt that ends without a result (its consumer went quiet and another took the
// job over, or the run ended) is finished on its own lane and the job goes on.
class RemoteJobs
{
public:
    explicit RemoteJobs(EventLog::Writer &log)
        : m_log(log)
    { }

    // The lane of a consumer; a new one starts (WorkerStarted) the first time a name is seen.
    // *added says whether it was new.
    std::uint16_t lane(const std::string &consumer, bool *added = nullptr);
    int lanes() const { return static_cast<int>(m_lanes.size()); }

    // A job sent: submitted and in the queue, `depth` jobs waiting after it.
    void sent(std::int64_t job, std::int64_t depth);
    // An attempt starts on `lane` at `t` (planned: its planned wall ns, or 0 when unknown);
    // `depth` jobs wait after it.
    void started(std::int64_t job, std::uint16_t lane, std::int64_t t, std::int64_t planned,
                 std::int64_t depth);
    // The lane whose attempt holds the job, or 0.
    std::uint16_t holder(std::int64_t job) const;
    std::size_t attempts() const { return m_running.size(); }
    // The job's attempt ends without a result (nothing when none holds it).
    void abandon(std::int64_t job, JobStatus status);
    // The job's result, from the attempt on `lane` that took `tookNs` (`extra`: the result's flags,
    // as ResultCollected carries them).
    void finished(std::int64_t job, std::uint16_t lane, JobStatus status, std::int64_t tookNs,
                  std::uint32_t extra = 0);
    // Ends the job where it is held, with `status` and the time its attempt has taken; false (and
    // nothing recorded) when no attempt holds it.
    bool endHeld(std::int64_t job, JobStatus status);
    // A job that ends without any attempt holding it: taken off the queue (or, never queued,
    // ended while it was being sent), cancelled.
    void endedUnstarted(std::int64_t job, bool neverQueued);
    // Every lane's worker retires: the end of the run.
    void retireAll();

private:
    struct Attempt
    {
        std::uint16_t lane = 0;
        std::int64_t startedAt = 0;
    };

    EventLog::Writer &m_log;
    std::unordered_map<std::int64_t, Attempt> m_running;
    std::unordered_map<std::string, std::uint16_t> m_lanes;
};

} // namespace engine
