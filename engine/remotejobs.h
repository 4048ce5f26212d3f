#pragma once

#include "engine/eventlog.h"
#include "engine/poolevent.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace engine {

// The pattern's events for jobs done elsewhere (the Redis engine's worker processes, a watched
// queue's consumers), recorded by the one thread that learns of them: a lane for each consumer
// name in the order they appear, each job's attempt on a lane, its result. A job's events come in
// the order the fold expects: started, then finished, delivered and collected on the lane that
// holds it; an attempt that ends without a result (its consumer went quiet and another took the
// job over, or the run ended) is finished on its own lane and the job goes on.
//
// A lane does one job at a time, as the pattern's worker does. A consumer that holds several jobs
// at once (a watched queue's consumer may read many before it acknowledges one) gets a lane for
// each it holds together: "NAME", "NAME · 2", … ; callers name a consumer by its first lane.
class RemoteJobs
{
public:
    // A lane appears: its number, its name, the host its consumer said it runs on.
    using LaneAdded
        = std::function<void(std::uint16_t lane, const std::string &name, const std::string &host)>;

    explicit RemoteJobs(EventLog::Writer &log, LaneAdded laneAdded = {})
        : m_log(log)
        , m_laneAdded(std::move(laneAdded))
    { }

    // The consumer's first lane; it starts (WorkerStarted) the first time the name is seen.
    std::uint16_t lane(const std::string &consumer, const std::string &host = {});
    int lanes() const { return static_cast<int>(m_lanes.size()); }

    // A job sent: submitted and in the queue, `depth` jobs waiting after it.
    void sent(std::int64_t job, std::int64_t depth);
    // An attempt starts for the consumer whose first lane is `consumer`, at `t` (planned: its
    // planned wall ns, or 0 when unknown), on the first of its lanes that is free; `depth` jobs
    // wait after it.
    void started(std::int64_t job, std::uint16_t consumer, std::int64_t t, std::int64_t planned,
                 std::int64_t depth);
    // The consumer (its first lane) whose attempt holds the job, or 0.
    std::uint16_t holder(std::int64_t job) const;
    std::size_t attempts() const { return m_running.size(); }
    // The job's attempt ends without a result (nothing when none holds it).
    void abandon(std::int64_t job, JobStatus status);
    // The job's result, from the consumer's attempt that took `tookNs` (`extra`: the result's
    // flags, as ResultCollected carries them).
    void finished(std::int64_t job, std::uint16_t consumer, JobStatus status, std::int64_t tookNs,
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
    struct Lane
    {
        std::uint16_t consumer = 0; // its consumer's first lane
        bool busy = false;
    };

    std::uint16_t addLane(std::uint16_t consumer, const std::string &name, const std::string &host);
    Lane &at(std::uint16_t lane) { return m_laneInfo[lane - 1U]; }
    std::uint16_t freeLaneOf(std::uint16_t consumer);
    void release(std::uint16_t lane);

    EventLog::Writer &m_log;
    LaneAdded m_laneAdded;
    std::unordered_map<std::int64_t, Attempt> m_running;
    std::unordered_map<std::string, std::uint16_t> m_consumers; // name → first lane
    std::vector<Lane> m_laneInfo; // by lane − 1
    std::unordered_map<std::uint16_t, std::vector<std::uint16_t>> m_slots; // consumer → lanes
    std::vector<std::string> m_names, m_hosts; // by consumer's first lane − 1
    std::vector<std::uint16_t> m_lanes; // every lane, in order
};

} // namespace engine
