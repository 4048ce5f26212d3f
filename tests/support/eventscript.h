#pragma once

#include "engine/poolevent.h"

#include <cstdint>
#include <vector>

// A tiny script of engine events, written the way the engine records them, for tests that feed a
// RunModel (and what reads it) without running a pool.
namespace testsupport {

constexpr std::int64_t ms = 1'000'000;

using engine::EventKind;
using engine::JobStatus;
using engine::LiveSetting;
using engine::PoolEvent;

class Script
{
public:
    Script &at(std::int64_t tMs, std::int64_t plusNs = 0)
    {
        m_t = tMs * ms + plusNs;
        return *this;
    }
    Script &event(EventKind kind, std::int64_t job = 0, int worker = 0, std::uint32_t extra = 0,
                  std::int64_t value = 0, std::uint8_t aux = 0)
    {
        m_events.push_back({.t = m_t,
                            .job = job,
                            .value = value,
                            .extra = extra,
                            .worker = static_cast<std::uint16_t>(worker),
                            .kind = kind,
                            .aux = aux});
        return *this;
    }
    Script &submit(std::int64_t job, int depthAfter)
    {
        return event(EventKind::JobSubmitted, job)
            .event(EventKind::JobEnqueued, job, 0, depthAfter);
    }
    Script &start(std::int64_t job, int worker, int depthAfter, std::int64_t plannedMs = 100)
    {
        return event(EventKind::JobStarted, job, worker, depthAfter, plannedMs * ms);
    }
    Script &finish(std::int64_t job, int worker, JobStatus status = JobStatus::Completed)
    {
        return event(EventKind::JobFinished, job, worker, 0, 0, static_cast<std::uint8_t>(status))
            .event(EventKind::ResultDelivered, job, worker);
    }
    Script &collect(std::int64_t job, int worker, JobStatus status = JobStatus::Completed,
                    std::int64_t processingMs = 100)
    {
        return event(EventKind::ResultCollected, job, worker, 0, processingMs * ms,
                     static_cast<std::uint8_t>(status));
    }
    Script &setting(LiveSetting k, double value)
    {
        return event(EventKind::ConfigChanged, 0, 0, 0, PoolEvent::encodeSettingValue(value),
                     static_cast<std::uint8_t>(k));
    }
    // Job k, submitted at k ms and done 1 ms later on worker 1 or 2 (alternately); shifted, all
    // of it, by up to half a millisecond when `irregular` (times a real run would have: a
    // perfectly regular run packs into almost nothing, and a history cap would never be reached).
    Script &quickJob(int k, bool irregular = false)
    {
        const int worker = 1 + k % 2;
        const std::int64_t shift = irregular ? (std::int64_t {k} * 7919) % 500'000 : 0;
        return at(k, shift)
            .submit(k, 1)
            .start(k, worker, 0)
            .at(k + 1, shift)
            .finish(k, worker)
            .collect(k, worker);
    }
    const std::vector<PoolEvent> &events() const { return m_events; }

private:
    std::int64_t m_t = 0;
    std::vector<PoolEvent> m_events;
};

// A run of `jobs` jobs one after another on one worker, a µs each (its exports outgrow the
// writers' buffers without a long run).
inline std::vector<PoolEvent> sequentialRun(std::int64_t jobs)
{
    Script s;
    s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
    for (std::int64_t job = 1; job <= jobs; ++job) {
        const std::int64_t t = job * 1000;
        s.at(0, t).submit(job, 1).start(job, 1, 0).at(0, t + 900).finish(job, 1).collect(job, 1);
    }
    s.at(0, jobs * 1000 + 1000).event(EventKind::RunFinished);
    return s.events();
}

} // namespace testsupport
