#pragma once

#include "ui/runmodel.h"

#include <QWidget>

class QLabel;
class QGridLayout;

namespace gui {

class LatencyCurve;
struct Theme;

// The numbers that explain the run: throughput now and mean, utilization per worker,
// wait/processing/latency percentiles, queue depth, and Little's law checked live.
class StatsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit StatsPanel(const RunModel *model, QWidget *parent = nullptr);
    // Re-reads the model; cheap enough for a few times a second.
    void refresh();
    QString littlesLawText() const;
    // Queueing theory's predictions, from the configuration and from the measured inputs, beside
    // what the run measured.
    QString theoryText() const;
    void setTheme(const Theme &theme);

private:
    const RunModel *m_model;
    QLabel *m_summary = nullptr;
    QLabel *m_latencies = nullptr;
    QLabel *m_utilization = nullptr;
    QLabel *m_little = nullptr;
    QLabel *m_theory = nullptr;
    LatencyCurve *m_curve = nullptr;
};

} // namespace gui
