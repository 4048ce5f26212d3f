// A thread pool instrumented with poolfeed.h, shaped like the reference program: a producer sends
// jobs to a bounded queue every --interval-ms, --workers threads take them and sleep 200–500 ms,
// the feed goes to --feed.
//
//   poolfeed_example | poolscope --follow -
//   poolfeed_example --feed tcp:localhost:7878 --workers 8 --jobs 200

#include "poolfeed.h"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

// The jobs channel: bounded, closable, like a buffered Go channel.
class Jobs
{
public:
    explicit Jobs(std::size_t capacity)
        : m_capacity(capacity)
    { }
    void send(int job)
    {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [this] { return m_jobs.size() < m_capacity; });
        m_jobs.push_back(job);
        m_ready.notify_one();
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_ready.notify_all();
    }
    bool receive(int &job) // false once closed and empty
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_closed || !m_jobs.empty(); });
        if (m_jobs.empty())
            return false;
        job = m_jobs.front();
        m_jobs.pop_front();
        m_space.notify_one();
        return true;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    std::deque<int> m_jobs;
    std::size_t m_capacity;
    bool m_closed = false;
};

int number(const char *text, const char *flag)
{
    char *end = nullptr;
    const long n = std::strtol(text, &end, 10);
    if (*end != '\0' || n < 1 || n > 100000) {
        std::fprintf(stderr, "poolfeed_example: %s must be a whole number from 1 to 100000\n",
                     flag);
        std::exit(2);
    }
    return static_cast<int>(n);
}

} // namespace

int main(int argc, char **argv)
{
    std::string feedAddress = "-";
    int workers = 3, jobs = 15, intervalMs = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--feed")
            feedAddress = argv[i + 1];
        else if (flag == "--workers")
            workers = number(argv[i + 1], "--workers");
        else if (flag == "--jobs")
            jobs = number(argv[i + 1], "--jobs");
        else if (flag == "--interval-ms")
            intervalMs = number(argv[i + 1], "--interval-ms");
        else {
            std::fprintf(stderr,
                         "usage: poolfeed_example [--feed ADDRESS] [--workers N] "
                         "[--jobs N] [--interval-ms N]\n");
            return 2;
        }
    }
    poolfeed::Options options;
    options.process = "poolfeed_example";
    poolfeed::Emitter feed(feedAddress, options);
    Jobs queue(static_cast<std::size_t>(jobs));
    std::vector<std::thread> pool;
    for (int w = 1; w <= workers; ++w) {
        pool.emplace_back([&feed, &queue, w] {
            feed.workerStart(w);
            std::mt19937 random(static_cast<unsigned>(w));
            std::uniform_int_distribution<int> ms(200, 499);
            int job = 0;
            while (queue.receive(job)) {
                const std::chrono::milliseconds planned(ms(random));
                feed.start(job, w, planned);
                std::this_thread::sleep_for(planned);
                feed.finish(job, w);
            }
            feed.workerStop(w);
        });
    }
    for (int job = 1; job <= jobs; ++job) {
        feed.submit(job);
        queue.send(job);
        std::this_thread::sleep_for(std::chrono::milliseconds(intervalMs));
    }
    queue.close();
    for (std::thread &t : pool)
        t.join();
    feed.close();
    return 0;
}
