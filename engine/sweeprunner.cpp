#include "engine/sweeprunner.h"

#include "engine/jobplan.h"

#include <QDir>
#include <QSaveFile>

namespace engine {

SweepRunner::SweepRunner(QObject *parent)
    : QObject(parent)
{
    m_drain.setInterval(10);
    connect(&m_drain, &QTimer::timeout, this, &SweepRunner::drain);
}

SweepRunner::~SweepRunner() = default; // the pool's destructor cancels and joins its run

bool SweepRunner::start(const PoolConfig &base, const SweepSpec &spec, QString *error)
{
    if (m_running) {
        if (error)
            *error = QStringLiteral("a sweep is still going: cancel it first");
        return false;
    }
    if (spec.values.empty()) {
        if (error)
            *error = QStringLiteral("a sweep needs at least one point");
        return false;
    }
    for (std::size_t i = 0; i < spec.values.size(); ++i) {
        if (const QStringList problems = spec.configAt(base, i).validate(); !problems.isEmpty()) {
            if (error)
                *error = problems.first();
            return false;
        }
    }
    m_spec = spec;
    m_base = base;
    if (m_base.seed == 0)
        m_base.seed = freshSeed();
    m_points.clear();
    m_recording = {};
    m_cancelled = false;
    m_running = true;
    startPoint(0);
    return true;
}

void SweepRunner::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_pool && m_pool->isRunning()) {
        m_points.back().cancelled = true;
        m_pool->cancel(); // finished() follows and ends the sweep
    }
}

void SweepRunner::startPoint(std::size_t index)
{
    Point point;
    point.value = m_spec.values.at(index);
    point.config = m_spec.configAt(m_base, index);
    m_points.push_back(std::move(point));
    // A fresh pool per point: each run's events and clock are its own.
    m_pool = std::make_unique<WorkerPool>();
    connect(m_pool.get(), &WorkerPool::finished, this, &SweepRunner::pointEnded,
            Qt::QueuedConnection);
    Q_EMIT pointStarted(static_cast<int>(index));
    if (!m_pool->start(m_points.back().config)) { // checked valid in start(): cannot happen
        m_points.pop_back();
        m_running = false;
        Q_EMIT finished();
        return;
    }
    m_drain.start();
}

void SweepRunner::drain()
{
    if (!m_pool || m_points.empty())
        return;
    std::vector<PoolEvent> events = m_pool->takeEvents();
    m_points.back().stats.ingest(events);
    if (m_runFileDirectory.isEmpty())
        return;
    m_recording.events.insert(m_recording.events.end(), events.begin(), events.end());
    std::vector<FailureMessage> failures = m_pool->takeFailureMessages();
    m_recording.failures.insert(m_recording.failures.end(), failures.begin(), failures.end());
}

void SweepRunner::writeRunFile(Point &point, std::size_t index)
{
    m_recording.config = point.config;
    m_recording.seed = point.config.seed;
    const QString path
        = QDir(m_runFileDirectory)
              .filePath(QStringLiteral("sweep-%1.psrun").arg(index + 1, 2, 10, QLatin1Char('0')));
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(engine::writeRunFile(m_recording)) >= 0
        && file.commit())
        point.runFile = path;
    else
        point.runFileError = file.errorString();
    m_recording = {};
}

void SweepRunner::pointEnded()
{
    m_drain.stop();
    m_pool->waitForFinished();
    drain();
    const auto index = m_points.size() - 1;
    if (!m_runFileDirectory.isEmpty())
        writeRunFile(m_points.back(), index);
    Q_EMIT pointFinished(static_cast<int>(index));
    if (!m_cancelled && index + 1 < m_spec.values.size()) {
        startPoint(index + 1);
        return;
    }
    m_running = false;
    Q_EMIT finished();
}

} // namespace engine
