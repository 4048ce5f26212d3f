#pragma once

#include <cstdint>
#include <vector>

namespace engine {

// Per-job state for a window of job ids: ids are dense and arrive roughly in order, so an array
// indexed by (id − base) replaces a hash map. The front is dropped as its jobs are done
// (popFrontWhile), which keeps the window as wide as the jobs still in flight.
//
// The entries lie in chunks of a fixed power-of-two size (an index is a shift and a mask, not the
// division a std::deque's segmented index costs); a chunk the front leaves is kept for reuse, so
// a steady run allocates nothing, and a window that grows never copies what it holds (its memory
// is the jobs in flight, rounded up to a chunk).
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
        return at(index);
    }

    const T *find(std::int64_t id) const
    {
        if (id < m_base || id >= m_base + static_cast<std::int64_t>(m_size))
            return nullptr;
        const std::size_t p = m_offset + static_cast<std::size_t>(id - m_base);
        return &m_chunks[p >> kChunkBits][p & kChunkMask];
    }

    // The entries in id order: at(i) is the one for the window's i-th id from its front.
    T &at(std::size_t i)
    {
        const std::size_t p = m_offset + i;
        return m_chunks[p >> kChunkBits][p & kChunkMask];
    }

    template<typename Pred> void popFrontWhile(Pred done)
    {
        while (m_size > 0 && done(at(0))) {
            --m_size;
            m_floor = ++m_base;
            if (++m_offset == kChunk) {
                m_offset = 0;
                recycleFront();
            }
        }
    }

    // Whether `id` was dropped as done (its late events land in the scratch entry).
    bool dropped(std::int64_t id) const { return id < m_floor; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear()
    {
        m_chunks.clear();
        m_spare.clear();
        m_offset = 0;
        m_size = 0;
        m_base = 0;
        m_floor = INT64_MIN;
    }

private:
    static constexpr int kChunkBits = 10;
    static constexpr std::size_t kChunk = std::size_t {1} << kChunkBits;
    static constexpr std::size_t kChunkMask = kChunk - 1;
    static constexpr std::size_t kSpareChunks = 4; // kept beyond the window, for reuse

    using Chunk = std::vector<T>;

    Chunk newChunk()
    {
        if (m_spare.empty())
            return Chunk(kChunk);
        Chunk chunk = std::move(m_spare.back());
        m_spare.pop_back();
        return chunk;
    }

    void recycleFront()
    {
        if (m_spare.size() < kSpareChunks)
            m_spare.push_back(std::move(m_chunks.front()));
        m_chunks.erase(m_chunks.begin());
    }

    void extendTo(std::size_t size)
    {
        const std::size_t end = m_offset + size;
        while (m_chunks.size() * kChunk < end)
            m_chunks.push_back(newChunk());
        for (std::size_t i = m_size; i < size; ++i)
            at(i) = T {}; // a chunk may hold what a dropped entry left
        m_size = size;
    }

    void prepend(std::size_t count)
    {
        if (count > m_offset) {
            const std::size_t chunks = (count - m_offset + kChunk - 1) / kChunk;
            for (std::size_t c = 0; c < chunks; ++c)
                m_chunks.insert(m_chunks.begin(), newChunk());
            m_offset += chunks * kChunk;
        }
        m_offset -= count;
        m_size += count;
        m_base -= static_cast<std::int64_t>(count);
        for (std::size_t i = 0; i < count; ++i)
            at(i) = T {};
    }

    std::vector<Chunk> m_chunks; // in id order; the front's entry is m_chunks[0][m_offset]
    std::vector<Chunk> m_spare;
    std::size_t m_offset = 0;
    std::size_t m_size = 0;
    std::int64_t m_base = 0;
    std::int64_t m_floor = INT64_MIN; // ids below were dropped as done
    T m_scratch {};
};

} // namespace engine
