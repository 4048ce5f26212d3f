#include "engine/workerpool.h"

#include "engine/poolrun.h"
#include "engine/workload.h"

namespace engine {

WorkerPool::WorkerPool(QObject *parent)
    : WorkerPool(Options {}, parent)
{ }

WorkerPool::WorkerPool(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{ }

WorkerPool::~WorkerPool()
{
    if (m_run) {
        // Cancel and join while the run is still reachable: finished() is emitted meanwhile.
        m_run->cancel();
        m_run->wait();
    }
}

bool WorkerPool::start(const PoolConfig &config, QString *error)
{
    const QStringList problems = config.validate();
    if (!problems.isEmpty()) {
        if (error)
            *error = problems.join(QLatin1String("; "));
        return false;
    }
    if (m_run && !m_run->isFinished()) {
        if (error)
            *error = QStringLiteral("a run is still going: stop or cancel it first");
        return false;
    }
    m_run.reset();
    m_config = config;
    if (config.workload == Workload::Cpu)
        cpuRoundsPerMs(); // calibrated now rather than inside the first job

    const std::uint64_t seed = config.seed != 0 ? config.seed : freshSeed();
    m_run = std::make_unique<PoolRun>(this, config, seed, m_options);
    m_run->start();
    return true;
}

void WorkerPool::pause()
{
    if (m_run)
        m_run->pause();
}

void WorkerPool::resume()
{
    if (m_run)
        m_run->resume();
}

void WorkerPool::setWorkerCount(int workers)
{
    workers = std::clamp(workers, PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers);
    m_config.workers = workers;
    if (m_run)
        m_run->setWorkerCount(workers);
}

void WorkerPool::setSpeed(double speed)
{
    speed = std::clamp(speed, PoolConfig::kMinSpeed, PoolConfig::kMaxSpeed);
    m_config.speed = speed;
    if (m_run)
        m_run->setSpeed(speed);
}

void WorkerPool::setIntervalMs(double intervalMs)
{
    intervalMs = std::clamp(intervalMs, 0.0, PoolConfig::kMaxIntervalMs);
    m_config.intervalMs = intervalMs;
    if (m_run)
        m_run->setIntervalMs(intervalMs);
}

void WorkerPool::stop()
{
    if (m_run)
        m_run->stop();
}

void WorkerPool::cancel()
{
    if (m_run)
        m_run->cancel();
}

void WorkerPool::waitForFinished()
{
    if (m_run)
        m_run->wait();
}

bool WorkerPool::waitForFinished(int timeoutMs)
{
    return !m_run || m_run->waitFor(timeoutMs);
}

bool WorkerPool::isRunning() const
{
    return m_run && !m_run->isFinished();
}

std::int64_t WorkerPool::elapsedNs() const
{
    return m_run ? m_run->now() : 0;
}

bool WorkerPool::isPaused() const
{
    return m_run && m_run->paused();
}

std::uint64_t WorkerPool::seed() const
{
    return m_run ? m_run->seed() : 0;
}

int WorkerPool::workerCount() const
{
    return m_run ? m_run->target() : m_config.workers;
}

int WorkerPool::liveWorkers() const
{
    return m_run ? m_run->live() : 0;
}

int WorkerPool::queueDepth() const
{
    return m_run ? m_run->queueDepth() : 0;
}

std::int64_t WorkerPool::submittedJobs() const
{
    return m_run ? m_run->submitted() : 0;
}

std::int64_t WorkerPool::collectedResults() const
{
    return m_run ? m_run->collected() : 0;
}

std::vector<WorkerSnapshot> WorkerPool::workerStates() const
{
    return m_run ? m_run->workerStates() : std::vector<WorkerSnapshot> {};
}

ProducerState WorkerPool::producerState() const
{
    return m_run ? m_run->producerState() : ProducerState::Idle;
}

std::vector<PoolEvent> WorkerPool::takeEvents(std::vector<PoolEvent> spare)
{
    if (m_run)
        return m_run->takeEvents(std::move(spare));
    spare.clear();
    return spare;
}

std::int64_t WorkerPool::consumeEvents(const EventVisitor &visit)
{
    return m_run ? m_run->consumeEvents(visit) : 0;
}

std::vector<FailureMessage> WorkerPool::takeFailureMessages()
{
    return m_run ? m_run->takeFailureMessages() : std::vector<FailureMessage> {};
}

} // namespace engine
