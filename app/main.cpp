#include "app/commandline.h"
#include "app/headlessrunner.h"
#include "app/windowmain.h"
#include "engine/boundedqueue.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibrary>
#include <QTextStream>
#include <atomic>
#include <csignal>
#include <cstdio>
#ifdef __linux__
#include <unistd.h>
#endif

namespace {

std::atomic<int> s_interrupt {0};

extern "C" void onInterrupt(int signal)
{
    s_interrupt.store(signal);
}

// A desktop launcher has no terminal to print a refusal to: there, it is shown in a dialog too.
bool noTerminalButADisplay()
{
#ifdef __linux__
    if (isatty(STDERR_FILENO))
        return false;
#endif
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (platform.startsWith("offscreen") || platform.startsWith("minimal"))
        return false;
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

// The window module's entry point `name`, or nullptr (said on err) when the module cannot be
// loaded: it lies beside the executable (a build) or in the installed library directory.
QFunctionPointer windowEntry(const char *name, QTextStream &err)
{
    QString self = QFile::symLinkTarget(QStringLiteral("/proc/self/exe"));
    const QDir dir = QFileInfo(self).absoluteDir();
    const QString module = QString::fromLatin1(kPoolscopeWindowModule);
    QString error;
    for (const QString &path :
         {dir.filePath(module),
          QString(QStringLiteral(POOLSCOPE_WINDOW_INSTALL_DIR "/") + module)}) {
        if (!QFileInfo::exists(path))
            continue;
        QLibrary library(path);
        if (QFunctionPointer entry = library.resolve(name))
            return entry; // the library stays loaded for the process's life
        error = library.errorString();
    }
    err << "poolscope: cannot open the window: "
        << (error.isEmpty() ? module + QStringLiteral(" is not beside ") + self : error)
        << " (a run without a window: --headless)\n";
    err.flush();
    return nullptr;
}

QStringList arguments(int argc, char **argv)
{
    QStringList list;
    for (int i = 1; i < argc; ++i)
        list << QString::fromLocal8Bit(argv[i]);
    return list;
}

} // namespace

int main(int argc, char **argv)
{
    // The queues' fences register with membarrier(2) while the process has one thread: the
    // kernel then has nothing to synchronize. Registered later, by the first pool thread that
    // sleeps, it waits out an RCU grace period (3-10 ms here, during which that thread holds up
    // the run).
    engine::fences::asymmetric();
    const app::CommandLine cli = app::parseCommandLine(arguments(argc, argv));
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (cli.outcome) {
    case app::CommandLine::Outcome::Error:
        err << "poolscope: " << cli.error << '\n';
        err.flush();
        if (!arguments(argc, argv).contains(QStringLiteral("--headless"))
            && noTerminalButADisplay()) {
            if (auto *dialog = reinterpret_cast<PoolscopeRefusalDialog>(
                    windowEntry(kPoolscopeRefusalDialog, err)))
                dialog(&argc, argv, &cli.error);
        }
        return 2;
    case app::CommandLine::Outcome::Help:
        out << cli.helpText;
        return 0;
    case app::CommandLine::Outcome::Version:
        out << "poolscope " << POOLSCOPE_VERSION << '\n';
        return 0;
    case app::CommandLine::Outcome::Run:
        break;
    }

    if (cli.headless) {
        QCoreApplication application(argc, argv);
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
        return app::runHeadless(cli, out, err, &s_interrupt);
    }

    auto *windowMain
        = reinterpret_cast<PoolscopeWindowMain>(windowEntry(kPoolscopeWindowMain, err));
    if (!windowMain)
        return 1;
    return windowMain(&argc, argv, &cli);
}
