// poolscope-worker: the workers of a distributed pool, as a process on any host that reaches the
// pool's Redis. See engine/redisworker.h for what each worker does.
#include "engine/echo.h"
#include "engine/redisworker.h"

#include <QCoreApplication>
#include <QMutex>
#include <QTextStream>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace {

std::atomic<int> s_signal {0};

extern "C" void onSignal(int signal)
{
    s_signal.store(signal);
}

const char *const kUsage
    = "usage: poolscope-worker --redis redis://[[USER]:PASSWORD@]HOST[:PORT]/NAME [--workers N]\n"
      "                        [--name NAME] [--host HOST] [--claim-idle-ms MS]\n"
      "  --redis URL          the pool to work for (the NAME poolscope --engine was given)\n"
      "  --workers N          worker threads, each taking one job at a time (1..256; 1)\n"
      "  --name NAME          consumers are NAME/1..NAME/N (default HOST-PID)\n"
      "  --host HOST          the host its lanes are grouped under in poolscope's window and\n"
      "                       summary (default: this machine's name; a container's may be random)\n"
      "  --claim-idle-ms MS   take over a job another worker has held this long without a\n"
      "                       result (100..86400000; 30000): longer than the longest job\n"
      "Stops on SIGINT or SIGTERM once each worker has finished its job.\n";

struct Parsed
{
    engine::redis::WorkerOptions options;
    QString error; // exit 2
    bool help = false;
};

Parsed parse(const QStringList &args)
{
    Parsed p;
    bool haveUrl = false;
    const auto number
        = [&](const QString &flag, const QString &text, qint64 low, qint64 high, qint64 *out) {
              bool ok = false;
              const qint64 v = text.toLongLong(&ok);
              if (!ok || v < low || v > high) {
                  p.error = QStringLiteral("%1 '%2' is not allowed: a whole number in %3..%4")
                                .arg(flag, engine::echoed(text))
                                .arg(low)
                                .arg(high);
                  return false;
              }
              *out = v;
              return true;
          };
    for (qsizetype i = 0; i < args.size() && p.error.isEmpty(); ++i) {
        const QString &flag = args.at(i);
        if (flag == QLatin1String("--help") || flag == QLatin1String("-h")) {
            p.help = true;
            return p;
        }
        const bool known = flag == QLatin1String("--redis") || flag == QLatin1String("--workers")
            || flag == QLatin1String("--name") || flag == QLatin1String("--host")
            || flag == QLatin1String("--claim-idle-ms");
        if (!known) {
            p.error
                = QStringLiteral("unknown argument '%1' (see --help)").arg(engine::echoed(flag));
            break;
        }
        if (i + 1 >= args.size()) {
            p.error = QStringLiteral("%1 needs a value (see --help)").arg(flag);
            break;
        }
        const QString value = args.at(++i);
        qint64 v = 0;
        if (flag == QLatin1String("--redis")) {
            QString why;
            const auto target = engine::redis::parseUrl(value, &why);
            if (!target)
                p.error = QStringLiteral("--redis ") + why;
            else
                p.options.target = *target;
            haveUrl = target.has_value();
        } else if (flag == QLatin1String("--workers")) {
            if (number(flag, value, 1, 256, &v))
                p.options.workers = static_cast<int>(v);
        } else if (flag == QLatin1String("--claim-idle-ms")) {
            if (number(flag, value, 100, 86'400'000, &v))
                p.options.claimIdle = std::chrono::milliseconds(v);
        } else {
            if (value.isEmpty() || value.size() > 100 || value.contains(QLatin1Char(' ')))
                p.error = QStringLiteral("%1 '%2' is not allowed: 1..100 characters, no spaces")
                              .arg(flag, engine::echoed(value));
            (flag == QLatin1String("--name") ? p.options.name : p.options.host) = value;
        }
    }
    if (p.error.isEmpty() && !haveUrl)
        p.error = QStringLiteral("--redis URL is required (see --help)");
    return p;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication application(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const Parsed parsed = parse(QCoreApplication::arguments().mid(1));
    if (parsed.help) {
        out << kUsage;
        return 0;
    }
    if (!parsed.error.isEmpty()) {
        err << "poolscope-worker: " << parsed.error << '\n';
        return 2;
    }
    QMutex printing;
    engine::redis::WorkerProcess process(parsed.options, [&](const QString &line) {
        QMutexLocker lock(&printing);
        err << "poolscope-worker: " << line << '\n';
        err.flush();
    });
    QString why;
    if (!process.reachable(&why)) {
        err << "poolscope-worker: cannot reach " << parsed.options.target.display() << ": " << why
            << '\n';
        return 1;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::atomic<bool> done {false};
    std::thread watcher([&] {
        while (!done.load()) {
            if (s_signal.load() != 0)
                process.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    err << "poolscope-worker: " << parsed.options.workers << " workers for "
        << parsed.options.target.display() << '\n';
    err.flush();
    const std::int64_t jobs = process.run();
    done = true;
    watcher.join();
    err << "poolscope-worker: stopped after " << jobs << " jobs\n";
    return 0;
}
