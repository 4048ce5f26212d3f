#include "engine/rediswatch.h"

#include "engine/echo.h"

#include <QUrl>
#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace engine::redis {

namespace {

using namespace std::chrono_literals;

// A stream entry id, "MS-SEQ", ordered as Redis orders them.
struct EntryId
{
    std::uint64_t ms = 0;
    std::uint64_t seq = 0;
    auto operator<=>(const EntryId &) const = default;

    static EntryId parse(const std::string &text)
    {
        EntryId id;
        const char *begin = text.data(), *end = text.data() + text.size();
        const auto [dash, ec] = std::from_chars(begin, end, id.ms);
        if (ec == std::errc() && dash < end && *dash == '-')
            std::from_chars(dash + 1, end, id.seq);
        return id;
    }
};

// The value of a field in a flat [key, value, key, value…] reply, or nullptr.
const Reply *fieldOf(const Reply &flat, std::string_view name)
{
    for (std::size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
        if (flat.elements[i].text == name)
            return &flat.elements[i + 1];
    }
    return nullptr;
}

std::string textOf(const Reply &flat, std::string_view name)
{
    const Reply *r = fieldOf(flat, name);
    return r ? (r->type == Reply::Type::Integer ? std::to_string(r->integer) : r->text)
             : std::string();
}

std::int64_t integerOf(const Reply &flat, std::string_view name, std::int64_t otherwise = -1)
{
    const Reply *r = fieldOf(flat, name);
    return r && r->type == Reply::Type::Integer ? r->integer : otherwise;
}

} // namespace

std::optional<WatchTarget> parseWatchUrl(const QString &text, QString *error)
{
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("%1: %2 (allowed: redis://[[USER]:PASSWORD@]HOST[:PORT]/STREAM"
                                    "[/GROUP], a '/' inside a name written %2F)")
                         .arg(echoed(text), why);
        return std::nullopt;
    };
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("redis"))
        return refuse(QStringLiteral("not a redis:// URL"));
    WatchTarget t;
    t.server.host = url.host();
    if (t.server.host.isEmpty())
        return refuse(QStringLiteral("no host"));
    t.server.port = url.port(6379);
    if (t.server.port < 1 || t.server.port > 65535)
        return refuse(QStringLiteral("the port is out of 1..65535"));
    t.server.user = url.userName();
    t.server.password = url.password();
    const QStringList parts = url.path(QUrl::FullyEncoded).split(QLatin1Char('/'));
    // "", STREAM[, GROUP]
    if (parts.size() < 2 || parts.at(1).isEmpty())
        return refuse(QStringLiteral("no STREAM after the host"));
    if (parts.size() > 3 || (parts.size() == 3 && parts.at(2).isEmpty()))
        return refuse(QStringLiteral("more than STREAM and GROUP in the path"));
    t.server.name = QUrl::fromPercentEncoding(parts.at(1).toUtf8());
    if (parts.size() == 3)
        t.group = QUrl::fromPercentEncoding(parts.at(2).toUtf8());
    return t;
}

RedisWatch::RedisWatch(QObject *parent)
    : QObject(parent)
{ }

RedisWatch::~RedisWatch()
{
    cancel();
    if (m_thread.joinable())
        m_thread.join();
}

bool RedisWatch::start(const WatchTarget &target, QString *error)
{
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_running.load())
        return refuse(QStringLiteral("a watch is still going"));
    if (m_thread.joinable())
        m_thread.join();
    Connection c;
    std::string why;
    if (!c.connect(target.server, 2s, &why))
        return refuse(QStringLiteral("cannot reach %1: %2")
                          .arg(target.server.display(), QString::fromStdString(why)));
    const std::string stream = target.server.name.toStdString();
    const auto groups = c.command({"XINFO", "GROUPS", stream}, &why);
    if (!groups || groups->isError())
        return refuse(QStringLiteral("%1 has no stream '%2' to watch: %3")
                          .arg(target.server.display(), echoed(target.server.name),
                               QString::fromStdString(groups ? groups->text : why)));
    QStringList names;
    for (const Reply &g : groups->elements)
        names.append(QString::fromStdString(textOf(g, "name")));
    m_target = target;
    if (m_target.group.isEmpty()) {
        if (names.isEmpty())
            return refuse(QStringLiteral("the stream '%1' has no consumer group to watch")
                              .arg(echoed(target.server.name)));
        m_target.group = names.constFirst();
    } else if (!names.contains(m_target.group)) {
        return refuse(QStringLiteral("the stream '%1' has no group '%2' (it has: %3)")
                          .arg(echoed(target.server.name), echoed(m_target.group),
                               names.isEmpty() ? QStringLiteral("none") : names.join(u", ")));
    }
    names.removeAll(m_target.group);
    m_account = {};
    m_account.group = m_target.group;
    m_account.otherGroups = names;
    m_log = std::make_unique<EventLog>(true);
    m_log->setBatchCallback([this] { Q_EMIT eventsAvailable(); });
    m_cancel = std::make_unique<CancelToken>();
    m_running = true;
    m_log->appendControl({.kind = EventKind::RunStarted});
    m_thread = std::thread([this] { look(); });
    return true;
}

void RedisWatch::cancel()
{
    if (m_cancel && m_running.load())
        m_cancel->cancel();
}

bool RedisWatch::waitForFinished(int timeoutMs)
{
    {
        std::unique_lock lock(m_mutex);
        if (!m_ended.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                              [this] { return !m_running.load(); }))
            return false;
    }
    if (m_thread.joinable())
        m_thread.join();
    return true;
}

RedisWatch::Account RedisWatch::account() const
{
    std::lock_guard lock(m_mutex);
    return m_account;
}

void RedisWatch::look()
{
    EventLog::Writer log(m_log.get());
    Connection c;
    const std::string stream = m_target.server.name.toStdString();
    const std::string group = m_target.group.toStdString();
    std::map<EntryId, std::int64_t> known; // entries seen and not yet done → their job
    std::unordered_map<std::int64_t, std::pair<std::uint16_t, std::int64_t>> running; // lane, t
    std::unordered_map<std::string, std::uint16_t> lanes;
    std::int64_t nextJob = 1, sent = 0, started = 0;
    std::string lastSeen; // XRANGE goes on after it (exclusive)
    bool first = true;

    const auto laneOf = [&](const std::string &consumer) {
        auto [it, added]
            = lanes.try_emplace(consumer, static_cast<std::uint16_t>(lanes.size() + 1));
        if (added)
            log.append({.worker = it->second, .kind = EventKind::WorkerStarted});
        return it->second;
    };
    const auto send = [&](const EntryId &id) {
        const std::int64_t job = nextJob++;
        known.emplace(id, job);
        ++sent;
        const std::int64_t t = log.now();
        log.appendStamped({.t = t, .job = job, .kind = EventKind::JobSubmitted});
        log.appendStamped(
            {.t = t,
             .job = job,
             .extra = static_cast<std::uint32_t>(std::max<std::int64_t>(sent - started, 0)),
             .kind = EventKind::JobEnqueued});
        return job;
    };
    const auto startOn = [&](std::int64_t job, std::uint16_t lane) {
        ++started;
        const std::int64_t t = log.now();
        running[job] = {lane, t};
        log.appendStamped(
            {.t = t,
             .job = job,
             .extra = static_cast<std::uint32_t>(std::max<std::int64_t>(sent - started, 0)),
             .worker = lane,
             .kind = EventKind::JobStarted});
    };
    const auto end = [&](std::int64_t job, JobStatus status) {
        const auto it = running.find(job);
        const std::int64_t t = log.now();
        const auto aux = static_cast<std::uint8_t>(status);
        if (it == running.end()) { // never taken: off the queue
            log.appendStamped({.t = t, .job = job, .kind = EventKind::JobDiscarded});
            log.appendStamped({.t = t, .job = job, .kind = EventKind::ResultCollected, .aux = aux});
            return;
        }
        const auto [lane, since] = it->second;
        running.erase(it);
        log.appendStamped({.t = t,
                           .job = job,
                           .value = t - since,
                           .worker = lane,
                           .kind = EventKind::JobFinished,
                           .aux = aux});
        log.appendStamped({.t = t, .job = job, .worker = lane, .kind = EventKind::ResultDelivered});
        log.appendStamped({.t = t,
                           .job = job,
                           .value = t - since,
                           .worker = lane,
                           .kind = EventKind::ResultCollected,
                           .aux = aux});
    };
    const auto gone = [&](const QString &why) {
        std::lock_guard lock(m_mutex);
        m_account.ended = why;
    };

    std::chrono::milliseconds backoff = 50ms;
    while (!m_cancel->isCancelled()) {
        if (!c.isConnected()) {
            std::string why;
            if (!c.connect(m_target.server, 1s, &why)) {
                {
                    std::lock_guard lock(m_mutex);
                    m_account.connected = false;
                }
                m_cancel->waitUntil(std::chrono::steady_clock::now() + backoff);
                backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2s);
                continue;
            }
            backoff = 50ms;
            std::lock_guard lock(m_mutex);
            if (!m_account.connected)
                ++m_account.reconnects;
            m_account.connected = true;
        }
        std::string why;
        // The group: where it has delivered up to, how many it holds.
        const auto groups = c.command({"XINFO", "GROUPS", stream}, &why);
        if (!groups)
            continue;
        if (groups->isError()) {
            gone(QStringLiteral("the stream is gone"));
            break;
        }
        const Reply *info = nullptr;
        for (const Reply &g : groups->elements) {
            if (textOf(g, "name") == group)
                info = &g;
        }
        if (!info) {
            gone(QStringLiteral("the group is gone"));
            break;
        }
        const EntryId delivered = EntryId::parse(textOf(*info, "last-delivered-id"));
        const std::int64_t pendingTotal = integerOf(*info, "pending", 0);
        if (first) // what was delivered before the watch began is not a job of it
            lastSeen = textOf(*info, "last-delivered-id");
        // New entries: jobs sent.
        const auto range
            = c.command({"XRANGE", stream, "(" + lastSeen, "+", "COUNT", "10000"}, &why);
        if (!range)
            continue;
        for (const StreamEntry &e : entriesOf(*range)) {
            lastSeen = e.id;
            send(EntryId::parse(e.id));
        }
        // What the consumers hold: jobs started.
        const auto pending = c.command({"XPENDING", stream, group, "-", "+", "10000"}, &why);
        if (!pending || pending->isError())
            continue;
        std::unordered_set<std::int64_t> held;
        EntryId lastListed;
        for (const Reply &p : pending->elements) {
            if (p.elements.size() < 2)
                continue;
            const EntryId id = EntryId::parse(p.elements[0].text);
            lastListed = std::max(lastListed, id);
            auto found = known.find(id);
            const std::int64_t job = found != known.end() ? found->second : send(id);
            held.insert(job);
            const std::uint16_t lane = laneOf(p.elements[1].text);
            const auto it = running.find(job);
            if (it == running.end()) {
                startOn(job, lane);
            } else if (it->second.first != lane) { // claimed by another consumer
                // The first consumer's attempt ends without a result; the job goes on.
                const auto [was, since] = it->second;
                const std::int64_t t = log.now();
                log.appendStamped({.t = t,
                                   .job = job,
                                   .value = t - since,
                                   .worker = was,
                                   .kind = EventKind::JobFinished,
                                   .aux = static_cast<std::uint8_t>(JobStatus::Cancelled)});
                running.erase(it);
                --started;
                startOn(job, lane);
                std::lock_guard lock(m_mutex);
                ++m_account.claimed;
            }
        }
        // Held before, not now: acknowledged. Delivered but never seen held: acknowledged
        // between two looks. Past the listed entries (more pending than one look lists), unknown.
        const bool partial = pendingTotal > static_cast<std::int64_t>(pending->elements.size());
        for (auto it = known.begin(); it != known.end() && it->first <= delivered;) {
            if (partial && it->first > lastListed)
                break;
            const std::int64_t job = it->second;
            if (held.contains(job)) {
                ++it;
                continue;
            }
            if (!running.contains(job))
                startOn(job, laneOf("between looks"));
            end(job, JobStatus::Completed);
            it = known.erase(it);
        }
        first = false;
        // The consumers' own account: what each holds, how long since it was seen.
        const auto consumers = c.command({"XINFO", "CONSUMERS", stream, group}, &why);
        {
            std::lock_guard lock(m_mutex);
            ++m_account.looks;
            m_account.lag = integerOf(*info, "lag", -1);
            if (consumers && !consumers->isError()) {
                m_account.consumers.clear();
                for (const Reply &r : consumers->elements)
                    m_account.consumers.push_back({QString::fromStdString(textOf(r, "name")),
                                                   integerOf(r, "pending", 0),
                                                   integerOf(r, "idle", 0)});
            }
        }
        log.flush(); // what this look found is published before the wait, not after it
        m_cancel->waitUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(kLookMs));
    }
    // The end: every job seen and not done ends Cancelled, where it is.
    for (const auto &[id, job] : known)
        end(job, JobStatus::Cancelled);
    for (const auto &[name, lane] : lanes)
        log.append({.worker = lane, .kind = EventKind::WorkerRetired});
    log.append({.kind = EventKind::RunFinished});
    log.flush();
    {
        std::lock_guard lock(m_mutex);
        m_running = false;
    }
    m_ended.notify_all();
    Q_EMIT finished();
}

} // namespace engine::redis
