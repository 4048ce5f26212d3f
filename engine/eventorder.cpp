#include "engine/eventorder.h"

#include <algorithm>

namespace engine {

void EventOrder::push(std::span<const PoolEvent> events)
{
    dropReleased();
    if (events.empty())
        return;
    const std::size_t old = m_events.size();
    m_events.insert(m_events.end(), events.begin(), events.end());
    m_peak = std::max(m_peak, m_events.size());
    const std::span<PoolEvent> fresh(m_events.data() + old, events.size());
    sortByTime(fresh, &m_buffer);
    // Merge the new events into the held ones: only the held events stamped after the first new
    // one move. Among equals the held one goes first (it came first).
    const auto later = [](std::int64_t t, const PoolEvent &e) {
        return t < e.t;
    };
    const auto from = static_cast<std::size_t>(
        std::upper_bound(m_events.begin() + static_cast<std::ptrdiff_t>(m_head),
                         m_events.begin() + static_cast<std::ptrdiff_t>(old), fresh.front().t,
                         later)
        - m_events.begin());
    if (from == old)
        return; // all of them after what is held
    m_buffer.assign(m_events.begin() + static_cast<std::ptrdiff_t>(from),
                    m_events.begin() + static_cast<std::ptrdiff_t>(old));
    // Writing from `from` on never overtakes the new events still to be read (it reaches a new
    // event's place only once every held one is written), so the merge can go in place.
    std::size_t a = 0, b = old, out = from;
    while (a < m_buffer.size() && b < m_events.size()) {
        if (m_events[b].t < m_buffer[a].t)
            m_events[out++] = m_events[b++];
        else
            m_events[out++] = m_buffer[a++];
    }
    while (a < m_buffer.size())
        m_events[out++] = m_buffer[a++];
}

void EventOrder::dropReleased()
{
    if (m_head == 0 || m_head < m_events.size() - m_head)
        return;
    m_events.erase(m_events.begin(), m_events.begin() + static_cast<std::ptrdiff_t>(m_head));
    m_head = 0;
}

void EventOrder::trim()
{
    dropReleased();
    // What the batches of the last spell needed is kept: the next batch needs about as much
    // (memory given back and asked for again each turn costs a page fault a page). A vector
    // grows to at most twice what it holds, so room up to twice the peak is what it needed.
    if (++m_trims == kTrimsPerSpell) {
        m_trims = 0;
        m_lastPeak = std::exchange(m_peak, m_events.size());
    }
    const std::size_t keep = std::max({kKeep, m_peak, m_lastPeak});
    if (m_events.capacity() > 2 * keep && m_events.size() < keep / 2)
        m_events.shrink_to_fit();
    if (m_buffer.capacity() > 2 * keep)
        std::vector<PoolEvent>().swap(m_buffer);
}

std::span<const PoolEvent> EventOrder::release(std::int64_t horizon, std::size_t most)
{
    const auto first = m_events.begin() + static_cast<std::ptrdiff_t>(m_head);
    const auto last = first + static_cast<std::ptrdiff_t>(std::min(most, held()));
    const auto end = std::upper_bound(first, last, horizon,
                                      [](std::int64_t t, const PoolEvent &e) { return t < e.t; });
    const std::span<const PoolEvent> released(m_events.data() + m_head,
                                              static_cast<std::size_t>(end - first));
    m_head = static_cast<std::size_t>(end - m_events.begin());
    return released;
}

} // namespace engine
