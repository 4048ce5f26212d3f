#pragma once

#include "ui/runmodel.h"
#include "ui/theme.h"
#include "ui/timewindow.h"

#include <QWidget>

class QPainter;

namespace gui {

// Queue depth over time as a step line with the capacity drawn as a line, busy workers (jobs in
// flight), and cumulative results on their own scale; shares the timeline's time window.
class QueueChart : public QWidget
{
    Q_OBJECT

public:
    QueueChart(const RunModel *model, TimeWindow *window, QWidget *parent = nullptr);
    void setTheme(const Theme &theme);
    QSize sizeHint() const override { return {900, 150}; }
    QSize minimumSizeHint() const override { return {400, 90}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void paintLegend(QPainter &p);
    // Queueing theory's mean queue length for the configuration (the dash-dotted line), or −1
    // when the pool has no steady state.
    double theoryQueueLength() const;

    const RunModel *m_model;
    TimeWindow *m_window;
    Theme m_theme;
    bool m_capacityShown = true; // as of the last paint
};

} // namespace gui
