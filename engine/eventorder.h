#pragma once

#include "engine/poolevent.h"

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace engine {

// Puts the events of a run's threads back in time order: the one way Poolscope orders events
// that come late. Each thread hands its own over in order, but one thread's chunk can come a
// while after events another stamped later. Events are held until they are older than a
// horizon, then released in time order (stably: events of one instant keep the order they came
// in). The headless run releases what is older than kWindowNs before now, so that the lines it
// prints are in order; the window releases everything, a piece at a time, and revises what it
// drew when an event comes later still. Nothing downstream needs the order to be right: the fold
// takes events in any order.
class EventOrder
{
public:
    // How late a thread's events can be and still come out in order: a thread preempted for
    // longer (a loaded machine, a sanitizer) lands its events out of order, nothing worse.
    static constexpr std::int64_t kWindowNs = 30'000'000;
    static constexpr std::int64_t kEverything = std::numeric_limits<std::int64_t>::max();

    void push(std::span<const PoolEvent> events);
    // The held events stamped at or before `horizon`, in time order, at most `most` of them (the
    // oldest); the rest stay held. The span is valid until the next push, trim or clear.
    std::span<const PoolEvent> release(std::int64_t horizon = kEverything,
                                       std::size_t most = std::numeric_limits<std::size_t>::max());
    std::size_t held() const { return m_events.size() - m_head; }
    std::size_t capacity() const { return m_events.capacity(); } // events it has room for
    // Ends the released spans and gives back memory that a catch-up batch (a replay, a window not
    // drawn for a while) needed, beyond what the usual batches need. The released events go once
    // they are at least as many as those still held (so that a held event moves O(1) times).
    void trim();
    void clear()
    {
        m_events.clear();
        m_head = 0;
        m_peak = m_lastPeak = 0;
        m_trims = 0;
    }

private:
    void dropReleased();

    // [m_head, end) are held, in time order; before m_head, released ones not dropped yet (they
    // go when they are at least as many as those held, so that each event moves O(1) times).
    std::vector<PoolEvent> m_events;
    std::size_t m_head = 0;
    std::vector<PoolEvent> m_buffer; // for sorting and merging
    // The most held at once since the spell began, and in the spell before: room they needed is
    // kept; room only an earlier catch-up batch needed is given back.
    static constexpr std::size_t kKeep = 65'536; // events (2 MB): kept whatever came
    static constexpr int kTrimsPerSpell = 64; // a second or less of the window's turns
    std::size_t m_peak = 0, m_lastPeak = 0;
    int m_trims = 0;
};

} // namespace engine
