#include "engine/redisworker.h"

#include "engine/canceltoken.h"
#include "engine/workload.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <algorithm>
#include <charconv>
#include <thread>
#include <unistd.h>

namespace engine::redis {

namespace {

using namespace std::chrono_literals;

// A whole non-negative number of a job's fields; 0 for anything else.
std::int64_t fieldNumber(const std::string &text)
{
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && end == text.data() + text.size() && v >= 0 ? v : 0;
}

std::int64_t steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

WorkerProcess::WorkerProcess(WorkerOptions options, Log log)
    : m_options(std::move(options))
    , m_log(std::move(log))
{
    if (m_options.host.isEmpty())
        m_options.host = QSysInfo::machineHostName();
    if (m_options.name.isEmpty())
        m_options.name = m_options.host + QLatin1Char('-') + QString::number(::getpid());
}

bool WorkerProcess::reachable(QString *error)
{
    Connection c;
    std::string why;
    if (!c.connect(m_options.target, 2s, &why)) {
        if (error)
            *error = QString::fromStdString(why);
        return false;
    }
    const auto pong = c.command({"PING"}, &why);
    if (!pong || pong->isError()) {
        if (error)
            *error = pong ? QString::fromStdString(pong->text) : QString::fromStdString(why);
        return false;
    }
    return true;
}

std::int64_t WorkerProcess::run()
{
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(m_options.workers));
    for (int i = 1; i <= m_options.workers; ++i)
        threads.emplace_back([this, i] { serve(i); });
    for (std::thread &t : threads)
        t.join();
    return m_done.load();
}

// What one consumer thread keeps between jobs.
struct WorkerProcess::Consumer
{
    std::string name; // NAME/i
    std::string host;
    std::string jobs; // the keys
    std::string results;
    Connection c;
    std::chrono::milliseconds backoff = 100ms;
    std::int64_t lastClaimNs = 0;
    bool wasConnected = false;
};

// Connects (and makes sure the group exists) when the connection is down; false after a failed
// try, having waited its backoff.
bool WorkerProcess::connect(Consumer &me)
{
    if (me.c.isConnected())
        return true;
    std::string error;
    if (!me.c.connect(m_options.target, 2s, &error)) {
        m_log(QStringLiteral("%1: cannot reach %2 (%3); again in %4 ms")
                  .arg(QString::fromStdString(me.name), m_options.target.display(),
                       QString::fromStdString(error))
                  .arg(me.backoff.count()));
        std::this_thread::sleep_for(me.backoff);
        me.backoff = std::min<std::chrono::milliseconds>(me.backoff * 2, 2s);
        return false;
    }
    if (me.wasConnected)
        m_log(QStringLiteral("%1: connected again").arg(QString::fromStdString(me.name)));
    me.wasConnected = true;
    me.backoff = 100ms;
    // The group may exist already (BUSYGROUP); from 0, so jobs added before it are read.
    me.c.command({"XGROUP", "CREATE", me.jobs, Target::kGroup, "0", "MKSTREAM"}, &error);
    return true;
}

// A job another consumer left pending too long (now and then), else a new one (waiting up to
// 200 ms); *retried says which. Empty when there was none, or the connection dropped.
std::vector<StreamEntry> WorkerProcess::take(Consumer &me, bool *retried)
{
    std::string error;
    *retried = false;
    const std::int64_t now = steadyNs();
    if (now - me.lastClaimNs > std::chrono::nanoseconds(m_options.claimIdle).count() / 4) {
        me.lastClaimNs = now;
        const std::optional<Reply> claimed
            = me.c.command({"XAUTOCLAIM", me.jobs, Target::kGroup, me.name,
                            std::to_string(m_options.claimIdle.count()), "0-0", "COUNT", "1"},
                           &error);
        std::vector<StreamEntry> taken;
        if (claimed.has_value() && claimed->type == Reply::Type::Array
            && claimed->elements.size() >= 2)
            taken = entriesOf(claimed->elements[1]);
        if (!taken.empty()) {
            *retried = true;
            return taken;
        }
    }
    const std::optional<Reply> read
        = me.c.command({"XREADGROUP", "GROUP", Target::kGroup, me.name, "COUNT", "1", "BLOCK",
                        "200", "STREAMS", me.jobs, ">"},
                       &error);
    if (!read.has_value())
        return {}; // the connection dropped: connect again
    if (read->isError()) {
        // The pool's streams were deleted for a new run: the group comes back at once.
        me.c.command({"XGROUP", "CREATE", me.jobs, Target::kGroup, "0", "MKSTREAM"}, &error);
        std::this_thread::sleep_for(20ms);
        return {};
    }
    return entriesOfRead(*read);
}

// Reports the start, does the work, then reports the result and acknowledges the job in one
// transaction, sent in one round trip: a worker that dies leaves either both done or neither (the
// job then pending, to be claimed again). A connection that drops before EXEC leaves it pending.
void WorkerProcess::work(Consumer &me, const StreamEntry &job, bool retried)
{
    std::string error;
    if (job.fields.empty()) { // deleted before it was claimed: nothing to do
        me.c.command({"XACK", me.jobs, Target::kGroup, job.id}, &error);
        return;
    }
    const std::string run = job.field("run"), id = job.field("job");
    const std::int64_t planned = fieldNumber(job.field("ns"));
    const bool fails = job.field("fail") == "1";
    const Workload workload = job.field("workload") == "cpu" ? Workload::Cpu : Workload::Wait;
    const std::string retriedText = retried ? "1" : "0";
    me.c.command({"XADD", me.results, "*", "run", run, "kind", "start", "job", id, "worker",
                  me.name, "host", me.host, "planned", std::to_string(planned), "retried",
                  retriedText},
                 &error);
    const std::int64_t startedAt = steadyNs();
    std::string failure;
    CancelToken never; // a job that started is done: stopping waits for it
    try {
        runWorkload(workload, planned, fails, fieldNumber(id), never);
    } catch (const std::exception &e) {
        failure = e.what();
    }
    const bool failed = !failure.empty() || fails;
    const std::string tookNs = std::to_string(steadyNs() - startedAt);
    me.c.append({"MULTI"});
    me.c.append({"XADD",     me.results, "*",     "run",    run,
                 "kind",     "finish",   "job",   id,       "worker",
                 me.name,    "host",     me.host, "status", failed ? "failed" : "completed",
                 "ns",       tookNs,     "error", failure,  "retried",
                 retriedText});
    me.c.append({"XACK", me.jobs, Target::kGroup, job.id});
    me.c.append({"EXEC"});
    for (int reply = 0; reply < 4 && me.c.read(&error).has_value(); ++reply) { }
    m_done.fetch_add(1, std::memory_order_relaxed);
}

// One consumer: connect, then take, do and report jobs one at a time until stopped.
void WorkerProcess::serve(int index)
{
    Consumer me;
    me.name = QString(m_options.name + QLatin1Char('/') + QString::number(index)).toStdString();
    me.host = m_options.host.toStdString();
    me.jobs = m_options.target.jobsKey().toStdString();
    me.results = m_options.target.resultsKey().toStdString();
    while (!m_stop.load(std::memory_order_relaxed)) {
        if (!connect(me))
            continue;
        bool retried = false;
        for (const StreamEntry &job : take(me, &retried))
            work(me, job, retried);
    }
}

} // namespace engine::redis
