#include "engine/knob.h"
#include "engine/poolconfig.h"
#include "testprinting.h"
#include "ui/controlpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <QThread>
#include <functional>
#include <limits>

using engine::ArrivalPattern;
using engine::Distribution;
using engine::PoolConfig;
using engine::Workload;
using gui::ControlPanel;

using Mutation = std::function<void(PoolConfig &)>;
using Action = std::function<void(ControlPanel &)>;
using Field = std::function<double(const PoolConfig &)>;
using Signal = void (ControlPanel::*)();
Q_DECLARE_METATYPE(Mutation)
Q_DECLARE_METATYPE(Action)
Q_DECLARE_METATYPE(Field)
Q_DECLARE_METATYPE(Signal)

namespace {

template<typename T> T *child(const ControlPanel &panel, const char *name)
{
    auto *widget = panel.findChild<T *>(QLatin1String(name));
    if (!widget)
        qFatal("no %s named %s", T::staticMetaObject.className(), name);
    return widget;
}

// The value of a QSpinBox or QDoubleSpinBox.
double spinValue(const ControlPanel &panel, const QString &name)
{
    if (auto *spin = panel.findChild<QSpinBox *>(name))
        return spin->value();
    return panel.findChild<QDoubleSpinBox *>(name)->value();
}

QString problems(const PoolConfig &config)
{
    return config.validate().join(QLatin1Char('\n'));
}

} // namespace

class TestControlPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The panel is made from the knob table: a row per knob, with the table's range and tooltip.
    void everyKnobOfTheTableHasARow()
    {
        ControlPanel panel;
        for (const engine::Knob &knob : engine::knobs()) {
            const QString name = knob.objectName();
            QWidget *field = nullptr;
            switch (knob.type) {
            case engine::KnobType::Integer: {
                auto *spin = panel.findChild<QSpinBox *>(name + QStringLiteral("Spin"));
                QVERIFY2(spin, knob.flag);
                QCOMPARE(spin->maximum(), int(knob.max));
                QCOMPARE(spin->minimum(), int(knob.min));
                QCOMPARE(bool(panel.findChild<QCheckBox *>(name + QStringLiteral("AutoCheck"))),
                         knob.special.has_value());
                field = spin;
                break;
            }
            case engine::KnobType::Real: {
                auto *spin = panel.findChild<QDoubleSpinBox *>(name + QStringLiteral("Spin"));
                QVERIFY2(spin, knob.flag);
                QCOMPARE(spin->maximum(), knob.max);
                QCOMPARE(spin->minimum(), knob.special ? *knob.special : knob.min);
                QCOMPARE(spin->decimals(), knob.decimals);
                field = spin;
                break;
            }
            case engine::KnobType::Choice: {
                auto *box = panel.findChild<QComboBox *>(name + QStringLiteral("Combo"));
                QVERIFY2(box, knob.flag);
                QCOMPARE(std::size_t(box->count()), knob.choices.size());
                field = box;
                break;
            }
            case engine::KnobType::Switch:
                field = panel.findChild<QCheckBox *>(name + QStringLiteral("Check"));
                break;
            case engine::KnobType::Seed:
                field = panel.findChild<QLineEdit *>(name + QStringLiteral("Edit"));
                break;
            }
            QVERIFY2(field, knob.flag);
            QCOMPARE(field->toolTip(), QString::fromUtf8(knob.toolTip));
        }
    }

    void startsWithTheReferenceConfig()
    {
        const ControlPanel panel;
        QCOMPARE(panel.config(), PoolConfig {});
        QCOMPARE(child<QComboBox>(panel, "presetCombo")->currentText(),
                 QStringLiteral("Reference"));
        QVERIFY(panel.minimumWidth() >= 300);
    }

    // The seed is not part of a preset's shape: a seed alone keeps the preset's name, and choosing
    // a preset keeps the seed.
    void aSeedIsNotAPresetsShape()
    {
        ControlPanel panel;
        PoolConfig seeded;
        seeded.seed = 42;
        panel.setConfig(seeded);
        auto *combo = child<QComboBox>(panel, "presetCombo");
        QCOMPARE(combo->currentText(), QStringLiteral("Reference"));
        const int other = combo->findText(ControlPanel::presetNames().last());
        QVERIFY(other > 0);
        combo->setCurrentIndex(other);
        Q_EMIT combo->activated(other);
        QCOMPARE(panel.config().seed, 42);
        QCOMPARE(combo->currentText(), ControlPanel::presetNames().last());
    }

    void groupsAreTitledInOrder()
    {
        const ControlPanel panel;
        QStringList titles;
        for (const QGroupBox *group : panel.findChildren<QGroupBox *>())
            titles << group->title();
        QCOMPARE(titles,
                 (QStringList {QStringLiteral("Pool"), QStringLiteral("Producer"),
                               QStringLiteral("Jobs"), QStringLiteral("Playback")}));
    }

    void everyControlHasANameAnAccessibleNameAndATooltip()
    {
        const ControlPanel panel;
        int controls = 0;
        for (QWidget *widget : panel.findChildren<QWidget *>()) {
            const bool control = qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QSlider *>(widget) || qobject_cast<QComboBox *>(widget)
                || qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget);
            // Skip the line edits inside spin boxes and combo boxes.
            const bool inner = qobject_cast<QAbstractSpinBox *>(widget->parentWidget())
                || qobject_cast<QComboBox *>(widget->parentWidget());
            if (!control || inner)
                continue;
            ++controls;
            const QByteArray what = widget->metaObject()->className() + QByteArray(" ")
                + widget->objectName().toUtf8();
            QVERIFY2(!widget->objectName().isEmpty(), what.constData());
            QVERIFY2(!widget->accessibleName().isEmpty(), what.constData());
            QVERIFY2(!widget->toolTip().isEmpty(), what.constData());
        }
        // 12 slider/spin pairs, 3 checkboxes, 4 combos, the seed and 5 buttons.
        QCOMPARE(controls, 12 * 2 + 3 + 4 + 1 + 5);
    }

    void presetsSetTheirScenario_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("workers");
        QTest::addColumn<qint64>("jobs");
        QTest::addColumn<int>("queueCapacity");
        QTest::addColumn<int>("resultsCapacity");
        QTest::addColumn<double>("intervalMs");
        QTest::addColumn<ArrivalPattern>("arrival");
        QTest::addColumn<Distribution>("distribution");
        QTest::addColumn<Workload>("workload");
        QTest::addColumn<double>("failRatePercent");

        const int autoCap = PoolConfig::kAutoCapacity;
        const int oversubscribed = 2 * QThread::idealThreadCount() + 2;
        QTest::newRow("reference")
            << "Reference" << 3 << qint64(15) << autoCap << autoCap << 100.0
            << ArrivalPattern::Fixed << Distribution::Uniform << Workload::Wait << 0.0;
        QTest::newRow("bursty arrivals")
            << "Bursty arrivals" << 4 << qint64(60) << autoCap << autoCap << 50.0
            << ArrivalPattern::Burst << Distribution::Uniform << Workload::Wait << 0.0;
        QTest::newRow("backpressure")
            << "Backpressure" << 2 << qint64(40) << 3 << autoCap << 60.0 << ArrivalPattern::Fixed
            << Distribution::Uniform << Workload::Wait << 0.0;
        QTest::newRow("unbuffered hand-off")
            << "Unbuffered hand-off" << 3 << qint64(30) << 0 << 0 << 100.0 << ArrivalPattern::Fixed
            << Distribution::Uniform << Workload::Wait << 0.0;
        QTest::newRow("cpu-bound oversubscribed")
            << "CPU-bound oversubscribed" << oversubscribed << qint64(200) << autoCap << autoCap
            << 5.0 << ArrivalPattern::Fixed << Distribution::Fixed << Workload::Cpu << 0.0;
        QTest::newRow("heavy tail")
            << "Heavy tail" << 6 << qint64(150) << autoCap << autoCap << 30.0
            << ArrivalPattern::Poisson << Distribution::LogNormal << Workload::Wait << 0.0;
        QTest::newRow("flaky jobs")
            << "Flaky jobs" << 4 << qint64(60) << autoCap << autoCap << 100.0
            << ArrivalPattern::Fixed << Distribution::Uniform << Workload::Wait << 20.0;
    }

    void presetsSetTheirScenario()
    {
        QFETCH(QString, name);
        QFETCH(int, workers);
        QFETCH(qint64, jobs);
        QFETCH(int, queueCapacity);
        QFETCH(int, resultsCapacity);
        QFETCH(double, intervalMs);
        QFETCH(ArrivalPattern, arrival);
        QFETCH(Distribution, distribution);
        QFETCH(Workload, workload);
        QFETCH(double, failRatePercent);

        QVERIFY(ControlPanel::presetNames().contains(name));
        const PoolConfig preset = ControlPanel::preset(name);
        QVERIFY2(preset.isValid(), qPrintable(problems(preset)));
        QCOMPARE(preset.workers, workers);
        QCOMPARE(preset.jobs, jobs);
        QCOMPARE(preset.queueCapacity, queueCapacity);
        QCOMPARE(preset.resultsCapacity, resultsCapacity);
        QCOMPARE(preset.intervalMs, intervalMs);
        QCOMPARE(preset.arrival, arrival);
        QCOMPARE(preset.distribution, distribution);
        QCOMPARE(preset.workload, workload);
        QCOMPARE(preset.failRatePercent, failRatePercent);

        // Applying it from another preset sets every control and reports the edit once.
        ControlPanel panel;
        panel.setConfig(ControlPanel::preset(name == QLatin1String("Heavy tail")
                                                 ? QStringLiteral("Backpressure")
                                                 : QStringLiteral("Heavy tail")));
        const int workersBefore = panel.config().workers;
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        QSignalSpy workersChanged(&panel, &ControlPanel::workersChanged);
        panel.applyPreset(name);
        QCOMPARE(panel.config(), preset);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).value<PoolConfig>(), preset);
        // The live knob is reported only when the preset changes it.
        QCOMPARE(workersChanged.count(), workers != workersBefore ? 1 : 0);
        if (workers != workersBefore)
            QCOMPARE(workersChanged.at(0).at(0).toInt(), workers);
        QCOMPARE(child<QComboBox>(panel, "presetCombo")->currentText(), name);
    }

    void presetsAreDistinct()
    {
        const QStringList names = ControlPanel::presetNames();
        for (int i = 0; i < names.size(); ++i) {
            for (int j = i + 1; j < names.size(); ++j)
                QVERIFY2(ControlPanel::preset(names[i]) != ControlPanel::preset(names[j]),
                         qPrintable(names[i] + QLatin1String(" == ") + names[j]));
        }
        QVERIFY(names.contains(QStringLiteral("Bursty arrivals")));
        QCOMPARE(ControlPanel::preset(QStringLiteral("Bursty arrivals")).burstSize, 8);
        QCOMPARE(ControlPanel::preset(QStringLiteral("Backpressure")).minMs, 400.0);
        QCOMPARE(ControlPanel::preset(QStringLiteral("CPU-bound oversubscribed")).meanMs, 50.0);
        QCOMPARE(ControlPanel::preset(QStringLiteral("Heavy tail")).meanMs, 150.0);
    }

    void anUnknownPresetIsTheReference()
    {
        QCOMPARE(ControlPanel::preset(QStringLiteral("No such preset")), PoolConfig {});
    }

    void choosingAPresetInTheComboAppliesIt()
    {
        ControlPanel panel;
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        auto *combo = child<QComboBox>(panel, "presetCombo");
        const int index = combo->findText(QStringLiteral("Backpressure"));
        QVERIFY(index >= 0);
        combo->setCurrentIndex(index);
        Q_EMIT combo->activated(index); // what a user's choice emits
        QCOMPARE(panel.config(), ControlPanel::preset(QStringLiteral("Backpressure")));
        QCOMPARE(edited.count(), 1);
    }

    void theComboShowsCustomOnceTheConfigMatchesNoPreset()
    {
        ControlPanel panel;
        child<QSpinBox>(panel, "workersSpin")->setValue(17);
        auto *combo = child<QComboBox>(panel, "presetCombo");
        QCOMPARE(combo->currentIndex(), -1);
        QCOMPARE(combo->placeholderText(), QStringLiteral("Custom"));
    }

    void setConfigRoundTripsAndEmitsNothing_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("startFrom");
        const QString heavy = QStringLiteral("Heavy tail");
        const QString reference = QStringLiteral("Reference");
        QTest::newRow("reference from heavy tail") << Mutation([](PoolConfig &) {}) << heavy;
        QTest::newRow("low edges") << Mutation([](PoolConfig &c) {
            c.workers = 1;
            c.jobs = 1;
            c.queueCapacity = c.resultsCapacity = 0;
            c.intervalMs = 0;
            c.burstSize = 1;
            c.minMs = c.maxMs = c.meanMs = 0;
            c.speed = PoolConfig::kMinSpeed;
        }) << reference;
        QTest::newRow("high edges") << Mutation([](PoolConfig &c) {
            c.workers = 256;
            c.jobs = 10'000'000;
            c.queueCapacity = c.resultsCapacity = 100'000;
            c.intervalMs = 10'000;
            c.burstSize = 10'000;
            c.minMs = c.maxMs = c.meanMs = PoolConfig::kMaxJobMs;
            c.failRatePercent = 100;
            c.speed = 100;
            c.seed = std::numeric_limits<std::uint64_t>::max();
        }) << reference;
        QTest::newRow("continuous for 90.125 s") << Mutation([](PoolConfig &c) {
            c.continuous = true;
            c.durationS = 90.125;
            c.jobs = 42;
        }) << heavy;
        QTest::newRow("continuous until stopped")
            << Mutation([](PoolConfig &c) { c.continuous = true; }) << heavy;
        QTest::newRow("odd decimals everywhere") << Mutation([](PoolConfig &c) {
            c.intervalMs = 12.345;
            c.minMs = 0.125;
            c.maxMs = 987.654;
            c.meanMs = 33.333;
            c.failRatePercent = 12.5;
            c.speed = 0.37;
            c.seed = 123456789012345ULL;
        }) << heavy;
        QTest::newRow("queue fixed, results auto") << Mutation([](PoolConfig &c) {
            c.queueCapacity = 7;
            c.jobs = 1'234'567;
        }) << QStringLiteral("Unbuffered hand-off");
        QTest::newRow("bursty exponential cpu") << Mutation([](PoolConfig &c) {
            c.arrival = ArrivalPattern::Burst;
            c.burstSize = 33;
            c.distribution = Distribution::Exponential;
            c.meanMs = 75.5;
            c.workload = Workload::Cpu;
            c.workers = 37;
        }) << reference;
    }

    void setConfigRoundTripsAndEmitsNothing()
    {
        QFETCH(Mutation, mutate);
        QFETCH(QString, startFrom);
        PoolConfig config;
        mutate(config);
        QVERIFY2(config.isValid(), qPrintable(problems(config)));

        ControlPanel panel;
        panel.setConfig(ControlPanel::preset(startFrom));
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        QSignalSpy workers(&panel, &ControlPanel::workersChanged);
        QSignalSpy speed(&panel, &ControlPanel::speedChanged);
        QSignalSpy interval(&panel, &ControlPanel::intervalChanged);
        panel.setConfig(config);
        QCOMPARE(panel.config(), config);
        QCOMPARE(edited.count(), 0);
        QCOMPARE(workers.count(), 0);
        QCOMPARE(speed.count(), 0);
        QCOMPARE(interval.count(), 0);
    }

    void dependentControlsFollowTheirSwitch()
    {
        ControlPanel panel;
        auto *jobs = child<QSpinBox>(panel, "jobsSpin");
        auto *duration = child<QDoubleSpinBox>(panel, "durationSpin");
        auto *burst = child<QSpinBox>(panel, "burstSizeSpin");
        auto *min = child<QDoubleSpinBox>(panel, "minDurationSpin");
        auto *mean = child<QDoubleSpinBox>(panel, "meanDurationSpin");
        auto *queue = child<QSpinBox>(panel, "queueCapacitySpin");
        QVERIFY(jobs->isEnabled() && !duration->isEnabled());
        QVERIFY(!burst->isEnabled());
        QVERIFY(min->isEnabled() && !mean->isEnabled());
        QVERIFY(!queue->isEnabled());
        QCOMPARE(queue->value(), 15); // auto shows what it resolves to

        child<QCheckBox>(panel, "continuousCheck")->setChecked(true);
        QVERIFY(!jobs->isEnabled() && duration->isEnabled());
        QCOMPARE(queue->value(), PoolConfig::kMaxCapacity);
        child<QComboBox>(panel, "arrivalCombo")->setCurrentIndex(2);
        QVERIFY(burst->isEnabled());
        child<QComboBox>(panel, "distributionCombo")->setCurrentIndex(3);
        QVERIFY(!min->isEnabled() && mean->isEnabled());
        child<QCheckBox>(panel, "queueCapacityAutoCheck")->setChecked(false);
        QVERIFY(queue->isEnabled());
        // What does not apply leaves the panel (its row hidden); what does is there.
        const auto shown = [](QWidget *w) {
            return !w->parentWidget()->isHidden();
        };
        QVERIFY(!shown(jobs) && shown(duration) && shown(burst));
        QVERIFY(!shown(min) && shown(mean) && shown(queue));
        child<QCheckBox>(panel, "continuousCheck")->setChecked(false);
        child<QComboBox>(panel, "distributionCombo")->setCurrentIndex(0);
        QVERIFY(shown(jobs) && !shown(duration) && shown(min) && !shown(mean));
    }

    void slidersSetTheirField_data()
    {
        QTest::addColumn<QString>("slider");
        QTest::addColumn<QString>("spin");
        QTest::addColumn<Mutation>("setup");
        QTest::addColumn<int>("position"); // -1: the far right
        QTest::addColumn<Field>("field");
        QTest::addColumn<double>("expected");

        const Mutation none = [](PoolConfig &) {
        };
        const Mutation manualCapacities = [](PoolConfig &c) {
            c.queueCapacity = 10;
            c.resultsCapacity = 10;
        };
        const Mutation continuous = [](PoolConfig &c) {
            c.continuous = true;
        };
        const Mutation bursts = [](PoolConfig &c) {
            c.arrival = ArrivalPattern::Burst;
        };
        const Mutation exponential = [](PoolConfig &c) {
            c.distribution = Distribution::Exponential;
        };
        const auto row = [](const char *name, const char *slider, const Mutation &setup,
                            int position, const Field &field, double expected) {
            const QString base = QLatin1String(slider);
            QTest::newRow(name) << base + QLatin1String("Slider") << base + QLatin1String("Spin")
                                << setup << position << field << expected;
        };
        const Field workers = [](const PoolConfig &c) {
            return double(c.workers);
        };
        const Field jobs = [](const PoolConfig &c) {
            return double(c.jobs);
        };
        const Field queue = [](const PoolConfig &c) {
            return double(c.queueCapacity);
        };
        const Field results = [](const PoolConfig &c) {
            return double(c.resultsCapacity);
        };
        const Field duration = [](const PoolConfig &c) {
            return c.durationS;
        };
        const Field interval = [](const PoolConfig &c) {
            return c.intervalMs;
        };
        const Field burst = [](const PoolConfig &c) {
            return double(c.burstSize);
        };
        const Field minMs = [](const PoolConfig &c) {
            return c.minMs;
        };
        const Field maxMs = [](const PoolConfig &c) {
            return c.maxMs;
        };
        const Field meanMs = [](const PoolConfig &c) {
            return c.meanMs;
        };
        const Field failRate = [](const PoolConfig &c) {
            return c.failRatePercent;
        };
        const Field speed = [](const PoolConfig &c) {
            return c.speed;
        };

        row("workers to the far right", "workers", none, -1, workers, 256);
        row("workers to the far left", "workers", none, 0, workers, 1);
        row("jobs to the far right", "jobs", none, -1, jobs, 10'000'000);
        row("jobs to the far left", "jobs", none, 0, jobs, 1);
        row("queue capacity to the far right", "queueCapacity", manualCapacities, -1, queue,
            100'000);
        row("queue capacity to the far left", "queueCapacity", manualCapacities, 0, queue, 0);
        row("results capacity to the far right", "resultsCapacity", manualCapacities, -1, results,
            100'000);
        row("results capacity to the far left", "resultsCapacity", manualCapacities, 0, results, 0);
        row("duration to the far right", "duration", continuous, -1, duration, 86'400);
        row("interval to the far right", "interval", none, -1, interval, 10'000);
        row("interval to the far left", "interval", none, 0, interval, 0);
        row("burst size to the far right", "burstSize", bursts, -1, burst, 10'000);
        row("min to the far left", "minDuration", none, 0, minMs, 0);
        row("max to the far right", "maxDuration", none, -1, maxMs, PoolConfig::kMaxJobMs);
        row("mean to the far right", "meanDuration", exponential, -1, meanMs,
            PoolConfig::kMaxJobMs);
        row("fail rate to the middle", "failRate", none, 50, failRate, 50);
        row("fail rate to the far right", "failRate", none, -1, failRate, 100);
        row("speed to the far left", "speed", none, 0, speed, PoolConfig::kMinSpeed);
        row("speed to the far right", "speed", none, -1, speed, PoolConfig::kMaxSpeed);
        row(
            "speed from the left to the middle is 1x", "speed",
            [](PoolConfig &c) { c.speed = PoolConfig::kMinSpeed; }, 500, speed, 1.0);
    }

    void slidersSetTheirField()
    {
        QFETCH(QString, slider);
        QFETCH(QString, spin);
        QFETCH(Mutation, setup);
        QFETCH(int, position);
        QFETCH(Field, field);
        QFETCH(double, expected);

        ControlPanel panel;
        PoolConfig start;
        setup(start);
        panel.setConfig(start);
        auto *s = panel.findChild<QSlider *>(slider);
        QVERIFY(s);
        QVERIFY(s->isEnabled());
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        s->setValue(position < 0 ? s->maximum() : position);
        QCOMPARE(field(panel.config()), expected);
        QCOMPARE(spinValue(panel, spin), expected);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).value<PoolConfig>(), panel.config());
    }

    void spinBoxesMoveTheirSlider()
    {
        ControlPanel panel;
        auto *slider = child<QSlider>(panel, "speedSlider");
        child<QDoubleSpinBox>(panel, "speedSpin")->setValue(100);
        QCOMPARE(slider->value(), slider->maximum());
        child<QDoubleSpinBox>(panel, "speedSpin")->setValue(1);
        QCOMPARE(slider->value(), (slider->minimum() + slider->maximum()) / 2);
        child<QSpinBox>(panel, "jobsSpin")->setValue(1);
        QCOMPARE(child<QSlider>(panel, "jobsSlider")->value(), 0);
    }

    void logarithmicSlidersReachSmallValues_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name :
             {"workers", "jobs", "queueCapacity", "resultsCapacity", "duration", "interval",
              "burstSize", "minDuration", "maxDuration", "meanDuration", "speed"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void logarithmicSlidersReachSmallValues()
    {
        QFETCH(QString, name);
        ControlPanel panel;
        auto *slider = panel.findChild<QSlider *>(name + QLatin1String("Slider"));
        QVERIFY(slider);
        // Enable everything a dependency may have switched off.
        PoolConfig config;
        config.continuous = true;
        config.queueCapacity = config.resultsCapacity = 1;
        panel.setConfig(config);
        slider->setValue(slider->maximum() / 10);
        const QString spinName = name + QLatin1String("Spin");
        double lo = 0;
        double hi = 0;
        if (auto *spin = panel.findChild<QSpinBox *>(spinName)) {
            lo = spin->minimum();
            hi = spin->maximum();
        } else {
            auto *doubleSpin = panel.findChild<QDoubleSpinBox *>(spinName);
            lo = doubleSpin->minimum();
            hi = doubleSpin->maximum();
        }
        const double value = spinValue(panel, spinName);
        QVERIFY2(value <= lo + (hi - lo) / 100, qPrintable(QString::number(value)));
    }

    void minAndMaxPushEachOther()
    {
        ControlPanel panel;
        child<QDoubleSpinBox>(panel, "minDurationSpin")->setValue(800);
        QCOMPARE(panel.config().minMs, 800.0);
        QCOMPARE(panel.config().maxMs, 800.0);
        child<QDoubleSpinBox>(panel, "maxDurationSpin")->setValue(100);
        QCOMPARE(panel.config().minMs, 100.0);
        QCOMPARE(panel.config().maxMs, 100.0);
        QVERIFY(panel.config().isValid());
    }

    void otherControlsEditTheirField_data()
    {
        QTest::addColumn<Action>("action");
        QTest::addColumn<Mutation>("expected"); // applied to the reference config

        QTest::newRow("continuous") << Action([](ControlPanel &p) {
            child<QCheckBox>(p, "continuousCheck")->setChecked(true);
        }) << Mutation([](PoolConfig &c) { c.continuous = true; });
        QTest::newRow("queue capacity manual") << Action([](ControlPanel &p) {
            child<QCheckBox>(p, "queueCapacityAutoCheck")->setChecked(false);
        }) << Mutation([](PoolConfig &c) { c.queueCapacity = 15; });
        QTest::newRow("results capacity typed") << Action([](ControlPanel &p) {
            child<QCheckBox>(p, "resultsCapacityAutoCheck")->setChecked(false);
            child<QSpinBox>(p, "resultsCapacitySpin")->setValue(4);
        }) << Mutation([](PoolConfig &c) { c.resultsCapacity = 4; });
        QTest::newRow("arrival poisson") << Action([](ControlPanel &p) {
            child<QComboBox>(p, "arrivalCombo")->setCurrentIndex(1);
        }) << Mutation([](PoolConfig &c) { c.arrival = ArrivalPattern::Poisson; });
        QTest::newRow("distribution lognormal") << Action([](ControlPanel &p) {
            child<QComboBox>(p, "distributionCombo")->setCurrentIndex(3);
        }) << Mutation([](PoolConfig &c) { c.distribution = Distribution::LogNormal; });
        QTest::newRow("workload cpu") << Action([](ControlPanel &p) {
            child<QComboBox>(p, "workloadCombo")->setCurrentIndex(1);
        }) << Mutation([](PoolConfig &c) { c.workload = Workload::Cpu; });
        QTest::newRow("seed typed") << Action([](ControlPanel &p) {
            QTest::keyClicks(child<QLineEdit>(p, "seedEdit"), QStringLiteral("42x"));
        }) << Mutation([](PoolConfig &c) { c.seed = 42; });
        QTest::newRow("mean typed") << Action([](ControlPanel &p) {
            child<QDoubleSpinBox>(p, "meanDurationSpin")->setValue(123.456);
        }) << Mutation([](PoolConfig &c) { c.meanMs = 123.456; });
    }

    void otherControlsEditTheirField()
    {
        QFETCH(Action, action);
        QFETCH(Mutation, expected);
        PoolConfig config;
        expected(config);
        ControlPanel panel;
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        action(panel);
        QCOMPARE(panel.config(), config);
        QVERIFY(edited.count() >= 1);
        QCOMPARE(edited.last().at(0).value<PoolConfig>(), config);
    }

    void liveKnobsEmitTheirLiveSignal_data()
    {
        QTest::addColumn<QString>("spin");
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("workersSignals");
        QTest::addColumn<int>("speedSignals");
        QTest::addColumn<int>("intervalSignals");
        QTest::newRow("workers") << "workersSpin" << 8.0 << 1 << 0 << 0;
        QTest::newRow("speed") << "speedSpin" << 2.5 << 0 << 1 << 0;
        QTest::newRow("interval") << "intervalSpin" << 250.0 << 0 << 0 << 1;
        QTest::newRow("jobs is not live") << "jobsSpin" << 99.0 << 0 << 0 << 0;
        QTest::newRow("mean is not live") << "meanDurationSpin" << 99.0 << 0 << 0 << 0;
    }

    void liveKnobsEmitTheirLiveSignal()
    {
        QFETCH(QString, spin);
        QFETCH(double, value);
        QFETCH(int, workersSignals);
        QFETCH(int, speedSignals);
        QFETCH(int, intervalSignals);
        ControlPanel panel;
        panel.setRunState(true, false);
        QSignalSpy edited(&panel, &ControlPanel::configEdited);
        QSignalSpy workers(&panel, &ControlPanel::workersChanged);
        QSignalSpy speed(&panel, &ControlPanel::speedChanged);
        QSignalSpy interval(&panel, &ControlPanel::intervalChanged);
        if (auto *intSpin = panel.findChild<QSpinBox *>(spin))
            intSpin->setValue(int(value));
        else
            panel.findChild<QDoubleSpinBox *>(spin)->setValue(value);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(workers.count(), workersSignals);
        QCOMPARE(speed.count(), speedSignals);
        QCOMPARE(interval.count(), intervalSignals);
        if (workersSignals)
            QCOMPARE(workers.at(0).at(0).toInt(), int(value));
        if (speedSignals)
            QCOMPARE(speed.at(0).at(0).toDouble(), value);
        if (intervalSignals)
            QCOMPARE(interval.at(0).at(0).toDouble(), value);
    }

    void nextRunNoteNamesNonLiveChangesWhileRunning_data()
    {
        QTest::addColumn<Action>("action");
        QTest::addColumn<QString>("mentions"); // empty: no note

        QTest::newRow("queue capacity") << Action([](ControlPanel &p) {
            child<QCheckBox>(p, "queueCapacityAutoCheck")->setChecked(false);
        }) << "queue capacity";
        QTest::newRow("distribution") << Action([](ControlPanel &p) {
            child<QComboBox>(p, "distributionCombo")->setCurrentIndex(2);
        }) << "distribution";
        QTest::newRow("jobs slider")
            << Action([](ControlPanel &p) { child<QSlider>(p, "jobsSlider")->setValue(700); })
            << "jobs";
        QTest::newRow("seed") << Action([](ControlPanel &p) {
            QTest::keyClicks(child<QLineEdit>(p, "seedEdit"), QStringLiteral("7"));
        }) << "seed";
        QTest::newRow("a preset") << Action([](ControlPanel &p) {
            p.applyPreset(QStringLiteral("Backpressure"));
        }) << "queue capacity";
        QTest::newRow("workers is live")
            << Action([](ControlPanel &p) { child<QSlider>(p, "workersSlider")->setValue(900); })
            << "";
        QTest::newRow("speed is live")
            << Action([](ControlPanel &p) { child<QSlider>(p, "speedSlider")->setValue(900); })
            << "";
        QTest::newRow("interval is live")
            << Action([](ControlPanel &p) { child<QSlider>(p, "intervalSlider")->setValue(900); })
            << "";
        QTest::newRow("a change undone") << Action([](ControlPanel &p) {
            child<QSpinBox>(p, "burstSizeSpin")->setValue(11);
            child<QSpinBox>(p, "burstSizeSpin")->setValue(10);
        }) << "";
    }

    void nextRunNoteNamesNonLiveChangesWhileRunning()
    {
        QFETCH(Action, action);
        QFETCH(QString, mentions);
        ControlPanel panel;
        auto *note = child<QLabel>(panel, "nextRunNote");
        panel.setRunState(true, false);
        QVERIFY(note->isHidden());
        action(panel);
        QCOMPARE(!note->isHidden(), !mentions.isEmpty());
        QCOMPARE(!panel.nextRunChanges().isEmpty(), !mentions.isEmpty());
        if (!mentions.isEmpty()) {
            QVERIFY2(note->text().contains(mentions), qPrintable(note->text()));
            QVERIFY2(note->text().contains(QLatin1String("apply to the next run")),
                     qPrintable(note->text()));
            QVERIFY(panel.nextRunChanges().contains(mentions));
        }
        panel.setRunState(true, true); // pausing keeps it
        QCOMPARE(!note->isHidden(), !mentions.isEmpty());
        panel.setRunState(false, false);
        QVERIFY(note->isHidden());
        QVERIFY(panel.nextRunChanges().isEmpty());
    }

    void noNoteWhileIdle()
    {
        ControlPanel panel;
        child<QComboBox>(panel, "workloadCombo")->setCurrentIndex(1);
        QVERIFY(child<QLabel>(panel, "nextRunNote")->isHidden());
        // The run that starts now uses the edited config: nothing pending.
        panel.setRunState(true, false);
        QVERIFY(child<QLabel>(panel, "nextRunNote")->isHidden());
    }

    void runStateEnablesTheRightButtons_data()
    {
        QTest::addColumn<bool>("running");
        QTest::addColumn<bool>("paused");
        QTest::addColumn<QString>("pauseText");
        QTest::addColumn<QList<bool>>("enabled"); // start, pause, stop, cancel, reset
        QTest::newRow("idle") << false << false << "Pause"
                              << QList<bool> {true, false, false, false, true};
        QTest::newRow("running") << true << false << "Pause"
                                 << QList<bool> {false, true, true, true, false};
        QTest::newRow("paused") << true << true << "Resume"
                                << QList<bool> {false, true, true, true, false};
        QTest::newRow("paused while idle means idle")
            << false << true << "Pause" << QList<bool> {true, false, false, false, true};
    }

    void runStateEnablesTheRightButtons()
    {
        QFETCH(bool, running);
        QFETCH(bool, paused);
        QFETCH(QString, pauseText);
        QFETCH(QList<bool>, enabled);
        ControlPanel panel;
        panel.setRunState(true, true); // start from elsewhere
        panel.setRunState(running, paused);
        QCOMPARE(panel.isRunning(), running);
        QCOMPARE(child<QPushButton>(panel, "pauseButton")->text(), pauseText);
        const char *names[]
            = {"startButton", "pauseButton", "stopButton", "cancelButton", "resetButton"};
        for (int i = 0; i < 5; ++i)
            QVERIFY2(child<QPushButton>(panel, names[i])->isEnabled() == enabled.at(i), names[i]);
    }

    void buttonsEmitTheirRequests_data()
    {
        QTest::addColumn<QString>("button");
        QTest::addColumn<bool>("running");
        QTest::addColumn<Signal>("signal");
        QTest::newRow("start") << "startButton" << false << Signal(&ControlPanel::startRequested);
        QTest::newRow("pause") << "pauseButton" << true << Signal(&ControlPanel::pauseToggled);
        QTest::newRow("stop") << "stopButton" << true << Signal(&ControlPanel::stopRequested);
        QTest::newRow("cancel") << "cancelButton" << true << Signal(&ControlPanel::cancelRequested);
        QTest::newRow("reset") << "resetButton" << false << Signal(&ControlPanel::resetRequested);
    }

    void buttonsEmitTheirRequests()
    {
        QFETCH(QString, button);
        QFETCH(bool, running);
        QFETCH(Signal, signal);
        ControlPanel panel;
        panel.setRunState(running, false);
        QSignalSpy spy(&panel, signal);
        QSignalSpy start(&panel, &ControlPanel::startRequested);
        QSignalSpy reset(&panel, &ControlPanel::resetRequested);
        QTest::mouseClick(panel.findChild<QPushButton *>(button), Qt::LeftButton);
        QCOMPARE(spy.count(), 1);
        // And nothing else (start and reset stand in for the rest).
        QCOMPARE(start.count(), signal == &ControlPanel::startRequested ? 1 : 0);
        QCOMPARE(reset.count(), signal == &ControlPanel::resetRequested ? 1 : 0);
    }

    void pauseButtonTogglesBetweenPauseAndResume()
    {
        ControlPanel panel;
        auto *pause = child<QPushButton>(panel, "pauseButton");
        QSignalSpy toggled(&panel, &ControlPanel::pauseToggled);
        panel.setRunState(true, false);
        QCOMPARE(pause->text(), QStringLiteral("Pause"));
        pause->click();
        panel.setRunState(true, true);
        QCOMPARE(pause->text(), QStringLiteral("Resume"));
        pause->click();
        panel.setRunState(true, false);
        QCOMPARE(pause->text(), QStringLiteral("Pause"));
        QCOMPARE(toggled.count(), 2);
    }
};

QTEST_MAIN(TestControlPanel)
#include "tst_controlpanel.moc"
