#include "engine/remotejobs.h"

#include <algorithm>

namespace engine {

namespace {

std::uint32_t depthOf(std::int64_t depth)
{
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(depth, 0, UINT32_MAX));
}

} // namespace

std::uint16_t RemoteJobs::addLane(std::uint16_t consumer, const std::string &name,
                                  const std::string &host)
{
    const auto lane = static_cast<std::uint16_t>(m_laneInfo.size() + 1);
    m_laneInfo.push_back({consumer == 0 ? lane : consumer, false});
    m_lanes.push_back(lane);
    m_log.append({.worker = lane, .kind = EventKind::WorkerStarted});
    if (m_laneAdded)
        m_laneAdded(lane, name, host);
    return lane;
}

std::uint16_t RemoteJobs::lane(const std::string &consumer, const std::string &host)
{
    if (const auto it = m_consumers.find(consumer); it != m_consumers.end())
        return it->second;
    const std::uint16_t lane = addLane(0, consumer, host);
    m_consumers.emplace(consumer, lane);
    m_slots[lane].push_back(lane);
    m_names.resize(lane);
    m_hosts.resize(lane);
    m_names[lane - 1U] = consumer;
    m_hosts[lane - 1U] = host;
    return lane;
}

// The consumer's first free lane; a new one when every lane it has holds a job.
std::uint16_t RemoteJobs::freeLaneOf(std::uint16_t consumer)
{
    std::vector<std::uint16_t> &slots = m_slots[consumer];
    for (const std::uint16_t lane : slots) {
        if (!at(lane).busy)
            return lane;
    }
    const std::string name = m_names[consumer - 1U] + " · " + std::to_string(slots.size() + 1);
    const std::uint16_t lane = addLane(consumer, name, m_hosts[consumer - 1U]);
    slots.push_back(lane);
    return lane;
}

void RemoteJobs::release(std::uint16_t lane)
{
    if (lane != 0)
        at(lane).busy = false;
}

void RemoteJobs::sent(std::int64_t job, std::int64_t depth)
{
    const std::int64_t t = m_log.now();
    m_log.appendStamped({.t = t, .job = job, .kind = EventKind::JobSubmitted});
    m_log.appendStamped(
        {.t = t, .job = job, .extra = depthOf(depth), .kind = EventKind::JobEnqueued});
}

void RemoteJobs::started(std::int64_t job, std::uint16_t consumer, std::int64_t t,
                         std::int64_t planned, std::int64_t depth)
{
    if (const auto held = m_running.find(job); held != m_running.end()) // not two attempts at once
        abandon(job, JobStatus::Cancelled);
    const std::uint16_t lane = freeLaneOf(consumer);
    at(lane).busy = true;
    m_running[job] = {lane, t};
    m_log.appendStamped({.t = t,
                         .job = job,
                         .value = planned,
                         .extra = depthOf(depth),
                         .worker = lane,
                         .kind = EventKind::JobStarted});
}

std::uint16_t RemoteJobs::holder(std::int64_t job) const
{
    const auto it = m_running.find(job);
    return it == m_running.end() ? 0 : m_laneInfo[it->second.lane - 1U].consumer;
}

void RemoteJobs::abandon(std::int64_t job, JobStatus status)
{
    const auto it = m_running.find(job);
    if (it == m_running.end())
        return;
    const std::int64_t t = m_log.now();
    m_log.appendStamped({.t = t,
                         .job = job,
                         .value = t - it->second.startedAt,
                         .worker = it->second.lane,
                         .kind = EventKind::JobFinished,
                         .aux = static_cast<std::uint8_t>(status)});
    release(it->second.lane);
    m_running.erase(it);
}

void RemoteJobs::finished(std::int64_t job, std::uint16_t consumer, JobStatus status,
                          std::int64_t tookNs, std::uint32_t extra)
{
    // On the lane of the consumer's attempt (its first lane when it holds none).
    std::uint16_t lane = consumer;
    if (const auto it = m_running.find(job); it != m_running.end()) {
        if (at(it->second.lane).consumer == at(consumer).consumer)
            lane = it->second.lane;
        release(it->second.lane);
        m_running.erase(it);
    }
    const std::int64_t t = m_log.now();
    const auto aux = static_cast<std::uint8_t>(status);
    m_log.appendStamped({.t = t,
                         .job = job,
                         .value = tookNs,
                         .worker = lane,
                         .kind = EventKind::JobFinished,
                         .aux = aux});
    m_log.appendStamped({.t = t, .job = job, .worker = lane, .kind = EventKind::ResultDelivered});
    m_log.appendStamped({.t = t,
                         .job = job,
                         .value = tookNs,
                         .extra = extra,
                         .worker = lane,
                         .kind = EventKind::ResultCollected,
                         .aux = aux});
}

bool RemoteJobs::endHeld(std::int64_t job, JobStatus status)
{
    const auto it = m_running.find(job);
    if (it == m_running.end())
        return false;
    const Attempt attempt = it->second;
    finished(job, attempt.lane, status, m_log.now() - attempt.startedAt);
    return true;
}

void RemoteJobs::endedUnstarted(std::int64_t job, bool neverQueued)
{
    const std::int64_t t = m_log.now();
    if (!neverQueued)
        m_log.appendStamped({.t = t, .job = job, .kind = EventKind::JobDiscarded});
    m_log.appendStamped({.t = t,
                         .job = job,
                         .extra = neverQueued ? kNeverQueued : 0U,
                         .kind = EventKind::ResultCollected,
                         .aux = static_cast<std::uint8_t>(JobStatus::Cancelled)});
}

void RemoteJobs::retireAll()
{
    for (const std::uint16_t lane : m_lanes)
        m_log.append({.worker = lane, .kind = EventKind::WorkerRetired});
}

} // namespace engine
