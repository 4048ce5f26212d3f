#include "controlpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>

namespace gui {

using engine::ArrivalPattern;
using engine::Distribution;
using engine::PoolConfig;
using engine::Workload;

namespace {

constexpr int kLogPositions = 1000;

// Maps slider positions [0, positions] onto [lo, hi]: linearly, or on a log scale (log1p of the
// distance from lo when lo is 0) so that small values get as much travel as large ones.
struct SliderScale
{
    double lo = 0.0;
    double hi = 1.0;
    bool logarithmic = true;
    int decimals = 0; // of the spin box
    int positions = kLogPositions;

    double valueAt(int position) const
    {
        const double t = std::clamp(static_cast<double>(position) / positions, 0.0, 1.0);
        double value = lo + t * (hi - lo);
        if (logarithmic && lo > 0)
            value = lo * std::pow(hi / lo, t);
        else if (logarithmic)
            value = lo + std::expm1(t * std::log1p(hi - lo));
        return std::clamp(rounded(value), lo, hi);
    }

    int positionOf(double value) const
    {
        const double v = std::clamp(value, lo, hi);
        double t = (v - lo) / (hi - lo);
        if (logarithmic && lo > 0)
            t = std::log(v / lo) / std::log(hi / lo);
        else if (logarithmic)
            t = std::log1p(v - lo) / std::log1p(hi - lo);
        return static_cast<int>(std::lround(t * positions));
    }

    // Log-scale values keep three significant digits (and at most the spin box's decimals), so a
    // dragged slider lands on round numbers.
    double rounded(double value) const
    {
        int digits = decimals;
        if (logarithmic && value > 0)
            digits = std::min(decimals, 3 - static_cast<int>(std::ceil(std::log10(value))));
        if (digits < 0) {
            const double step = std::pow(10.0, -digits); // exact: a power of ten above 1
            return std::round(value / step) * step;
        }
        const double scale = std::pow(10.0, digits);
        return std::round(value * scale) / scale;
    }
};

// A slider driving spinBox through scale, and following it. Neither echoes the other's change
// back, so a dragged slider never snaps to the position of its rounded value.
template<typename SpinBox>
QSlider *attachSlider(SpinBox *spinBox, const SliderScale &scale, const QString &objectName)
{
    auto *slider = new QSlider(Qt::Horizontal);
    slider->setObjectName(objectName);
    slider->setAccessibleName(spinBox->accessibleName() + QStringLiteral(" slider"));
    slider->setRange(0, scale.positions);
    slider->setPageStep(std::max(1, scale.positions / 10));
    slider->setValue(scale.positionOf(spinBox->value()));
    auto syncing = std::make_shared<bool>(false);
    QObject::connect(slider, &QSlider::valueChanged, spinBox, [=](int position) {
        if (*syncing)
            return;
        const QScopedValueRollback guard(*syncing, true);
        const double value = scale.valueAt(position);
        if constexpr (std::is_same_v<SpinBox, QSpinBox>)
            spinBox->setValue(static_cast<int>(std::lround(value)));
        else
            spinBox->setValue(value);
    });
    QObject::connect(spinBox, &SpinBox::valueChanged, slider, [=](auto value) {
        if (*syncing)
            return;
        const QScopedValueRollback guard(*syncing, true);
        slider->setValue(scale.positionOf(static_cast<double>(value)));
    });
    return slider;
}

void describe(QWidget *widget, const QString &objectName, const QString &accessibleName)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
}

QSpinBox *intSpin(int lo, int hi, const QString &objectName, const QString &accessibleName)
{
    auto *spin = new QSpinBox;
    describe(spin, objectName, accessibleName);
    spin->setRange(lo, hi);
    spin->setGroupSeparatorShown(true);
    spin->setKeyboardTracking(false);
    spin->setAlignment(Qt::AlignRight);
    return spin;
}

QDoubleSpinBox *doubleSpin(double lo, double hi, int decimals, const QString &suffix,
                           const QString &objectName, const QString &accessibleName)
{
    auto *spin = new QDoubleSpinBox;
    describe(spin, objectName, accessibleName);
    spin->setDecimals(decimals);
    spin->setRange(lo, hi);
    spin->setSuffix(suffix);
    spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    spin->setGroupSeparatorShown(true);
    spin->setKeyboardTracking(false);
    spin->setAlignment(Qt::AlignRight);
    return spin;
}

QComboBox *combo(const QList<std::pair<QString, int>> &items, const QString &objectName,
                 const QString &accessibleName)
{
    auto *box = new QComboBox;
    describe(box, objectName, accessibleName);
    for (const auto &[text, value] : items)
        box->addItem(text, value);
    return box;
}

// Slider, spin box and an optional extra control on one line.
QWidget *sliderRow(QSlider *slider, QWidget *spinBox, QWidget *extra = nullptr)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider, 1);
    layout->addWidget(spinBox);
    if (extra)
        layout->addWidget(extra);
    return row;
}

QFormLayout *form(QGroupBox *group)
{
    auto *layout = new QFormLayout(group);
    layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
    return layout;
}

// Every control in field (and field itself) gets toolTip unless it has one of its own.
void setToolTips(QWidget *field, const QString &toolTip)
{
    if (field->toolTip().isEmpty())
        field->setToolTip(toolTip);
    const auto children = field->findChildren<QWidget *>();
    for (QWidget *child : children) {
        if (child->toolTip().isEmpty())
            child->setToolTip(toolTip);
    }
}

template<typename Enum> void selectData(QComboBox *box, Enum value)
{
    box->setCurrentIndex(std::max(0, box->findData(static_cast<int>(value))));
}

template<typename Enum> Enum currentData(const QComboBox *box)
{
    return static_cast<Enum>(box->currentData().toInt());
}

std::uint64_t seedFrom(const QString &text)
{
    if (text.isEmpty())
        return 0;
    bool ok = false;
    const qulonglong seed = text.toULongLong(&ok);
    return ok ? seed : std::numeric_limits<std::uint64_t>::max(); // only digits get this far
}

const QString kReference = QStringLiteral("Reference");
const QString kBursty = QStringLiteral("Bursty arrivals");
const QString kBackpressure = QStringLiteral("Backpressure");
const QString kUnbuffered = QStringLiteral("Unbuffered hand-off");
const QString kCpuBound = QStringLiteral("CPU-bound oversubscribed");
const QString kHeavyTail = QStringLiteral("Heavy tail");
const QString kFlaky = QStringLiteral("Flaky jobs");

} // namespace

ControlPanel::ControlPanel(QWidget *parent)
    : QWidget(parent)
{
    setMinimumWidth(300);

    m_presetCombo = new QComboBox;
    describe(m_presetCombo, QStringLiteral("presetCombo"), tr("Preset"));
    m_presetCombo->addItems(presetNames());
    m_presetCombo->setPlaceholderText(tr("Custom"));
    m_presetCombo->setToolTip(tr("Ready-made scenarios of the worker-pool pattern; choosing one "
                                 "sets every knob below"));
    auto *presetLabel = new QLabel(tr("Preset:"));
    presetLabel->setBuddy(m_presetCombo);
    auto *presetRow = new QHBoxLayout;
    presetRow->addWidget(presetLabel);
    presetRow->addWidget(m_presetCombo, 1);
    connect(m_presetCombo, &QComboBox::activated, this,
            [this](int index) { applyPreset(m_presetCombo->itemText(index)); });

    m_nextRunNote = new QLabel;
    m_nextRunNote->setObjectName(QStringLiteral("nextRunNote"));
    m_nextRunNote->setWordWrap(true);
    QFont italic = m_nextRunNote->font();
    italic.setItalic(true);
    m_nextRunNote->setFont(italic);
    m_nextRunNote->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(presetRow);
    layout->addWidget(buildButtons());
    layout->addWidget(buildPoolGroup());
    layout->addWidget(buildProducerGroup());
    layout->addWidget(buildJobsGroup());
    layout->addWidget(buildPlaybackGroup());
    layout->addWidget(m_nextRunNote);
    layout->addStretch(1);

    alignColumns();
    setConfig(PoolConfig {});
    setRunState(false, false);
}

QWidget *ControlPanel::buildButtons()
{
    auto *buttons = new QWidget;
    auto *grid = new QGridLayout(buttons);
    grid->setContentsMargins(0, 0, 0, 0);
    const auto button = [this](const QString &name, const QString &text, const QString &toolTip,
                               void (ControlPanel::*signal)()) {
        auto *b = new QPushButton(text);
        describe(b, name, text);
        b->setToolTip(toolTip);
        connect(b, &QPushButton::clicked, this, signal);
        return b;
    };
    m_startButton = button(QStringLiteral("startButton"), tr("Start"),
                           tr("Start a run with these settings"), &ControlPanel::startRequested);
    m_pauseButton = button(QStringLiteral("pauseButton"), tr("Pause"), tr("Pause the run"),
                           &ControlPanel::pauseToggled);
    m_stopButton
        = button(QStringLiteral("stopButton"), tr("Stop"),
                 tr("Drain: no new jobs; queued ones still run"), &ControlPanel::stopRequested);
    m_cancelButton = button(QStringLiteral("cancelButton"), tr("Cancel"),
                            tr("Cancel: queued jobs end cancelled at once; running jobs are "
                               "interrupted"),
                            &ControlPanel::cancelRequested);
    m_resetButton
        = button(QStringLiteral("resetButton"), tr("Reset"),
                 tr("Clear the last run, ready for a new one"), &ControlPanel::resetRequested);
    m_startButton->setDefault(true);
    grid->addWidget(m_startButton, 0, 0);
    grid->addWidget(m_pauseButton, 0, 1);
    grid->addWidget(m_stopButton, 0, 2);
    grid->addWidget(m_resetButton, 1, 0);
    grid->addWidget(m_cancelButton, 1, 2);
    return buttons;
}

QWidget *ControlPanel::buildPoolGroup()
{
    auto *group = new QGroupBox(tr("Pool"));
    group->setObjectName(QStringLiteral("poolGroup"));
    auto *layout = form(group);
    const auto addRow = [this, layout](Knob knob, const QString &label, QWidget *field,
                                       QWidget *buddy, const QString &toolTip) {
        addKnobRow(layout, knob, label, field, buddy, toolTip);
    };

    m_workersSpin = intSpin(PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers,
                            QStringLiteral("workersSpin"), tr("Workers"));
    auto *workersSlider
        = attachSlider(m_workersSpin, {PoolConfig::kMinWorkers, PoolConfig::kMaxWorkers},
                       QStringLiteral("workersSlider"));
    addRow(Knob::Workers, tr("Workers"), sliderRow(workersSlider, m_workersSpin), m_workersSpin,
           tr("Workers in the pool: each takes one job at a time from the shared queue. Applies "
              "at once, even mid-run."));
    connect(m_workersSpin, &QSpinBox::valueChanged, this, [this] { knobEdited(Knob::Workers); });

    const auto capacity = [&](Knob knob, const QString &name, const QString &label,
                              const QString &toolTip, const QString &autoToolTip, QSpinBox **spin,
                              QSlider **slider, QCheckBox **autoCheck) {
        *spin = intSpin(0, PoolConfig::kMaxCapacity, name + QStringLiteral("Spin"), label);
        *slider
            = attachSlider(*spin, {0, PoolConfig::kMaxCapacity}, name + QStringLiteral("Slider"));
        *autoCheck = new QCheckBox(tr("Auto"));
        describe(*autoCheck, name + QStringLiteral("AutoCheck"),
                 tr("%1 auto (as many as jobs)").arg(label));
        (*autoCheck)->setToolTip(autoToolTip);
        addRow(knob, label, sliderRow(*slider, *spin, *autoCheck), *spin, toolTip);
        connect(*spin, &QSpinBox::valueChanged, this, [this, knob] { knobEdited(knob); });
        connect(*autoCheck, &QCheckBox::toggled, this, [this, knob] { knobEdited(knob); });
    };
    capacity(Knob::QueueCapacity, QStringLiteral("queueCapacity"), tr("Queue"),
             tr("Slots in the jobs channel; when full the producer blocks (backpressure); 0 is an "
                "unbuffered hand-off"),
             tr("Auto: as many slots as jobs (at most 100,000), so the producer never blocks"),
             &m_queueSpin, &m_queueSlider, &m_queueAutoCheck);
    capacity(Knob::ResultsCapacity, QStringLiteral("resultsCapacity"), tr("Results"),
             tr("Slots in the results channel; when full, workers block until the collector "
                "takes a result; 0 is an unbuffered hand-off"),
             tr("Auto: as many slots as jobs (at most 100,000), so workers never wait for the "
                "collector"),
             &m_resultsSpin, &m_resultsSlider, &m_resultsAutoCheck);
    return group;
}

// A labelled row for a knob: the label names the field (its buddy), both carry the tooltip, and
// the knob's label and field are kept for marking next-run changes.
void ControlPanel::addKnobRow(QFormLayout *layout, Knob knob, const QString &label, QWidget *field,
                              QWidget *buddy, const QString &toolTip)
{
    auto *l = new QLabel(label);
    l->setBuddy(buddy);
    l->setToolTip(toolTip);
    setToolTips(field, toolTip);
    layout->addRow(l, field);
    m_labels[static_cast<int>(knob)] = l;
    m_fields[static_cast<int>(knob)] = field;
}

QWidget *ControlPanel::buildProducerGroup()
{
    auto *group = new QGroupBox(tr("Producer"));
    group->setObjectName(QStringLiteral("producerGroup"));
    auto *layout = form(group);
    const auto addRow = [this, layout](Knob knob, const QString &label, QWidget *field,
                                       QWidget *buddy, const QString &toolTip) {
        addKnobRow(layout, knob, label, field, buddy, toolTip);
    };

    m_jobsSpin
        = intSpin(static_cast<int>(PoolConfig::kMinJobs), static_cast<int>(PoolConfig::kMaxJobs),
                  QStringLiteral("jobsSpin"), tr("Jobs"));
    auto *jobsSlider = attachSlider(
        m_jobsSpin,
        {static_cast<double>(PoolConfig::kMinJobs), static_cast<double>(PoolConfig::kMaxJobs)},
        QStringLiteral("jobsSlider"));
    addRow(Knob::Jobs, tr("Jobs"), sliderRow(jobsSlider, m_jobsSpin), m_jobsSpin,
           tr("Jobs the producer sends into the queue before closing it; the workers then drain "
              "the queue and exit"));
    connect(m_jobsSpin, &QSpinBox::valueChanged, this, [this] { knobEdited(Knob::Jobs); });

    m_continuousCheck = new QCheckBox(tr("Continuous (until stopped)"));
    describe(m_continuousCheck, QStringLiteral("continuousCheck"), tr("Continuous"));
    m_continuousCheck->setToolTip(tr("Keep producing jobs until stopped (or for the duration "
                                     "below) instead of a fixed number"));
    layout->addRow(QString(), m_continuousCheck);
    m_labels[static_cast<int>(Knob::Continuous)] = m_continuousCheck;
    m_fields[static_cast<int>(Knob::Continuous)] = m_continuousCheck;
    connect(m_continuousCheck, &QCheckBox::toggled, this, [this] { knobEdited(Knob::Continuous); });

    m_durationSpin = doubleSpin(0, PoolConfig::kMaxDurationS, 3, QStringLiteral(" s"),
                                QStringLiteral("durationSpin"), tr("Duration"));
    m_durationSpin->setSpecialValueText(tr("until stopped"));
    auto *durationSlider = attachSlider(m_durationSpin, {0, PoolConfig::kMaxDurationS, true, 3},
                                        QStringLiteral("durationSlider"));
    addRow(Knob::Duration, tr("Duration"), sliderRow(durationSlider, m_durationSpin),
           m_durationSpin,
           tr("How long a continuous run produces, in plan seconds (the speed factor shortens "
              "it); 0 runs until stopped"));
    connect(m_durationSpin, &QDoubleSpinBox::valueChanged, this,
            [this] { knobEdited(Knob::Duration); });

    m_intervalSpin = doubleSpin(0, PoolConfig::kMaxIntervalMs, 3, QStringLiteral(" ms"),
                                QStringLiteral("intervalSpin"), tr("Interval"));
    auto *intervalSlider = attachSlider(m_intervalSpin, {0, PoolConfig::kMaxIntervalMs, true, 3},
                                        QStringLiteral("intervalSlider"));
    addRow(Knob::Interval, tr("Interval"), sliderRow(intervalSlider, m_intervalSpin),
           m_intervalSpin,
           tr("Time the producer waits between jobs (the mean gap for Poisson arrivals and "
              "bursts). Applies at once, even mid-run."));
    connect(m_intervalSpin, &QDoubleSpinBox::valueChanged, this,
            [this] { knobEdited(Knob::Interval); });

    m_arrivalCombo
        = combo({{tr("Fixed interval"), static_cast<int>(ArrivalPattern::Fixed)},
                 {tr("Poisson (random gaps)"), static_cast<int>(ArrivalPattern::Poisson)},
                 {tr("Bursts"), static_cast<int>(ArrivalPattern::Burst)}},
                QStringLiteral("arrivalCombo"), tr("Arrival"));
    addRow(Knob::Arrival, tr("Arrival"), m_arrivalCombo, m_arrivalCombo,
           tr("How the producer spaces jobs: a fixed interval, random (Poisson) gaps, or bursts "
              "sent back to back"));
    connect(m_arrivalCombo, &QComboBox::currentIndexChanged, this,
            [this] { knobEdited(Knob::Arrival); });

    m_burstSpin
        = intSpin(1, PoolConfig::kMaxBurstSize, QStringLiteral("burstSizeSpin"), tr("Burst size"));
    auto *burstSlider = attachSlider(m_burstSpin, {1, PoolConfig::kMaxBurstSize},
                                     QStringLiteral("burstSizeSlider"));
    addRow(Knob::BurstSize, tr("Burst"), sliderRow(burstSlider, m_burstSpin), m_burstSpin,
           tr("Jobs in each burst; bursts are spaced so that on average one job arrives per "
              "interval"));
    connect(m_burstSpin, &QSpinBox::valueChanged, this, [this] { knobEdited(Knob::BurstSize); });
    return group;
}

QWidget *ControlPanel::buildJobsGroup()
{
    auto *group = new QGroupBox(tr("Jobs"));
    group->setObjectName(QStringLiteral("jobsGroup"));
    auto *layout = form(group);
    const auto addRow = [this, layout](Knob knob, const QString &label, QWidget *field,
                                       QWidget *buddy, const QString &toolTip) {
        addKnobRow(layout, knob, label, field, buddy, toolTip);
    };

    m_distributionCombo
        = combo({{tr("Uniform (min to max)"), static_cast<int>(Distribution::Uniform)},
                 {tr("Fixed (the mean)"), static_cast<int>(Distribution::Fixed)},
                 {tr("Exponential"), static_cast<int>(Distribution::Exponential)},
                 {tr("Log-normal (heavy tail)"), static_cast<int>(Distribution::LogNormal)}},
                QStringLiteral("distributionCombo"), tr("Distribution"));
    addRow(Knob::Distribution, tr("Distribution"), m_distributionCombo, m_distributionCombo,
           tr("How long each job takes: uniform between min and max, always the mean (fixed), or "
              "exponential / log-normal around the mean (a long tail of slow jobs)"));
    connect(m_distributionCombo, &QComboBox::currentIndexChanged, this,
            [this] { knobEdited(Knob::Distribution); });

    const auto msKnob = [&](Knob knob, const QString &name, const QString &label,
                            const QString &accessibleName, const QString &toolTip) {
        auto *spin = doubleSpin(0, PoolConfig::kMaxJobMs, 3, QStringLiteral(" ms"),
                                name + QStringLiteral("Spin"), accessibleName);
        auto *slider = attachSlider(spin, {0, PoolConfig::kMaxJobMs, true, 3},
                                    name + QStringLiteral("Slider"));
        addRow(knob, label, sliderRow(slider, spin), spin, toolTip);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, knob] { knobEdited(knob); });
        return spin;
    };
    m_minSpin = msKnob(Knob::MinMs, QStringLiteral("minMs"), tr("Min"), tr("Minimum job duration"),
                       tr("Shortest job of the uniform distribution"));
    m_maxSpin = msKnob(Knob::MaxMs, QStringLiteral("maxMs"), tr("Max"), tr("Maximum job duration"),
                       tr("Longest job of the uniform distribution"));
    m_meanSpin = msKnob(Knob::MeanMs, QStringLiteral("meanMs"), tr("Mean"), tr("Mean job duration"),
                        tr("Mean job duration of the fixed, exponential and log-normal "
                           "distributions"));

    m_failRateSpin = doubleSpin(0, 100, 2, QStringLiteral(" %"), QStringLiteral("failRateSpin"),
                                tr("Fail rate"));
    auto *failSlider
        = attachSlider(m_failRateSpin, {0, 100, false, 2, 100}, QStringLiteral("failRateSlider"));
    addRow(Knob::FailRate, tr("Fail rate"), sliderRow(failSlider, m_failRateSpin), m_failRateSpin,
           tr("Chance that a job fails; a failed job still sends exactly one result (its error) "
              "to the collector"));
    connect(m_failRateSpin, &QDoubleSpinBox::valueChanged, this,
            [this] { knobEdited(Knob::FailRate); });

    m_workloadCombo = combo({{tr("Wait (sleep, like I/O)"), static_cast<int>(Workload::Wait)},
                             {tr("CPU (busy loop)"), static_cast<int>(Workload::Cpu)}},
                            QStringLiteral("workloadCombo"), tr("Workload"));
    addRow(Knob::Workload, tr("Workload"), m_workloadCombo, m_workloadCombo,
           tr("What a worker does during a job: wait (sleeps, so many workers overlap) or burn "
              "CPU (more workers than cores just take turns)"));
    connect(m_workloadCombo, &QComboBox::currentIndexChanged, this,
            [this] { knobEdited(Knob::Workload); });
    return group;
}

QWidget *ControlPanel::buildPlaybackGroup()
{
    auto *group = new QGroupBox(tr("Playback"));
    group->setObjectName(QStringLiteral("playbackGroup"));
    auto *layout = form(group);
    const auto addRow = [this, layout](Knob knob, const QString &label, QWidget *field,
                                       QWidget *buddy, const QString &toolTip) {
        addKnobRow(layout, knob, label, field, buddy, toolTip);
    };

    m_speedSpin = doubleSpin(PoolConfig::kMinSpeed, PoolConfig::kMaxSpeed, 2,
                             QStringLiteral("\u00d7"), QStringLiteral("speedSpin"), tr("Speed"));
    auto *speedSlider
        = attachSlider(m_speedSpin, {PoolConfig::kMinSpeed, PoolConfig::kMaxSpeed, true, 2},
                       QStringLiteral("speedSlider"));
    addRow(Knob::Speed, tr("Speed"), sliderRow(speedSlider, m_speedSpin), m_speedSpin,
           tr("Playback speed: every duration of the plan is divided by it (2\u00d7 runs twice as "
              "fast). Applies at once, even mid-run."));
    connect(m_speedSpin, &QDoubleSpinBox::valueChanged, this, [this] { knobEdited(Knob::Speed); });

    m_seedEdit = new QLineEdit;
    describe(m_seedEdit, QStringLiteral("seedEdit"), tr("Seed"));
    m_seedEdit->setPlaceholderText(tr("random"));
    m_seedEdit->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9]{0,20}")), m_seedEdit));
    m_seedEdit->setAlignment(Qt::AlignRight);
    addRow(Knob::Seed, tr("Seed"), m_seedEdit, m_seedEdit,
           tr("Random seed for arrivals, job durations and failures: the same seed replays the "
              "same plan. Empty (or 0) picks a new seed at each start."));
    connect(m_seedEdit, &QLineEdit::textEdited, this, [this] { knobEdited(Knob::Seed); });
    return group;
}

// Same label width in every group, and the same spin box width within a group, so sliders line
// up.
void ControlPanel::alignColumns()
{
    int labelWidth = 0;
    for (QWidget *label : m_labels) {
        if (qobject_cast<QLabel *>(label))
            labelWidth = std::max(labelWidth, label->sizeHint().width());
    }
    for (QWidget *label : m_labels) {
        if (qobject_cast<QLabel *>(label))
            label->setMinimumWidth(labelWidth);
    }
    const auto groups = findChildren<QGroupBox *>();
    for (QGroupBox *group : groups) {
        const auto spins = group->findChildren<QAbstractSpinBox *>();
        int spinWidth = 0;
        for (QAbstractSpinBox *spin : spins)
            spinWidth = std::max(spinWidth, spin->sizeHint().width());
        for (QAbstractSpinBox *spin : spins)
            spin->setMinimumWidth(spinWidth);
    }
}

PoolConfig ControlPanel::config() const
{
    PoolConfig c;
    c.workers = m_workersSpin->value();
    c.jobs = m_jobsSpin->value();
    c.continuous = m_continuousCheck->isChecked();
    c.durationS = c.continuous ? m_durationSpin->value() : 0.0;
    c.queueCapacity
        = m_queueAutoCheck->isChecked() ? PoolConfig::kAutoCapacity : m_queueSpin->value();
    c.resultsCapacity
        = m_resultsAutoCheck->isChecked() ? PoolConfig::kAutoCapacity : m_resultsSpin->value();
    c.intervalMs = m_intervalSpin->value();
    c.arrival = currentData<ArrivalPattern>(m_arrivalCombo);
    c.burstSize = m_burstSpin->value();
    c.distribution = currentData<Distribution>(m_distributionCombo);
    c.minMs = m_minSpin->value();
    c.maxMs = m_maxSpin->value();
    c.meanMs = m_meanSpin->value();
    c.failRatePercent = m_failRateSpin->value();
    c.workload = currentData<Workload>(m_workloadCombo);
    c.speed = m_speedSpin->value();
    c.seed = seedFrom(m_seedEdit->text());
    return c;
}

void ControlPanel::setConfig(const PoolConfig &config)
{
    {
        const QScopedValueRollback guard(m_applying, true);
        m_workersSpin->setValue(config.workers);
        m_jobsSpin->setValue(
            static_cast<int>(std::clamp(config.jobs, PoolConfig::kMinJobs, PoolConfig::kMaxJobs)));
        m_continuousCheck->setChecked(config.continuous);
        m_durationSpin->setValue(config.durationS);
        m_queueAutoCheck->setChecked(config.queueCapacity == PoolConfig::kAutoCapacity);
        if (config.queueCapacity != PoolConfig::kAutoCapacity)
            m_queueSpin->setValue(config.queueCapacity);
        m_resultsAutoCheck->setChecked(config.resultsCapacity == PoolConfig::kAutoCapacity);
        if (config.resultsCapacity != PoolConfig::kAutoCapacity)
            m_resultsSpin->setValue(config.resultsCapacity);
        m_intervalSpin->setValue(config.intervalMs);
        selectData(m_arrivalCombo, config.arrival);
        m_burstSpin->setValue(config.burstSize);
        selectData(m_distributionCombo, config.distribution);
        m_minSpin->setValue(config.minMs);
        m_maxSpin->setValue(config.maxMs);
        m_meanSpin->setValue(config.meanMs);
        m_failRateSpin->setValue(config.failRatePercent);
        selectData(m_workloadCombo, config.workload);
        m_speedSpin->setValue(config.speed);
        m_seedEdit->setText(config.seed == 0 ? QString() : QString::number(config.seed));
    }
    updateDependentControls();
    updatePresetChoice();
    updateNextRunNote();
}

void ControlPanel::setRunState(bool running, bool paused)
{
    if (running && !m_running)
        m_runConfig = config();
    m_running = running;
    m_paused = running && paused;
    m_startButton->setEnabled(!running);
    m_pauseButton->setEnabled(running);
    m_pauseButton->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setAccessibleName(m_pauseButton->text());
    m_pauseButton->setToolTip(m_paused ? tr("Resume the paused run") : tr("Pause the run"));
    m_stopButton->setEnabled(running);
    m_cancelButton->setEnabled(running);
    m_resetButton->setEnabled(!running);
    updateNextRunNote();
}

QStringList ControlPanel::nextRunChanges() const
{
    QStringList names;
    if (!m_running)
        return names;
    const PoolConfig current = config();
    for (int i = 0; i < kKnobCount; ++i) {
        const auto knob = static_cast<Knob>(i);
        if (!isLive(knob) && knobDiffers(knob, m_runConfig, current))
            names << knobName(knob);
    }
    return names;
}

QStringList ControlPanel::presetNames()
{
    return {kReference, kBursty, kBackpressure, kUnbuffered, kCpuBound, kHeavyTail, kFlaky};
}

PoolConfig ControlPanel::preset(const QString &name)
{
    PoolConfig c; // the reference run
    if (name == kBursty) {
        c.workers = 4;
        c.jobs = 60;
        c.intervalMs = 50;
        c.arrival = ArrivalPattern::Burst;
        c.burstSize = 8;
        c.minMs = 100;
        c.maxMs = 300;
        c.meanMs = 200;
    } else if (name == kBackpressure) {
        c.workers = 2;
        c.jobs = 40;
        c.queueCapacity = 3;
        c.intervalMs = 60;
        c.minMs = 400;
        c.maxMs = 900;
        c.meanMs = 650;
    } else if (name == kUnbuffered) {
        c.workers = 3;
        c.jobs = 30;
        c.queueCapacity = 0;
        c.resultsCapacity = 0;
    } else if (name == kCpuBound) {
        c.workers = std::clamp(2 * QThread::idealThreadCount() + 2, PoolConfig::kMinWorkers,
                               PoolConfig::kMaxWorkers);
        c.jobs = 200;
        c.intervalMs = 5;
        c.distribution = Distribution::Fixed;
        c.meanMs = 50;
        c.workload = Workload::Cpu;
    } else if (name == kHeavyTail) {
        c.workers = 6;
        c.jobs = 150;
        c.intervalMs = 30;
        c.arrival = ArrivalPattern::Poisson;
        c.distribution = Distribution::LogNormal;
        c.meanMs = 150;
    } else if (name == kFlaky) {
        c.workers = 4;
        c.jobs = 60;
        c.failRatePercent = 20;
    }
    return c;
}

void ControlPanel::applyPreset(const QString &name)
{
    const PoolConfig before = config();
    setConfig(preset(name));
    const PoolConfig after = config();
    if (after.workers != before.workers)
        Q_EMIT workersChanged(after.workers);
    if (after.speed != before.speed)
        Q_EMIT speedChanged(after.speed);
    if (after.intervalMs != before.intervalMs)
        Q_EMIT intervalChanged(after.intervalMs);
    Q_EMIT configEdited(after);
}

bool ControlPanel::isLive(Knob knob)
{
    return knob == Knob::Workers || knob == Knob::Interval || knob == Knob::Speed;
}

QString ControlPanel::knobName(Knob knob)
{
    switch (knob) {
    case Knob::Workers:
        return tr("workers");
    case Knob::QueueCapacity:
        return tr("queue capacity");
    case Knob::ResultsCapacity:
        return tr("results capacity");
    case Knob::Jobs:
        return tr("jobs");
    case Knob::Continuous:
        return tr("continuous");
    case Knob::Duration:
        return tr("duration");
    case Knob::Interval:
        return tr("interval");
    case Knob::Arrival:
        return tr("arrival");
    case Knob::BurstSize:
        return tr("burst size");
    case Knob::Distribution:
        return tr("distribution");
    case Knob::MinMs:
        return tr("min");
    case Knob::MaxMs:
        return tr("max");
    case Knob::MeanMs:
        return tr("mean");
    case Knob::FailRate:
        return tr("fail rate");
    case Knob::Workload:
        return tr("workload");
    case Knob::Speed:
        return tr("speed");
    case Knob::Seed:
        return tr("seed");
    }
    return {};
}

bool ControlPanel::knobDiffers(Knob knob, const PoolConfig &a, const PoolConfig &b)
{
    switch (knob) {
    case Knob::Workers:
        return a.workers != b.workers;
    case Knob::QueueCapacity:
        return a.queueCapacity != b.queueCapacity;
    case Knob::ResultsCapacity:
        return a.resultsCapacity != b.resultsCapacity;
    case Knob::Jobs:
        return a.jobs != b.jobs;
    case Knob::Continuous:
        return a.continuous != b.continuous;
    case Knob::Duration:
        return a.durationS != b.durationS;
    case Knob::Interval:
        return a.intervalMs != b.intervalMs;
    case Knob::Arrival:
        return a.arrival != b.arrival;
    case Knob::BurstSize:
        return a.burstSize != b.burstSize;
    case Knob::Distribution:
        return a.distribution != b.distribution;
    case Knob::MinMs:
        return a.minMs != b.minMs;
    case Knob::MaxMs:
        return a.maxMs != b.maxMs;
    case Knob::MeanMs:
        return a.meanMs != b.meanMs;
    case Knob::FailRate:
        return a.failRatePercent != b.failRatePercent;
    case Knob::Workload:
        return a.workload != b.workload;
    case Knob::Speed:
        return a.speed != b.speed;
    case Knob::Seed:
        return a.seed != b.seed;
    }
    return false;
}

void ControlPanel::knobEdited(Knob knob)
{
    if (m_applying)
        return;
    {
        // Keep min <= max by moving the other end along.
        const QScopedValueRollback guard(m_applying, true);
        if (knob == Knob::MinMs && m_minSpin->value() > m_maxSpin->value())
            m_maxSpin->setValue(m_minSpin->value());
        else if (knob == Knob::MaxMs && m_maxSpin->value() < m_minSpin->value())
            m_minSpin->setValue(m_maxSpin->value());
    }
    updateDependentControls();
    updatePresetChoice();
    updateNextRunNote();
    switch (knob) {
    case Knob::Workers:
        Q_EMIT workersChanged(m_workersSpin->value());
        break;
    case Knob::Speed:
        Q_EMIT speedChanged(m_speedSpin->value());
        break;
    case Knob::Interval:
        Q_EMIT intervalChanged(m_intervalSpin->value());
        break;
    default:
        break;
    }
    Q_EMIT configEdited(config());
}

void ControlPanel::setKnobEnabled(Knob knob, bool enabled)
{
    m_fields[static_cast<int>(knob)]->setEnabled(enabled);
    m_labels[static_cast<int>(knob)]->setEnabled(enabled);
}

void ControlPanel::updateDependentControls()
{
    const PoolConfig c = config();
    setKnobEnabled(Knob::Jobs, !c.continuous);
    setKnobEnabled(Knob::Duration, c.continuous);
    setKnobEnabled(Knob::BurstSize, c.arrival == ArrivalPattern::Burst);
    const bool uniform = c.distribution == Distribution::Uniform;
    setKnobEnabled(Knob::MinMs, uniform);
    setKnobEnabled(Knob::MaxMs, uniform);
    setKnobEnabled(Knob::MeanMs, !uniform);

    // An automatic capacity shows what it resolves to, greyed out.
    const QScopedValueRollback guard(m_applying, true);
    const bool queueAuto = c.queueCapacity == PoolConfig::kAutoCapacity;
    m_queueSpin->setEnabled(!queueAuto);
    m_queueSlider->setEnabled(!queueAuto);
    if (queueAuto)
        m_queueSpin->setValue(c.effectiveQueueCapacity());
    const bool resultsAuto = c.resultsCapacity == PoolConfig::kAutoCapacity;
    m_resultsSpin->setEnabled(!resultsAuto);
    m_resultsSlider->setEnabled(!resultsAuto);
    if (resultsAuto)
        m_resultsSpin->setValue(c.effectiveResultsCapacity());
}

void ControlPanel::updatePresetChoice()
{
    const PoolConfig current = config();
    const QStringList names = presetNames();
    int index = -1;
    for (int i = 0; i < names.size() && index < 0; ++i) {
        if (preset(names.at(i)) == current)
            index = i;
    }
    const QSignalBlocker blocker(m_presetCombo);
    m_presetCombo->setCurrentIndex(index);
}

void ControlPanel::updateNextRunNote()
{
    const QStringList changes = nextRunChanges();
    for (int i = 0; i < kKnobCount; ++i) {
        QWidget *label = m_labels[i];
        const bool pending = changes.contains(knobName(static_cast<Knob>(i)));
        if (label->font().italic() == pending)
            continue;
        QFont font = label->font();
        font.setItalic(pending);
        label->setFont(font);
    }
    if (changes.isEmpty()) {
        m_nextRunNote->clear();
        m_nextRunNote->hide();
        return;
    }
    m_nextRunNote->setText(
        tr("Changes to %1 apply to the next run.").arg(QLocale().createSeparatedList(changes)));
    m_nextRunNote->show();
}

} // namespace gui
