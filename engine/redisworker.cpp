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
    if (m_options.name.isEmpty())
        m_options.name = defaultName();
}

QString WorkerProcess::defaultName()
{
    return QSysInfo::machineHostName() + QLatin1Char('-') + QString::number(::getpid());
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

// One consumer: connect, make sure the group exists, then take, do and report jobs one at a time.
void WorkerProcess::serve(int index)
{
    const Target &target = m_options.target;
    const std::string jobs = target.jobsKey().toStdString();
    const std::string results = target.resultsKey().toStdString();
    const std::string consumer
        = QString(m_options.name + QLatin1Char('/') + QString::number(index)).toStdString();
    const std::string host = QSysInfo::machineHostName().toStdString();
    const std::string claimIdle = std::to_string(m_options.claimIdle.count());
    Connection c;
    std::chrono::milliseconds backoff = 100ms;
    std::int64_t lastClaimNs = 0;
    bool wasConnected = false;
    CancelToken never; // a job that started is done: stopping waits for it

    while (!m_stop.load(std::memory_order_relaxed)) {
        std::string error;
        if (!c.isConnected()) {
            if (!c.connect(target, 2s, &error)) {
                m_log(QStringLiteral("%1: cannot reach %2 (%3); again in %4 ms")
                          .arg(QString::fromStdString(consumer), target.display(),
                               QString::fromStdString(error))
                          .arg(backoff.count()));
                std::this_thread::sleep_for(backoff);
                backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2s);
                continue;
            }
            if (wasConnected)
                m_log(QStringLiteral("%1: connected again").arg(QString::fromStdString(consumer)));
            wasConnected = true;
            backoff = 100ms;
            // The group may exist already (BUSYGROUP); from 0, so jobs added before it are read.
            c.command({"XGROUP", "CREATE", jobs, Target::kGroup, "0", "MKSTREAM"}, &error);
        }
        // A job another consumer left pending too long first; then a new one.
        std::vector<StreamEntry> taken;
        bool retried = false;
        const std::int64_t now = steadyNs();
        if (now - lastClaimNs > std::chrono::nanoseconds(m_options.claimIdle).count() / 4) {
            lastClaimNs = now;
            const auto claimed = c.command(
                {"XAUTOCLAIM", jobs, Target::kGroup, consumer, claimIdle, "0-0", "COUNT", "1"},
                &error);
            if (claimed && claimed->type == Reply::Type::Array && claimed->elements.size() >= 2)
                taken = entriesOf(claimed->elements[1]);
            retried = !taken.empty();
        }
        if (taken.empty()) {
            const auto read = c.command({"XREADGROUP", "GROUP", Target::kGroup, consumer, "COUNT",
                                         "1", "BLOCK", "200", "STREAMS", jobs, ">"},
                                        &error);
            if (!read)
                continue; // the connection dropped: connect again
            if (read->isError()) {
                // The pool's streams were deleted for a new run: the group comes back at once.
                c.command({"XGROUP", "CREATE", jobs, Target::kGroup, "0", "MKSTREAM"}, &error);
                std::this_thread::sleep_for(20ms);
                continue;
            }
            taken = entriesOfRead(*read);
        }
        for (const StreamEntry &job : taken) {
            if (job.fields.empty()) { // deleted before it was claimed: nothing to do
                c.command({"XACK", jobs, Target::kGroup, job.id}, &error);
                continue;
            }
            const std::string run = job.field("run"), id = job.field("job");
            const std::int64_t planned = fieldNumber(job.field("ns"));
            const bool fails = job.field("fail") == "1";
            const Workload workload
                = job.field("workload") == "cpu" ? Workload::Cpu : Workload::Wait;
            const std::string retriedText = retried ? "1" : "0";
            c.command({"XADD", results, "*", "run", run, "kind", "start", "job", id, "worker",
                       consumer, "host", host, "planned", std::to_string(planned), "retried",
                       retriedText},
                      &error);
            const std::int64_t startedAt = steadyNs();
            std::string failure;
            try {
                runWorkload(workload, planned, fails, fieldNumber(id), never);
            } catch (const std::exception &e) {
                failure = e.what();
            }
            const bool failed = !failure.empty() || fails;
            const std::int64_t tookNs = steadyNs() - startedAt;
            // Reported and acknowledged in one transaction, sent in one round trip: a worker
            // that dies leaves either both done or neither (the job then pending, to be claimed
            // again). A connection that drops before EXEC leaves the job pending too.
            const std::vector<std::string> report {"XADD",
                                                   results,
                                                   "*",
                                                   "run",
                                                   run,
                                                   "kind",
                                                   "finish",
                                                   "job",
                                                   id,
                                                   "worker",
                                                   consumer,
                                                   "host",
                                                   host,
                                                   "status",
                                                   failed ? "failed" : "completed",
                                                   "ns",
                                                   std::to_string(tookNs),
                                                   "error",
                                                   failure,
                                                   "retried",
                                                   retriedText};
            c.append({"MULTI"});
            c.append(report);
            c.append({"XACK", jobs, Target::kGroup, job.id});
            c.append({"EXEC"});
            for (int reply = 0; reply < 4 && c.read(&error); ++reply) { }
            m_done.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

} // namespace engine::redis
