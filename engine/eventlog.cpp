#include "eventlog.h"

#include <algorithm>

namespace engine {

EventLog::EventLog(bool enabled)
    : m_enabled(enabled)
{ }

EventLog::~EventLog()
{
    Chunk *chunk = m_published.exchange(nullptr, std::memory_order_acquire);
    while (chunk) {
        Chunk *next = chunk->next;
        delete chunk;
        chunk = next;
    }
}

void EventLog::publish(Chunk *chunk)
{
    Chunk *head = m_published.load(std::memory_order_relaxed);
    do {
        chunk->next = head;
    } while (!m_published.compare_exchange_weak(head, chunk, std::memory_order_release,
                                                std::memory_order_relaxed));
    if (!head && m_onBatch)
        m_onBatch();
}

std::vector<PoolEvent> EventLog::takeAll()
{
    Chunk *chunk = m_published.exchange(nullptr, std::memory_order_acquire);
    // The stack is newest first; reverse it to publication order.
    std::vector<Chunk *> chunks;
    std::size_t total = 0;
    for (; chunk; chunk = chunk->next) {
        chunks.push_back(chunk);
        total += chunk->events.size();
    }
    std::vector<PoolEvent> events;
    events.reserve(total);
    for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
        events.insert(events.end(), (*it)->events.begin(), (*it)->events.end());
        delete *it;
    }
    return events;
}

void EventLog::appendControl(PoolEvent event)
{
    if (!m_enabled)
        return;
    std::lock_guard lock(m_controlMutex);
    event.t = now();
    auto *chunk = new Chunk;
    chunk->events.push_back(event);
    publish(chunk);
}

EventLog::Writer::Writer(EventLog *log)
    : m_log(log)
{ }

void EventLog::Writer::startChunk(std::int64_t t)
{
    m_chunk = new Chunk;
    m_chunk->events.reserve(256);
    m_chunkStart = t;
}

void EventLog::Writer::flush()
{
    if (!m_chunk)
        return;
    if (m_chunk->events.empty())
        delete m_chunk;
    else
        m_log->publish(m_chunk);
    m_chunk = nullptr;
}

} // namespace engine
