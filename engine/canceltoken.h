#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace engine {

// A one-way cancellation flag that timed waits can sleep on: cancel() wakes every waiter at once.
class CancelToken
{
public:
    using Clock = std::chrono::steady_clock;

    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }

    void cancel()
    {
        {
            std::lock_guard lock(m_mutex);
            m_cancelled.store(true, std::memory_order_release);
        }
        m_cv.notify_all();
    }

    // Sleeps until deadline; returns false when cancelled first (or already).
    bool waitUntil(Clock::time_point deadline)
    {
        std::unique_lock lock(m_mutex);
        return !m_cv.wait_until(lock, deadline, [this] { return isCancelled(); });
    }

private:
    std::atomic<bool> m_cancelled {false};
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

} // namespace engine
