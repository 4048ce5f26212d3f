#pragma once

#include "engine/poolconfig.h"
#include "engine/sizing.h"
#include "engine/sweepspec.h"
#include "ui/sweepseries.h"

#include <QTemporaryDir>
#include <QWidget>
#include <array>
#include <optional>

class QBoxLayout;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace engine {
class SweepRunner;
}

namespace gui {

class SweepChart;

// Sweeps and sizing, beside the main window: one knob of the current configuration run across
// a range, a run per point, one after another at the configuration's speed, with progress and
// cancel; throughput, utilization, wait and latency plotted against the knob with the theory's
// curves under the measured points, latency against utilization (the hockey stick), the current
// configuration marked. Each point's run is kept: double-clicking its row opens it. Sizing asks
// the theory for the fewest workers that meet a target and can check it with two runs.
class SweepWindow : public QWidget
{
    Q_OBJECT

public:
    explicit SweepWindow(QWidget *parent = nullptr);
    ~SweepWindow() override;

    // The configuration a sweep starts from (the control panel's); its knob value is "current".
    void setBaseConfig(const engine::PoolConfig &config);
    const engine::PoolConfig &baseConfig() const { return m_base; }

    // Starts a sweep of the text in the range box (as --sweep takes it, without the knob: "1..8",
    // "50,100,200") over the knob chosen; false, with the problem shown, when it is no sweep.
    bool startSweep();
    // Starts the sweep `spec` (from the command line), showing it in the boxes.
    bool startSweepOf(const engine::SweepSpec &spec);
    void cancelSweep();
    bool isSweeping() const;
    // The fewest workers for the target in the boxes, by the theory; shown, and remembered for
    // verifyAnswer(). False, with the problem shown, when the target is not one.
    bool findWorkers();
    // The same for a target (from the command line), then its check with two runs.
    bool sizeFor(const engine::SizingTarget &target);
    // Runs the answer and one worker fewer, the target drawn on its chart.
    bool verifyAnswer();

    // For tests and scripting: the controls by what they set.
    void setKnob(engine::KnobId knob);
    void setRangeText(const QString &text);
    void setStepText(const QString &text);
    void setTargetText(const QString &text); // "p95_wait_ms<=50"
    QString statusText() const;
    QString answerText() const;
    const SweepChart *chart(SweepMetric metric) const;
    int rowCount() const;
    QString cellText(int row, int column) const;
    const engine::SweepRunner &runner() const { return *m_runner; }

Q_SIGNALS:
    // A point's run file to open in the main window.
    void openRunRequested(const QString &path);
    void sweepFinished();

private:
    void buildControls();
    void buildSizing(QBoxLayout *layout);
    QWidget *buildResults(); // the charts and the table
    void knobChosen();
    void pointStarted(int index);
    void pointFinished(int index);
    void finished();
    void refreshCharts();
    void setRunning(bool running);
    bool runSpec(const engine::SweepSpec &spec);
    void addRow(int index);
    void showProblem(const QString &problem);

    engine::PoolConfig m_base;
    engine::SweepRunner *m_runner;
    bool m_swept = false; // a sweep has started: the charts show the runner's
    std::optional<engine::SizingTarget> m_target; // drawn on its chart while its runs show
    std::optional<engine::SizingAnswer> m_answer;
    QTemporaryDir m_runFiles;
    QComboBox *m_knob = nullptr;
    QLineEdit *m_range = nullptr;
    QLineEdit *m_step = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QComboBox *m_metric = nullptr;
    QLineEdit *m_limit = nullptr;
    QPushButton *m_find = nullptr;
    QPushButton *m_verify = nullptr;
    QLabel *m_answerLabel = nullptr;
    std::array<SweepChart *, kSweepMetricCount> m_charts {};
    QTableWidget *m_table = nullptr;
};

} // namespace gui
