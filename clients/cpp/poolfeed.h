// poolfeed.h — tell Poolscope what a worker pool does, live: one JSON line an event
// (docs/feed-protocol.md). Header-only, C++17, POSIX.
//
//   poolfeed::Emitter feed("tcp:localhost:7878"); // or "unix:/tmp/pool.sock", "-", "stderr", a
//   file feed.submit(job); feed.start(job, worker, std::chrono::milliseconds(237));
//   feed.finish(job, worker);
//
// An Emitter never blocks the pool it observes on I/O: a call stamps the event and appends it to a
// bounded buffer under a mutex held for the append alone (tens of nanoseconds); a thread of its
// own takes the whole buffer at once, formats and writes. When the writer falls behind and the
// buffer is full, the event is dropped and counted, and the next line written says how many were
// dropped so far. The destructor writes what is held and an end line.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace poolfeed {

struct Options
{
    std::size_t buffer = 1 << 16; // events held for the writer before new ones are dropped
    std::string process; // how Poolscope names this program
    std::string host; // default: gethostname
};

class Emitter
{
public:
    // Opens the destination: "tcp:HOST:PORT", "unix:PATH", "-" (standard output), "stderr" or a
    // file path (created or truncated). Throws std::runtime_error when it cannot.
    explicit Emitter(const std::string &address, Options options = {})
        : m_fd(open(address))
        , m_ownsFd(m_fd > 2)
        , m_capacity(std::max<std::size_t>(options.buffer, 1))
        , m_epoch(std::chrono::steady_clock::now())
    {
        m_held.reserve(std::min<std::size_t>(m_capacity, 4096));
        if (options.host.empty()) {
            char name[256] = {};
            if (::gethostname(name, sizeof name - 1) == 0)
                options.host = name;
        }
        std::string header = R"({"feed": "poolscope", "unit": "ns", "process": )";
        appendString(header, options.process);
        header += R"(, "host": )";
        appendString(header, options.host);
        header += "}\n";
        m_writer = std::thread([this, header = std::move(header)] { write(header); });
    }
    Emitter(const Emitter &) = delete;
    Emitter &operator=(const Emitter &) = delete;
    ~Emitter() { close(); }

    // A job id is an integer or a string (up to 47 bytes; longer ones are cut).
    void submit(std::int64_t job) { put(Kind::Submit, Id(job)); }
    void submit(std::string_view job) { put(Kind::Submit, Id(job)); }
    template<typename Job>
    void start(const Job &job, int worker, std::chrono::nanoseconds planned = {})
    {
        put(Kind::Start, Id(job), worker, planned.count());
    }
    template<typename Job> void finish(const Job &job, int worker)
    {
        put(Kind::Finish, Id(job), worker);
    }
    // Failed, and why (the first 47 bytes are kept).
    template<typename Job> void fail(const Job &job, int worker, std::string_view error)
    {
        put(Kind::Fail, Id(job), worker, 0, error);
    }
    template<typename Job> void cancel(const Job &job) { put(Kind::Cancel, Id(job)); }
    void workerStart(int worker) { put(Kind::WorkerStart, Id(), worker); }
    void workerStop(int worker) { put(Kind::WorkerStop, Id(), worker); }

    std::int64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

    // Writes what is held and the end line, joins the writer and closes the destination. Events
    // after close are not written.
    void close()
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return;
            m_stopping = true;
        }
        m_wake.notify_one();
        m_writer.join();
        if (m_ownsFd)
            ::close(m_fd);
    }

private:
    enum class Kind : std::uint8_t { Submit, Start, Finish, Fail, Cancel, WorkerStart, WorkerStop };
    static constexpr std::size_t kText = 48;

    // A job id by value: a number, or a short string held inline (no allocation per event).
    struct Id
    {
        Id() = default;
        template<typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
        Id(Int n) // NOLINT(google-explicit-constructor): ids are given as they are
            : number(static_cast<std::int64_t>(n))
            , present(true)
        { }
        Id(std::string_view s) // NOLINT(google-explicit-constructor)
            : present(true)
            , isText(true)
        {
            copyText(text, textLength, s);
        }
        Id(const std::string &s) // NOLINT(google-explicit-constructor)
            : Id(std::string_view(s))
        { }
        Id(const char *s) // NOLINT(google-explicit-constructor)
            : Id(std::string_view(s))
        { }
        std::int64_t number = 0;
        char text[kText] = {};
        std::uint8_t textLength = 0;
        bool present = false;
        bool isText = false;
    };

    struct Event
    {
        std::int64_t t = 0;
        std::int64_t durationNs = 0;
        Id job;
        int worker = 0;
        Kind kind = Kind::Submit;
        char error[kText] = {};
        std::uint8_t errorLength = 0;
    };

    static void copyText(char *to, std::uint8_t &length, std::string_view s)
    {
        length = static_cast<std::uint8_t>(std::min(s.size(), kText - 1));
        if (length > 0) // an empty view may have no data at all
            std::memcpy(to, s.data(), length);
    }

    void put(Kind kind, const Id &job, int worker = 0, std::int64_t durationNs = 0,
             std::string_view error = {})
    {
        Event e;
        e.kind = kind;
        e.job = job;
        e.worker = worker;
        e.durationNs = durationNs;
        copyText(e.error, e.errorLength, error);
        bool wasEmpty = false;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return;
            if (m_held.size() >= m_capacity) {
                m_dropped.fetch_add(1, std::memory_order_relaxed);
                return;
            }
            // Stamped under the lock, so the lines are in time order whatever the threads do.
            e.t = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - m_epoch)
                      .count();
            wasEmpty = m_held.empty();
            m_held.push_back(e);
        }
        if (wasEmpty)
            m_wake.notify_one();
    }

    void write(const std::string &header)
    {
        // A viewer that goes away must not take the program with it: SIGPIPE is blocked on this
        // thread, so a write to a closed pipe or socket fails (EPIPE) instead of killing.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        writeAll(header);
        std::string out;
        std::vector<Event> batch;
        std::int64_t reported = 0;
        bool stopping = false;
        while (!stopping) {
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_held.empty(); });
                stopping = m_stopping;
                batch.swap(m_held);
            }
            for (const Event &e : batch) {
                const std::int64_t dropped = m_dropped.load(std::memory_order_relaxed);
                appendEvent(out, e, dropped != reported, dropped);
                reported = dropped;
            }
            batch.clear();
            if (stopping) {
                out += R"({"ev": "end", "dropped": )" + std::to_string(dropped()) + "}\n";
            }
            writeAll(out);
            out.clear();
        }
    }

    void writeAll(const std::string &bytes)
    {
        std::size_t done = 0;
        while (done < bytes.size() && !m_failed) {
            const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n > 0)
                done += static_cast<std::size_t>(n);
            else if (n < 0 && errno != EINTR)
                m_failed = true; // the viewer went away: the pool goes on
        }
    }

    static void appendEvent(std::string &out, const Event &e, bool withDropped,
                            std::int64_t dropped)
    {
        static constexpr const char *kNames[]
            = {"submit", "start", "finish", "fail", "cancel", "worker_start", "worker_stop"};
        out += R"({"t": )";
        out += std::to_string(e.t);
        out += R"(, "ev": ")";
        out += kNames[static_cast<int>(e.kind)];
        out += '"';
        if (e.job.present) {
            out += R"(, "job": )";
            if (e.job.isText)
                appendString(out, std::string_view(e.job.text, e.job.textLength));
            else
                out += std::to_string(e.job.number);
        }
        if (e.worker > 0)
            out += R"(, "worker": )" + std::to_string(e.worker);
        if (e.durationNs > 0)
            out += R"(, "duration": )" + std::to_string(e.durationNs);
        if (e.kind == Kind::Fail) {
            out += R"(, "error": )";
            appendString(out, std::string_view(e.error, e.errorLength));
        }
        if (withDropped)
            out += R"(, "dropped": )" + std::to_string(dropped);
        out += "}\n";
    }

    static void appendString(std::string &out, std::string_view s)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        out += '"';
        for (const char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (u < 0x20) {
                out += "\\u00";
                out += kHex[u >> 4];
                out += kHex[u & 15];
            } else {
                out += c; // UTF-8 as it is
            }
        }
        out += '"';
    }

    static int open(const std::string &address)
    {
        if (address == "-")
            return 1;
        if (address == "stderr")
            return 2;
        int fd = -1;
        if (address.rfind("unix:", 0) == 0) {
            sockaddr_un where {};
            where.sun_family = AF_UNIX;
            const std::string path = address.substr(5);
            if (path.size() >= sizeof where.sun_path)
                throw std::runtime_error("poolfeed: socket path too long: " + path);
            std::memcpy(where.sun_path, path.c_str(), path.size() + 1);
            fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&where), sizeof where) != 0) {
                ::close(fd);
                fd = -1;
            }
        } else if (address.rfind("tcp:", 0) == 0) {
            const std::string rest = address.substr(4);
            const auto colon = rest.rfind(':');
            if (colon == std::string::npos)
                throw std::runtime_error("poolfeed: not tcp:HOST:PORT: " + address);
            addrinfo hints {};
            hints.ai_socktype = SOCK_STREAM;
            addrinfo *found = nullptr;
            const int looked = ::getaddrinfo(rest.substr(0, colon).c_str(),
                                             rest.substr(colon + 1).c_str(), &hints, &found);
            if (looked != 0)
                throw std::runtime_error("poolfeed: cannot find " + address + ": "
                                         + ::gai_strerror(looked));
            {
                for (addrinfo *a = found; a && fd < 0; a = a->ai_next) {
                    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
                    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                        ::close(fd);
                        fd = -1;
                    }
                }
                ::freeaddrinfo(found);
            }
        } else {
            fd = ::open(address.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        }
        if (fd < 0)
            throw std::runtime_error("poolfeed: cannot open " + address + ": "
                                     + std::strerror(errno));
        return fd;
    }

    int m_fd;
    bool m_ownsFd;
    std::size_t m_capacity;
    std::chrono::steady_clock::time_point m_epoch;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Event> m_held; // guarded by m_mutex
    bool m_stopping = false; // guarded by m_mutex
    std::atomic<std::int64_t> m_dropped {0};
    bool m_failed = false; // the writer's own
    std::thread m_writer;
};

} // namespace poolfeed
