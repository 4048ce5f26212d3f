#include "baselines.h"

#include "engine/boundedqueue.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {

namespace {

// A bounded blocking queue as the textbook writes it; close() wakes everyone.
class NaiveQueue
{
public:
    explicit NaiveQueue(int capacity)
        : m_capacity(static_cast<std::size_t>(capacity))
    { }
    void push(std::int64_t value)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_items.size() < m_capacity; });
        m_items.push_back(value);
        m_notEmpty.notify_one();
    }
    bool pop(std::int64_t &value)
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return !m_items.empty() || m_closed; });
        if (m_items.empty())
            return false;
        value = m_items.front();
        m_items.pop_front();
        m_notFull.notify_one();
        return true;
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_notEmpty.notify_all();
    }

private:
    const std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::condition_variable m_notFull;
    std::deque<std::int64_t> m_items;
    bool m_closed = false;
};

// Results to the collector: pushes never block; the collector is woken only when it sleeps.
class ResultSink
{
public:
    void push(std::int64_t value)
    {
        bool wake = false;
        {
            std::lock_guard lock(m_mutex);
            m_items.push_back(value);
            wake = m_sleeping;
        }
        if (wake)
            m_cv.notify_one();
    }
    // Takes everything there is, sleeping while there is nothing.
    std::size_t takeAll(std::deque<std::int64_t> &out)
    {
        std::unique_lock lock(m_mutex);
        while (m_items.empty()) {
            m_sleeping = true;
            m_cv.wait(lock);
            m_sleeping = false;
        }
        out.swap(m_items);
        return out.size();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::int64_t> m_items;
    bool m_sleeping = false;
};

} // namespace

double naivePoolJobsPerSecond(std::int64_t jobs, int workers, int capacity)
{
    NaiveQueue queue(capacity);
    NaiveQueue results(capacity);
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            std::int64_t job = 0;
            while (queue.pop(job))
                results.push(job); // the no-op job's result
        });
    }
    std::int64_t collected = 0;
    std::thread collector([&] {
        std::int64_t value = 0;
        while (results.pop(value))
            ++collected;
    });
    for (std::int64_t job = 1; job <= jobs; ++job)
        queue.push(job);
    queue.close();
    for (auto &t : pool)
        t.join();
    results.close();
    collector.join();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    return static_cast<double>(collected) / seconds;
}

double qthreadPoolJobsPerSecond(std::int64_t jobs, int workers)
{
    QThreadPool pool;
    pool.setMaxThreadCount(workers);
    ResultSink sink;
    QElapsedTimer timer;
    timer.start();
    std::int64_t collected = 0;
    std::thread collector([&] {
        std::deque<std::int64_t> batch;
        while (collected < jobs) {
            collected += static_cast<std::int64_t>(sink.takeAll(batch));
            batch.clear();
        }
    });
    for (std::int64_t job = 1; job <= jobs; ++job)
        pool.start([&sink, job] { sink.push(job); });
    pool.waitForDone();
    collector.join();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    return static_cast<double>(collected) / seconds;
}

double bareRingJobsPerSecond(std::int64_t jobs, int workers, int capacity, int clockReads)
{
    struct Job
    {
        std::int64_t id = 0;
        std::int64_t processingNs = 0;
        bool fails = false;
    };
    struct Result
    {
        std::int64_t job = 0;
        std::int64_t processingNs = 0;
        int worker = 0;
    };
    struct Hooks : engine::QueueHooks
    {
        static constexpr bool wantsDepth() { return false; }
    };
    engine::BoundedQueue<Job> queue(capacity);
    engine::BoundedQueue<Result> results(capacity);
    QElapsedTimer timer;
    timer.start();
    std::atomic<int> working {workers};
    std::vector<std::thread> pool;
    for (int w = 1; w <= workers; ++w) {
        pool.emplace_back([&, w] {
            Hooks hooks;
            Job job;
            while (queue.pop(job, hooks) == engine::BoundedQueue<Job>::PopResult::Item) {
                Result result {job.id, 0, w};
                if (clockReads == 2) {
                    const auto started = std::chrono::steady_clock::now();
                    result.processingNs = (std::chrono::steady_clock::now() - started).count();
                }
                results.push(result, hooks);
            }
            if (working.fetch_sub(1) == 1)
                results.close();
        });
    }
    std::int64_t collected = 0;
    std::thread collector([&] {
        Hooks hooks;
        std::array<Result, 64> batch;
        std::size_t taken = 0;
        while (results.popSome(batch.data(), batch.size(), &taken, hooks)
               == engine::BoundedQueue<Result>::PopResult::Item)
            collected += static_cast<std::int64_t>(taken);
    });
    Hooks hooks;
    std::array<Job, 64> batch;
    for (std::int64_t first = 1; first <= jobs;) {
        const auto count = static_cast<std::size_t>(std::min<std::int64_t>(64, jobs - first + 1));
        for (std::size_t i = 0; i < count; ++i)
            batch[i] = {first + static_cast<std::int64_t>(i), 0, false};
        for (std::size_t sent = 0; sent < count;)
            sent += queue.pushSome(batch.data() + sent, count - sent, hooks);
        first += static_cast<std::int64_t>(count);
    }
    queue.close();
    for (auto &t : pool)
        t.join();
    collector.join();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    return static_cast<double>(collected) / seconds;
}

} // namespace bench
