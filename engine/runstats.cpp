#include "engine/runstats.h"

#include <algorithm>

namespace engine {

RunStats::Worker &RunStats::worker(int id)
{
    if (id >= static_cast<int>(m_workers.size()))
        m_workers.resize(static_cast<std::size_t>(id) + 1);
    return m_workers[static_cast<std::size_t>(id)];
}

void RunStats::ingest(std::span<const PoolEvent> events)
{
    struct NoRows
    {
        void spanOpened(const WorkerSpan &) { }
        void spanClosed(const WorkerSpan &) { }
    } none;
    ingest(events, none);
}

void RunStats::Sink::jobDone(const JobTimes &job)
{
    if (job.started >= 0) {
        stats.m_wait.add(job.wait());
        stats.m_waitMeans.add(static_cast<double>(job.wait()));
    }
    if (job.processing() >= 0) {
        stats.m_processing.add(job.processing());
        stats.m_processingSquares.addSquare(job.processing());
        stats.m_processingMeans.add(static_cast<double>(job.processing()));
    }
    const std::int64_t latency = job.latency();
    stats.m_latency.add(latency);
    stats.m_latencyMeans.add(static_cast<double>(latency));
    stats.m_little.departed(job.submitted, job.collected);
}

void RunStats::Sink::spanOpened(const WorkerSpan &span)
{
    if (span.kind == SpanKind::Live)
        stats.worker(span.worker).startedAt = span.start;
    else if (span.kind == SpanKind::Busy)
        stats.worker(span.worker).jobStartedAt = span.start;
}

void RunStats::Sink::spanClosed(const WorkerSpan &span)
{
    Worker &w = stats.worker(span.worker);
    if (span.kind == SpanKind::Live) {
        w.liveNs += span.end - span.start;
        w.startedAt = -1;
    } else if (span.kind == SpanKind::Busy) {
        w.busyNs += span.end - span.start;
        w.jobStartedAt = -1;
    }
}

double RunStats::meanUtilization(std::int64_t nowNs) const
{
    double busy = 0, live = 0;
    for (const WorkerUsage &u : workerUsage(nowNs)) {
        busy += static_cast<double>(u.busyNs);
        live += static_cast<double>(u.liveNs);
    }
    return live > 0 ? busy / live : 0.0;
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
    return static_cast<double>(m_depthArea.value() / m_depthT);
}

LittlesLaw RunStats::littlesLaw(std::int64_t nowNs) const
{
    return m_little.overRun(nowNs < 0 ? wallNs() : nowNs);
}

LittlesLaw RunStats::recentLittlesLaw(std::int64_t nowNs) const
{
    return m_little.overWindow(nowNs < 0 ? wallNs() : nowNs);
}

QueueInputs RunStats::measuredInputs(int servers, int queueCapacity) const
{
    // The squared coefficient of variation from a count, a sum and a sum of squares.
    const auto cv2 = [](long double n, long double sum, long double squares) {
        if (n < 2 || sum <= 0)
            return 0.0;
        const long double mean = sum / n;
        return static_cast<double>(std::max<long double>(0, squares / n - mean * mean)
                                   / (mean * mean));
    };
    QueueInputs in;
    in.servers = servers;
    in.queueCapacity = queueCapacity;
    if (m_gaps > 0 && m_gapSum.value() > 0)
        in.arrivalRatePerS = static_cast<double>(m_gaps * 1e9L / m_gapSum.value());
    in.ca2 = cv2(m_gaps, m_gapSum.value(), m_gapSquares.value());
    in.serviceMeanS = m_processing.mean() / 1e9;
    const auto n = static_cast<long double>(m_processing.count());
    in.cs2 = cv2(n, n * static_cast<long double>(m_processing.mean()), m_processingSquares.value());
    return in;
}

} // namespace engine
