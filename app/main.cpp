#include "app/commandline.h"
#include "app/headlessrunner.h"
#include "engine/boundedqueue.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QMessageBox>
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
            QApplication application(argc, argv);
            QMessageBox::critical(nullptr, QStringLiteral("Poolscope"),
                                  QStringLiteral("Poolscope cannot start: %1").arg(cli.error));
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

    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Poolscope"));
    QApplication::setOrganizationName(QStringLiteral("Poolscope"));
    QApplication::setApplicationVersion(QStringLiteral(POOLSCOPE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/poolscope/poolscope.png")));
    QApplication::setDesktopFileName(QStringLiteral("poolscope"));
    gui::MainWindow::Options options;
    options.useGivenConfig = cli.configGiven;
    options.screenshotPath = cli.screenshotPath;
    options.runForMs = cli.runForMs;
    gui::MainWindow window(cli.config, options);
    window.show();
    window.raise();
    window.activateWindow(); // keyboard focus even without a window manager
    if (cli.engineTarget)
        window.useRedisEngine(*cli.engineTarget);
    if (cli.watchTarget)
        window.watchRedis(*cli.watchTarget);
    else if (!cli.followPath.isEmpty())
        window.followFeed(cli.followPath, cli.feedFormat);
    else if (!cli.listenAddress.isEmpty())
        window.listenForFeeds(cli.listenAddress, cli.feedFormat);
    else if (!cli.comparePaths.isEmpty())
        window.compareFiles(cli.comparePaths.at(0), cli.comparePaths.at(1));
    else if (!cli.openPath.isEmpty())
        window.openFile(cli.openPath);
    else if (cli.sweep)
        window.startSweep(*cli.sweep);
    else if (cli.sizeFor)
        window.startSizing(*cli.sizeFor);
    else if (cli.autostart || !cli.screenshotPath.isEmpty())
        window.startRun();
    return QApplication::exec();
}
