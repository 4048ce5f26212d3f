#pragma once

#include <cstdint>
#include <deque>

namespace engine {

// Per-job state for a window of job ids: ids are dense and arrive roughly in order, so a deque
// indexed by (id − base) replaces a hash map. The front is dropped as its jobs are done
// (popFrontWhile), which keeps the window as wide as the jobs still in flight.
template<typename T> class JobWindow
{
public:
    // The entry for `id`, created (value-initialized) when new. An id below the dropped front (a
    // job already done and dropped, whose late events from another thread arrive after it) gets a
    // scratch entry that is not kept: it cannot hold the window open.
    T &operator[](std::int64_t id)
    {
        if (id < m_floor) {
            m_scratch = T {};
            return m_scratch;
        }
        if (m_items.empty())
            m_base = id;
        if (id < m_base) {
            m_items.insert(m_items.begin(), static_cast<std::size_t>(m_base - id), T {});
            m_base = id;
        }
        const auto index = static_cast<std::size_t>(id - m_base);
        if (index >= m_items.size())
            m_items.resize(index + 1);
        return m_items[index];
    }

    const T *find(std::int64_t id) const
    {
        if (id < m_base || id >= m_base + static_cast<std::int64_t>(m_items.size()))
            return nullptr;
        return &m_items[static_cast<std::size_t>(id - m_base)];
    }

    // The entries in id order: at(i) is the one for the window's i-th id from its front.
    T &at(std::size_t i) { return m_items[i]; }

    template<typename Pred> void popFrontWhile(Pred done)
    {
        while (!m_items.empty() && done(m_items.front())) {
            m_items.pop_front();
            ++m_base;
            m_floor = m_base;
        }
    }

    // Whether `id` was dropped as done (its late events land in the scratch entry).
    bool dropped(std::int64_t id) const { return id < m_floor; }
    std::size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    void clear()
    {
        m_items.clear();
        m_base = 0;
        m_floor = INT64_MIN;
    }

private:
    std::deque<T> m_items;
    std::int64_t m_base = 0;
    std::int64_t m_floor = INT64_MIN; // ids below were dropped as done
    T m_scratch {};
};

} // namespace engine
