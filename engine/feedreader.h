#pragma once

#include <QByteArray>
#include <QString>
#include <cstring>
#include <vector>

namespace engine {

// Cuts bytes into lines as they come, whatever the boundaries of the reads: each line without its
// end ("\n" or "\r\n"), as a view while it lies whole in one read; a run longer than kMaxLine
// without an end is cut there (an ill-formed line, not memory without bound).
class LineSplitter
{
public:
    static constexpr qsizetype kMaxLine = 1 << 20;

    template<typename Take> void split(const char *bytes, std::size_t size, Take &&take)
    {
        const char *from = bytes;
        const char *end = bytes + size;
        while (const char *newline = static_cast<const char *>(
                   std::memchr(from, '\n', static_cast<std::size_t>(end - from)))) {
            if (m_partial.isEmpty()) {
                take(withoutReturn(QByteArrayView(from, newline - from)));
            } else {
                m_partial.append(from, newline - from);
                take(withoutReturn(QByteArrayView(m_partial)));
                m_partial.clear();
            }
            from = newline + 1;
        }
        m_partial.append(from, end - from);
        if (m_partial.size() > kMaxLine) {
            take(QByteArrayView(m_partial));
            m_partial.clear();
        }
    }
    // The stream has ended: a last line without its end is still a line.
    template<typename Take> void finish(Take &&take)
    {
        if (!m_partial.isEmpty())
            take(QByteArrayView(m_partial));
        m_partial.clear();
    }

private:
    static QByteArrayView withoutReturn(QByteArrayView line)
    {
        return line.endsWith('\r') ? line.chopped(1) : line;
    }

    QByteArray m_partial; // the start of a line whose end has not come yet
};

// Reads a feed's lines from standard input ("-"), a pipe or a file. A stream ends at its end; a
// regular file is followed as it grows (like tail -f): reaching its current end is only a pause,
// and the feed's own end line, or the person, ends it; a file cut shorter than what was read (a
// log rotated by copy and truncate) is read again from its start. A named pipe opens at once and
// waits for its writer; it ends when a writer has come and gone. POSIX: waits with poll(), so a
// reader can be asked to stop within its timeout.
class FeedReader
{
public:
    enum class Status { Lines, Idle, Ended };
    static constexpr qsizetype kMaxLine = LineSplitter::kMaxLine;

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
    // How many times a followed file was found cut short and read again from its start.
    int truncations() const { return m_truncations; }

private:
    int m_fd = -1;
    bool m_ownsFd = false;
    bool m_regular = false;
    bool m_fifo = false;
    bool m_ended = false;
    int m_truncations = 0;
    std::int64_t m_offset = 0; // where the next read of a followed file starts
    std::int64_t m_bytes = 0;
    LineSplitter m_lines;
};

} // namespace engine
