#include "engine/eventlog.h"

#include <algorithm>

namespace engine {

EventLog::EventLog(bool enabled)
    : m_enabled(enabled)
{ }

EventLog::~EventLog()
{
    for (Chunk *list : {m_published.exchange(nullptr, std::memory_order_acquire), m_spare}) {
        while (list) {
            Chunk *next = list->next;
            destroy(list);
            list = next;
        }
    }
}

EventLog::Chunk *EventLog::acquireChunk()
{
    {
        std::lock_guard lock(m_spareMutex);
        if (Chunk *chunk = m_spare) {
            m_spare = chunk->next;
            --m_spareCount;
            chunk->next = nullptr;
            chunk->size = 0;
            return chunk;
        }
    }
    m_allocated.fetch_add(1, std::memory_order_relaxed);
    void *memory = ::operator new(sizeof(Chunk) + m_chunkEvents * sizeof(PoolEvent));
    return new (memory) Chunk {.capacity = m_chunkEvents};
}

void EventLog::destroy(Chunk *chunk)
{
    chunk->~Chunk();
    ::operator delete(chunk);
}

void EventLog::recycle(Chunk *chunk)
{
    {
        std::lock_guard lock(m_spareMutex);
        if (static_cast<std::size_t>(m_spareCount) * m_chunkEvents < kMaxSpareEvents) {
            chunk->next = m_spare;
            m_spare = chunk;
            ++m_spareCount;
            return;
        }
    }
    destroy(chunk);
}

void EventLog::publish(Chunk *chunk, bool mayWait)
{
    const auto size = static_cast<std::int64_t>(chunk->size);
    const std::int64_t pendingNow = m_pending.fetch_add(size, std::memory_order_relaxed) + size;
    Chunk *head = m_published.load(std::memory_order_relaxed);
    do {
        chunk->next = head;
    } while (!m_published.compare_exchange_weak(head, chunk, std::memory_order_release,
                                                std::memory_order_relaxed));
    if (!head && m_onBatch)
        m_onBatch();
    if (mayWait && m_backlogLimit > 0 && pendingNow > m_backlogLimit) {
        std::unique_lock lock(m_backlogMutex);
        m_backlogRoom.wait(lock, [this] {
            return m_backlogReleased
                || m_pending.load(std::memory_order_relaxed) <= m_backlogLimit / 2;
        });
    }
}

void EventLog::releaseBacklog()
{
    {
        std::lock_guard lock(m_backlogMutex);
        m_backlogReleased = true;
    }
    m_backlogRoom.notify_all();
}

EventLog::Chunk *EventLog::takeInOrder()
{
    // The stack is newest first; reversed in place, it is in publication order.
    Chunk *chunk = m_published.exchange(nullptr, std::memory_order_acquire);
    Chunk *ordered = nullptr;
    while (chunk) {
        Chunk *next = chunk->next;
        chunk->next = ordered;
        ordered = chunk;
        chunk = next;
    }
    return ordered;
}

void EventLog::taken(std::int64_t events)
{
    m_pending.fetch_sub(events, std::memory_order_relaxed);
    if (m_backlogLimit > 0) {
        // Under the mutex, so a writer between its check and its wait cannot miss this.
        std::lock_guard lock(m_backlogMutex);
        m_backlogRoom.notify_all();
    }
}

std::vector<PoolEvent> EventLog::takeAll(std::vector<PoolEvent> spare)
{
    Chunk *first = takeInOrder();
    std::size_t total = 0;
    for (const Chunk *chunk = first; chunk; chunk = chunk->next)
        total += chunk->size;
    std::vector<PoolEvent> events = std::move(spare);
    events.clear();
    events.reserve(total);
    for (Chunk *chunk = first; chunk;) {
        Chunk *next = chunk->next;
        events.insert(events.end(), chunk->events(), chunk->events() + chunk->size);
        recycle(chunk);
        chunk = next;
    }
    taken(static_cast<std::int64_t>(total));
    return events;
}

void EventLog::appendControl(PoolEvent event)
{
    if (!m_enabled)
        return;
    std::lock_guard lock(m_controlMutex);
    event.t = now();
    Chunk *chunk = acquireChunk();
    chunk->add(event);
    publish(chunk, false); // the controlling thread may be the consumer: it never waits here
}

EventLog::Writer::Writer(EventLog *log)
    : m_log(log)
{ }

void EventLog::Writer::startChunk(std::int64_t t)
{
    m_chunk = m_log->acquireChunk();
    m_chunkStart = t;
}

void EventLog::Writer::flush()
{
    if (!m_chunk)
        return;
    if (m_chunk->size == 0)
        m_log->recycle(m_chunk);
    else
        m_log->publish(m_chunk);
    m_chunk = nullptr;
}

} // namespace engine
