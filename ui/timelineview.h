#pragma once

#include "engine/feedlistener.h"
#include "ui/lanelayout.h"
#include "ui/runmodel.h"
#include "ui/theme.h"
#include "ui/timelinescene.h"
#include "ui/timewindow.h"

#include <QFont>
#include <QImage>
#include <QStaticText>
#include <QWidget>
#include <unordered_map>

class QScrollBar;

namespace gui {

// One lane per worker (and one for the producer): each job a bar from start to finish coloured by
// status, blocked stretches hatched, config changes as vertical markers, a time axis below.
// Wheel zooms around the cursor, dragging pans (leaving follow-live), hovering explains a job,
// clicking selects it. Lanes that do not fit scroll (a scroll bar in the label gutter, Shift+wheel,
// Page Up/Down) under the producer row and above the axis, which stay; many lanes come in groups
// of eight, a heat row each, that a click expands (LaneLayout). A listener's lanes come in groups
// by sender instead, each under the sender's name.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    // What the empty timeline says to do (default: press Start).
    void setEmptyHint(const QString &hint)
    {
        m_emptyHint = hint;
        update();
    }
    static constexpr int kGutter = 84; // lane labels; the queue chart shares it
    static constexpr int kAxisHeight = 22;

    TimelineView(const RunModel *model, TimeWindow *window, QWidget *parent = nullptr);

    void setTheme(const Theme &theme);
    // Lanes named by their source (a listener's: the worker as its sender numbers it) instead
    // of "Worker N"; a name longer than the gutter is elided.
    void setLaneNames(std::unordered_map<int, QString> names);
    const std::unordered_map<int, QString> &laneNames() const { return m_laneNames; }
    // Lanes in groups of their own, each under its name (a listener's senders); empty: none.
    void setLaneGroups(std::vector<engine::LaneGroup> groups);
    const std::vector<engine::LaneGroup> &laneGroups() const { return m_laneGroups; }
    std::int64_t selectedJob() const { return m_selected; }
    void setSelectedJob(std::int64_t job);
    // The job under a point, or 0.
    std::int64_t jobAt(QPoint pos) const;
    // The number of worker lanes drawn (live and retired).
    int laneCount() const;
    const LaneLayout &laneLayout() const { return m_layout; }
    // Expands the lane's group if need be and scrolls the lane into view.
    void revealLane(int index);
    void toggleGroup(int group);
    // Bars drawn in the last paint (for tests and the benchmark).
    int barsPainted() const { return m_barsPainted; }

    QSize sizeHint() const override { return {900, 300}; }
    QSize minimumSizeHint() const override { return {400, 140}; }

Q_SIGNALS:
    void jobSelected(std::int64_t job);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    QString m_emptyHint;
    struct LaneGeometry
    {
        int top = 0;
        int height = 0;
    };
    LaneGeometry producerGeometry() const;
    int lanesTop() const; // the lanes' pane, between the producer row and the axis
    int lanesBottom() const;
    // Lays the lanes out for the current size and count; the scroll bar follows.
    void updateLayout();
    TimelineScene::Band band(const LaneLayout::Row &row) const;
    // The row under y, or -1 (the producer row is not one).
    int rowAt(int y) const;
    void paintGroup(QPainter &p, const TimelineScene &scene, const LaneLayout::Row &row);
    void paintHeat(QPainter &p, const TimelineScene &scene, const LaneLayout::Row &row);
    void paintLaneLabels(QPainter &p);
    void paintLanes(QPainter &p, const TimelineScene &scene, QVector<QRectF> &hatched);
    void paintSummary(QPainter &p, const TimelineScene &scene, const QRect &plot);
    int paintSummaryBusy(QPainter &p, const TimelineScene::SummaryShares &shares);
    void paintMarkers(QPainter &p, const TimelineScene &scene);
    double plotWidth() const { return std::max(1, width() - kGutter); }
    std::int64_t timeAtX(int x) const;

    const RunModel *m_model;
    TimeWindow *m_window;
    Theme m_theme;
    QImage m_summaryImage; // the summarized busy bars, reused from frame to frame
    const QStaticText &laneLabel(int worker) const;
    std::unordered_map<int, QString> m_laneNames; // a lane's name instead of "Worker N"
    std::vector<engine::LaneGroup> m_laneGroups;
    // The lane at a position of the layout's display order, or nullptr when the model no longer
    // has it (a new run's model was reset before the next paint lays the lanes out again).
    const Lane *laneAt(int position) const;
    mutable std::unordered_map<int, QStaticText> m_laneLabels; // by worker id; 0: the producer
    mutable QFont m_labelFont;
    std::int64_t m_selected = 0;
    bool m_dragging = false;
    QPoint m_dragFrom;
    int m_barsPainted = 0;
    LaneLayout m_layout;
    QScrollBar *m_scrollBar = nullptr;
    QImage m_heatImage; // one group's heat row, reused
};

void drawTimeAxis(QPainter &painter, const QRect &rect, coords::Range range, const Theme &theme);

} // namespace gui
