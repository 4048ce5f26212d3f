#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

namespace engine {

#if defined(__SANITIZE_THREAD__)
#define POOLSCOPE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define POOLSCOPE_TSAN 1
#endif
#endif

// The two halves of an asymmetric Dekker fence. A notifier runs the light half on every push and
// pop; a thread about to sleep runs the heavy half, rarely. On Linux the heavy half is a
// membarrier(2) system call, which makes every running thread of the process execute a full
// memory barrier, so the light half needs to stop only the compiler. Where membarrier is not
// available (an old kernel, a sandbox that forbids it), both halves are full fences.
namespace fences {
bool registerMembarrier(); // once per process; true when the heavy half can use membarrier
void membarrier(); // the heavy half's system call (after registerMembarrier() returned true)
inline bool asymmetric()
{
    static const bool registered = registerMembarrier();
    return registered;
}
inline void light()
{
    if (asymmetric())
        std::atomic_signal_fence(std::memory_order_seq_cst);
    else
        std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void heavy()
{
    if (asymmetric())
        membarrier();
    else
        std::atomic_thread_fence(std::memory_order_seq_cst);
}
} // namespace fences

// Where threads sleep when spinning and yielding did not help. Notifiers pay for a system call only
// when someone sleeps: the sleeper announces itself (sleepers + 1, then the heavy fence) before it
// checks its condition; the notifier changes the state (then the light fence) before it looks for
// sleepers. By the order of the two fences, one of them always sees the other.
// ThreadSanitizer models neither fences nor membarrier, so its builds use the equivalent
// read-modify-write on the sleeper count instead (ordered by the count's own modification order):
// the same guarantee, which it can check.
class ParkingSpot
{
public:
    template<typename Ready> void park(Ready &&ready)
    {
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
#ifndef POOLSCOPE_TSAN
        fences::heavy();
#endif
        {
            std::unique_lock lock(m_mutex);
            while (!ready())
                m_cv.wait(lock);
        }
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
    }

    void notifyOne()
    {
        fence();
        notifyOneAfterFence();
    }

    void notifyAll()
    {
        fence();
        notifyAllAfterFence();
    }

    // For a notifier that wakes two spots after one state change: one fence() (by either spot),
    // then the AfterFence calls.
    static void fence()
    {
#ifndef POOLSCOPE_TSAN
        fences::light();
#endif
    }
    void notifyOneAfterFence()
    {
        notifyOneAfterFenceIf([] { return true; });
    }
    // Like notifyOneAfterFence, when `wanted()` (asked only if someone sleeps).
    template<typename Wanted> void notifyOneAfterFenceIf(Wanted &&wanted)
    {
        if (anyoneAsleep() && wanted())
            signal(false);
    }
    void notifyAllAfterFence()
    {
        if (anyoneAsleep())
            signal(true);
    }

private:
    // The mutex is taken (and let go) first, so that a sleeper between its check of ready() and
    // its wait cannot miss the signal.
    void signal(bool all)
    {
        {
            std::lock_guard lock(m_mutex);
        }
        if (all)
            m_cv.notify_all();
        else
            m_cv.notify_one();
    }

    bool anyoneAsleep()
    {
#ifdef POOLSCOPE_TSAN
        return m_sleepers.fetch_add(0, std::memory_order_seq_cst) > 0;
#else
        return m_sleepers.load(std::memory_order_relaxed) > 0;
#endif
    }

    std::atomic<int> m_sleepers {0};
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

// How a push or pop waits: a few yields, then a sleep. No spinning: with more threads than cores
// (the pattern's producer, workers and collector on two cores), the thread that would make
// progress often needs this one's core, and a spin only delays it (measured: a 16-pause spin
// before the yields cost 10-20 % of flat-out throughput on a 2-core machine).
class Backoff
{
public:
    static constexpr int kYields = 16;

    // One waiting step: reports blocked() the first time, then yields, or (once the yields are
    // used up, and unless warm) park()s.
    template<typename Blocked, typename Park> void step(Blocked &&blocked, Park &&park)
    {
        ++m_round;
        if (!m_gaveUp) {
            m_gaveUp = true;
            blocked();
        }
        if (m_round <= kYields || (m_warm && std::chrono::steady_clock::now() < m_warmUntil))
            std::this_thread::yield();
        else
            park();
    }
    bool gaveUp() const { return m_gaveUp; }

    // Keeps yielding (not parking) for `duration`: something is expected soon.
    void warm(std::chrono::nanoseconds duration)
    {
        m_warm = true;
        m_warmUntil = std::chrono::steady_clock::now() + duration;
        m_round = 0;
    }

private:
    int m_round = 0;
    bool m_gaveUp = false;
    bool m_warm = false;
    std::chrono::steady_clock::time_point m_warmUntil;
};

// What a push or pop tells its caller. Callers derive and hide the members they need; the queue
// calls them on the caller's own type (no virtual calls).
struct QueueHooks
{
    // Whether inserted()/taken() want the depth: reading it touches the other side's index, a
    // cache line another core writes.
    static constexpr bool wantsDepth() { return true; }
    void blocked() { } // the first time this call gives up its CPU (it will wait a while)
    void parking() { } // before each sleep (flush what others should see)
    void inserted(int /*depth*/) { } // push: the item is in, not yet visible to any taker
    std::int64_t stamp() { return 0; } // pop: read right before the claim, so stamps follow it
    void taken(int /*depth*/, std::int64_t /*stamp*/) { } // pop: the item is out
    bool leave() { return false; } // pop: give up waiting (a worker retiring)
};

// A closeable FIFO with a fixed capacity, the channel of the reference program, on a lock-free
// ring (a bounded MPMC queue with a sequence number per slot).
// - push waits while the queue is full; with capacity 0 it is a hand-off: the sender waits until a
//   taker has its item (an unbuffered channel).
// - pop waits while the queue is empty or paused; after close() it drains what is left and then
//   reports Closed. A pop also returns Left when hooks.leave() becomes true; wake() makes every
//   waiting pop re-check it.
// - Waiting yields a few times, then sleeps; sleepers are woken only when someone sleeps.
// - Items are claimed in FIFO order by one compare-and-swap; hooks.stamp() is read between the
//   look at the head and that claim (and again if it fails), so stamps taken there increase in the
//   claim order. hooks.inserted() runs before the item becomes visible, so a stamp taken there
//   precedes any taker's.
// Closing sets a bit in the tail (no push can claim a slot afterwards); pausing sets a bit in the
// head (no pop can claim an item after setPaused(true) returns).
template<typename T> class BoundedQueue
{
public:
    enum class PushResult : std::uint8_t { Ok, Closed };
    enum class PopResult : std::uint8_t { Item, Closed, Left };

    explicit BoundedQueue(int capacity)
        : m_capacity(std::max(capacity, 0))
        , m_size(static_cast<std::uint64_t>(std::max(capacity, 2)))
        , m_limit(static_cast<std::uint64_t>(std::max(capacity, 1)))
        , m_limited(m_limit < m_size)
        , m_mask((m_size & (m_size - 1)) == 0 ? m_size - 1 : 0)
        , m_slots(std::make_unique<Slot[]>(m_size))
    {
        for (std::uint64_t i = 0; i < m_size; ++i)
            m_slots[i].seq.store(i, std::memory_order_relaxed);
    }

    int capacity() const { return m_capacity; }

    // Waits while full. On Closed the item is left with the caller. *blocked tells whether it
    // gave up its CPU while waiting.
    template<typename Hooks> PushResult push(T &item, Hooks &&hooks, bool *blocked = nullptr)
    {
        return pushSome(&item, 1, hooks, blocked) == 1 ? PushResult::Ok : PushResult::Closed;
    }

    // Puts in up to `count` (at least 1) items at once (one claim, one wake-up), as many as there
    // is room for, waiting only while there is room for none. Returns how many went in, 0 when the
    // queue is closed (the items are left with the caller). hooks.inserted() runs once per item, in
    // order. A hand-off queue takes one at a time.
    template<typename Hooks>
    std::size_t pushSome(T *items, std::size_t count, Hooks &&hooks, bool *blocked = nullptr)
    {
        assert(count > 0);
        if (blocked)
            *blocked = false;
        Backoff backoff;
        std::uint64_t first = 0;
        std::uint64_t head = 0;
        std::size_t claimed = 0;
        // The slots' sequence numbers guard the capacity when the ring is exactly as large; the
        // head (another core's line) is read only when needed.
        const bool readHead = m_limited || wantsDepth<Hooks>;
        for (;;) {
            std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
            if (tail & kFlag) {
                if (blocked)
                    *blocked = backoff.gaveUp();
                return 0;
            }
            std::uint64_t room = m_limit;
            if (readHead) {
                head = headCount();
                const std::uint64_t used = tail > head ? tail - head : 0;
                room = used < m_limit ? m_limit - used : 0;
            }
            std::size_t free = 0;
            std::uint64_t seq = 0;
            bool stale = false;
            while (free < std::min<std::uint64_t>(count, room)) {
                seq = slotAt(tail + free).seq.load(std::memory_order_acquire);
                const auto diff = static_cast<std::int64_t>(seq - (tail + free));
                stale = diff > 0;
                if (diff != 0)
                    break;
                ++free;
            }
            if (free > 0) {
                if (m_tail.compare_exchange_weak(tail, tail + free, std::memory_order_relaxed)) {
                    first = tail;
                    claimed = free;
                    break;
                }
                continue;
            }
            if (stale)
                continue; // another pusher got this slot: look again
            // Full: the slot still holds the item from one lap ago (or the capacity is taken).
            // Wait for a change of what was looked at (the slot's number is read here when the
            // capacity check stopped the look before it; the head only when it was read).
            Slot &slot = slotAt(tail);
            if (free == 0 && room == 0)
                seq = slot.seq.load(std::memory_order_acquire);
            waitStep(backoff, hooks, m_notFull, [&] {
                return m_tail.load(std::memory_order_relaxed) != tail
                    || slot.seq.load(std::memory_order_acquire) != seq
                    || (readHead && headCount() != head);
            });
        }
        for (std::size_t i = 0; i < claimed; ++i) {
            slotAt(first + i).value = std::move(items[i]);
            if constexpr (wantsDepth<Hooks>)
                hooks.inserted(m_capacity == 0 ? 0 : depthAfter(first + i + 1, head));
            else
                hooks.inserted(0);
        }
        for (std::size_t i = 0; i < claimed; ++i)
            slotAt(first + i).seq.store(first + i + 1, std::memory_order_release);
        if (claimed == 1)
            m_notEmpty.notifyOne();
        else
            m_notEmpty.notifyAll();
        if (m_capacity == 0) {
            // Hand-off: the item counts as delivered only once a taker has it.
            while (headCount() <= first)
                waitStep(backoff, hooks, m_notFull, [&] { return headCount() > first; });
        }
        if (blocked)
            *blocked = backoff.gaveUp();
        return claimed;
    }

    // Waits while empty or paused.
    template<typename Hooks> PopResult pop(T &out, Hooks &&hooks)
    {
        std::size_t taken = 0;
        return popSome(&out, 1, &taken, hooks);
    }

    // Takes up to `count` (at least 1) items at once (one claim), as many as are there, waiting
    // while there are none. hooks.taken(depth, stamp) runs once, after the claim. On Item, *taken
    // >= 1.
    template<typename Hooks>
    PopResult popSome(T *out, std::size_t count, std::size_t *taken, Hooks &&hooks)
    {
        assert(count > 0);
        Backoff backoff;
        *taken = 0;
        for (;;) {
            // Read before leave() is asked: a wake() or prewake() after that must end the wait.
            const std::uint64_t wakes = m_wakes.load(std::memory_order_acquire);
            const std::uint64_t prewakes = m_prewakes.load(std::memory_order_relaxed);
            if (hooks.leave()) {
                m_notEmpty.notifyOne(); // a wake-up meant for a taker must not end with us
                return PopResult::Left;
            }
            std::uint64_t head = m_head.load(std::memory_order_acquire);
            const std::uint64_t pos = head & ~kFlag;
            const bool paused = (head & kFlag) != 0;
            Slot &slot = slotAt(pos);
            const std::uint64_t seq = slot.seq.load(std::memory_order_acquire);
            const auto diff = static_cast<std::int64_t>(seq - (pos + 1));
            if (diff > 0)
                continue; // another taker got this one: look again
            if (diff == 0 && !paused) {
                std::size_t ready = 1;
                while (ready < count
                       && slotAt(pos + ready).seq.load(std::memory_order_acquire)
                           == pos + ready + 1)
                    ++ready;
                const std::int64_t stamp = hooks.stamp();
                if (m_head.compare_exchange_weak(head, pos + ready, std::memory_order_acq_rel,
                                                 std::memory_order_relaxed)) {
                    for (std::size_t i = 0; i < ready; ++i) {
                        Slot &s = slotAt(pos + i);
                        out[i] = std::move(s.value);
                        s.seq.store(pos + i + m_size, std::memory_order_release);
                    }
                    int depth = 0;
                    if constexpr (wantsDepth<Hooks>) {
                        if (m_capacity > 0)
                            depth = depthAfter(m_tail.load(std::memory_order_relaxed) & ~kFlag,
                                               pos + ready);
                    }
                    // Wake a pusher waiting for room (or a sender for its taker); and when more
                    // is ready, pass a wake-up on to another taker: the one that brought us here
                    // may have been spent on a taker that found its slot not yet filled.
                    // (The next slot, another line, is read only when a taker sleeps.)
                    ParkingSpot::fence();
                    m_notFull.notifyAllAfterFence();
                    m_notEmpty.notifyOneAfterFenceIf([&] {
                        return slotAt(pos + ready).seq.load(std::memory_order_acquire)
                            == pos + ready + 1;
                    });
                    *taken = ready;
                    hooks.taken(depth, stamp);
                    return PopResult::Item;
                }
                continue;
            }
            // Empty (or a push is filling this slot right now), or paused.
            const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
            if (diff < 0 && (tail & kFlag) && (tail & ~kFlag) <= pos)
                return PopResult::Closed;
            waitStep(backoff, hooks, m_notEmpty, [&] {
                return m_wakes.load(std::memory_order_relaxed) != wakes
                    || m_prewakes.load(std::memory_order_relaxed) != prewakes
                    || m_head.load(std::memory_order_acquire) != head
                    || m_tail.load(std::memory_order_acquire) != tail
                    || slot.seq.load(std::memory_order_acquire) != seq;
            });
            if (m_prewakes.load(std::memory_order_relaxed) != prewakes)
                backoff.warm(kWarmFor); // an item is due: stay awake for it
        }
    }

    // No more pushes: waiting pushers get Closed; pops drain what is left.
    void close()
    {
        m_tail.fetch_or(kFlag, std::memory_order_acq_rel);
        m_notEmpty.notifyAll();
        m_notFull.notifyAll();
    }

    // While paused, pops wait even when items are there.
    void setPaused(bool paused)
    {
        if (paused) {
            m_head.fetch_or(kFlag, std::memory_order_acq_rel);
        } else {
            m_head.fetch_and(~kFlag, std::memory_order_acq_rel);
            m_notEmpty.notifyAll();
        }
    }

    // An item is due shortly (a planned arrival): wakes one sleeping taker, which then yields
    // rather than sleeps for a while, so that the item is taken at once instead of after a
    // kernel wake-up (tens of microseconds on a virtual machine).
    void prewake()
    {
        m_prewakes.fetch_add(1, std::memory_order_relaxed);
        m_notEmpty.notifyOne();
    }
    static constexpr std::chrono::microseconds kWarmFor {700};

    // Makes every waiting pop re-check its leave() hook.
    void wake()
    {
        m_wakes.fetch_add(1, std::memory_order_release);
        m_notEmpty.notifyAll();
    }

    // Items buffered; an unbuffered queue always reports 0 (an offered item is not buffered).
    int depth() const
    {
        if (m_capacity == 0)
            return 0;
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire) & ~kFlag;
        return depthAfter(tail, headCount());
    }

    bool isClosed() const { return (m_tail.load(std::memory_order_acquire) & kFlag) != 0; }

private:
    template<typename Hooks>
    static constexpr bool wantsDepth = std::remove_reference_t<Hooks>::wantsDepth();
    static constexpr std::uint64_t kFlag = std::uint64_t {1} << 63; // closed (tail), paused (head)

    struct alignas(64) Slot
    {
        std::atomic<std::uint64_t> seq {0};
        T value {};
    };

    Slot &slotAt(std::uint64_t pos) const
    {
        pos &= ~kFlag;
        return m_slots[m_mask ? (pos & m_mask) : (pos % m_size)];
    }

    std::uint64_t headCount() const { return m_head.load(std::memory_order_acquire) & ~kFlag; }

    // Tail read before head keeps it within the capacity; a stale read can only make it smaller.
    int depthAfter(std::uint64_t tail, std::uint64_t head) const
    {
        if (tail <= head)
            return 0;
        return static_cast<int>(std::min<std::uint64_t>(tail - head, m_limit));
    }

    template<typename Hooks, typename Ready>
    static void waitStep(Backoff &backoff, Hooks &hooks, ParkingSpot &spot, Ready &&ready)
    {
        backoff.step([&] { hooks.blocked(); },
                     [&] {
                         hooks.parking();
                         spot.park(ready);
                     });
    }

    const int m_capacity;
    // Slots: the capacity, but at least 2 (a slot's sequence number must tell a full slot from
    // one free for the next lap); with fewer, pushes also check the head against the limit.
    const std::uint64_t m_size;
    const std::uint64_t m_limit; // items buffered at most: the capacity, 1 for a hand-off
    const bool m_limited;
    const std::uint64_t m_mask; // m_size - 1 when m_size is a power of two, else 0
    const std::unique_ptr<Slot[]> m_slots;
    alignas(64) std::atomic<std::uint64_t> m_tail {0};
    alignas(64) std::atomic<std::uint64_t> m_head {0};
    alignas(64) std::atomic<std::uint64_t> m_wakes {0};
    std::atomic<std::uint64_t> m_prewakes {0};
    ParkingSpot m_notEmpty;
    ParkingSpot m_notFull;
};

} // namespace engine
