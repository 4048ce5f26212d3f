#pragma once

#include "poolconfig.h"

#include <QMainWindow>

namespace engine {
class WorkerPool;
}

class QPlainTextEdit;

namespace gui {

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const engine::PoolConfig &config, QWidget *parent = nullptr);
    ~MainWindow() override;

public Q_SLOTS:
    void startRun();

private:
    void drainEvents();

    engine::PoolConfig m_config;
    engine::WorkerPool *m_pool = nullptr;
    QPlainTextEdit *m_log = nullptr;
};

} // namespace gui
