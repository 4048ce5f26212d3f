#include "engine/rediswatch.h"

#include "engine/echo.h"
#include "engine/remotejobs.h"

#include <QUrl>
#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace engine::redis {

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

namespace {

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
    const QString form = QStringLiteral("/STREAM[/GROUP], a '/' inside a name written %2F");
    const std::optional<Target> server = parseServer(text, form, error);
    if (!server)
        return std::nullopt;
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = urlProblem(text, why, form);
        return std::nullopt;
    };
    WatchTarget t {*server, {}};
    const QStringList parts = server->name.split(QLatin1Char('/')); // "", STREAM[, GROUP]
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
    : RemoteSource(parent)
{ }

RedisWatch::~RedisWatch()
{
    cancel();
    join();
}

void RedisWatch::join()
{
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
    join();
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
    {
        std::lock_guard lock(m_mutex);
        m_account = {};
        m_account.group = m_target.group;
        m_account.otherGroups = names;
    }
    m_cancel = std::make_unique<CancelToken>();
    m_jobsSeen = 0;
    beginRun(0);
    m_thread = std::thread([this] { look(); });
    return true;
}

void RedisWatch::cancel()
{
    if (m_cancel && m_running.load())
        m_cancel->cancel();
}

RedisWatch::Account RedisWatch::account() const
{
    std::lock_guard lock(m_mutex);
    return m_account;
}

LiveSource::Shape RedisWatch::shape() const
{
    Shape shape = lanesShape();
    shape.submitted = m_jobsSeen.load();
    return shape;
}

// What the watch has seen so far: the entries taken for jobs and not yet done, by id.
struct RedisWatch::Seen
{
    std::map<EntryId, std::int64_t> known; // entry → its job
    std::int64_t nextJob = 1;
    std::int64_t sent = 0;
    std::int64_t started = 0;
    std::string lastSeen; // XRANGE goes on after it (exclusive)
    bool first = true;

    std::int64_t send(RemoteJobs &remote, const EntryId &id, std::atomic<std::int64_t> &jobs)
    {
        const std::int64_t job = nextJob++;
        jobs = job;
        known.emplace(id, job);
        ++sent;
        remote.sent(job, sent - started);
        return job;
    }
    void start(RemoteJobs &remote, std::int64_t job, std::uint16_t lane, std::int64_t t)
    {
        ++started;
        remote.started(job, lane, t, 0, sent - started);
    }
};

// One look: false when the watch must end (the stream or the group is gone), with the reason in
// the account; a look cut short by the connection is true and is taken again.
bool RedisWatch::lookOnce(Connection &c, RemoteJobs &remote, Seen &seen)
{
    const std::string stream = m_target.server.name.toStdString();
    const std::string group = m_target.group.toStdString();
    std::string why;
    // The group: where it has delivered up to, how many it holds.
    const auto groups = c.command({"XINFO", "GROUPS", stream}, &why);
    if (!groups)
        return true;
    const Reply *info = nullptr;
    static const std::vector<Reply> none;
    for (const Reply &g : groups->isError() ? none : groups->elements) {
        if (textOf(g, "name") == group)
            info = &g;
    }
    if (!info) {
        std::lock_guard lock(m_mutex);
        m_account.ended = groups->isError() ? QStringLiteral("the stream is gone")
                                            : QStringLiteral("the group is gone");
        return false;
    }
    const EntryId delivered = EntryId::parse(textOf(*info, "last-delivered-id"));
    if (seen.first) // what was delivered before the watch began is no job of it
        seen.lastSeen = textOf(*info, "last-delivered-id");
    // New entries: jobs sent.
    const auto range
        = c.command({"XRANGE", stream, "(" + seen.lastSeen, "+", "COUNT", "10000"}, &why);
    const auto pending
        = range ? c.command({"XPENDING", stream, group, "-", "+", "10000"}, &why) : std::nullopt;
    if (!range || !pending || pending->isError())
        return true;
    for (const StreamEntry &e : entriesOf(*range)) {
        seen.lastSeen = e.id;
        seen.send(remote, EntryId::parse(e.id), m_jobsSeen);
    }
    // What the consumers hold: jobs started on their lanes (moved, when claimed by another).
    std::unordered_set<std::int64_t> held;
    EntryId lastListed;
    for (const Reply &p : pending->elements) {
        if (p.elements.size() < 2)
            continue;
        const EntryId id = EntryId::parse(p.elements[0].text);
        lastListed = std::max(lastListed, id);
        const auto found = seen.known.find(id);
        const std::int64_t job
            = found != seen.known.end() ? found->second : seen.send(remote, id, m_jobsSeen);
        held.insert(job);
        const std::uint16_t lane = remote.lane(p.elements[1].text);
        const std::uint16_t holder = remote.holder(job);
        if (holder == lane)
            continue;
        if (holder != 0) { // the first consumer's attempt ends without a result
            remote.abandon(job, JobStatus::Cancelled);
            --seen.started;
            std::lock_guard lock(m_mutex);
            ++m_account.claimed;
        }
        seen.start(remote, job, lane, m_log->now());
    }
    // Held before, not now: acknowledged. Delivered but never seen held: acknowledged between
    // two looks. Past the listed entries (more pending than one look lists), not known yet.
    const bool partial
        = integerOf(*info, "pending", 0) > static_cast<std::int64_t>(pending->elements.size());
    for (auto it = seen.known.begin(); it != seen.known.end() && it->first <= delivered;) {
        const std::int64_t job = it->second;
        if (partial && it->first > lastListed)
            break;
        if (held.contains(job)) {
            ++it;
            continue;
        }
        if (remote.holder(job) == 0)
            seen.start(remote, job, remote.lane("between looks"), m_log->now());
        remote.endHeld(job, JobStatus::Completed);
        it = seen.known.erase(it);
    }
    seen.first = false;
    noteConsumers(c, *info);
    return true;
}

// The group's own account of its consumers: what each holds, how long since it was seen.
void RedisWatch::noteConsumers(Connection &c, const Reply &groupInfo)
{
    std::string why;
    const auto consumers = c.command(
        {"XINFO", "CONSUMERS", m_target.server.name.toStdString(), m_target.group.toStdString()},
        &why);
    std::lock_guard lock(m_mutex);
    ++m_account.looks;
    m_account.lag = integerOf(groupInfo, "lag", -1);
    if (!consumers || consumers->isError())
        return;
    m_account.consumers.clear();
    for (const Reply &r : consumers->elements)
        m_account.consumers.push_back({QString::fromStdString(textOf(r, "name")),
                                       integerOf(r, "pending", 0), integerOf(r, "idle", 0)});
}

void RedisWatch::look()
{
    EventLog::Writer log(m_log.get());
    RemoteJobs remote(log, laneNoter());
    Seen seen;
    Connection c;
    std::chrono::milliseconds backoff = 50ms;
    while (!m_cancel->isCancelled()) {
        if (!c.isConnected()) {
            std::string why;
            const bool ok = c.connect(m_target.server, 1s, &why);
            {
                std::lock_guard lock(m_mutex);
                if (ok && !m_account.connected)
                    ++m_account.reconnects;
                m_account.connected = ok;
            }
            if (!ok) {
                m_cancel->waitUntil(std::chrono::steady_clock::now() + backoff);
                backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2s);
                continue;
            }
            backoff = 50ms;
        }
        if (!lookOnce(c, remote, seen))
            break;
        log.flush(); // what this look found is published before the wait, not after it
        m_cancel->waitUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(kLookMs));
    }
    // The end: every job seen and not done ends Cancelled, where it is.
    for (const auto &[id, job] : seen.known) {
        if (!remote.endHeld(job, JobStatus::Cancelled))
            remote.endedUnstarted(job, false);
    }
    endRun(remote, log);
}

} // namespace engine::redis
