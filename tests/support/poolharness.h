#pragma once

// Helpers shared by the pool tests: run to the end, collect every event, and check the contracts
// on the recorded stream.

#include "engine/poolevent.h"
#include "engine/workerpool.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QString>
#include <QThread>
#include <algorithm>
#include <vector>

namespace harness {

using namespace engine;

// Collects events while waiting for the run to end; false on timeout.
inline bool collectUntilFinished(WorkerPool &pool, std::vector<PoolEvent> &events,
                                 int timeoutMs = 30000)
{
    QElapsedTimer timer;
    timer.start();
    while (pool.isRunning()) {
        auto batch = pool.takeEvents();
        events.insert(events.end(), batch.begin(), batch.end());
        if (timer.elapsed() > timeoutMs)
            return false;
        pool.waitForFinished(5);
    }
    pool.waitForFinished();
    auto batch = pool.takeEvents();
    events.insert(events.end(), batch.begin(), batch.end());
    return true;
}

inline std::vector<PoolEvent> byTime(std::vector<PoolEvent> events)
{
    std::stable_sort(events.begin(), events.end(),
                     [](const PoolEvent &a, const PoolEvent &b) { return a.t < b.t; });
    return events;
}

inline std::int64_t countOf(const std::vector<PoolEvent> &events, EventKind kind)
{
    return std::count_if(events.begin(), events.end(),
                         [kind](const PoolEvent &e) { return e.kind == kind; });
}

// The most workers live at once by the events' clock (WorkerStarted up to WorkerRetired).
inline int maxLiveWorkers(const std::vector<PoolEvent> &events)
{
    int live = 0, maxLive = 0;
    for (const PoolEvent &e : byTime(events)) {
        live += e.kind == EventKind::WorkerStarted;
        live -= e.kind == EventKind::WorkerRetired;
        maxLive = std::max(maxLive, live);
    }
    return maxLive;
}

// Every submitted job ends with exactly one result, and no result comes from nowhere.
// Returns an empty string when the contract holds, else what broke.
inline QString accountingProblem(const std::vector<PoolEvent> &events)
{
    QSet<std::int64_t> submitted;
    QHash<std::int64_t, int> results;
    for (const PoolEvent &e : events) {
        if (e.kind == EventKind::JobSubmitted) {
            if (submitted.contains(e.job))
                return QStringLiteral("job %1 submitted twice").arg(e.job);
            submitted.insert(e.job);
        } else if (e.kind == EventKind::ResultCollected) {
            ++results[e.job];
        }
    }
    for (auto it = results.cbegin(); it != results.cend(); ++it) {
        if (it.value() != 1)
            return QStringLiteral("job %1 has %2 results").arg(it.key()).arg(it.value());
        if (!submitted.contains(it.key()))
            return QStringLiteral("job %1 has a result but was never submitted").arg(it.key());
    }
    for (std::int64_t job : submitted) {
        if (!results.contains(job))
            return QStringLiteral("job %1 was submitted but has no result").arg(job);
    }
    if (countOf(events, EventKind::RunFinished) != 1)
        return QStringLiteral("the run did not finish exactly once");
    return {};
}

// Threads of this process, from /proc (Linux).
inline int threadCount()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("Threads:"))
            return line.mid(8).trimmed().toInt();
    }
    return -1;
}

} // namespace harness
