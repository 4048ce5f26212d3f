#pragma once

#include "engine/knob.h"
#include "engine/poolconfig.h"

#include <QWidget>
#include <array>
#include <vector>

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

// Every knob of a run (a row per engine::knobs() entry), the presets and the run buttons.
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
    // While a replay is open no live run starts: Start is disabled, its tooltip says why.
    void setStartAllowed(bool allowed, const QString &why = {});
    // While the window follows another program's feed, the knobs cannot act on its pool: they
    // are disabled, with `why` under them and in their tooltips; Start, Pause and Cancel too (Stop
    // ends the following). An empty `why` gives the knobs back.
    void setObserving(const QString &why);
    bool isObserving() const { return !m_observing.isEmpty(); }
    // While the runs go through a broker to worker processes elsewhere (the Redis engine), the
    // knobs those processes decide (workers, the results queue) are disabled, with `why` under
    // the knobs; a run cannot pause, and every knob applies to the next run.
    // An empty `why` gives them back.
    void setRemote(const QString &why);
    bool isRemote() const { return !m_remote.isEmpty(); }
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
    // The controls of one knob; which are set depends on its type.
    struct KnobControls
    {
        QWidget *label = nullptr; // the row's label (the checkbox itself for a switch)
        QWidget *field = nullptr; // the row's field: slider, box and any extra
        QSpinBox *intSpin = nullptr;
        QDoubleSpinBox *realSpin = nullptr;
        QSlider *slider = nullptr;
        QCheckBox *autoCheck = nullptr; // an integer knob's special value (automatic capacity)
        QComboBox *combo = nullptr;
        QCheckBox *check = nullptr;
        QLineEdit *edit = nullptr; // the seed
    };

    QWidget *buildGroup(engine::KnobGroup group);
    void addKnobRow(QFormLayout *layout, const engine::Knob &knob);
    QWidget *buildButtons();
    void alignColumns();

    const KnobControls &controls(engine::KnobId id) const
    {
        return m_knobs[static_cast<std::size_t>(id)];
    }
    void readKnob(const engine::Knob &knob, engine::PoolConfig &config) const;
    void writeKnob(const engine::Knob &knob, const engine::PoolConfig &config);
    void knobEdited(engine::KnobId id);
    void updateDependentControls();
    void updatePresetChoice();
    void updateNextRunNote();

    bool m_applying = false; // setConfig (or a dependent update) is writing the controls
    bool m_running = false;
    bool m_startAllowed = true;
    QString m_observing; // why the knobs cannot act, while following a feed
    QString m_remote; // why some knobs cannot act, while runs go to remote workers
    std::vector<QWidget *> m_groups; // the knob groups, disabled together while observing
    QString m_startTip;
    QString m_stopTip;
    bool m_paused = false;
    engine::PoolConfig m_runConfig; // config() when the current run started

    QComboBox *m_presetCombo = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_resetButton = nullptr;

    std::array<KnobControls, engine::kKnobCount> m_knobs {}; // by KnobId
    QLabel *m_nextRunNote = nullptr;
};

} // namespace gui
