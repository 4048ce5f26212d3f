#include "engine/remotesource.h"

#include "engine/remotejobs.h"

#include <QSet>

namespace engine {

bool RemoteSource::waitForFinished(int timeoutMs)
{
    {
        std::unique_lock lock(m_mutex);
        if (!m_ended.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                              [this] { return !m_running.load(); }))
            return false;
    }
    join();
    return true;
}

void RemoteSource::waitForFinished()
{
    while (!waitForFinished(1000)) { }
}

QStringList RemoteSource::consumerNames() const
{
    std::lock_guard lock(m_mutex);
    return m_names;
}

QStringList RemoteSource::consumerHosts() const
{
    std::lock_guard lock(m_mutex);
    return m_hosts;
}

int RemoteSource::hostCount() const
{
    std::lock_guard lock(m_mutex);
    QSet<QString> hosts(m_hosts.begin(), m_hosts.end());
    hosts.remove(QString());
    return static_cast<int>(hosts.size());
}

void RemoteSource::beginRun(std::uint64_t seed)
{
    {
        std::lock_guard lock(m_mutex);
        m_names.clear();
        m_hosts.clear();
    }
    m_log = std::make_unique<EventLog>(true);
    m_log->setBatchCallback([this] { Q_EMIT eventsAvailable(); });
    m_running = true;
    m_log->appendControl({.value = static_cast<std::int64_t>(seed), .kind = EventKind::RunStarted});
}

std::function<void(std::uint16_t, const std::string &, const std::string &)>
RemoteSource::laneNoter()
{
    return [this](std::uint16_t, const std::string &name, const std::string &host) {
        std::lock_guard lock(m_mutex); // lanes come in order: lane N is the Nth noted
        m_names.append(QString::fromStdString(name));
        m_hosts.append(QString::fromStdString(host));
    };
}

void RemoteSource::endRun(RemoteJobs &remote, EventLog::Writer &log)
{
    remote.retireAll();
    log.append({.kind = EventKind::RunFinished});
    log.flush();
    {
        std::lock_guard lock(m_mutex);
        m_running = false;
    }
    m_ended.notify_all();
    Q_EMIT finished();
}

LiveSource::Shape RemoteSource::lanesShape() const
{
    std::lock_guard lock(m_mutex);
    Shape shape;
    shape.workers = static_cast<int>(m_names.size());
    for (int i = 0; i < m_names.size(); ++i) {
        const int lane = i + 1;
        shape.laneNames.emplace(lane, m_names.at(i));
        const QString &host = m_hosts.at(i);
        if (host.isEmpty())
            continue;
        auto group = std::find_if(shape.laneGroups.begin(), shape.laneGroups.end(),
                                  [&](const LaneGroup &g) { return g.name == host; });
        if (group == shape.laneGroups.end())
            group = shape.laneGroups.insert(shape.laneGroups.end(), LaneGroup {host, {}});
        group->workers.push_back(lane);
    }
    return shape;
}

void RemoteSource::appendEvents(std::vector<PoolEvent> &events)
{
    consumeEvents([&](std::span<const PoolEvent> batch) {
        events.insert(events.end(), batch.begin(), batch.end());
    });
}

} // namespace engine
