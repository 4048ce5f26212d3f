#pragma once

#include <QWidget>

class QLabel;

namespace gui {

class RunModel;

// The numbers that explain a run, in one table a couple of lines tall that stays in view while
// the run animates: results, throughput (last 1 s), utilization, wait and latency percentiles,
// queue depth and Little's law over the last 10 s. The Statistics tab has them at length.
class NumberStrip : public QWidget
{
    Q_OBJECT

public:
    explicit NumberStrip(const RunModel *model, QWidget *parent = nullptr);
    // Re-reads the model; cheap enough for a few times a second.
    void refresh();
    QString text() const; // what it shows, as rich text (for tests)

private:
    const RunModel *m_model;
    QLabel *m_table = nullptr;
};

} // namespace gui
