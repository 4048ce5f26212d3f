#include "engine/poolrun.h"

namespace engine {

void Collector::run()
{
    m_run.enterThread();
    EventLog::Writer log(&m_run.m_log);
    struct Hooks : QueueHooks
    {
        static constexpr bool wantsDepth() { return false; }
        EventLog::Writer &log;
        std::int64_t takenAt = 0;
        void parking() { log.flush(); }
        std::int64_t stamp() { return log.now(); }
        void taken(int, std::int64_t t) { takenAt = t; }
    } hooks {{}, log};
    std::int64_t collected = 0;
    std::vector<ResultItem> results(kCollectBatch);
    for (;;) {
        std::size_t taken = 0;
        if (m_run.m_results.popSome(results.data(), results.size(), &taken, hooks)
            != BoundedQueue<ResultItem>::PopResult::Item)
            break;
        for (std::size_t i = 0; i < taken; ++i) {
            ResultItem &result = results[i];
            log.appendStamped({.t = hooks.takenAt,
                               .job = result.job,
                               .value = result.processingNs,
                               .extra = result.neverQueued ? kNeverQueued : 0U,
                               .worker = static_cast<std::uint16_t>(result.worker),
                               .kind = EventKind::ResultCollected,
                               .aux = static_cast<std::uint8_t>(result.status)});
            if (!result.message.empty()) {
                std::lock_guard lock(m_run.m_messagesMutex);
                m_run.m_messages.push_back({result.job, std::move(result.message)});
                result.message.clear();
            }
        }
        collected += static_cast<std::int64_t>(taken);
        m_run.m_collectedCount.store(collected, std::memory_order_relaxed); // one collector
    }
    log.append({.kind = EventKind::RunFinished});
    log.flush();
    {
        std::lock_guard lock(m_run.m_finishedMutex);
        m_run.m_finished = true;
    }
    m_run.m_finishedCv.notify_all();
    Q_EMIT m_run.m_owner->finished();
}

} // namespace engine
