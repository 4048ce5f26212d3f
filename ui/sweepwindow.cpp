#include "ui/sweepwindow.h"

#include "engine/durationformat.h"
#include "engine/knob.h"
#include "engine/queueingtheory.h"
#include "engine/sweeprunner.h"
#include "ui/sweepchart.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace gui {

using namespace engine;

namespace {

enum Column {
    Value,
    Results,
    Throughput,
    Busy,
    WaitMean,
    WaitP95,
    LatencyMean,
    LatencyP95,
    RhoTheory,
    WqTheory,
    WTheory,
    ColumnCount
};

QString duration(double ns)
{
    return std::isfinite(ns) ? displayDuration(std::llround(ns)) : QStringLiteral("∞");
}

// A range to start from for a knob: its choices, whole numbers around the current value, or
// the current value halved to doubled.
QString defaultRange(const Knob &k, const PoolConfig &config)
{
    if (k.type == KnobType::Choice) {
        QStringList names;
        for (std::size_t i = 0; i < k.choices.size(); ++i)
            names << k.choiceName(i);
        return names.join(QLatin1Char(','));
    }
    const double v = k.isSpecial(config) ? k.min : k.number(config);
    if (k.id == KnobId::Workers)
        return QStringLiteral("1..%1").arg(std::clamp(2 * config.workers, 8, 64));
    QStringList values;
    for (const double f : {0.5, 0.75, 1.0, 1.5, 2.0}) {
        const double x
            = std::clamp(k.type == KnobType::Integer ? std::round(v * f) : v * f, k.min, k.max);
        const QString text = QString::number(x, 'g', 6);
        if (!values.contains(text))
            values << text;
    }
    return values.join(QLatin1Char(','));
}

std::optional<SweepMetric> chartOf(SizingTarget::Metric metric)
{
    switch (metric) {
    case SizingTarget::Metric::WaitP95Ms:
    case SizingTarget::Metric::WaitP99Ms:
    case SizingTarget::Metric::WaitMeanMs:
        return SweepMetric::Wait;
    case SizingTarget::Metric::LatencyMeanMs:
        return SweepMetric::Latency;
    case SizingTarget::Metric::Utilization:
        return SweepMetric::Utilization;
    case SizingTarget::Metric::PWait:
        break;
    }
    return std::nullopt;
}

} // namespace

SweepWindow::SweepWindow(QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_runner(new SweepRunner(this))
{
    setWindowTitle(tr("Sweep and size — Poolscope"));
    setObjectName(QStringLiteral("sweepWindow"));
    if (m_runFiles.isValid())
        m_runner->setRunFileDirectory(m_runFiles.path());
    buildControls();
    connect(m_runner, &SweepRunner::pointStarted, this, &SweepWindow::pointStarted);
    connect(m_runner, &SweepRunner::pointFinished, this, &SweepWindow::pointFinished);
    connect(m_runner, &SweepRunner::finished, this, &SweepWindow::finished);
    resize(1180, 820);
}

SweepWindow::~SweepWindow() = default; // the runner's pool cancels and joins its run

void SweepWindow::buildControls()
{
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_knob = new QComboBox;
    m_knob->setObjectName(QStringLiteral("sweepKnob"));
    for (const Knob &k : knobs()) {
        if (k.type == KnobType::Integer || k.type == KnobType::Real || k.type == KnobType::Choice)
            m_knob->addItem(QString::fromLatin1(k.label), static_cast<int>(k.id));
    }
    m_range = new QLineEdit;
    m_range->setObjectName(QStringLiteral("sweepRange"));
    m_range->setToolTip(tr("FROM..TO (with a step), or values separated by commas; a choice's "
                           "names, as fixed,uniform"));
    m_step = new QLineEdit(QStringLiteral("1"));
    m_step->setObjectName(QStringLiteral("sweepStep"));
    m_step->setMaximumWidth(70);
    m_step->setToolTip(tr("The step of a FROM..TO range"));
    m_run = new QPushButton(tr("Run sweep"));
    m_run->setObjectName(QStringLiteral("runSweep"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelSweep"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QString()); // "%v of %m runs" once a sweep starts
    const auto labelFor = [](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text);
        label->setBuddy(buddy);
        return label;
    };
    row->addWidget(labelFor(tr("&Vary"), m_knob));
    row->addWidget(m_knob);
    row->addWidget(labelFor(tr("&over"), m_range));
    row->addWidget(m_range, 1);
    row->addWidget(labelFor(tr("s&tep"), m_step));
    row->addWidget(m_step);
    row->addWidget(m_run);
    row->addWidget(m_cancel);
    row->addWidget(m_progress);
    layout->addLayout(row);
    buildSizing(layout);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("sweepStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    layout->addWidget(buildResults(), 1);

    connect(m_knob, &QComboBox::currentIndexChanged, this, &SweepWindow::knobChosen);
    connect(m_run, &QPushButton::clicked, this, &SweepWindow::startSweep);
    connect(m_range, &QLineEdit::returnPressed, this, &SweepWindow::startSweep);
    connect(m_step, &QLineEdit::returnPressed, this, &SweepWindow::startSweep);
    connect(m_cancel, &QPushButton::clicked, this, &SweepWindow::cancelSweep);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int r, int) {
        if (r >= 0 && static_cast<std::size_t>(r) < m_runner->points().size()
            && !m_runner->points().at(r).runFile.isEmpty())
            Q_EMIT openRunRequested(m_runner->points().at(r).runFile);
    });
    knobChosen();
    setFocusProxy(m_range);
    m_range->setFocus();
}

QWidget *SweepWindow::buildResults()
{
    auto *split = new QSplitter(Qt::Vertical);
    auto *charts = new QWidget;
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < kSweepMetricCount; ++i) {
        m_charts[i] = new SweepChart;
        grid->addWidget(m_charts[i], i / 3, i % 3);
    }
    auto *legend = new QLabel(
        tr("Dots and solid lines: what the runs measured. Dashed: the theory for the same "
           "configuration (Erlang C, or Allen–Cunneen when arrivals or durations are not "
           "exponential), where the pool has a steady state. Dotted rule: the current "
           "configuration. Double-click a row to open its run."));
    legend->setWordWrap(true);
    legend->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(legend, 1, 2, Qt::AlignTop);
    split->addWidget(charts);
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("sweepTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("value"), tr("results"), tr("results/s"), tr("busy %"), tr("wait mean"), tr("wait p95"),
         tr("latency mean"), tr("latency p95"), tr("ρ theory"), tr("Wq theory"), tr("W theory")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    return split;
}

void SweepWindow::buildSizing(QBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("sizingFigure"));
    for (const QString &key : SizingTarget::metricsText().split(QStringLiteral(", ")))
        m_metric->addItem(key);
    m_limit = new QLineEdit(QStringLiteral("50"));
    m_limit->setObjectName(QStringLiteral("sizingLimit"));
    m_limit->setMaximumWidth(90);
    m_find = new QPushButton(tr("Find workers"));
    m_find->setObjectName(QStringLiteral("findWorkers"));
    m_verify = new QPushButton(tr("Check with two runs"));
    m_verify->setObjectName(QStringLiteral("verifyWorkers"));
    m_verify->setEnabled(false);
    m_answerLabel = new QLabel;
    m_answerLabel->setObjectName(QStringLiteral("sizingAnswer"));
    m_answerLabel->setWordWrap(true);
    auto *sizeFor = new QLabel(tr("&Size for"));
    sizeFor->setBuddy(m_metric);
    row->addWidget(sizeFor);
    row->addWidget(m_metric);
    row->addWidget(new QLabel(QStringLiteral("≤")));
    row->addWidget(m_limit);
    row->addWidget(m_find);
    row->addWidget(m_verify);
    row->addWidget(m_answerLabel, 1);
    layout->addLayout(row);
    connect(m_find, &QPushButton::clicked, this, &SweepWindow::findWorkers);
    connect(m_limit, &QLineEdit::returnPressed, this, &SweepWindow::findWorkers);
    connect(m_verify, &QPushButton::clicked, this, &SweepWindow::verifyAnswer);
    const auto forget = [this] {
        m_answer.reset();
        m_verify->setEnabled(false);
    };
    connect(m_metric, &QComboBox::currentIndexChanged, this, forget);
    connect(m_limit, &QLineEdit::textEdited, this, forget);
}

void SweepWindow::setBaseConfig(const PoolConfig &config)
{
    const bool first = m_base == PoolConfig {} && config != PoolConfig {};
    m_base = config;
    if (first || m_range->text().isEmpty())
        knobChosen();
    if (!m_swept)
        refreshCharts();
}

void SweepWindow::knobChosen()
{
    const Knob &k = knob(static_cast<KnobId>(m_knob->currentData().toInt()));
    m_range->setText(defaultRange(k, m_base));
    m_step->setText(QStringLiteral("1"));
}

void SweepWindow::setKnob(KnobId id)
{
    m_knob->setCurrentIndex(m_knob->findData(static_cast<int>(id)));
}

void SweepWindow::setRangeText(const QString &text)
{
    m_range->setText(text);
}

void SweepWindow::setStepText(const QString &text)
{
    m_step->setText(text);
}

void SweepWindow::setTargetText(const QString &text)
{
    const qsizetype at = text.indexOf(QLatin1String("<="));
    m_metric->setCurrentText(text.left(at));
    m_limit->setText(text.mid(at + 2));
}

QString SweepWindow::statusText() const
{
    return m_status->text();
}

QString SweepWindow::answerText() const
{
    return m_answerLabel->text();
}

const SweepChart *SweepWindow::chart(SweepMetric metric) const
{
    return m_charts.at(static_cast<std::size_t>(metric));
}

int SweepWindow::rowCount() const
{
    return m_table->rowCount();
}

QString SweepWindow::cellText(int row, int column) const
{
    const QTableWidgetItem *item = m_table->item(row, column);
    return item ? item->text() : QString();
}

bool SweepWindow::isSweeping() const
{
    return m_runner->isRunning();
}

void SweepWindow::showProblem(const QString &problem)
{
    m_status->setText(
        QStringLiteral("<span style='color:%1'>%2</span>")
            .arg(Theme::fromPalette(palette()).failed.name(), problem.toHtmlEscaped()));
}

bool SweepWindow::startSweep()
{
    if (m_runner->isRunning())
        return false;
    const Knob &k = knob(static_cast<KnobId>(m_knob->currentData().toInt()));
    double step = 0;
    if (m_range->text().contains(QLatin1String(".."))) {
        bool ok = false;
        step = m_step->text().toDouble(&ok);
        if (!ok || !(step > 0)) {
            showProblem(tr("The step '%1' is not a number above 0.").arg(m_step->text()));
            return false;
        }
    }
    QString problem;
    const auto spec = SweepSpec::parse(QLatin1String(k.flag) + QLatin1Char('=') + m_range->text(),
                                       step, m_base, &problem);
    if (!spec) {
        showProblem(problem.mid(QStringLiteral("--sweep ").size()));
        return false;
    }
    m_target.reset();
    return runSpec(*spec);
}

bool SweepWindow::startSweepOf(const SweepSpec &spec)
{
    if (m_runner->isRunning())
        return false;
    setKnob(spec.knob);
    QStringList values;
    for (std::size_t i = 0; i < spec.values.size(); ++i)
        values << spec.valueText(i);
    m_range->setText(values.join(QLatin1Char(',')));
    m_target.reset();
    return runSpec(spec);
}

bool SweepWindow::sizeFor(const SizingTarget &target)
{
    setTargetText(target.text());
    return findWorkers() && m_answer && verifyAnswer();
}

bool SweepWindow::runSpec(const SweepSpec &spec)
{
    PoolConfig base = m_base;
    if (base.continuous && base.durationS <= 0) {
        showProblem(tr("Every run of a sweep must end: this configuration runs until stopped. Give "
                       "it jobs, or a duration."));
        return false;
    }
    QString problem;
    if (!m_runner->start(base, spec, &problem)) {
        showProblem(problem);
        return false;
    }
    m_swept = true;
    m_table->setRowCount(0);
    m_progress->setFormat(tr("%v of %m runs"));
    m_progress->setRange(0, static_cast<int>(spec.values.size()));
    m_progress->setValue(0);
    setRunning(true);
    refreshCharts();
    return true;
}

void SweepWindow::cancelSweep()
{
    m_runner->cancel();
}

void SweepWindow::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_find->setEnabled(!running);
    m_verify->setEnabled(!running && m_answer.has_value());
    m_cancel->setEnabled(running);
    m_knob->setEnabled(!running);
}

void SweepWindow::pointStarted(int index)
{
    const auto i = static_cast<std::size_t>(index);
    m_status->setText(
        tr("Run %1 of %2: %3 %4, %5 jobs at speed %6 (seed %7)…")
            .arg(index + 1)
            .arg(m_runner->spec().values.size())
            .arg(QLatin1String(m_runner->spec().knobRow().flag), m_runner->spec().valueText(i))
            .arg(m_runner->points().at(i).config.jobs)
            .arg(m_runner->points().at(i).config.speed)
            .arg(m_runner->points().at(i).config.seed));
}

void SweepWindow::pointFinished(int index)
{
    m_progress->setValue(index + 1);
    addRow(index);
    refreshCharts();
}

void SweepWindow::addRow(int index)
{
    const auto i = static_cast<std::size_t>(index);
    const SweepRunner::Point &p = m_runner->points().at(i);
    const RunStats &s = p.stats;
    const QueuePrediction theory = predict(plannedInputs(p.config));
    const QString cells[ColumnCount] = {
        m_runner->spec().valueText(i) + (p.cancelled ? tr(" (cancelled)") : QString()),
        QString::number(s.results()),
        QString::number(s.throughputPerS(), 'f', 2),
        QString::number(100.0 * s.meanUtilization(), 'f', 1),
        duration(s.wait().mean()),
        duration(static_cast<double>(s.wait().quantile(0.95))),
        duration(s.latency().mean()),
        duration(static_cast<double>(s.latency().quantile(0.95))),
        QString::number(theory.utilization, 'f', 2),
        duration(theory.waitMeanS * 1e9),
        duration(theory.latencyMeanS * 1e9),
    };
    m_table->insertRow(index);
    for (int c = 0; c < ColumnCount; ++c) {
        auto *item = new QTableWidgetItem(cells[c]);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!p.runFile.isEmpty())
            item->setToolTip(tr("Double-click to open this run"));
        m_table->setItem(index, c, item);
    }
}

void SweepWindow::finished()
{
    setRunning(false);
    const std::size_t done = m_runner->points().size();
    QString text = m_runner->wasCancelled()
        ? tr("Cancelled after %1 of %2 runs.").arg(done).arg(m_runner->spec().values.size())
        : tr("%1 runs of %2 done.").arg(done).arg(m_runner->spec().describe());
    if (m_target && m_answer && !m_runner->wasCancelled()) {
        const auto &points = m_runner->points();
        const bool atAnswer = m_target->met(m_target->measured(points.back().stats));
        const bool below
            = points.size() > 1 && m_target->met(m_target->measured(points.front().stats));
        const QString verdict = atAnswer && !below
            ? tr("The runs agree with the theory: %1 workers.").arg(m_answer->workers)
            : tr("The runs disagree with the theory (%1 workers: %2; %3: %4): a short run, "
                 "bursts or heavy tails stray from the steady state it describes.")
                  .arg(m_answer->workers)
                  .arg(atAnswer ? tr("met") : tr("missed"))
                  .arg(m_answer->workers - 1)
                  .arg(below ? tr("met") : tr("missed"));
        m_answerLabel->setText(m_answerLabel->text().section(QStringLiteral(" — "), 0, 0)
                               + QStringLiteral(" — ") + verdict);
    }
    m_status->setText(text);
    Q_EMIT sweepFinished();
}

void SweepWindow::refreshCharts()
{
    if (!m_swept) {
        // Before any sweep: the theory for the range in the boxes, to show what to expect.
        const Knob &k = knob(static_cast<KnobId>(m_knob->currentData().toInt()));
        const auto preview = SweepSpec::parse(
            QLatin1String(k.flag) + QLatin1Char('=') + m_range->text(),
            m_range->text().contains(QLatin1String("..")) ? m_step->text().toDouble() : 0, m_base,
            nullptr);
        if (!preview)
            return;
        for (int i = 0; i < kSweepMetricCount; ++i)
            m_charts[i]->setSeries(sweepSeries(static_cast<SweepMetric>(i), *preview, m_base, {}));
        return;
    }
    const std::optional<SweepMetric> targetChart
        = m_target ? chartOf(m_target->metric) : std::nullopt;
    for (int i = 0; i < kSweepMetricCount; ++i) {
        SweepSeries series = sweepSeries(static_cast<SweepMetric>(i), m_runner->spec(), m_base,
                                         m_runner->points());
        if (m_target && targetChart && static_cast<int>(*targetChart) == i)
            showTarget(series, m_target->limit);
        m_charts[i]->setSeries(std::move(series));
    }
}

bool SweepWindow::findWorkers()
{
    QString problem;
    const auto target = SizingTarget::parse(
        m_metric->currentText() + QStringLiteral("<=") + m_limit->text(), &problem);
    if (!target) {
        m_answerLabel->setText(problem.mid(QStringLiteral("--size-for ").size()).toHtmlEscaped());
        return false;
    }
    const SizingAnswer answer = sizePool(m_base, *target);
    if (!answer.found) {
        m_answer.reset();
        m_verify->setEnabled(false);
        m_answerLabel->setText(answer.why.toHtmlEscaped() + QLatin1Char('.'));
        return true;
    }
    m_answer = answer;
    m_target = target;
    m_verify->setEnabled(!m_runner->isRunning());
    QString text = tr("<b>%1 workers</b> by the theory (%2 %3")
                       .arg(answer.workers)
                       .arg(target->name(), target->format(target->predicted(answer.prediction)));
    if (answer.workers > 1)
        text += tr("; with %1: %2")
                    .arg(answer.workers - 1)
                    .arg(target->format(target->predicted(answer.below)));
    m_answerLabel->setText(text + QLatin1Char(')'));
    return true;
}

bool SweepWindow::verifyAnswer()
{
    if (!m_answer || !m_target || m_runner->isRunning())
        return false;
    const auto target = m_target;
    if (!startSweepOf(m_answer->verifyingRuns())) // the boxes show what runs
        return false;
    m_target = target;
    refreshCharts();
    return true;
}

} // namespace gui
