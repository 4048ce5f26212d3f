#include "engine/remotejobs.h"

#include <algorithm>

namespace engine {

namespace {

std::uint32_t depthOf(std::int64_t depth)
{
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(depth, 0, UINT32_MAX));
}

} // namespace

std::uint16_t RemoteJobs::lane(const std::string &consumer, bool *added)
{
    const auto [it, isNew]
        = m_lanes.try_emplace(consumer, static_cast<std::uint16_t>(m_lanes.size() + 1));
    if (isNew)
        m_log.append({.worker = it->second, .kind = EventKind::WorkerStarted});
    if (added)
        *added = isNew;
    return it->second;
}

void RemoteJobs::sent(std::int64_t job, std::int64_t depth)
{
    const std::int64_t t = m_log.now();
    m_log.appendStamped({.t = t, .job = job, .kind = EventKind::JobSubmitted});
    m_log.appendStamped(
        {.t = t, .job = job, .extra = depthOf(depth), .kind = EventKind::JobEnqueued});
}

void RemoteJobs::started(std::int64_t job, std::uint16_t lane, std::int64_t t, std::int64_t planned,
                         std::int64_t depth)
{
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
    return it == m_running.end() ? 0 : it->second.lane;
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
    m_running.erase(it);
}

void RemoteJobs::finished(std::int64_t job, std::uint16_t lane, JobStatus status,
                          std::int64_t tookNs, std::uint32_t extra)
{
    m_running.erase(job);
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
    for (const auto &[name, lane] : m_lanes)
        m_log.append({.worker = lane, .kind = EventKind::WorkerRetired});
}

} // namespace engine
