#pragma once

#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/jobplan.h"
#include "engine/poolconfig.h"
#include "engine/poolstate.h"
#include "engine/redisclient.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace engine {
class RemoteJobs;
}

namespace engine::redis {

// ResultCollected's extra for a job that a second consumer claimed after the first went quiet.
inline constexpr std::uint32_t kRetried = 2;

// The pattern with Redis Streams as its queue: this process keeps the producer and the collector,
// the workers are poolscope-worker processes anywhere that reach the same Redis. The producer
// adds each job to NAME:jobs (XADD), bounded by the queue's capacity (the jobs sent and not yet
// started); the collector reads the workers' start and finish reports from NAME:results (XREAD) in
// the order they came, and records them as the local engine's events, a lane per consumer in
// the order they were first seen: the same fold, views, summary and exports as a local run.
//
// At-least-once delivery made exact: a job another consumer claimed (its first worker went away)
// or reported twice ends with the first result that came; later ones are counted and dropped.
// Each run starts from empty streams, and its jobs carry a run id, so a worker finishing a job of
// an earlier run changes nothing. Cancelling ends every job sent without a result as cancelled.
class RedisPool : public QObject
{
    Q_OBJECT

public:
    struct Account
    {
        int consumers = 0; // lanes: consumers seen
        int hosts = 0;
        std::int64_t retried = 0; // jobs claimed again after their consumer went quiet
        std::int64_t duplicates = 0; // results dropped because the job had one already
        std::int64_t reconnects = 0; // connections opened again after they dropped
        std::int64_t maxPending = 0; // most jobs claimed by workers and not reported at once
        bool connected = true;
        QStringList consumerNames; // lane order
        QStringList consumerHosts;
    };

    explicit RedisPool(QObject *parent = nullptr);
    ~RedisPool() override;

    // Clears the pool's streams, creates its group and starts producing; false with the reason
    // when Redis cannot be reached or the config is not one a distributed run takes.
    bool start(const Target &target, const PoolConfig &config, QString *error);
    void cancel();
    bool isRunning() const { return m_running.load(); }
    bool waitForFinished(int timeoutMs);
    void waitForFinished();
    std::int64_t elapsedNs() const { return m_log ? m_log->now() : 0; }
    std::uint64_t seed() const { return m_seed; }
    Account account() const;

    using EventVisitor = std::function<void(std::span<const PoolEvent>)>;
    std::int64_t consumeEvents(const EventVisitor &visit)
    {
        return m_log ? m_log->consume(visit) : 0;
    }
    std::vector<FailureMessage> takeFailureMessages();

Q_SIGNALS:
    void eventsAvailable();
    void finished();

private:
    // What the collector knows of each job of the run.
    struct JobState
    {
        static constexpr std::uint8_t kStarted = 1, kDone = 2, kRetried = 4;
        std::uint8_t flags = 0;
    };

    void produce();
    void sendBatch(Connection &c, const std::vector<PlannedJob> &batch);
    void collect();
    void join();
    void noteConnection(bool ok);
    void markRetried(JobState &state);
    std::uint16_t laneOf(RemoteJobs &remote, const std::string &consumer, const std::string &host);
    void startJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                  std::uint16_t lane, std::int64_t planned, std::int64_t t, bool claimed);
    void finishJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                   std::uint16_t lane, const StreamEntry &report, bool claimed);
    void cancelRemaining(RemoteJobs &remote, std::vector<JobState> &jobs, Connection &c);

    Target m_target;
    PoolConfig m_config;
    std::uint64_t m_seed = 0;
    std::string m_runId;
    std::unique_ptr<EventLog> m_log;
    CancelToken *m_cancel = nullptr;
    std::unique_ptr<CancelToken> m_cancelOwner;
    std::atomic<bool> m_running {false};
    std::atomic<bool> m_producerDone {false};
    std::atomic<std::int64_t> m_announced {0}; // jobs 1..this were submitted (their event is out)
    std::atomic<std::int64_t> m_sent {0}; // jobs 1..this are in the stream
    std::atomic<std::int64_t> m_started {0}; // jobs some worker started (once each)
    std::int64_t m_collected = 0; // the collector's own
    mutable std::mutex m_mutex; // the room condition, the account, the failures, the end
    std::condition_variable m_room;
    std::condition_variable m_ended;
    Account m_account;
    std::vector<FailureMessage> m_failures;
    std::thread m_producer;
    std::thread m_collector;
};

} // namespace engine::redis
