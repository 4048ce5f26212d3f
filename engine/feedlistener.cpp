#include "engine/feedlistener.h"

#include "engine/echo.h"
#include "engine/feedreader.h"

#include <QFile>
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace engine {

namespace {

constexpr int kMaxWorkerId = 65535;

QString lastError()
{
    return qt_error_string(errno);
}

} // namespace

struct FeedListener::Sender
{
    explicit Sender(int socket, FeedDecoder::Format format, int order)
        : fd(socket)
        , decoder(format)
        , number(order)
    { }
    int fd;
    FeedDecoder decoder;
    int number; // 1, 2, … in the order they came
    bool open = true;
    LineSplitter lines;
    std::unordered_map<std::int64_t, std::int64_t> jobs; // its job number → the run's
    std::unordered_map<int, int> workers; // its worker number → the run's
    int laneGroup = -1; // its index in laneGroups, once it has a worker
    std::vector<std::pair<int, int>> lanes; // (its worker number, the run's), in its order
    std::int64_t depth = 0; // its queue's depth, as its last event left it

    QString name() const
    {
        const QString own = decoder.sourceName();
        return own.isEmpty() ? QStringLiteral("sender %1").arg(number) : own;
    }
};

FeedListener::FeedListener(FeedDecoder::Format format)
    : m_format(format)
{ }

FeedListener::~FeedListener()
{
    for (const auto &sender : m_senders) {
        if (sender->open)
            ::close(sender->fd);
    }
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    if (!m_unixPath.isEmpty())
        ::unlink(QFile::encodeName(m_unixPath).constData());
}

bool FeedListener::listen(const QString &address, QString *error)
{
    if (!bind(address, error))
        return false;
    PoolEvent started; // the run starts when the listener does; senders join it
    started.kind = EventKind::RunStarted;
    m_events.push_back(started);
    return true;
}

bool FeedListener::bind(const QString &address, QString *error)
{
    const auto fail = [&](const QString &why) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(echoed(address), why);
        if (m_listenFd >= 0)
            ::close(m_listenFd);
        m_listenFd = -1;
        return false;
    };
    if (address.startsWith(QLatin1String("unix:"))) {
        const QByteArray path = QFile::encodeName(address.mid(5));
        sockaddr_un where {};
        where.sun_family = AF_UNIX;
        if (path.isEmpty() || path.size() >= static_cast<qsizetype>(sizeof where.sun_path))
            return fail(
                QStringLiteral("a socket path is 1 to %1 bytes").arg(sizeof where.sun_path - 1));
        std::memcpy(where.sun_path, path.constData(), static_cast<std::size_t>(path.size()));
        m_listenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (m_listenFd < 0
            || ::bind(m_listenFd, reinterpret_cast<const sockaddr *>(&where), sizeof where) != 0
            || ::listen(m_listenFd, 16) != 0)
            return fail(lastError());
        m_unixPath = address.mid(5);
        m_address = address;
        return true;
    }
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon >= 0 ? address.mid(colon + 1).toInt(&portOk) : -1;
    if (!portOk || port < 0 || port > 65535)
        return fail(QStringLiteral("give HOST:PORT (port 0 to 65535; 0 picks a free one) or "
                                   "unix:PATH"));
    QByteArray host = address.left(colon).toUtf8();
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    addrinfo hints {};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo *found = nullptr;
    if (const int looked = ::getaddrinfo(host.isEmpty() ? nullptr : host.constData(),
                                         QByteArray::number(port).constData(), &hints, &found);
        looked != 0)
        return fail(QString::fromLocal8Bit(::gai_strerror(looked)));
    QString why;
    for (addrinfo *a = found; a && m_listenFd < 0; a = a->ai_next) {
        m_listenFd
            = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        const int on = 1;
        if (m_listenFd >= 0)
            ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (m_listenFd >= 0 && ::bind(m_listenFd, a->ai_addr, a->ai_addrlen) == 0
            && ::listen(m_listenFd, 16) == 0)
            break;
        why = lastError();
        if (m_listenFd >= 0)
            ::close(m_listenFd);
        m_listenFd = -1;
    }
    ::freeaddrinfo(found);
    if (m_listenFd < 0)
        return fail(why);
    sockaddr_storage bound {};
    socklen_t length = sizeof bound;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&bound), &length);
    char name[INET6_ADDRSTRLEN] = {};
    int boundPort = port;
    if (bound.ss_family == AF_INET6) {
        const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(&bound);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, name, sizeof name);
        boundPort = ntohs(v6->sin6_port);
        m_address = QStringLiteral("[%1]:%2").arg(QString::fromLatin1(name)).arg(boundPort);
    } else {
        const auto *v4 = reinterpret_cast<const sockaddr_in *>(&bound);
        ::inet_ntop(AF_INET, &v4->sin_addr, name, sizeof name);
        boundPort = ntohs(v4->sin_port);
        m_address = QStringLiteral("%1:%2").arg(QString::fromLatin1(name)).arg(boundPort);
    }
    return true;
}

int FeedListener::sendersOpen() const
{
    return static_cast<int>(
        std::count_if(m_senders.begin(), m_senders.end(), [](const auto &s) { return s->open; }));
}

void FeedListener::poll(int timeoutMs, const std::function<std::int64_t()> &now)
{
    if (m_finished || m_listenFd < 0)
        return;
    std::vector<pollfd> fds;
    std::vector<Sender *> of; // fds[i + 1] is of[i]'s
    fds.push_back({m_listenFd, POLLIN, 0});
    for (const auto &sender : m_senders) {
        if (sender->open) {
            fds.push_back({sender->fd, POLLIN, 0});
            of.push_back(sender.get());
        }
    }
    if (::poll(fds.data(), fds.size(), timeoutMs) <= 0)
        return;
    const std::int64_t nowNs = now(); // when the lines came, not when the wait began
    if (fds[0].revents & POLLIN)
        accept();
    for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents != 0)
            readFrom(*of[i - 1], nowNs);
    }
}

void FeedListener::accept()
{
    while (true) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        if (sendersOpen() >= kMaxSenders) {
            ::close(fd);
            ++m_refused;
            continue;
        }
        // Room for a burst: a sender that writes fast fills fewer, larger reads.
        const int room = 1 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
        m_senders.push_back(std::make_unique<Sender>(fd, m_format, ++m_sendersSeen));
    }
}

void FeedListener::readFrom(Sender &sender, std::int64_t nowNs)
{
    char buffer[64 * 1024];
    // A few reads a turn, so that one fast sender cannot hold the others up.
    for (int turn = 0; turn < 4; ++turn) {
        const ssize_t got = ::read(sender.fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        if (got <= 0) {
            close(sender, nowNs);
            return;
        }
        sender.lines.split(buffer, static_cast<std::size_t>(got),
                           [&](QByteArrayView line) { sender.decoder.addLine(line, nowNs); });
        if (got < static_cast<ssize_t>(sizeof buffer))
            break;
    }
    merge(sender);
}

void FeedListener::close(Sender &sender, std::int64_t nowNs)
{
    if (!sender.open)
        return;
    sender.lines.finish([&](QByteArrayView line) { sender.decoder.addLine(line, nowNs); });
    sender.open = false;
    ::close(sender.fd);
    // A disconnect is the sender's feed ending: its open jobs end Cancelled, its workers stop.
    sender.decoder.finish(nowNs - sender.decoder.zeroArrivalNs());
    merge(sender);
}

void FeedListener::merge(Sender &sender)
{
    const std::int64_t offset = sender.decoder.zeroArrivalNs();
    std::vector<std::int64_t> done; // jobs whose results came: forgotten after their failures
    for (PoolEvent e : sender.decoder.pendingEvents()) {
        // One run, one producer: the run's start and end are the listener's.
        if (e.kind == EventKind::RunStarted || e.kind == EventKind::RunFinished
            || e.kind == EventKind::ProducerDone)
            continue;
        e.t += offset;
        if (e.job != 0) {
            auto [at, added] = sender.jobs.try_emplace(e.job, m_nextJob + 1);
            m_nextJob += added ? 1 : 0;
            e.job = at->second;
            if (e.kind == EventKind::ResultCollected) // its last event: the map keeps what is open
                done.push_back(at->first);
        }
        if (e.worker != 0) {
            auto [at, added] = sender.workers.try_emplace(e.worker, 0);
            if (added) {
                at->second = std::min(++m_nextWorker, kMaxWorkerId);
                // Under its sender's name, a lane is the worker as the sender numbers it.
                m_laneNames[at->second] = QStringLiteral("Worker %1").arg(e.worker);
                if (sender.laneGroup < 0) {
                    sender.laneGroup = static_cast<int>(m_laneGroups.size());
                    QString name = sender.name();
                    // Two copies of one program on one host: told apart by when they came.
                    if (std::any_of(m_laneGroups.begin(), m_laneGroups.end(),
                                    [&](const LaneGroup &g) { return g.name == name; }))
                        name += QStringLiteral(" (sender %1)").arg(sender.number);
                    m_laneGroups.push_back({std::move(name), {}});
                }
                // The group's lanes in the sender's order of its workers.
                const std::pair<int, int> lane {e.worker, at->second};
                sender.lanes.insert(
                    std::lower_bound(sender.lanes.begin(), sender.lanes.end(), lane), lane);
                std::vector<int> &workers
                    = m_laneGroups[static_cast<std::size_t>(sender.laneGroup)].workers;
                workers.clear();
                for (const auto &[own, run] : sender.lanes)
                    workers.push_back(run);
            }
            e.worker = static_cast<std::uint16_t>(at->second);
        }
        if (e.kind == EventKind::JobEnqueued || e.kind == EventKind::JobStarted
            || e.kind == EventKind::JobDiscarded) {
            // The run's queue is every sender's queue: its depth is theirs added up.
            const auto depth = static_cast<std::int64_t>(e.extra);
            m_depth += depth - sender.depth;
            sender.depth = depth;
            e.extra = static_cast<std::uint32_t>(
                std::clamp<std::int64_t>(m_depth, 0, std::numeric_limits<std::uint32_t>::max()));
        }
        m_lastT = std::max(m_lastT, e.t);
        m_submitted += e.kind == EventKind::JobSubmitted ? 1 : 0;
        m_events.push_back(e);
    }
    sender.decoder.clearEvents();
    for (FailureMessage failure : sender.decoder.takeFailures()) {
        if (const auto at = sender.jobs.find(failure.job); at != sender.jobs.end())
            failure.job = at->second;
        m_failures.push_back(std::move(failure));
    }
    for (const std::int64_t job : done)
        sender.jobs.erase(job);
}

void FeedListener::finish(std::int64_t nowNs)
{
    if (m_finished)
        return;
    // What the senders had sent before the end is theirs too: read what waits (a few reads
    // each, without waiting), then close.
    for (const auto &sender : m_senders) {
        if (sender->open)
            readFrom(*sender, nowNs);
        close(*sender, nowNs);
    }
    m_finished = true;
    const std::int64_t t = std::max(nowNs, m_lastT);
    PoolEvent done;
    done.t = t;
    done.kind = EventKind::ProducerDone;
    m_events.push_back(done);
    done.kind = EventKind::RunFinished;
    m_events.push_back(done);
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    m_listenFd = -1;
}

std::vector<FeedListener::SenderAccount> FeedListener::senders() const
{
    std::vector<SenderAccount> accounts;
    for (const auto &s : m_senders)
        accounts.push_back({s->name(), s->decoder.lines(), s->decoder.problemCount(),
                            s->decoder.droppedEvents(), s->open, s->decoder.queueCapacity()});
    return accounts;
}

std::vector<FeedDecoder::Problem> FeedListener::firstProblems() const
{
    std::vector<FeedDecoder::Problem> problems;
    for (const auto &s : m_senders) {
        for (const FeedDecoder::Problem &p : s->decoder.firstProblems()) {
            if (problems.size() < FeedDecoder::kKeptProblems)
                problems.push_back({p.line, s->name() + QStringLiteral(": ") + p.text});
        }
    }
    return problems;
}

} // namespace engine
