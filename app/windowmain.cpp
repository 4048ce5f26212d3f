#include "app/windowmain.h"

#include "engine/boundedqueue.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>

extern "C" Q_DECL_EXPORT void poolscopeRefusalDialog(int *argc, char **argv, const QString *error)
{
    QApplication application(*argc, argv);
    QMessageBox::critical(nullptr, QStringLiteral("Poolscope"),
                          QStringLiteral("Poolscope cannot start: %1").arg(*error));
}

extern "C" Q_DECL_EXPORT int poolscopeWindowMain(int *argc, char **argv, const app::CommandLine *c)
{
    // The module's own copy of the queues' fences registers before the window starts threads.
    engine::fences::asymmetric();
    const app::CommandLine &cli = *c;
    QApplication application(*argc, argv);
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
