#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

namespace engine {

// A closeable FIFO with a fixed capacity, the channel of the reference program.
// - push blocks while the queue is full; with capacity 0 it is a hand-off: the sender waits until
//   a taker has its item (an unbuffered channel).
// - pop blocks while the queue is empty or paused; after close() it drains what is left and then
//   reports Closed. A pop also returns Left when its leave() predicate becomes true (a worker
//   retiring); wake() makes every waiting pop re-check it.
// - Sleepers are woken only on transitions that can unblock one (someone is waiting).
// The callbacks run under the queue's lock with the depth they observed, so events recorded there
// are ordered exactly like the queue operations themselves.
template<typename T> class BoundedQueue
{
public:
    enum class PushResult : std::uint8_t { Ok, Closed };
    enum class PopResult : std::uint8_t { Item, Closed, Left };

    explicit BoundedQueue(int capacity)
        : m_capacity(capacity)
        , m_slots(capacity > 0 ? static_cast<std::size_t>(capacity) : 1)
    { }

    int capacity() const { return m_capacity; }

    // Blocks while full. onBlock() runs once, before the first wait; onInserted(depth) right after
    // the item went in. On Closed the item is left with the caller. *blocked tells whether it
    // waited.
    template<typename OnBlock, typename OnInserted>
    PushResult push(T &item, OnBlock &&onBlock, OnInserted &&onInserted, bool *blocked = nullptr)
    {
        std::unique_lock lock(m_mutex);
        bool waited = false;
        while (!m_closed && m_items.size() >= m_slots) {
            if (!waited) {
                waited = true;
                onBlock();
            }
            ++m_waitingPushers;
            m_notFull.wait(lock);
            --m_waitingPushers;
        }
        if (m_closed) {
            if (blocked)
                *blocked = waited;
            return PushResult::Closed;
        }
        m_items.push_back(std::move(item));
        const std::uint64_t ticket = ++m_pushed;
        onInserted(depthLocked());
        if (m_waitingPoppers > 0)
            m_notEmpty.notify_one();
        if (m_capacity == 0) {
            // Hand-off: the item counts as delivered only once a taker has it.
            while (m_taken < ticket) {
                if (!waited) {
                    waited = true;
                    onBlock();
                }
                ++m_waitingHandoffs;
                m_handedOff.wait(lock);
                --m_waitingHandoffs;
            }
        }
        if (blocked)
            *blocked = waited;
        return PushResult::Ok;
    }

    // Blocks while empty or paused. onBlock() runs once, before the first wait; onTaken(depth)
    // right after the item came out.
    template<typename OnBlock, typename OnTaken, typename Leave>
    PopResult pop(T &out, OnBlock &&onBlock, OnTaken &&onTaken, Leave &&leave)
    {
        std::unique_lock lock(m_mutex);
        bool waited = false;
        for (;;) {
            if (leave())
                return PopResult::Left;
            if (!m_paused && !m_items.empty())
                break;
            if (m_closed && m_items.empty())
                return PopResult::Closed;
            if (!waited) {
                waited = true;
                onBlock();
            }
            ++m_waitingPoppers;
            m_notEmpty.wait(lock);
            --m_waitingPoppers;
        }
        out = std::move(m_items.front());
        m_items.pop_front();
        ++m_taken;
        onTaken(depthLocked());
        if (m_waitingPushers > 0)
            m_notFull.notify_one();
        if (m_waitingHandoffs > 0)
            m_handedOff.notify_all();
        return PopResult::Item;
    }

    // No more pushes: blocked pushers get Closed; pops drain what is left.
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_notEmpty.notify_all();
        m_notFull.notify_all();
    }

    // While paused, pops wait even when items are there.
    void setPaused(bool paused)
    {
        std::lock_guard lock(m_mutex);
        m_paused = paused;
        if (!paused)
            m_notEmpty.notify_all();
    }

    // Makes every waiting pop re-check its leave() predicate.
    void wake()
    {
        std::lock_guard lock(m_mutex);
        m_notEmpty.notify_all();
    }

    // Items buffered; an unbuffered queue always reports 0 (an offered item is not buffered).
    int depth() const
    {
        std::lock_guard lock(m_mutex);
        return depthLocked();
    }

    bool isClosed() const
    {
        std::lock_guard lock(m_mutex);
        return m_closed;
    }

private:
    int depthLocked() const { return m_capacity == 0 ? 0 : static_cast<int>(m_items.size()); }

    const int m_capacity;
    const std::size_t m_slots;
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::condition_variable m_notFull;
    std::condition_variable m_handedOff;
    std::deque<T> m_items;
    std::uint64_t m_pushed = 0;
    std::uint64_t m_taken = 0;
    int m_waitingPushers = 0;
    int m_waitingPoppers = 0;
    int m_waitingHandoffs = 0;
    bool m_closed = false;
    bool m_paused = false;
};

} // namespace engine
