#include "mainwindow.h"

#include "referencelog.h"
#include "workerpool.h"

#include <QPlainTextEdit>
#include <QToolBar>

namespace gui {

MainWindow::MainWindow(const engine::PoolConfig &config, QWidget *parent)
    : QMainWindow(parent)
    , m_config(config)
    , m_pool(new engine::WorkerPool(this))
    , m_log(new QPlainTextEdit(this))
{
    setWindowTitle(QStringLiteral("Poolscope"));
    m_log->setReadOnly(true);
    setCentralWidget(m_log);
    auto *toolbar = addToolBar(QStringLiteral("Run"));
    toolbar->addAction(QStringLiteral("Start"), this, &MainWindow::startRun);
    connect(m_pool, &engine::WorkerPool::eventsAvailable, this, &MainWindow::drainEvents,
            Qt::QueuedConnection);
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::startRun()
{
    m_pool->start(m_config);
}

void MainWindow::drainEvents()
{
    for (const auto &event : m_pool->takeEvents()) {
        const QString line = engine::referenceLine(event);
        if (!line.isEmpty())
            m_log->appendPlainText(line);
    }
}

} // namespace gui
