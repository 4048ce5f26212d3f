#pragma once

#include <QByteArray>
#include <QString>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace engine {

// Appends blocks of bytes to a file on a thread of its own, so that the thread handing them over
// (the window's, recording a live run: ~200 MB a second in a flat-out run) does not wait on the
// disk. Only value types cross: each block is handed over whole. Blocks are written in the order
// given. Should the disk fall behind by more than kMaxPendingBytes, append() waits for it (memory
// stays bounded).
class BackgroundWriter
{
public:
    static constexpr std::int64_t kMaxPendingBytes = 256LL << 20;

    // Opens `path` for appending (creating it); on failure the writer has failed() from the start.
    explicit BackgroundWriter(const QString &path);
    // Drops what is still pending (drain() first to keep it: a file about to be thrown away is
    // not worth waiting for), finishes the block being written and joins the thread.
    ~BackgroundWriter();
    BackgroundWriter(const BackgroundWriter &) = delete;
    BackgroundWriter &operator=(const BackgroundWriter &) = delete;

    // Hands a block over; false once a write has failed (the block is dropped: the file is then
    // incomplete, and says so through failed()).
    bool append(QByteArray block);
    // Waits until every block handed over is in the file (flushed to the kernel); false if a write
    // failed.
    bool drain();
    bool failed() const;
    QString errorString() const;
    std::int64_t written() const; // bytes in the file so far

private:
    void run(const QString &path);

    mutable std::mutex m_mutex;
    std::condition_variable m_work; // a block, or the end
    std::condition_variable m_done; // a block written
    std::deque<QByteArray> m_pending;
    std::int64_t m_pendingBytes = 0;
    bool m_writing = false; // a block is being written, outside the lock
    bool m_opened = false;
    bool m_stop = false;
    bool m_failed = false;
    QString m_error;
    std::int64_t m_written = 0;
    std::thread m_thread;
};

} // namespace engine
