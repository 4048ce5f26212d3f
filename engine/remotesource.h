#pragma once

#include "engine/eventlog.h"
#include "engine/livesource.h"

#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>

namespace engine {

class RemoteJobs;

// What the Redis engine and the Redis watch share as sources of a run: the event log their threads
// write (published in batches, as the local pool's), the lanes of the consumers they have seen and
// the hosts those run on, the run's end and the waits on it. The headless runner consumes the
// events in place; the window takes them as any live source's.
class RemoteSource : public LiveSource
{
    Q_OBJECT

public:
    using LiveSource::LiveSource;

    bool isRunning() const override { return m_running.load(); }
    std::int64_t elapsedNs() const { return m_log ? m_log->now() : 0; }
    std::int64_t nowNs() const override { return elapsedNs(); }
    // True when the run has ended and its threads are joined.
    bool waitForFinished(int timeoutMs);
    void waitForFinished();

    using EventVisitor = std::function<void(std::span<const PoolEvent>)>;
    std::int64_t consumeEvents(const EventVisitor &visit)
    {
        return m_log ? m_log->consume(visit) : 0;
    }

    // The consumers seen, in lane order (lane 1 first), and the host each said it runs on (empty
    // when unknown).
    QStringList consumerNames() const;
    QStringList consumerHosts() const;
    int hostCount() const;

protected:
    // A new run: a fresh log, RunStarted recorded (its value: the seed), no lanes yet.
    void beginRun(std::uint64_t seed);
    // What a RemoteJobs of this source calls when a lane appears: its name and host noted.
    std::function<void(std::uint16_t, const std::string &, const std::string &)> laneNoter();
    // The run's end, from the thread that records last: every lane retires, RunFinished is
    // published, the waiters wake and finished() is emitted.
    void endRun(RemoteJobs &remote, EventLog::Writer &log);
    // The shape the window draws: lanes named after their consumers, grouped by host when they
    // said it.
    Shape lanesShape() const;
    // Joins the source's threads (once the run has ended).
    virtual void join() = 0;
    void appendEvents(std::vector<PoolEvent> &events) override;

    std::unique_ptr<EventLog> m_log;
    std::atomic<bool> m_running {false};
    mutable std::mutex m_mutex; // the lanes and the sources' own accounts

private:
    std::condition_variable m_ended;
    QStringList m_names; // guarded
    QStringList m_hosts; // guarded
};

} // namespace engine
