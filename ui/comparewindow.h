#pragma once

#include "engine/runcomparison.h"
#include "engine/runrecording.h"
#include "engine/runstats.h"

#include <QWidget>
#include <array>

class QTableWidget;

namespace gui {

class OverlayChart;
class RunModel;
class TimeWindow;
class TimelineView;

// Two runs side by side: their timelines stacked on one time axis (zooming or panning one moves
// both), the queue depths and the latency distributions drawn over each other, and a table of
// every summary figure with B − A and whether the difference is outside the noise.
class CompareWindow : public QWidget
{
    Q_OBJECT

public:
    // Names as the person knows the runs: a file's name, "this run", "the previous run".
    CompareWindow(const engine::RunRecording &a, const QString &nameA,
                  const engine::RunRecording &b, const QString &nameB, QWidget *parent = nullptr);
    ~CompareWindow() override;

    const engine::RunComparison &comparison() const { return m_comparison; }
    const RunModel &model(int run) const { return *m_models.at(run); }
    TimeWindow *timeWindow() const { return m_window; }
    QString cellText(int row, int column) const;
    int rowCount() const;

private:
    QWidget *buildHeader(const QString &nameA, const QString &nameB);
    QTableWidget *buildTable();

    std::array<engine::RunStats, 2> m_stats;
    std::array<engine::PoolConfig, 2> m_configs;
    std::array<RunModel *, 2> m_models {};
    std::array<TimelineView *, 2> m_timelines {};
    TimeWindow *m_window;
    engine::RunComparison m_comparison;
    QTableWidget *m_table = nullptr;
};

} // namespace gui
