#pragma once

#include "engine/feeddecoder.h"
#include "engine/poolevent.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace engine {

// The lanes of one sender, shown together under its name ("reference on build-3").
struct LaneGroup
{
    QString name;
    std::vector<int> workers; // the run's worker numbers, in the order they came
};

// Takes feeds from several programs at once over a socket, "HOST:PORT" (TCP; port 0 picks a free
// one) or "unix:PATH", and merges them into one run: each sender has its own decoder, its jobs and
// workers get numbers of the run's own (its workers' lanes grouped under its name, each named as
// the sender numbers it: "Worker 2"), and its times are put on the listener's clock. A sender that
// disconnects ends as a feed ends: its open jobs end Cancelled and its workers stop, so every job
// of every sender has exactly one result. POSIX sockets and poll(): one thread serves every sender.
class FeedListener
{
public:
    static constexpr int kMaxSenders = 64; // more are turned away (and counted)

    struct SenderAccount
    {
        QString name;
        std::int64_t lines = 0;
        std::int64_t problems = 0;
        std::int64_t dropped = 0;
        bool open = true;
        int queueCapacity = -1;
    };

    explicit FeedListener(FeedDecoder::Format format = FeedDecoder::Format::Auto);
    FeedListener(const FeedListener &) = delete;
    FeedListener &operator=(const FeedListener &) = delete;
    ~FeedListener();

    // Listens; false with *error naming the address and the reason.
    bool listen(const QString &address, QString *error);
    // Where it listens, as a sender would dial it: "127.0.0.1:40123", "unix:/tmp/pool.sock".
    const QString &address() const { return m_address; }

    // Waits up to timeoutMs for a sender, lines or a disconnect, and takes in what came, stamped
    // by `now` (the run's clock) as the wait ends.
    void poll(int timeoutMs, const std::function<std::int64_t()> &now);
    // Ends the run: what each sender had sent is taken in (what waits, without waiting), then
    // every sender is finished as if it had disconnected, and the run ends.
    void finish(std::int64_t nowNs);

    std::vector<PoolEvent> takeEvents() { return std::exchange(m_events, {}); }
    // As FeedDecoder's: read, then cleared, the buffer kept.
    const std::vector<PoolEvent> &pendingEvents() const { return m_events; }
    void clearEvents() { m_events.clear(); }
    std::vector<FailureMessage> takeFailures() { return std::exchange(m_failures, {}); }
    // A lane's name for each worker number given out.
    const std::unordered_map<int, QString> &laneNames() const { return m_laneNames; }
    // The lanes by sender, in the order the senders' first workers came.
    const std::vector<LaneGroup> &laneGroups() const { return m_laneGroups; }

    int sendersSeen() const { return m_sendersSeen; }
    int sendersOpen() const;
    int sendersRefused() const { return m_refused; }
    std::vector<SenderAccount> senders() const;
    // The first problems of every sender, each with the sender's name before its line number.
    std::vector<FeedDecoder::Problem> firstProblems() const;
    std::int64_t lastT() const { return m_lastT; }
    std::int64_t jobsSubmitted() const { return m_submitted; }

private:
    struct Sender;

    bool bind(const QString &address, QString *error);
    void accept();
    void readFrom(Sender &sender, std::int64_t nowNs);
    void close(Sender &sender, std::int64_t nowNs);
    // Moves a sender's decoded events into the run, renumbered and on the run's clock.
    void merge(Sender &sender);

    FeedDecoder::Format m_format;
    int m_listenFd = -1;
    QString m_address;
    QString m_unixPath; // removed when the listener goes
    std::vector<std::unique_ptr<Sender>> m_senders;
    int m_sendersSeen = 0;
    int m_refused = 0;
    bool m_finished = false;
    std::int64_t m_nextJob = 0;
    int m_nextWorker = 0;
    std::int64_t m_lastT = 0;
    std::int64_t m_submitted = 0;
    std::int64_t m_depth = 0; // every sender's queue depth added up
    std::unordered_map<int, QString> m_laneNames;
    std::vector<LaneGroup> m_laneGroups;
    std::vector<PoolEvent> m_events;
    std::vector<FailureMessage> m_failures;
};

} // namespace engine
