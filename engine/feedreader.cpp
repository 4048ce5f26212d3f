#include "engine/feedreader.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace engine {

FeedReader::~FeedReader()
{
    if (m_ownsFd)
        ::close(m_fd);
}

bool FeedReader::open(const QString &path, QString *error)
{
    if (path == QLatin1String("-")) {
        m_fd = STDIN_FILENO;
    } else {
        // Non-blocking: a named pipe's open would otherwise wait for a writer, holding up the
        // window that opens it. Reads poll first and take EAGAIN as nothing yet.
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (m_fd < 0) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, qt_error_string(errno));
            return false;
        }
        m_ownsFd = true;
    }
    // Standard input is a stream even when the shell gave it a file: it ends at the file's end.
    struct stat info
    {
    };
    const bool known = m_ownsFd && ::fstat(m_fd, &info) == 0;
    m_regular = known && S_ISREG(info.st_mode);
    m_fifo = known && S_ISFIFO(info.st_mode);
    return true;
}

FeedReader::Status FeedReader::read(std::vector<QByteArray> &lines, int timeoutMs)
{
    if (m_ended)
        return Status::Ended;
    if (!m_regular) {
        pollfd ready {m_fd, POLLIN, 0};
        const int n = ::poll(&ready, 1, timeoutMs);
        if (n == 0 || (n < 0 && errno == EINTR))
            return Status::Idle;
    }
    char buffer[64 * 1024];
    const ssize_t got = ::read(m_fd, buffer, sizeof buffer);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return Status::Idle;
    if (got <= 0) {
        if (m_regular && got == 0) { // the file's current end: wait for it to grow
            struct stat info
            {
            };
            if (::fstat(m_fd, &info) == 0 && info.st_size < m_offset) {
                // Cut short under the reader: what it holds now is new, from its start.
                ++m_truncations;
                m_offset = 0;
                ::lseek(m_fd, 0, SEEK_SET);
                m_lines.finish(
                    [&lines](QByteArrayView line) { lines.emplace_back(line.toByteArray()); });
                return lines.empty() ? Status::Idle : Status::Lines;
            }
            ::usleep(static_cast<useconds_t>(timeoutMs) * 1000);
            return Status::Idle;
        }
        if (m_fifo && got == 0 && m_bytes == 0) { // no writer yet (or one that wrote nothing)
            ::usleep(static_cast<useconds_t>(timeoutMs) * 1000);
            return Status::Idle;
        }
        m_ended = true; // the stream's end, or an error that ends it alike
        m_lines.finish([&lines](QByteArrayView line) { lines.emplace_back(line.toByteArray()); });
        return lines.empty() ? Status::Ended : Status::Lines;
    }
    m_bytes += got;
    m_offset += got;
    const std::size_t before = lines.size();
    m_lines.split(buffer, static_cast<std::size_t>(got),
                  [&lines](QByteArrayView line) { lines.emplace_back(line.toByteArray()); });
    return lines.size() > before ? Status::Lines : Status::Idle;
}

} // namespace engine
