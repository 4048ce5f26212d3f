#include "app/commandline.h"
#include "app/headlessrunner.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QTextStream>
#include <atomic>
#include <csignal>
#include <cstdio>

namespace {

std::atomic<int> s_interrupt {0};

extern "C" void onInterrupt(int signal)
{
    s_interrupt.store(signal);
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
    const app::CommandLine cli = app::parseCommandLine(arguments(argc, argv));
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (cli.outcome) {
    case app::CommandLine::Outcome::Error:
        err << "poolscope: " << cli.error << '\n';
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
    if (!cli.openPath.isEmpty())
        window.openFile(cli.openPath);
    else if (cli.autostart || !cli.screenshotPath.isEmpty())
        window.startRun();
    return QApplication::exec();
}
