#include "engine/redispool.h"

#include "engine/jobplan.h"
#include "engine/remotejobs.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace engine::redis {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kSendBatch = 256; // jobs due at once go in one pipeline
constexpr const char *kReadCount = "1024";

// Connects, waiting with backoff (up to 2 s between tries) until it does or `cancel` is set;
// counts a reconnect when `before` (it had been connected).
bool connectWithBackoff(Connection &c, const Target &target, CancelToken &cancel,
                        const std::function<void(bool)> &connected)
{
    std::chrono::milliseconds backoff = 50ms;
    while (!cancel.isCancelled()) {
        std::string error;
        if (c.connect(target, 1s, &error)) {
            connected(true);
            return true;
        }
        connected(false);
        cancel.waitUntil(Clock::now() + backoff);
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2s);
    }
    return false;
}

std::int64_t toInt(const std::string &text)
{
    std::int64_t v = 0;
    for (const char ch : text) {
        if (ch < '0' || ch > '9')
            return -1;
        v = v * 10 + (ch - '0');
        if (v > (std::int64_t(1) << 52))
            return -1;
    }
    return text.empty() ? -1 : v;
}

} // namespace

RedisPool::RedisPool(QObject *parent)
    : RemoteSource(parent)
{ }

RedisPool::~RedisPool()
{
    cancel();
    join();
}

bool RedisPool::start(const Target &target, const PoolConfig &config, QString *error)
{
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_running.load())
        return refuse(QStringLiteral("a run is still going"));
    join();
    if (const QStringList problems = config.validate(); !problems.isEmpty())
        return refuse(problems.join(QLatin1Char(' ')));
    if (config.continuous)
        return refuse(
            QStringLiteral("a distributed run has a number of jobs (--jobs), not --continuous"));
    Connection c;
    std::string why;
    if (!c.connect(target, 2s, &why))
        return refuse(QStringLiteral("cannot reach %1: %2")
                          .arg(target.display(), QString::fromStdString(why)));
    const std::string jobs = target.jobsKey().toStdString();
    // A fresh pair of streams and the group from the start of the jobs stream.
    const auto cleared = c.command({"DEL", jobs, target.resultsKey().toStdString()}, &why);
    const auto group = c.command({"XGROUP", "CREATE", jobs, Target::kGroup, "0", "MKSTREAM"}, &why);
    if (!cleared || cleared->isError() || !group
        || (group->isError() && group->errorCode() != "BUSYGROUP"))
        return refuse(QStringLiteral("%1 refused to set up the pool's streams: %2")
                          .arg(target.display(),
                               QString::fromStdString(cleared && cleared->isError() ? cleared->text
                                                          : group && group->isError() ? group->text
                                                                                      : why)));
    m_target = target;
    m_config = config;
    m_seed = config.seed != 0 ? config.seed : freshSeed();
    m_runId = std::to_string(QRandomGenerator::global()->generate64());
    m_cancelOwner = std::make_unique<CancelToken>();
    m_cancel = m_cancelOwner.get();
    m_stopped = std::make_unique<CancelToken>();
    {
        std::lock_guard lock(m_mutex);
        m_account = {};
        m_failures.clear();
    }
    m_producerDone = false;
    m_announced = 0;
    m_sent = 0;
    m_started = 0;
    beginRun(m_seed);
    m_collector = std::thread([this] { collect(); });
    m_producer = std::thread([this] { produce(); });
    return true;
}

void RedisPool::cancel()
{
    if (!m_cancel || m_cancel->isCancelled() || !m_running.load())
        return;
    m_log->appendControl({.kind = EventKind::CancelRequested});
    m_cancel->cancel();
    m_stopped->cancel();
    m_room.notify_all();
}

void RedisPool::stop()
{
    if (!m_stopped || m_stopped->isCancelled() || !m_running.load())
        return;
    m_log->appendControl({.kind = EventKind::StopRequested});
    m_stopped->cancel();
}

void RedisPool::join()
{
    if (m_producer.joinable())
        m_producer.join();
    if (m_collector.joinable())
        m_collector.join();
}

RedisPool::Account RedisPool::account() const
{
    Account a;
    {
        std::lock_guard lock(m_mutex);
        a = m_account;
    }
    a.consumerNames = consumerNames();
    a.consumerHosts = consumerHosts();
    a.consumers = static_cast<int>(a.consumerNames.size());
    a.hosts = hostCount();
    a.backlog = std::max<std::int64_t>(m_sent.load() - m_started.load(), 0);
    return a;
}

LiveSource::Shape RedisPool::shape() const
{
    Shape shape = lanesShape();
    shape.queueCapacity = m_config.effectiveQueueCapacity();
    shape.submitted = m_announced.load();
    return shape;
}

std::vector<FailureMessage> RedisPool::takeFailureMessages()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_failures, {});
}

// Adds a batch of jobs to the stream in one pipeline; a connection that drops takes the whole
// batch again once it is back (a job added twice is done twice and kept once). Returns when the
// batch is in, or the run is cancelled.
void RedisPool::sendBatch(Connection &c, const std::vector<PlannedJob> &batch)
{
    const std::string jobs = m_target.jobsKey().toStdString();
    const std::string workload = m_config.workload == Workload::Cpu ? "cpu" : "wait";
    while (!m_cancel->isCancelled()) {
        if (!c.isConnected()
            && !connectWithBackoff(c, m_target, *m_cancel, [this](bool ok) { noteConnection(ok); }))
            return;
        for (const PlannedJob &j : batch) {
            const auto ns = static_cast<std::int64_t>(
                std::llround(static_cast<double>(j.processingNs) / m_config.speed));
            c.append({"XADD", jobs, "*", "run", m_runId, "job", std::to_string(j.id), "ns",
                      std::to_string(ns), "fail", j.fails ? "1" : "0", "workload", workload});
        }
        bool ok = true;
        for (std::size_t i = 0; i < batch.size() && ok; ++i)
            ok = c.read(nullptr).has_value();
        if (ok)
            return;
        noteConnection(false);
    }
}

// Sends jobs 1..N at the plan's arrivals; blocks while the stream holds `capacity` jobs no
// worker has started.
void RedisPool::produce()
{
    EventLog::Writer log(m_log.get());
    Connection c;
    const std::int64_t capacity = std::max(1, m_config.effectiveQueueCapacity());
    JobPlan plan(m_config, m_seed);
    const Clock::time_point begin = Clock::now();
    double arrivalMs = 0; // plan time of the next arrival
    std::vector<PlannedJob> batch;
    std::int64_t next = 1;
    bool blocked = false;
    while (next <= m_config.jobs && !m_stopped->isCancelled()) {
        // The next job at its arrival.
        PlannedJob job = plan.next();
        arrivalMs += job.unitGap * m_config.intervalMs;
        const auto arrival = begin
            + std::chrono::nanoseconds(static_cast<std::int64_t>(arrivalMs * 1e6 / m_config.speed));
        if (arrival > Clock::now()) {
            log.flush(); // nothing waits in this thread's chunk while it sleeps
            if (!m_stopped->waitUntil(arrival))
                break; // stopped (or cancelled) before the job was due: it is never sent
        }
        log.append({.job = job.id, .kind = EventKind::JobSubmitted});
        m_announced = job.id;
        // Room in the queue: the jobs sent and not started stay within its capacity.
        if (m_sent.load() - m_started.load() >= capacity) {
            if (!blocked)
                log.append({.job = job.id, .kind = EventKind::ProducerBlocked});
            blocked = true;
            log.flush();
            std::unique_lock lock(m_mutex);
            m_room.wait(lock, [&] {
                return m_cancel->isCancelled() || m_sent.load() - m_started.load() < capacity;
            });
        }
        if (m_cancel->isCancelled())
            break;
        if (blocked)
            log.append({.job = job.id, .kind = EventKind::ProducerUnblocked});
        blocked = false;
        batch.assign(1, job);
        // Whatever else is due now and fits goes in the same pipeline.
        while (next + static_cast<std::int64_t>(batch.size()) <= m_config.jobs
               && static_cast<int>(batch.size()) < kSendBatch
               && m_sent.load() + static_cast<std::int64_t>(batch.size()) - m_started.load()
                   < capacity) {
            const double gap = m_config.intervalMs;
            if (gap > 0 && m_config.arrival != ArrivalPattern::Burst)
                break;
            PlannedJob more = plan.next();
            arrivalMs += more.unitGap * gap;
            batch.push_back(more);
            log.append({.job = more.id, .kind = EventKind::JobSubmitted});
            m_announced = more.id;
        }
        // In the queue from the moment it is sent: a worker may take it, do it and report it
        // before the reply reaches this thread, and its start is never before this stamp.
        const std::int64_t sentAt = log.now();
        sendBatch(c, batch);
        if (m_cancel->isCancelled())
            break;
        for (const PlannedJob &j : batch) {
            const std::int64_t depth = ++m_sent - m_started.load();
            log.appendStamped(
                {.t = sentAt,
                 .job = j.id,
                 .extra = static_cast<std::uint32_t>(std::max<std::int64_t>(depth, 0)),
                 .kind = EventKind::JobEnqueued});
        }
        next += static_cast<std::int64_t>(batch.size());
    }
    log.append({.kind = EventKind::ProducerDone});
    log.flush();
    m_producerDone = true;
}

// A job is retried when a consumer claimed it after another went quiet: the claimer says so, and
// a second start on another lane shows it even when the report of the claim comes late.
void RedisPool::markRetried(JobState &state)
{
    if (state.flags & JobState::kRetried)
        return;
    state.flags |= JobState::kRetried;
    std::lock_guard lock(m_mutex);
    ++m_account.retried;
}

void RedisPool::startJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                         std::uint16_t lane, std::int64_t planned, std::int64_t t, bool claimed)
{
    JobState &state = jobs[static_cast<std::size_t>(job)];
    if (claimed)
        markRetried(state);
    if (const std::uint16_t holder = remote.holder(job); holder != 0) {
        if (holder == lane)
            return;
        remote.abandon(job, JobStatus::Cancelled);
        markRetried(state);
    }
    if (!(state.flags & JobState::kStarted)) {
        state.flags |= JobState::kStarted;
        ++m_started;
        m_room.notify_all();
    }
    remote.started(job, lane, t, planned, m_sent.load() - m_started.load());
    std::lock_guard lock(m_mutex);
    m_account.pending = static_cast<std::int64_t>(remote.attempts());
    m_account.maxPending = std::max<std::int64_t>(m_account.maxPending, m_account.pending);
}

// The first result of a job is its result; any later one is a duplicate, counted and dropped.
void RedisPool::finishJob(RemoteJobs &remote, std::vector<JobState> &jobs, std::int64_t job,
                          std::uint16_t lane, const StreamEntry &report, bool claimed)
{
    JobState &state = jobs[static_cast<std::size_t>(job)];
    if (state.flags & JobState::kDone) {
        std::lock_guard lock(m_mutex);
        ++m_account.duplicates;
        return;
    }
    const std::int64_t tookNs = std::max<std::int64_t>(toInt(report.field("ns")), 0);
    if (remote.holder(job) != lane) { // another attempt held it (or its start is not in): this won
        remote.abandon(job, JobStatus::Cancelled);
        startJob(remote, jobs, job, lane, tookNs, std::max<std::int64_t>(m_log->now() - tookNs, 0),
                 claimed);
    }
    state.flags |= JobState::kDone;
    ++m_collected;
    const bool failed = report.field("status") == "failed";
    if (failed) {
        const std::string message = report.field("error");
        std::lock_guard lock(m_mutex);
        m_failures.push_back({job, message.empty() ? std::string("failed") : message});
    }
    remote.finished(job, lane, failed ? JobStatus::Failed : JobStatus::Completed, tookNs,
                    (state.flags & JobState::kRetried) ? kRetried : 0U);
    std::lock_guard lock(m_mutex);
    m_account.pending = static_cast<std::int64_t>(remote.attempts());
}

// Cancelled: every job submitted ends, the running ones where they run, the queued ones off the
// queue, the ones still being sent as never queued; the jobs left in the stream are deleted.
void RedisPool::cancelRemaining(RemoteJobs &remote, std::vector<JobState> &jobs, Connection &c)
{
    while (!m_producerDone.load()) // the producer stops first
        std::this_thread::sleep_for(1ms);
    const std::int64_t announced = m_announced.load(), sent = m_sent.load();
    for (std::int64_t job = 1; job <= announced; ++job) {
        if (jobs[static_cast<std::size_t>(job)].flags & JobState::kDone)
            continue;
        if (!remote.endHeld(job, JobStatus::Cancelled))
            remote.endedUnstarted(job, job > sent);
    }
    if (c.isConnected())
        c.command({"DEL", m_target.jobsKey().toStdString()}, nullptr);
}

// Reads the workers' reports in the order Redis got them and records them as events; ends the
// run when every job sent has its result (or, cancelled, ends the rest as cancelled).
void RedisPool::collect()
{
    EventLog::Writer log(m_log.get());
    RemoteJobs remote(log, laneNoter());
    Connection c;
    const std::string results = m_target.resultsKey().toStdString();
    std::vector<JobState> jobs(static_cast<std::size_t>(m_config.jobs) + 1);
    std::string lastId = "0-0";
    m_collected = 0;
    while (!m_cancel->isCancelled()) {
        if (m_producerDone.load() && m_collected == m_sent.load())
            break;
        if (!c.isConnected()
            && !connectWithBackoff(c, m_target, *m_cancel, [this](bool ok) { noteConnection(ok); }))
            break;
        std::string error;
        log.flush(); // nothing waits in this thread's chunk while the read blocks
        const auto read = c.command(
            {"XREAD", "COUNT", kReadCount, "BLOCK", "100", "STREAMS", results, lastId}, &error);
        if (!read) {
            noteConnection(false);
            continue;
        }
        for (const StreamEntry &e : entriesOfRead(*read)) {
            lastId = e.id;
            const std::int64_t job = toInt(e.field("job"));
            // Any job submitted: one whose report comes before the producer has counted it as
            // sent (the reply to its XADD still on its way) is this run's all the same.
            if (e.field("run") != m_runId || job < 1 || job > m_announced.load())
                continue; // an earlier run's, or not a job of this one
            const std::uint16_t lane = remote.lane(e.field("worker"), e.field("host"));
            const bool claimed = e.field("retried") == "1";
            if (e.field("kind") == "finish")
                finishJob(remote, jobs, job, lane, e, claimed);
            else if (e.field("kind") == "start"
                     && !(jobs[static_cast<std::size_t>(job)].flags & JobState::kDone))
                startJob(remote, jobs, job, lane,
                         std::max<std::int64_t>(toInt(e.field("planned")), 0), log.now(), claimed);
        }
    }
    if (m_cancel->isCancelled())
        cancelRemaining(remote, jobs, c);
    {
        std::lock_guard lock(m_mutex);
        m_account.pending = 0;
    }
    endRun(remote, log);
}

void RedisPool::noteConnection(bool ok)
{
    std::lock_guard lock(m_mutex);
    if (ok && !m_account.connected)
        ++m_account.reconnects;
    m_account.connected = ok;
}

} // namespace engine::redis
