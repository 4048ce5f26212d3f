#pragma once

#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/jobplan.h"
#include "engine/poolconfig.h"
#include "engine/poolstate.h"
#include "engine/redisclient.h"
#include "engine/remotesource.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <cstdint>
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
class RedisPool : public RemoteSource
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
        std::int64_t pending = 0; // jobs claimed by workers and not reported, now
        std::int64_t maxPending = 0; // the most at once
        std::int64_t backlog = 0; // jobs in the stream that no worker has taken, now
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
    // Sends no more jobs; the run ends when those sent have their results (or at cancel()).
    void stop() override;
    std::uint64_t seed() const { return m_seed; }
    const Target &target() const { return m_target; }
    Account account() const;
    std::vector<FailureMessage> takeFailureMessages() override;
    // Lanes by consumer, grouped by host; the queue's capacity; the jobs submitted.
    Shape shape() const override;

protected:
    void join() override;

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
    void noteConnection(bool ok);
    void markRetried(JobState &state);
    void startJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                  std::uint16_t lane, std::int64_t planned, std::int64_t t, bool claimed);
    void finishJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                   std::uint16_t lane, const StreamEntry &report, bool claimed);
    void cancelRemaining(RemoteJobs &remote, std::vector<JobState> &jobs, Connection &c);

    Target m_target;
    PoolConfig m_config;
    std::uint64_t m_seed = 0;
    std::string m_runId;
    CancelToken *m_cancel = nullptr;
    std::unique_ptr<CancelToken> m_cancelOwner;
    std::unique_ptr<CancelToken> m_stopped; // the producer's waits wake at stop() and cancel()
    std::atomic<bool> m_producerDone {false};
    std::atomic<std::int64_t> m_announced {0}; // jobs 1..this were submitted (their event is out)
    std::atomic<std::int64_t> m_sent {0}; // jobs 1..this are in the stream
    std::atomic<std::int64_t> m_started {0}; // jobs some worker started (once each)
    std::int64_t m_collected = 0; // the collector's own
    // m_mutex guards the room condition, the account and the failures.
    std::condition_variable m_room;
    Account m_account;
    std::vector<FailureMessage> m_failures;
    std::thread m_producer;
    std::thread m_collector;
};

} // namespace engine::redis
