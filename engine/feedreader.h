#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

namespace engine {

// Reads a feed's lines from standard input ("-"), a pipe or a file. A stream ends at its end; a
// regular file is followed as it grows (like tail -f): reaching its current end is only a pause,
// and the feed's own end line, or the person, ends it. POSIX: waits with poll(), so a reader can
// be asked to stop within its timeout.
class FeedReader
{
public:
    enum class Status { Lines, Idle, Ended };
    static constexpr qsizetype kMaxLine = 1 << 20; // a longer run without an end of line is cut

    FeedReader() = default;
    FeedReader(const FeedReader &) = delete;
    FeedReader &operator=(const FeedReader &) = delete;
    ~FeedReader();

    // False, with *error naming the path and the reason, when it cannot be opened.
    bool open(const QString &path, QString *error);
    // Waits up to timeoutMs for bytes and appends the whole lines that came (without their
    // ends of line; a last line without one when the stream ends) to `lines`.
    Status read(std::vector<QByteArray> &lines, int timeoutMs);
    // A regular file, followed as it grows; false for a stream.
    bool growing() const { return m_regular; }
    std::int64_t bytesRead() const { return m_bytes; }

private:
    int m_fd = -1;
    bool m_ownsFd = false;
    bool m_regular = false;
    bool m_ended = false;
    std::int64_t m_bytes = 0;
    QByteArray m_partial; // the start of a line whose end has not come yet
};

} // namespace engine
