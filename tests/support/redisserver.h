#pragma once

// A redis-server of a test's own: on a free loopback port, in a temporary folder (its append-only
// file there, so a restart keeps the streams), stopped when the object goes. start() fails with
// the reason when redis-server is missing or does not answer: a test that needs it fails, never
// skips.
#include "engine/redisclient.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

// A loopback port free a moment ago: bound to port 0, read, let go (0 when none).
inline int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in where {};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof where;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&where), sizeof where) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&where), &size) == 0)
        port = ntohs(where.sin_port);
    ::close(fd);
    return port;
}

class RedisServer
{
public:
    ~RedisServer() { stop(); }

    bool start(QString *error)
    {
        m_binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (m_binary.isEmpty()) {
            *error = QStringLiteral("redis-server is not installed (scripts/test.sh installs it)");
            return false;
        }
        if (!m_dir.isValid()) {
            *error = QStringLiteral("no temporary folder for redis-server");
            return false;
        }
        for (int attempt = 0; attempt < 5; ++attempt) {
            m_port = freeLoopbackPort();
            if (m_port > 0 && launch(error))
                return true;
        }
        return false;
    }

    // Stops the server (SIGTERM: it writes nothing more) and starts it again on the same port
    // with the same folder; its streams come back from the append-only file.
    bool restart(QString *error, int downMs = 0)
    {
        stop();
        QThread::msleep(static_cast<unsigned long>(downMs));
        return launch(error);
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    int port() const { return m_port; }
    QString url(const QString &name) const
    {
        return QStringLiteral("redis://127.0.0.1:%1/%2").arg(m_port).arg(name);
    }

private:
    bool launch(QString *error)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(m_binary,
                        {QStringLiteral("--port"), QString::number(m_port),
                         QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"), QString(),
                         QStringLiteral("--appendonly"), QStringLiteral("yes"),
                         QStringLiteral("--appendfsync"), QStringLiteral("always")});
        if (!m_process.waitForStarted(5000)) {
            *error = QStringLiteral("redis-server did not start: ") + m_process.errorString();
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        engine::redis::Target target {QStringLiteral("127.0.0.1"), m_port, {}, {}, {}};
        while (timer.elapsed() < 10000 && m_process.state() == QProcess::Running) {
            engine::redis::Connection c;
            std::string why;
            if (c.connect(target, std::chrono::milliseconds(500), &why)) {
                // Answers PONG once it has loaded its data (LOADING until then).
                const auto pong = c.command({"PING"}, &why);
                if (pong && pong->text == "PONG")
                    return true;
            }
            QThread::msleep(20);
        }
        *error = QStringLiteral("redis-server on port %1 did not answer: %2")
                     .arg(m_port)
                     .arg(QString::fromLocal8Bit(m_process.readAll()));
        stop();
        return false;
    }

    QString m_binary;
    QTemporaryDir m_dir;
    QProcess m_process;
    int m_port = 0;
};
