#pragma once

#include "engine/canceltoken.h"
#include "engine/eventlog.h"
#include "engine/poolstate.h"
#include "engine/redisclient.h"
#include "engine/remotesource.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdint>
#include <memory>
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
class RedisWatch : public RemoteSource
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
    void stop() override { cancel(); }
    std::uint64_t seed() const { return 0; }
    const WatchTarget &target() const { return m_target; }
    Account account() const;
    std::vector<FailureMessage> takeFailureMessages() override { return {}; }
    // A lane per consumer; the queue unbounded (a stream has no capacity).
    Shape shape() const override;

protected:
    void join() override;

private:
    struct Seen;
    void look();
    bool lookOnce(Connection &c, RemoteJobs &remote, Seen &seen);
    void noteConsumers(Connection &c, const Reply &groupInfo);

    WatchTarget m_target;
    std::unique_ptr<CancelToken> m_cancel;
    Account m_account; // guarded by m_mutex
    std::atomic<std::int64_t> m_jobsSeen {0};
    std::thread m_thread;
};

} // namespace engine::redis
