#pragma once

#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/poolstate.h"
#include "engine/redisclient.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace engine {
class RemoteJobs;
}

namespace engine::redis {

// What --watch looks at: redis://[[USER]:PASSWORD@]HOST[:PORT]/STREAM[/GROUP], any stream (its
// name URL-encoded when it has a '/'), and one of its consumer groups (the first when none is
// given).
struct WatchTarget
{
    Target server; // name: the stream
    QString group; // empty: the stream's first group
};
std::optional<WatchTarget> parseWatchUrl(const QString &url, QString *error);

// Watches an existing Redis work queue, read-only: a stream read by a consumer group, as the
// pattern's events, so that the same fold, summary and exports show it. Every 100 ms it looks at
// the stream's new entries (XRANGE: each is a job sent, numbered in the order they came), the
// group's pending entries (XPENDING: a job a consumer holds is a job started on that consumer's
// lane; one that left the list was acknowledged: its result) and the group's consumers (XINFO
// CONSUMERS: their idle times). An entry delivered and acknowledged between two looks was seen by
// no consumer: it goes on a lane of its own, "between looks". The queue depth is the jobs sent
// that no consumer has taken. Nothing is written to Redis. At the end (cancel(), or the stream or
// group gone) the jobs still held end Cancelled, so each job seen has exactly one result.
class RedisWatch : public QObject
{
    Q_OBJECT

public:
    struct Consumer
    {
        QString name;
        std::int64_t pending = 0;
        std::int64_t idleMs = 0;
    };
    struct Account
    {
        QString group;
        QStringList otherGroups;
        std::int64_t looks = 0;
        std::int64_t lag = -1; // as Redis says (7.0+); -1 when unknown
        std::int64_t reconnects = 0;
        std::int64_t claimed = 0; // pending entries that moved to another consumer
        bool connected = true;
        QString ended; // why the watch ended by itself; empty while it goes or when cancelled
        std::vector<Consumer> consumers; // the group's, as its last look found them
    };

    static constexpr int kLookMs = 100;

    explicit RedisWatch(QObject *parent = nullptr);
    ~RedisWatch() override;

    // Checks the stream and its group exist and starts looking; false with the reason.
    bool start(const WatchTarget &target, QString *error);
    void cancel();
    bool isRunning() const { return m_running.load(); }
    bool waitForFinished(int timeoutMs);
    std::int64_t elapsedNs() const { return m_log ? m_log->now() : 0; }
    std::uint64_t seed() const { return 0; }
    Account account() const;

    using EventVisitor = std::function<void(std::span<const PoolEvent>)>;
    std::int64_t consumeEvents(const EventVisitor &visit)
    {
        return m_log ? m_log->consume(visit) : 0;
    }
    std::vector<FailureMessage> takeFailureMessages() { return {}; }

Q_SIGNALS:
    void eventsAvailable();
    void finished();

private:
    struct Seen;
    void look();
    bool lookOnce(Connection &c, RemoteJobs &remote, Seen &seen);
    void noteConsumers(Connection &c, const Reply &groupInfo);

    WatchTarget m_target;
    std::unique_ptr<EventLog> m_log;
    std::unique_ptr<CancelToken> m_cancel;
    std::atomic<bool> m_running {false};
    mutable std::mutex m_mutex;
    std::condition_variable m_ended;
    Account m_account;
    std::thread m_thread;
};

} // namespace engine::redis
