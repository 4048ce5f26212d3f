#include "ui/controlpanel.h"

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
using engine::Knob;
using engine::KnobGroup;
using engine::KnobId;
using engine::KnobType;
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
    layout->setVerticalSpacing(3);
    layout->setContentsMargins(8, 4, 8, 4);
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
                                 "sets every knob below but the seed"));
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
    for (const KnobGroup group :
         {KnobGroup::Pool, KnobGroup::Producer, KnobGroup::Jobs, KnobGroup::Playback})
        layout->addWidget(m_groups.emplace_back(buildGroup(group)));
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
    m_startTip = tr("Start a run with these settings");
    m_startButton = button(QStringLiteral("startButton"), tr("Start"), m_startTip,
                           &ControlPanel::startRequested);
    m_pauseButton = button(QStringLiteral("pauseButton"), tr("Pause"), tr("Pause the run"),
                           &ControlPanel::pauseToggled);
    m_stopTip = tr("Drain: no new jobs; queued ones still run");
    m_stopButton
        = button(QStringLiteral("stopButton"), tr("Stop"), m_stopTip, &ControlPanel::stopRequested);
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

QWidget *ControlPanel::buildGroup(KnobGroup group)
{
    static const char *const titles[] = {"Pool", "Producer", "Jobs", "Playback"};
    const QString title = QLatin1String(titles[static_cast<int>(group)]);
    auto *box = new QGroupBox(tr(titles[static_cast<int>(group)]));
    box->setObjectName(title.toLower() + QStringLiteral("Group"));
    auto *layout = form(box);
    for (const Knob &knob : engine::knobs()) {
        if (knob.group == group)
            addKnobRow(layout, knob);
    }
    return box;
}

// A labelled row for a knob, its controls made from its type: the label names the field (its
// buddy), both carry the tooltip, and the label and field are kept for greying out and marking
// next-run changes.
void ControlPanel::addKnobRow(QFormLayout *layout, const Knob &knob)
{
    KnobControls &c = m_knobs[static_cast<std::size_t>(knob.id)];
    const QString name = knob.objectName();
    const QString label = tr(knob.label);
    QString accessible = QString::fromUtf8(knob.name);
    accessible[0] = accessible[0].toUpper();
    const QString toolTip = tr(knob.toolTip);
    const auto edited = [this, id = knob.id] {
        knobEdited(id);
    };
    QWidget *buddy = nullptr;
    // A special value just below the range (0: until stopped) is the spin box's own bottom; a
    // negative one (automatic capacity) has a checkbox instead.
    const double lowest
        = knob.special && *knob.special >= 0 ? std::min(*knob.special, knob.min) : knob.min;
    const SliderScale scale {lowest, knob.max, knob.logScale, knob.decimals,
                             knob.logScale ? kLogPositions : static_cast<int>(knob.max - knob.min)};
    switch (knob.type) {
    case KnobType::Integer:
        c.intSpin = intSpin(static_cast<int>(lowest), static_cast<int>(knob.max),
                            name + QStringLiteral("Spin"), accessible);
        c.slider = attachSlider(c.intSpin, scale, name + QStringLiteral("Slider"));
        if (knob.special) { // below the range: a checkbox of its own
            c.autoCheck = new QCheckBox(tr("Auto"));
            describe(c.autoCheck, name + QStringLiteral("AutoCheck"),
                     tr("%1 auto (%2)").arg(accessible, QLatin1String(knob.specialText)));
            c.autoCheck->setToolTip(tr("Auto: %1").arg(QLatin1String(knob.specialText)));
            connect(c.autoCheck, &QCheckBox::toggled, this, edited);
        }
        c.field = sliderRow(c.slider, c.intSpin, c.autoCheck);
        buddy = c.intSpin;
        connect(c.intSpin, &QSpinBox::valueChanged, this, edited);
        break;
    case KnobType::Real:
        c.realSpin = doubleSpin(lowest, knob.max, knob.decimals, QString::fromUtf8(knob.unit),
                                name + QStringLiteral("Spin"), accessible);
        if (knob.special)
            c.realSpin->setSpecialValueText(tr(knob.specialText));
        c.slider = attachSlider(c.realSpin, scale, name + QStringLiteral("Slider"));
        c.field = sliderRow(c.slider, c.realSpin);
        buddy = c.realSpin;
        connect(c.realSpin, &QDoubleSpinBox::valueChanged, this, edited);
        break;
    case KnobType::Choice: {
        QList<std::pair<QString, int>> items;
        for (std::size_t i = 0; i < knob.choiceLabels.size(); ++i)
            items.append({tr(knob.choiceLabels[i]), static_cast<int>(i)});
        c.combo = combo(items, name + QStringLiteral("Combo"), accessible);
        c.field = buddy = c.combo;
        connect(c.combo, &QComboBox::currentIndexChanged, this, edited);
        break;
    }
    case KnobType::Switch: // the checkbox is its own label
        c.check = new QCheckBox(label);
        describe(c.check, name + QStringLiteral("Check"), accessible);
        c.check->setToolTip(toolTip);
        layout->addRow(QString(), c.check);
        c.label = c.field = c.check;
        connect(c.check, &QCheckBox::toggled, this, edited);
        return;
    case KnobType::Seed:
        c.edit = new QLineEdit;
        describe(c.edit, name + QStringLiteral("Edit"), accessible);
        c.edit->setPlaceholderText(tr(knob.specialText));
        c.edit->setValidator(new QRegularExpressionValidator(
            QRegularExpression(QStringLiteral("[0-9]{0,20}")), c.edit));
        c.edit->setAlignment(Qt::AlignRight);
        c.field = buddy = c.edit;
        connect(c.edit, &QLineEdit::textEdited, this, edited);
        break;
    }
    auto *l = new QLabel(label);
    l->setBuddy(buddy);
    l->setToolTip(toolTip);
    setToolTips(c.field, toolTip);
    layout->addRow(l, c.field);
    c.label = l;
}

// Same label width in every group, and the same spin box width within a group, so sliders line
// up.
void ControlPanel::alignColumns()
{
    int labelWidth = 0;
    for (const KnobControls &c : m_knobs) {
        if (qobject_cast<QLabel *>(c.label))
            labelWidth = std::max(labelWidth, c.label->sizeHint().width());
    }
    for (const KnobControls &c : m_knobs) {
        if (qobject_cast<QLabel *>(c.label))
            c.label->setMinimumWidth(labelWidth);
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
    PoolConfig config;
    for (const Knob &knob : engine::knobs())
        readKnob(knob, config);
    // A knob that does not apply keeps its special value (a duration is for continuous runs).
    for (const Knob &knob : engine::knobs()) {
        if (knob.special && knob.type == KnobType::Real && !knob.applies(config))
            knob.setNumber(config, *knob.special);
    }
    return config;
}

void ControlPanel::readKnob(const Knob &knob, PoolConfig &config) const
{
    const KnobControls &c = controls(knob.id);
    switch (knob.type) {
    case KnobType::Integer:
        knob.setNumber(config,
                       c.autoCheck && c.autoCheck->isChecked() ? knob.special.value_or(0)
                                                               : c.intSpin->value());
        break;
    case KnobType::Real:
        knob.setNumber(config, c.realSpin->value());
        break;
    case KnobType::Choice:
        knob.setNumber(config, c.combo->currentData().toInt());
        break;
    case KnobType::Switch:
        knob.setNumber(config, c.check->isChecked() ? 1 : 0);
        break;
    case KnobType::Seed:
        config.seed = seedFrom(c.edit->text());
        break;
    }
}

void ControlPanel::writeKnob(const Knob &knob, const PoolConfig &config)
{
    const KnobControls &c = controls(knob.id);
    const double value = knob.number(config);
    switch (knob.type) {
    case KnobType::Integer:
        if (c.autoCheck)
            c.autoCheck->setChecked(knob.isSpecial(config));
        if (!knob.isSpecial(config)) // an automatic value is shown by updateDependentControls
            c.intSpin->setValue(static_cast<int>(std::clamp(value, knob.min, knob.max)));
        break;
    case KnobType::Real:
        c.realSpin->setValue(value);
        break;
    case KnobType::Choice:
        c.combo->setCurrentIndex(std::max(0, c.combo->findData(static_cast<int>(value))));
        break;
    case KnobType::Switch:
        c.check->setChecked(value != 0);
        break;
    case KnobType::Seed:
        c.edit->setText(config.seed == 0 ? QString() : QString::number(config.seed));
        break;
    }
}

void ControlPanel::setConfig(const PoolConfig &config)
{
    {
        const QScopedValueRollback guard(m_applying, true);
        for (const Knob &knob : engine::knobs())
            writeKnob(knob, config);
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
    const bool observing = isObserving();
    m_startButton->setEnabled(!running && m_startAllowed && !observing);
    m_pauseButton->setEnabled(running && !observing && !isRemote());
    m_pauseButton->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setAccessibleName(m_pauseButton->text());
    m_pauseButton->setToolTip(m_paused ? tr("Resume the paused run") : tr("Pause the run"));
    m_stopButton->setEnabled(running);
    m_stopButton->setToolTip(observing ? tr("Stop following the feed; its program goes on")
                                       : m_stopTip);
    m_cancelButton->setEnabled(running && !observing);
    m_resetButton->setEnabled(!running);
    updateNextRunNote();
}

void ControlPanel::setObserving(const QString &why)
{
    m_observing = why;
    const bool observing = !why.isEmpty();
    m_presetCombo->setEnabled(!observing);
    for (QWidget *group : m_groups) {
        group->setEnabled(!observing);
        group->setToolTip(why);
    }
    setRunState(m_running, m_paused);
}

void ControlPanel::setRemote(const QString &why)
{
    m_remote = why;
    updateDependentControls();
    setRunState(m_running, m_paused);
}

void ControlPanel::setStartAllowed(bool allowed, const QString &why)
{
    m_startAllowed = allowed;
    m_startButton->setEnabled(!m_running && allowed);
    m_startButton->setDefault(allowed);
    m_startButton->setToolTip(allowed ? m_startTip : why);
}

QStringList ControlPanel::nextRunChanges() const
{
    QStringList names;
    if (!m_running)
        return names;
    const PoolConfig current = config();
    for (const Knob &knob : engine::knobs()) {
        if ((!knob.live || isRemote()) && knob.differs(m_runConfig, current))
            names << tr(knob.name);
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
    // A preset is a run's shape; the seed is the user's and stays.
    PoolConfig chosen = preset(name);
    chosen.seed = before.seed;
    setConfig(chosen);
    const PoolConfig after = config();
    if (after.workers != before.workers)
        Q_EMIT workersChanged(after.workers);
    if (after.speed != before.speed)
        Q_EMIT speedChanged(after.speed);
    if (after.intervalMs != before.intervalMs)
        Q_EMIT intervalChanged(after.intervalMs);
    Q_EMIT configEdited(after);
}

void ControlPanel::knobEdited(KnobId id)
{
    if (m_applying)
        return;
    {
        // Keep min <= max by moving the other end along.
        const QScopedValueRollback guard(m_applying, true);
        QDoubleSpinBox *min = controls(KnobId::MinMs).realSpin;
        QDoubleSpinBox *max = controls(KnobId::MaxMs).realSpin;
        if (id == KnobId::MinMs && min->value() > max->value())
            max->setValue(min->value());
        else if (id == KnobId::MaxMs && max->value() < min->value())
            min->setValue(max->value());
    }
    updateDependentControls();
    updatePresetChoice();
    updateNextRunNote();
    const PoolConfig now = config();
    switch (id) {
    case KnobId::Workers:
        Q_EMIT workersChanged(now.workers);
        break;
    case KnobId::Speed:
        Q_EMIT speedChanged(now.speed);
        break;
    case KnobId::Interval:
        Q_EMIT intervalChanged(now.intervalMs);
        break;
    default:
        break;
    }
    Q_EMIT configEdited(now);
}

void ControlPanel::updateDependentControls()
{
    const PoolConfig config = this->config();
    const QScopedValueRollback guard(m_applying, true);
    for (const Knob &knob : engine::knobs()) {
        const KnobControls &c = controls(knob.id);
        const bool applies = knob.applies(config);
        // Remote workers decide how many they are and where their results go.
        const bool remoteDecides
            = isRemote() && (knob.id == KnobId::Workers || knob.id == KnobId::ResultsCapacity);
        c.field->setEnabled(applies && !remoteDecides);
        c.label->setEnabled(applies && !remoteDecides);
        // A knob that does not apply (the duration of a run of N jobs, a burst size without
        // bursts, min and max of a distribution that has a mean) leaves the panel, so that every
        // group fits in a window of 1280×800 without scrolling.
        if (auto *form = qobject_cast<QFormLayout *>(c.field->parentWidget()->layout()))
            form->setRowVisible(c.field, applies);
        if (!c.autoCheck)
            continue;
        // An automatic capacity shows what it resolves to, greyed out.
        const bool automatic = knob.isSpecial(config);
        c.intSpin->setEnabled(!automatic);
        c.slider->setEnabled(!automatic);
        if (automatic)
            c.intSpin->setValue(knob.id == KnobId::QueueCapacity
                                    ? config.effectiveQueueCapacity()
                                    : config.effectiveResultsCapacity());
    }
}

void ControlPanel::updatePresetChoice()
{
    const PoolConfig current = config();
    const QStringList names = presetNames();
    int index = -1;
    for (int i = 0; i < names.size() && index < 0; ++i) {
        PoolConfig shape = preset(names.at(i));
        shape.seed = current.seed; // not part of a preset's shape
        if (shape == current)
            index = i;
    }
    const QSignalBlocker blocker(m_presetCombo);
    m_presetCombo->setCurrentIndex(index);
}

void ControlPanel::updateNextRunNote()
{
    if (isObserving()) {
        m_nextRunNote->setText(m_observing);
        m_nextRunNote->show();
        return;
    }
    QStringList changes = nextRunChanges();
    for (const Knob &knob : engine::knobs()) {
        QWidget *label = controls(knob.id).label;
        const bool pending = changes.contains(tr(knob.name));
        if (label->font().italic() == pending)
            continue;
        QFont font = label->font();
        font.setItalic(pending);
        label->setFont(font);
    }
    QString note = changes.isEmpty()
        ? QString()
        : tr("Changes to %1 apply to the next run.").arg(QLocale().createSeparatedList(changes));
    if (isRemote())
        note = note.isEmpty() ? m_remote : m_remote + QLatin1Char('\n') + note;
    m_nextRunNote->setText(note);
    m_nextRunNote->setVisible(!note.isEmpty());
}

} // namespace gui
