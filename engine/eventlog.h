#pragma once

#include "engine/poolevent.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <span>
#include <type_traits>
#include <vector>

namespace engine {

static_assert(std::is_trivially_copyable_v<PoolEvent>);

// Events of one run. Each thread appends through its own Writer into a private chunk (no lock, no
// shared cache line); full or stale chunks are published to a lock-free stack; the consumer takes
// the whole stack at once. The batch callback fires only when the stack goes from empty to
// non-empty, so a consumer that drains at frame rate sees at most one notification per drain.
class EventLog
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kChunkEvents = 4096; // a chunk's events, unless set otherwise

private:
    // A chunk's header; its events follow it in the same allocation (raw: a fresh chunk is not
    // cleared first, events are trivially copyable).
    struct alignas(PoolEvent) Chunk
    {
        Chunk *next = nullptr;
        std::size_t size = 0;
        std::size_t capacity = 0; // events it has room for (a writer checks its own chunk)
        PoolEvent *events()
        {
            return std::launder(
                reinterpret_cast<PoolEvent *>(reinterpret_cast<unsigned char *>(this + 1)));
        }
        void add(const PoolEvent &event)
        {
            new (reinterpret_cast<unsigned char *>(this + 1) + size++ * sizeof(PoolEvent))
                PoolEvent(event);
        }
    };

public:
    static constexpr std::int64_t kMaxHoldNs = 5'000'000; // publish a chunk at most this stale

    explicit EventLog(bool enabled = true);
    ~EventLog();
    EventLog(const EventLog &) = delete;
    EventLog &operator=(const EventLog &) = delete;

    bool enabled() const { return m_enabled; }
    // ns since the log (the run) started, from the steady clock.
    std::int64_t now() const
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - m_start).count();
    }
    Clock::time_point start() const { return m_start; }

    // Called from the publishing thread when a batch becomes available; must be thread-safe.
    void setBatchCallback(std::function<void()> callback) { m_onBatch = std::move(callback); }

    // Bounds what waits for the consumer: a thread that publishes past `events` pending events
    // waits until the consumer has taken them (down to half), so a consumer slower than the pool
    // slows the pool instead of letting memory grow. 0 (the default) is no bound; a consumer that
    // only reads at the end must leave it so. Set before any writer runs.
    void setBacklogLimit(std::int64_t events) { m_backlogLimit = events; }
    // How many events a chunk holds (at least 1; kChunkEvents by default): a writer publishes its
    // chunk when it is full. Smaller chunks make smaller, more even batches that come sooner (a
    // window's frames), at more publications a run (a headless run's fold is faster with the
    // default). Set before any event is appended.
    void setChunkEvents(std::size_t events)
    {
        assert(m_allocated.load() == 0);
        m_chunkEvents = std::max<std::size_t>(events, 1);
    }
    // Lets every waiting writer go and stops bounding (a cancel, or the run's end).
    void releaseBacklog();
    std::int64_t pending() const { return m_pending.load(std::memory_order_relaxed); }
    // Chunks allocated so far (not taken from the spares): what the log's memory has grown to.
    std::int64_t chunksAllocated() const { return m_allocated.load(std::memory_order_relaxed); }

    // Everything published so far, in publication order (per-thread order is preserved), in
    // `spare` (emptied first): a consumer that hands back the vector it took last time reuses its
    // memory instead of faulting in fresh pages for every batch.
    std::vector<PoolEvent> takeAll(std::vector<PoolEvent> spare = {});
    // The same without a copy: hands everything published so far to `visit`, a chunk's events at
    // a time in publication order, and recycles each chunk once visited, so a consumer that folds
    // as the run goes holds no events and the writers reuse the same few chunks. Returns how many
    // events were visited.
    template<typename Visit> std::int64_t consume(Visit &&visit)
    {
        std::int64_t total = 0;
        for (Chunk *chunk = takeInOrder(); chunk;) {
            Chunk *next = chunk->next;
            const auto size = static_cast<std::int64_t>(chunk->size);
            visit(std::span<const PoolEvent>(chunk->events(), chunk->size));
            recycle(chunk);
            taken(size);
            total += size;
            chunk = next;
        }
        return total;
    }
    bool hasPending() const { return m_published.load(std::memory_order_acquire) != nullptr; }

    // Appends from threads without a Writer of their own (the control thread); takes a mutex,
    // off the hot path, and publishes at once.
    void appendControl(PoolEvent event);

    class Writer
    {
    public:
        explicit Writer(EventLog *log);
        ~Writer() { flush(); }
        Writer(const Writer &) = delete;
        Writer &operator=(const Writer &) = delete;

        // ns since the run started, or 0 when the log is off (nothing reads the clock then).
        std::int64_t now() const { return m_log->m_enabled ? m_log->now() : 0; }

        // Stamps the event with now() and appends it; returns the stamp.
        std::int64_t append(PoolEvent event)
        {
            if (!m_log->m_enabled)
                return 0;
            event.t = m_log->now();
            appendStamped(event);
            return event.t;
        }
        void appendStamped(const PoolEvent &event)
        {
            if (!m_log->m_enabled)
                return;
            if (!m_chunk)
                startChunk(event.t);
            m_chunk->add(event);
            if (m_chunk->size == m_chunk->capacity || event.t - m_chunkStart > kMaxHoldNs)
                flush();
        }
        // Publishes what this thread holds; call before blocking so nothing waits with us.
        void flush();

    private:
        void startChunk(std::int64_t t);

        EventLog *m_log;
        Chunk *m_chunk = nullptr;
        std::int64_t m_chunkStart = 0;
    };

private:
    void publish(Chunk *chunk, bool mayWait = true);
    // Takes the published stack and turns it into a list in publication order.
    Chunk *takeInOrder();
    // Counts `events` as taken and lets writers waiting on the backlog see it.
    void taken(std::int64_t events);
    // Chunks are reused: a writer takes one from the spares (or a new one), the consumer gives it
    // back once copied out. Keeps a flat-out run from touching fresh memory all the time.
    Chunk *acquireChunk();
    void recycle(Chunk *chunk);
    static void destroy(Chunk *chunk);
    // Enough for a backlog of a quarter of a million events (a headless run's bound) to be
    // recycled rather than freed and allocated again, in chunks of whatever size.
    static constexpr std::size_t kMaxSpareEvents = 64 * kChunkEvents;

    const bool m_enabled;
    const Clock::time_point m_start = Clock::now();
    std::atomic<Chunk *> m_published {nullptr};
    std::function<void()> m_onBatch;
    std::mutex m_controlMutex;
    std::mutex m_spareMutex;
    Chunk *m_spare = nullptr;
    int m_spareCount = 0;
    std::int64_t m_backlogLimit = 0;
    std::size_t m_chunkEvents = kChunkEvents;
    std::atomic<std::int64_t> m_pending {0};
    std::atomic<std::int64_t> m_allocated {0};
    std::mutex m_backlogMutex;
    std::condition_variable m_backlogRoom;
    bool m_backlogReleased = false;
};

} // namespace engine
