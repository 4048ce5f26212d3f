#pragma once

#include "poolconfig.h"

#include <QWidget>
#include <array>
#include <cstdint>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

class QFormLayout;

namespace gui {

// Every knob of a run (one control per PoolConfig field), the presets and the run buttons.
// Reports what the user does through signals; never starts or changes a run itself.
class ControlPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ControlPanel(QWidget *parent = nullptr);

    engine::PoolConfig config() const; // what the controls say now
    // Sets every control; emits nothing. Round-trips: setConfig(c); config() == c for any valid
    // c whose doubles have at most 3 decimals (2 for speed and fail rate) and whose jobs >= 1.
    void setConfig(const engine::PoolConfig &config);

    // Run state: enables Start/Pause/Stop/Cancel/Reset sensibly, shows "Resume" on the pause
    // button when paused, and while running marks knobs that only apply to the next run.
    void setRunState(bool running, bool paused);
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    // Names of the knobs changed since the run started that only apply to the next run (the
    // live knobs, workers, interval and speed, never appear). Empty while idle.
    QStringList nextRunChanges() const;

    static QStringList presetNames();
    static engine::PoolConfig preset(const QString &name); // unknown name -> reference config
    // setConfig(preset(name)), then emits the live signals whose values changed and configEdited.
    void applyPreset(const QString &name);

Q_SIGNALS:
    void configEdited(const engine::PoolConfig &config); // the user changed any knob (or preset)
    void workersChanged(int workers); // live knobs: emitted when the user changes them
    void speedChanged(double speed);
    void intervalChanged(double intervalMs);
    void startRequested();
    void pauseToggled();
    void stopRequested();
    void cancelRequested();
    void resetRequested();

private:
    enum class Knob : std::uint8_t {
        Workers,
        QueueCapacity,
        ResultsCapacity,
        Jobs,
        Continuous,
        Duration,
        Interval,
        Arrival,
        BurstSize,
        Distribution,
        MinMs,
        MaxMs,
        MeanMs,
        FailRate,
        Workload,
        Speed,
        Seed,
    };
    static constexpr int kKnobCount = static_cast<int>(Knob::Seed) + 1;

    static bool isLive(Knob knob);
    static QString knobName(Knob knob);
    static bool knobDiffers(Knob knob, const engine::PoolConfig &a, const engine::PoolConfig &b);

    void addKnobRow(QFormLayout *layout, Knob knob, const QString &label, QWidget *field,
                    QWidget *buddy, const QString &toolTip);
    QWidget *buildPoolGroup();
    QWidget *buildProducerGroup();
    QWidget *buildJobsGroup();
    QWidget *buildPlaybackGroup();
    QWidget *buildButtons();
    void alignColumns();

    void knobEdited(Knob knob);
    void setKnobEnabled(Knob knob, bool enabled);
    void updateDependentControls();
    void updatePresetChoice();
    void updateNextRunNote();

    bool m_applying = false; // setConfig (or a dependent update) is writing the controls
    bool m_running = false;
    bool m_paused = false;
    engine::PoolConfig m_runConfig; // config() when the current run started

    QComboBox *m_presetCombo = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_resetButton = nullptr;

    QSpinBox *m_workersSpin = nullptr;
    QSpinBox *m_queueSpin = nullptr;
    QSlider *m_queueSlider = nullptr;
    QCheckBox *m_queueAutoCheck = nullptr;
    QSpinBox *m_resultsSpin = nullptr;
    QSlider *m_resultsSlider = nullptr;
    QCheckBox *m_resultsAutoCheck = nullptr;
    QSpinBox *m_jobsSpin = nullptr;
    QCheckBox *m_continuousCheck = nullptr;
    QDoubleSpinBox *m_durationSpin = nullptr;
    QDoubleSpinBox *m_intervalSpin = nullptr;
    QComboBox *m_arrivalCombo = nullptr;
    QSpinBox *m_burstSpin = nullptr;
    QComboBox *m_distributionCombo = nullptr;
    QDoubleSpinBox *m_minSpin = nullptr;
    QDoubleSpinBox *m_maxSpin = nullptr;
    QDoubleSpinBox *m_meanSpin = nullptr;
    QDoubleSpinBox *m_failRateSpin = nullptr;
    QComboBox *m_workloadCombo = nullptr;
    QDoubleSpinBox *m_speedSpin = nullptr;
    QLineEdit *m_seedEdit = nullptr;

    std::array<QWidget *, kKnobCount> m_fields {}; // the field of each form row
    std::array<QWidget *, kKnobCount> m_labels {}; // its label (the checkbox for Continuous)
    QLabel *m_nextRunNote = nullptr;
};

} // namespace gui
