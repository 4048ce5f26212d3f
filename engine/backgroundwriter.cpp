#include "engine/backgroundwriter.h"

#include <QFile>

namespace engine {

BackgroundWriter::BackgroundWriter(const QString &path)
{
    // The file is opened on the writer's thread (a QFile belongs to the thread that uses it);
    // whether it opened is known before the constructor returns.
    std::unique_lock lock(m_mutex);
    m_thread = std::thread([this, path] { run(path); });
    m_done.wait(lock, [this] { return m_opened || m_failed; });
}

BackgroundWriter::~BackgroundWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_pending.clear();
        m_pendingBytes = 0;
    }
    m_work.notify_one();
    m_thread.join();
}

bool BackgroundWriter::append(QByteArray block)
{
    if (block.isEmpty())
        return !failed();
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_failed || m_pendingBytes < kMaxPendingBytes; });
    if (m_failed)
        return false;
    m_pendingBytes += block.size();
    m_pending.push_back(std::move(block));
    lock.unlock();
    m_work.notify_one();
    return true;
}

bool BackgroundWriter::drain()
{
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_failed || (m_pending.empty() && !m_writing); });
    return !m_failed;
}

bool BackgroundWriter::failed() const
{
    std::lock_guard lock(m_mutex);
    return m_failed;
}

QString BackgroundWriter::errorString() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

std::int64_t BackgroundWriter::written() const
{
    std::lock_guard lock(m_mutex);
    return m_written;
}

void BackgroundWriter::run(const QString &path)
{
    QFile file(path);
    const bool opened = file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered);
    std::unique_lock lock(m_mutex);
    m_opened = opened;
    if (!opened) {
        m_failed = true;
        m_error = file.errorString();
    }
    m_done.notify_all();
    for (;;) {
        m_work.wait(lock, [this] { return m_stop || !m_pending.empty(); });
        if (m_stop)
            return;
        QByteArray block = std::move(m_pending.front());
        m_pending.pop_front();
        m_writing = true;
        const bool failedBefore = m_failed; // then what follows is dropped, not written
        lock.unlock();
        const bool ok = !failedBefore && file.write(block) == block.size();
        const QString error = ok ? QString() : file.errorString();
        lock.lock();
        m_writing = false;
        m_pendingBytes -= block.size();
        if (ok) {
            m_written += block.size();
        } else if (!m_failed) {
            m_failed = true;
            m_error = error;
        }
        m_done.notify_all();
    }
}

} // namespace engine
