#pragma once

#include "engine/batchmeans.h"
#include "engine/eventfold.h"
#include "engine/exactsum.h"
#include "engine/histogram.h"
#include "engine/littleslaw.h"
#include "engine/poolevent.h"
#include "engine/queueingtheory.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace engine {

// Statistics of one run, built from its events through the EventFold: a job is counted once all
// its events are in, whatever order they came in.
// wait = started − submitted (includes time the producer was blocked sending it);
// processing = finished − started; latency = collected − submitted.
class RunStats
{
public:
    struct WorkerUsage
    {
        int id = 0;
        std::int64_t busyNs = 0;
        std::int64_t liveNs = 0; // started → retired (or → now for a live worker)
        double utilization() const
        {
            return liveNs > 0 ? static_cast<double>(busyNs) / static_cast<double>(liveNs) : 0.0;
        }
    };

    void ingest(std::span<const PoolEvent> events);
    // The same, handing the fold's spans to `rows` as well, as they open and close
    // (rows.spanOpened(const WorkerSpan &), rows.spanClosed(const WorkerSpan &)): a reader that
    // draws the rows and shows the statistics folds each event once for both.
    template<typename Rows> void ingest(std::span<const PoolEvent> events, Rows &rows)
    {
        struct Both
        {
            Sink stats;
            Rows &rows;
            void jobDone(const JobTimes &job) { stats.jobDone(job); }
            void spanOpened(const WorkerSpan &span)
            {
                stats.spanOpened(span);
                rows.spanOpened(span);
            }
            void spanClosed(const WorkerSpan &span)
            {
                stats.spanClosed(span);
                rows.spanClosed(span);
            }
        } both {{*this}, rows};
        for (const PoolEvent &e : events) {
            m_lastT = std::max(m_lastT, e.t);
            m_fold.apply(e, both);
            tally(e);
        }
        m_little.advanceTo(m_lastT);
    }

    std::int64_t submitted() const { return m_submitted; }
    std::int64_t results() const { return m_byStatus[0] + m_byStatus[1] + m_byStatus[2]; }
    std::int64_t count(JobStatus status) const { return m_byStatus[static_cast<int>(status)]; }
    bool finished() const { return m_finishedAt >= 0; }
    std::int64_t wallNs() const { return m_finishedAt >= 0 ? m_finishedAt : m_lastT; }
    std::int64_t lastResultNs() const { return m_lastCollectedAt; }
    std::int64_t lastEventNs() const { return m_lastT; }
    // Results per second from the run's start to its last result.
    double throughputPerS() const;

    const Histogram &wait() const { return m_wait; }
    const Histogram &processing() const { return m_processing; }
    const Histogram &latency() const { return m_latency; }

    // One entry per worker id seen, in id order; utilization measured up to `nowNs` for live ones.
    std::vector<WorkerUsage> workerUsage(std::int64_t nowNs = -1) const;
    // The workers' busy time over their live time, all of them together (0 before any).
    double meanUtilization(std::int64_t nowNs = -1) const;
    int maxQueueDepth() const { return m_maxDepth; }
    // Time-weighted mean of the queue depth up to the last event.
    double meanQueueDepth() const;

    // Little's law over the run up to `nowNs`, and over the trailing window that ends there (see
    // LittlesLawMeter): the window's is the real check while a run goes on.
    LittlesLaw littlesLaw(std::int64_t nowNs = -1) const;
    LittlesLaw recentLittlesLaw(std::int64_t nowNs = -1) const;

    // What the run measured, as queueing theory's inputs: the rate of submissions and the squared
    // coefficient of variation of the gaps between them, the mean processing time and its squared
    // coefficient of variation; the pool's size and queue capacity are the caller's.
    QueueInputs measuredInputs(int servers, int queueCapacity) const;
    // The steady state's mean wait, latency and processing time (ns) with 95 % intervals, warm-up
    // left out (jobs in the order they were done).
    BatchMeans::Interval steadyWait() const { return m_waitMeans.interval(); }
    BatchMeans::Interval steadyLatency() const { return m_latencyMeans.interval(); }
    BatchMeans::Interval steadyProcessing() const { return m_processingMeans.interval(); }

private:
    struct Worker
    {
        std::int64_t startedAt = -1; // of the live incarnation
        std::int64_t liveNs = 0; // closed incarnations
        std::int64_t busyNs = 0; // closed jobs
        std::int64_t jobStartedAt = -1;
    };
    // What the fold hands on.
    struct Sink
    {
        RunStats &stats;
        void jobDone(const JobTimes &job);
        void spanOpened(const WorkerSpan &span);
        void spanClosed(const WorkerSpan &span);
    };

    Worker &worker(int id);
    // What an event adds besides the fold's jobs and spans: counts, gaps, the queue's depth.
    void tally(const PoolEvent &e)
    {
        switch (e.kind) {
        case EventKind::JobSubmitted:
            ++m_submitted;
            m_little.arrived(e.t);
            if (m_lastSubmitAt >= 0 && e.t >= m_lastSubmitAt) {
                const std::int64_t gap = e.t - m_lastSubmitAt;
                ++m_gaps;
                m_gapSum.add(gap);
                m_gapSquares.addSquare(gap);
            }
            m_lastSubmitAt = std::max(m_lastSubmitAt, e.t);
            break;
        case EventKind::ResultCollected:
            ++m_byStatus[std::min<int>(e.aux, kJobStatusCount - 1)];
            m_lastCollectedAt = std::max(m_lastCollectedAt, e.t);
            break;
        case EventKind::RunFinished:
            m_finishedAt = e.t;
            break;
        default:
            if (const int depth = queueDepthAfter(e); depth >= 0) {
                m_maxDepth = std::max(m_maxDepth, depth);
                if (e.t >= m_depthT) {
                    m_depthArea.addProduct(m_depth, e.t - m_depthT);
                    m_depthT = e.t;
                }
                m_depth = depth;
            }
            break;
        }
    }

    EventFold m_fold;
    std::vector<Worker> m_workers; // index = worker id
    Histogram m_wait;
    Histogram m_processing;
    Histogram m_latency;
    std::array<std::int64_t, kJobStatusCount> m_byStatus {};
    std::int64_t m_submitted = 0;
    std::int64_t m_lastT = 0;
    std::int64_t m_lastCollectedAt = 0;
    std::int64_t m_finishedAt = -1;
    int m_maxDepth = 0;
    // Queue depth integral, from the queue's own ordered updates (depth after each operation).
    std::int64_t m_depthT = 0;
    int m_depth = 0;
    ExactSum m_depthArea;
    LittlesLawMeter m_little;
    // Gaps between submissions (in the producer's order) and processing times, for ca² and cs².
    std::int64_t m_lastSubmitAt = -1;
    std::int64_t m_gaps = 0;
    ExactSum m_gapSum;
    ExactSum m_gapSquares;
    ExactSum m_processingSquares;
    BatchMeans m_waitMeans;
    BatchMeans m_latencyMeans;
    BatchMeans m_processingMeans;
};

} // namespace engine
