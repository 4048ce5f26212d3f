#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace engine {

// Per-job state for a window of job ids: ids are dense and arrive roughly in order, so a ring
// indexed by (id − base) replaces a hash map. The front is dropped as its jobs are done
// (popFrontWhile), which keeps the window as wide as the jobs still in flight. The ring's size is
// a power of two (an index is a mask, not a division) and doubles when the window outgrows it;
// dropped slots are reused, so a steady run allocates nothing.
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
        if (m_size == 0)
            m_base = id;
        if (id < m_base) [[unlikely]]
            prepend(static_cast<std::size_t>(m_base - id));
        const auto index = static_cast<std::size_t>(id - m_base);
        if (index >= m_size) [[unlikely]]
            extendTo(index + 1);
        return m_slots[(m_head + index) & m_mask];
    }

    const T *find(std::int64_t id) const
    {
        if (id < m_base || id >= m_base + static_cast<std::int64_t>(m_size))
            return nullptr;
        return &m_slots[(m_head + static_cast<std::size_t>(id - m_base)) & m_mask];
    }

    // The entries in id order: at(i) is the one for the window's i-th id from its front.
    T &at(std::size_t i) { return m_slots[(m_head + i) & m_mask]; }

    template<typename Pred> void popFrontWhile(Pred done)
    {
        while (m_size > 0 && done(m_slots[m_head])) {
            m_head = (m_head + 1) & m_mask;
            --m_size;
            m_floor = ++m_base;
        }
    }

    // Whether `id` was dropped as done (its late events land in the scratch entry).
    bool dropped(std::int64_t id) const { return id < m_floor; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear()
    {
        m_slots = {};
        m_capacity = 0;
        m_mask = 0;
        m_head = 0;
        m_size = 0;
        m_base = 0;
        m_floor = INT64_MIN;
    }

private:
    // Room for `size` entries, those kept moved to the front of a ring twice as large or more.
    void reserve(std::size_t size)
    {
        if (size <= m_capacity)
            return;
        const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(size, 64));
        std::vector<T> slots(capacity);
        for (std::size_t i = 0; i < m_size; ++i)
            slots[i] = std::move(at(i));
        m_slots = std::move(slots);
        m_capacity = capacity;
        m_mask = capacity - 1;
        m_head = 0;
    }

    void extendTo(std::size_t size)
    {
        reserve(size);
        for (std::size_t i = m_size; i < size; ++i)
            at(i) = T {}; // a slot a dropped entry left
        m_size = size;
    }

    void prepend(std::size_t count)
    {
        reserve(m_size + count);
        m_head = (m_head - count) & m_mask;
        for (std::size_t i = 0; i < count; ++i)
            at(i) = T {};
        m_size += count;
        m_base -= static_cast<std::int64_t>(count);
    }

    std::vector<T> m_slots;
    std::size_t m_capacity = 0; // m_slots.size()
    std::size_t m_mask = 0;
    std::size_t m_head = 0; // the slot of m_base
    std::size_t m_size = 0;
    std::int64_t m_base = 0;
    std::int64_t m_floor = INT64_MIN; // ids below were dropped as done
    T m_scratch {};
};

} // namespace engine
