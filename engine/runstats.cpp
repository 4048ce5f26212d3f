#include "engine/runstats.h"

#include <algorithm>

namespace engine {

RunStats::Partial &RunStats::partial(std::int64_t job)
{
    return m_pending[job];
}

RunStats::Worker &RunStats::worker(int id)
{
    if (id >= static_cast<int>(m_workers.size()))
        m_workers.resize(static_cast<std::size_t>(id) + 1);
    return m_workers[static_cast<std::size_t>(id)];
}

void RunStats::ingest(std::span<const PoolEvent> events)
{
    for (const PoolEvent &e : events) {
        m_lastT = std::max(m_lastT, e.t);
        switch (e.kind) {
        case EventKind::JobSubmitted: {
            ++m_submitted;
            ++m_inFlight;
            m_inFlightSubmittedSum += e.t;
            Partial &p = partial(e.job);
            p.submitted = e.t;
            if (p.collected >= 0 && (p.worker == 0 || p.finished >= 0))
                complete(e.job, p);
            break;
        }
        case EventKind::JobEnqueued:
        case EventKind::JobStarted:
        case EventKind::JobDiscarded: {
            const int depth = static_cast<int>(e.extra);
            m_maxDepth = std::max(m_maxDepth, depth);
            if (e.t >= m_depthT) {
                m_depthArea += static_cast<long double>(m_depth) * (e.t - m_depthT);
                m_depthT = e.t;
            }
            m_depth = depth;
            if (e.kind == EventKind::JobStarted) {
                Partial &p = partial(e.job);
                p.started = e.t;
                worker(e.worker).jobStartedAt = e.t;
            }
            break;
        }
        case EventKind::JobFinished: {
            Worker &w = worker(e.worker);
            if (w.jobStartedAt >= 0)
                w.busyNs += e.t - w.jobStartedAt;
            w.jobStartedAt = -1;
            Partial &p = partial(e.job);
            p.finished = e.t;
            if (p.collected >= 0 && p.submitted >= 0)
                complete(e.job, p);
            break;
        }
        case EventKind::ResultCollected: {
            ++m_byStatus[std::min<int>(e.aux, kJobStatusCount - 1)];
            m_lastCollectedAt = std::max(m_lastCollectedAt, e.t);
            Partial &p = partial(e.job);
            p.collected = e.t;
            p.worker = e.worker;
            p.status = e.status();
            if (p.submitted >= 0 && (p.worker == 0 || p.finished >= 0))
                complete(e.job, p);
            break;
        }
        case EventKind::WorkerStarted:
            worker(e.worker).startedAt = e.t;
            break;
        case EventKind::WorkerRetired: {
            Worker &w = worker(e.worker);
            if (w.startedAt >= 0)
                w.liveNs += e.t - w.startedAt;
            w.startedAt = -1;
            break;
        }
        case EventKind::RunFinished:
            m_finishedAt = e.t;
            break;
        default:
            break;
        }
    }
}

void RunStats::complete(std::int64_t job, const Partial &p)
{
    if (p.started >= 0)
        m_wait.add(p.started - p.submitted);
    if (p.started >= 0 && p.finished >= 0)
        m_processing.add(p.finished - p.started);
    const std::int64_t latency = p.collected - p.submitted;
    m_latency.add(latency);
    m_doneLatencySum += latency;
    --m_inFlight;
    m_inFlightSubmittedSum -= p.submitted;
    m_pending[job].completed = true;
    m_pending.popFrontWhile([](const Partial &front) { return front.completed; });
}

double RunStats::throughputPerS() const
{
    if (m_lastCollectedAt <= 0)
        return 0.0;
    return static_cast<double>(results()) * 1e9 / static_cast<double>(m_lastCollectedAt);
}

std::vector<RunStats::WorkerUsage> RunStats::workerUsage(std::int64_t nowNs) const
{
    if (nowNs < 0)
        nowNs = wallNs();
    std::vector<WorkerUsage> usage;
    for (std::size_t id = 1; id < m_workers.size(); ++id) {
        const Worker &w = m_workers[id];
        if (w.startedAt < 0 && w.liveNs == 0)
            continue;
        WorkerUsage u;
        u.id = static_cast<int>(id);
        u.liveNs
            = w.liveNs + (w.startedAt >= 0 ? std::max<std::int64_t>(0, nowNs - w.startedAt) : 0);
        u.busyNs = w.busyNs
            + (w.jobStartedAt >= 0 ? std::max<std::int64_t>(0, nowNs - w.jobStartedAt) : 0);
        u.busyNs = std::min(u.busyNs, u.liveNs);
        usage.push_back(u);
    }
    return usage;
}

double RunStats::meanQueueDepth() const
{
    if (m_depthT <= 0)
        return 0.0;
    return static_cast<double>(m_depthArea / m_depthT);
}

RunStats::LittlesLaw RunStats::littlesLaw(std::int64_t nowNs) const
{
    if (nowNs < 0)
        nowNs = wallNs();
    LittlesLaw law;
    if (nowNs <= 0)
        return law;
    const long double area
        = m_doneLatencySum + static_cast<long double>(m_inFlight) * nowNs - m_inFlightSubmittedSum;
    const double seconds = static_cast<double>(nowNs) / 1e9;
    law.meanInSystem = static_cast<double>(area / nowNs);
    law.arrivalRate = static_cast<double>(m_latency.count()) / seconds;
    law.meanLatencyS = m_latency.mean() / 1e9;
    return law;
}

} // namespace engine
