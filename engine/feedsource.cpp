#include "engine/feedsource.h"

#include "engine/poolconfig.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace engine {

namespace {

std::int64_t steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr int kPollMs = 50; // how soon a stop is seen while the feed is quiet
// Events decoded and not yet taken by the window, beyond which reading waits: the sender then
// waits on its pipe or socket, or (the emitters in clients/) drops and counts.
constexpr std::size_t kBacklog = 100'000;

} // namespace

FeedSource::FeedSource(QObject *parent)
    : LiveSource(parent)
{ }

FeedSource::~FeedSource()
{
    stop();
}

bool FeedSource::start(const QString &path, FeedDecoder::Format format, QString *error)
{
    stop();
    auto reader = std::make_unique<FeedReader>();
    if (!reader->open(path, error))
        return false;
    begin(path);
    m_thread = std::thread(&FeedSource::read, this, std::move(reader), format);
    return true;
}

bool FeedSource::listen(const QString &address, FeedDecoder::Format format,
                        bool endWhenSendersLeave, QString *error)
{
    stop();
    auto listener = std::make_unique<FeedListener>(format);
    if (!listener->listen(address, error))
        return false;
    begin(listener->address());
    {
        const std::lock_guard lock(m_mutex);
        m_listening = listener->address();
    }
    m_thread = std::thread(&FeedSource::serve, this, std::move(listener), endWhenSendersLeave);
    return true;
}

QString FeedSource::listeningAddress() const
{
    const std::lock_guard lock(m_mutex);
    return m_listening;
}

void FeedSource::begin(const QString &path)
{
    {
        const std::lock_guard lock(m_mutex);
        m_events.clear();
        m_failures.clear();
        m_account = Account {};
        m_signalled = false;
        m_listening.clear();
    }
    m_path = path;
    m_stopRequested.store(false);
    m_zeroArrivalNs.store(0);
    m_running.store(true, std::memory_order_release);
    m_startNs = steadyNs();
}

void FeedSource::serve(std::unique_ptr<FeedListener> listener, bool endWhenSendersLeave)
{
    std::size_t names = 0;
    const auto account = [&] {
        Account a;
        const std::vector<FeedListener::SenderAccount> senders = listener->senders();
        // The senders' queues together, when each has said its own.
        a.queueCapacity = senders.empty() ? -1 : 0;
        for (const FeedListener::SenderAccount &sender : senders) {
            a.queueCapacity = a.queueCapacity >= 0 && sender.queueCapacity >= 0
                ? static_cast<int>(
                    std::min<std::int64_t>(std::int64_t {a.queueCapacity} + sender.queueCapacity,
                                           std::numeric_limits<int>::max()))
                : -1;
            a.lines += sender.lines;
            a.problems += sender.problems;
            a.dropped += sender.dropped;
            if (!a.sourceName.isEmpty())
                a.sourceName += QStringLiteral(", ");
            a.sourceName += sender.name;
        }
        a.format = FeedDecoder::Format::Auto;
        a.firstProblems = listener->firstProblems();
        a.workers = static_cast<int>(listener->laneNames().size());
        a.lastT = listener->lastT();
        a.submitted = listener->jobsSubmitted();
        a.senders = listener->sendersSeen();
        a.sendersOpen = listener->sendersOpen();
        a.sendersRefused = listener->sendersRefused();
        return a;
    };
    std::int64_t accountedAt = -1;
    const auto publishAll = [&](bool final) {
        // The account every 20 ms (and at the end); the events every turn.
        if (const std::int64_t now = elapsedNs();
            !final && accountedAt >= 0 && now - accountedAt < 20'000'000) {
            hand(listener->pendingEvents(), listener->takeFailures());
            listener->clearEvents();
            return;
        } else {
            accountedAt = now;
        }
        Account a = account();
        {
            const std::lock_guard lock(m_mutex);
            // Lane names only change when a lane is added: copied then, not every turn.
            const bool added = listener->laneNames().size() != names;
            a.laneNames = added ? listener->laneNames() : std::move(m_account.laneNames);
            a.laneGroups = added ? listener->laneGroups() : std::move(m_account.laneGroups);
            m_account = std::move(a);
        }
        names = listener->laneNames().size();
        hand(listener->pendingEvents(), listener->takeFailures());
        listener->clearEvents();
    };
    while (!m_stopRequested.load()) {
        if (backlog() > kBacklog) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        listener->poll(kPollMs, [this] { return elapsedNs(); });
        publishAll(false);
        if (endWhenSendersLeave && listener->sendersSeen() > 0 && listener->sendersOpen() == 0)
            break;
    }
    listener->finish(elapsedNs());
    publishAll(true);
    m_running.store(false, std::memory_order_release);
    Q_EMIT finished();
}

void FeedSource::stop()
{
    m_stopRequested.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

std::int64_t FeedSource::elapsedNs() const
{
    return steadyNs() - m_startNs;
}

void FeedSource::read(std::unique_ptr<FeedReader> reader, FeedDecoder::Format format)
{
    FeedDecoder decoder(format);
    std::vector<QByteArray> lines;
    int truncations = 0;
    while (!m_stopRequested.load()) {
        if (backlog() > kBacklog) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        const FeedReader::Status status = reader->read(lines, kPollMs);
        for (const QByteArray &line : lines)
            decoder.addLine(line, elapsedNs());
        lines.clear();
        if (reader->truncations() != truncations) {
            truncations = reader->truncations();
            decoder.sourceProblem(QStringLiteral("the file was cut short under the reader (a "
                                                 "rotated log?); read again from its start"));
        }
        publish(decoder);
        if (status == FeedReader::Status::Ended || (reader->growing() && decoder.ended()))
            break;
    }
    decoder.finish(elapsedNs() - decoder.zeroArrivalNs());
    publish(decoder);
    m_running.store(false, std::memory_order_release);
    Q_EMIT finished();
}

void FeedSource::publish(FeedDecoder &decoder)
{
    m_zeroArrivalNs.store(decoder.zeroArrivalNs());
    {
        const std::lock_guard lock(m_mutex);
        m_account.format = decoder.format();
        m_account.lines = decoder.lines();
        m_account.otherLines = decoder.otherLines();
        m_account.problems = decoder.problemCount();
        m_account.dropped = decoder.droppedEvents();
        m_account.queueCapacity = decoder.queueCapacity();
        if (m_account.firstProblems.size() != decoder.firstProblems().size())
            m_account.firstProblems = decoder.firstProblems();
        if (m_account.sourceName.isEmpty())
            m_account.sourceName = decoder.sourceName();
        m_account.workers = decoder.workers();
        m_account.submitted = decoder.jobsSubmitted();
        m_account.lastT = decoder.lastT();
    }
    hand(decoder.pendingEvents(), decoder.takeFailures());
    decoder.clearEvents();
}

void FeedSource::hand(std::span<const PoolEvent> events, std::vector<FailureMessage> failures)
{
    bool signal = false;
    {
        const std::lock_guard lock(m_mutex);
        m_events.insert(m_events.end(), events.begin(), events.end());
        m_failures.insert(m_failures.end(), std::make_move_iterator(failures.begin()),
                          std::make_move_iterator(failures.end()));
        signal = !m_events.empty() && !m_signalled;
        m_signalled = m_signalled || signal;
    }
    if (signal)
        Q_EMIT eventsAvailable();
}

std::size_t FeedSource::backlog() const
{
    const std::lock_guard lock(m_mutex);
    return m_events.size();
}

void FeedSource::appendEvents(std::vector<PoolEvent> &events)
{
    const std::lock_guard lock(m_mutex);
    m_signalled = false;
    if (events.empty()) { // the usual take: the vectors trade places
        std::swap(events, m_events);
        return;
    }
    events.insert(events.end(), m_events.begin(), m_events.end());
    m_events.clear();
}

std::vector<FailureMessage> FeedSource::takeFailureMessages()
{
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_failures, {});
}

FeedSource::Account FeedSource::account() const
{
    const std::lock_guard lock(m_mutex);
    return m_account;
}

LiveSource::Shape FeedSource::shape() const
{
    const std::lock_guard lock(m_mutex);
    return {.queueCapacity = m_account.queueCapacity,
            .workers = m_account.workers,
            .submitted = m_account.submitted,
            .laneNames = m_account.laneNames,
            .laneGroups = m_account.laneGroups};
}

int feedQueueCapacity(const FeedSource::Account &feed)
{
    return recordedQueueCapacity(feed.queueCapacity);
}

} // namespace engine
