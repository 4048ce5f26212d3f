#include "ui/comparewindow.h"

#include "ui/overlaychart.h"
#include "ui/runmodel.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace gui {

using namespace engine;

CompareWindow::CompareWindow(const RunRecording &a, const QString &nameA, const RunRecording &b,
                             const QString &nameB, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_window(new TimeWindow(this))
{
    setAttribute(Qt::WA_DeleteOnClose);
    setObjectName(QStringLiteral("compareWindow"));
    setWindowTitle(tr("%1 and %2 compared — Poolscope").arg(nameA, nameB));
    const RunRecording *runs[2] = {&a, &b};
    std::int64_t end = 0;
    for (int i = 0; i < 2; ++i) {
        std::vector<PoolEvent> events = runs[i]->events;
        sortByTime(events);
        m_configs[i] = runs[i]->config;
        m_stats[i].ingest(events);
        m_models[i] = new RunModel(this);
        m_models[i]->reset(runs[i]->config);
        m_models[i]->ingest(events, runs[i]->failures);
        m_models[i]->setNow(events.empty() ? 0 : events.back().t);
        end = std::max(end, m_models[i]->endT());
    }
    m_comparison = compareRuns(a.config, a.seed, m_stats[0], b.config, b.seed, m_stats[1]);
    m_window->setFollowLive(false);
    m_window->setExtent(end, true);
    m_window->showAll();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader(nameA, nameB));
    // Left, the runs over time and their latencies; right, the table of figures.
    auto *across = new QSplitter(Qt::Horizontal);
    auto *split = new QSplitter(Qt::Vertical);
    const Theme theme = Theme::fromPalette(palette());
    for (int i = 0; i < 2; ++i) {
        m_timelines[i] = new TimelineView(m_models[i], m_window);
        m_timelines[i]->setTheme(theme);
        m_timelines[i]->setAccessibleName(i == 0 ? tr("Timeline of A") : tr("Timeline of B"));
        split->addWidget(m_timelines[i]);
    }
    auto *depth = new OverlayChart(OverlayChart::Mode::QueueDepth, m_window);
    depth->setRuns(OverlayChart::depthSamples(a.events), OverlayChart::depthSamples(b.events));
    split->addWidget(depth);
    auto *latency = new OverlayChart(OverlayChart::Mode::LatencyCdf, nullptr);
    latency->setLatencies(m_stats[0].latency(), m_stats[1].latency());
    split->addWidget(latency);
    split->setSizes({300, 300, 140, 200});
    across->addWidget(split);
    QTableWidget *table = buildTable();
    across->addWidget(table);
    // The table whole, every column readable; the charts take the rest.
    table->resizeColumnsToContents();
    const int tableWidth = table->horizontalHeader()->length() + 2 * table->frameWidth()
        + table->verticalScrollBar()->sizeHint().width();
    table->setMinimumWidth(tableWidth);
    across->setStretchFactor(0, 1);
    across->setStretchFactor(1, 0);
    layout->addWidget(across, 1);
    resize(1280, 900);
}

CompareWindow::~CompareWindow() = default;

QWidget *CompareWindow::buildHeader(const QString &nameA, const QString &nameB)
{
    const Theme theme = Theme::fromPalette(palette());
    QString text;
    const QString names[2] = {nameA, nameB};
    for (int i = 0; i < 2; ++i) {
        text += tr("<span style='color:%1'><b>%2</b></span> %3 — %4 workers, %5 jobs sent, seed "
                   "%6 (the %7 timeline)<br>")
                    .arg(OverlayChart::colourOf(i, theme).name(),
                         i == 0 ? QStringLiteral("A") : QStringLiteral("B"),
                         names[i].toHtmlEscaped())
                    .arg(m_configs[i].workers)
                    .arg(m_stats[i].submitted())
                    .arg(m_configs[i].seed)
                    .arg(i == 0 ? tr("upper") : tr("lower"));
    }
    text
        += tr("Configuration: %1")
               .arg(
                   m_comparison.configDifferences.isEmpty()
                       ? tr("the same")
                       : m_comparison.configDifferences.join(QStringLiteral(", ")).toHtmlEscaped());
    auto *label = new QLabel(text);
    label->setObjectName(QStringLiteral("compareHeader"));
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    return label;
}

QTableWidget *CompareWindow::buildTable()
{
    m_table = new QTableWidget(static_cast<int>(m_comparison.figures.size()), 5);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("figure"), QStringLiteral("A"), QStringLiteral("B"), tr("B − A"), tr("95 % noise")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const ComparedFigure &f = m_comparison.figures.at(static_cast<std::size_t>(r));
        const QString noise = !f.hasNoise() ? QString()
            : f.outsideNoise()              ? tr("± %1, outside").arg(figureText(f.unit, f.noise))
                                            : tr("± %1, within").arg(figureText(f.unit, f.noise));
        const QString cells[5] = {f.name, figureText(f.unit, f.a), figureText(f.unit, f.b),
                                  differenceText(f.unit, f.difference()), noise};
        for (int c = 0; c < 5; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (f.outsideNoise() && (c == 3 || c == 4)) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            if (f.hasNoise())
                item->setToolTip(f.outsideNoise()
                                     ? tr("The difference is larger than the noise of the two "
                                          "runs' steady-state means (95 %)")
                                     : tr("The difference is within the noise of the two runs' "
                                          "steady-state means (95 %)"));
            m_table->setItem(r, c, item);
        }
    }
    return m_table;
}

QString CompareWindow::cellText(int row, int column) const
{
    const QTableWidgetItem *item = m_table->item(row, column);
    return item ? item->text() : QString();
}

int CompareWindow::rowCount() const
{
    return m_table->rowCount();
}

} // namespace gui
