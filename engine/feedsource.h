#pragma once

#include "engine/feeddecoder.h"
#include "engine/feedlistener.h"
#include "engine/feedreader.h"
#include "engine/livesource.h"
#include "engine/poolevent.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

namespace engine {

// Another program's feed as a live source for the window: a thread of its own reads the lines
// (FeedReader) and decodes them (FeedDecoder); the window takes the events in its turns, as it
// takes a pool's. Only values cross: events, failure messages and the decoder's account, copied
// under a mutex. The feed ends at its stream's end, at its end line (a file followed as it grows),
// or at stop(); then every open job ends Cancelled, so the accounting holds, and finished() is
// emitted.
class FeedSource : public LiveSource
{
    Q_OBJECT

public:
    // What the window shows of the feed itself.
    struct Account
    {
        FeedDecoder::Format format = FeedDecoder::Format::Auto;
        std::int64_t lines = 0;
        std::int64_t otherLines = 0;
        std::int64_t problems = 0;
        std::int64_t dropped = 0;
        int queueCapacity = -1; // as the feed says; -1: unsaid (a listener's: the sum of all)
        std::vector<FeedDecoder::Problem> firstProblems;
        QString sourceName;
        int workers = 0;
        std::int64_t submitted = 0;
        std::int64_t lastT = 0; // the time of the latest event, on the feed's run clock
        // A listener's: the senders that came and are still connected, and each lane's name.
        int senders = 0;
        int sendersOpen = 0;
        int sendersRefused = 0;
        std::unordered_map<int, QString> laneNames;
        std::vector<LaneGroup> laneGroups; // by sender
    };

    explicit FeedSource(QObject *parent = nullptr);
    ~FeedSource() override; // stops and joins

    // Starts reading `path` ("-": standard input); false with *error when it cannot be opened.
    bool start(const QString &path, FeedDecoder::Format format, QString *error);
    // Listens for senders (FeedListener: "HOST:PORT" or "unix:PATH") and merges their feeds into
    // one run. With endWhenSendersLeave, the run ends when every sender that came has gone (once
    // one has come); else only at stop(). False with *error when it cannot listen.
    bool listen(const QString &address, FeedDecoder::Format format, bool endWhenSendersLeave,
                QString *error);
    // Where it listens, as a sender dials it (a port 0 resolved); empty when not listening.
    QString listeningAddress() const;
    // Ends the feed now (the person's Stop): what came is kept, open jobs end Cancelled.
    void stop() override;
    bool isRunning() const override { return m_running.load(std::memory_order_acquire); }
    // ns since start(), on the arrival clock.
    std::int64_t elapsedNs() const;
    // Now on the feed's run clock: the live edge of the timeline.
    std::int64_t nowNs() const override { return elapsedNs() - m_zeroArrivalNs.load(); }
    const QString &path() const { return m_path; }

    std::vector<FailureMessage> takeFailureMessages() override;
    Account account() const;
    // The account's lanes, their senders and the queue the feed said it had.
    Shape shape() const override;

protected:
    void appendEvents(std::vector<PoolEvent> &events) override;

private:
    void begin(const QString &path);
    void read(std::unique_ptr<FeedReader> reader, FeedDecoder::Format format);
    void serve(std::unique_ptr<FeedListener> listener, bool endWhenSendersLeave);
    void hand(std::span<const PoolEvent> events, std::vector<FailureMessage> failures);
    // Hands what the decoder has to the window; signals when the window has taken the last.
    void publish(FeedDecoder &decoder);
    std::size_t backlog() const;

    QString m_path;
    QString m_listening; // guarded
    std::thread m_thread;
    std::atomic<bool> m_running {false};
    std::atomic<bool> m_stopRequested {false};
    std::atomic<std::int64_t> m_zeroArrivalNs {0};
    std::int64_t m_startNs = 0; // steady clock, ns
    mutable std::mutex m_mutex;
    std::vector<PoolEvent> m_events; // guarded
    std::vector<FailureMessage> m_failures; // guarded
    Account m_account; // guarded
    bool m_signalled = false; // guarded: eventsAvailable sent, not yet taken
};

// The queue capacity a feed's run is recorded with: what the feed said (at most
// PoolConfig::kMaxCapacity), else PoolConfig::kAutoCapacity (as many as jobs: no bound it showed).
int feedQueueCapacity(const FeedSource::Account &feed);

} // namespace engine
