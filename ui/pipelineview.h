#pragma once

#include "engine/poolevent.h"
#include "ui/theme.h"

#include <QBrush>
#include <QHash>
#include <QPen>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace gui {

class RunModel;
struct WorkerNow;

// The pipeline as it is now, left to right: producer → queue → workers → results. Jobs are tokens
// that move only when the model says the job moved; advance() animates each hop. The model must
// outlive the view.
class PipelineView : public QWidget
{
    Q_OBJECT

public:
    explicit PipelineView(const RunModel *model, QWidget *parent = nullptr);
    ~PipelineView() override;

    void setTheme(const Theme &theme); // drops the cached pens and brushes, repaints
    // Names for workers (a feed's senders' lanes, the Redis engine's consumers), shown in place of
    // "Worker N", shortened in the middle where they do not fit.
    void setLaneNames(std::unordered_map<int, QString> names)
    {
        m_laneNames = std::move(names);
        update();
    }
    // Once per frame with the wall-clock ms since the last one; true while tokens still move or
    // the model changed since the last call (the caller then repaints). O(visible tokens).
    bool advance(double elapsedMs);

    // The job ids that the results column shows legibly (their tokens opaque and at rest or
    // nearly so), top down: what a person can read there now.
    std::vector<std::int64_t> legibleResults() const;
    // Tokens on their way from one place to another, and tokens at workers (for tests).
    int movingTokens() const;
    int workerTokens() const;

    QSize sizeHint() const override { return {900, 230}; }
    QSize minimumSizeHint() const override { return {500, 170}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Layout;
    struct WorkerParts
    {
        QRectF cell; // the row, or the grid cell
        QRectF label; // empty when the label does not fit
        QRectF token;
        QRectF area; // progress bar / state text (rows), progress strip (grid)
    };

    // Where a token stands; the paint style follows from it.
    enum class Stage : std::uint8_t { Producer, Queue, Busy, Blocked, Result };

    struct TokenState
    {
        QPointF pos; // centre, as drawn
        QPointF target;
        QPointF from;
        QSizeF size;
        QSizeF targetSize;
        QSizeF fromSize;
        double progress = 1.0; // of the hop from `from` to `target`, 0..1
        double opacity = 1.0;
        double lingerMs = 0.0; // time spent off every visible stage
        std::uint32_t generation = 0;
        bool visible = true;
        Stage stage = Stage::Queue;
        engine::JobStatus status = engine::JobStatus::Completed;
        QString label;
        double labelWidth = 0.0;
    };

    struct Style
    {
        QBrush fill;
        QPen outline;
    };

    // clang-tidy 16 flags '__i0', a name it makes up for an implicit member of this struct.
    // NOLINTNEXTLINE(bugprone-reserved-identifier)
    struct Paints
    {
        QPen boxPen;
        QPen arrowPen;
        QPen fanPen;
        QPen blockedPen;
        QPen capacityPen;
        QPen runningPen;
        QBrush arrowBrush;
        QBrush laneBrush;
        QBrush slotFilled;
        QBrush blockedTint;
        QBrush hatch;
        QBrush pausedTint;
        QBrush runningTint;
        QBrush busyCell; // a busy worker in the compact grid
        QBrush progressStrip; // its job's progress
        QBrush progressFill;
        QBrush barFill;
        Style tokens[4 + engine::kJobStatusCount]; // by Stage; a result by Result + its status
    };

    Layout computeLayout(int workerCount, int lastWorkerId) const;
    QRectF slotRect(const Layout &l, int index) const;
    WorkerParts workerParts(const Layout &l, int index) const;
    QRectF resultRect(const Layout &l, int row) const;
    QRectF resultTokenRect(const Layout &l, int row) const;
    int jobDigits() const;
    bool producerHolds() const;
    std::vector<WorkerNow> shownWorkers() const;

    void syncTargets(bool snap);
    // Sets a job's target; a new token starts at *from (sliding) and/or fades in unless snap.
    void placeToken(std::int64_t job, const QRectF &at, Stage stage, engine::JobStatus status,
                    const QRectF *from, bool fade, bool snap);
    void forgetIfMoved(std::int64_t job, Stage stage);
    void rebuildPaints();
    void refreshLabelWidths();
    const Style &styleFor(const TokenState &token) const;

    void drawHeadings(QPainter &p, const Layout &l, const std::vector<WorkerNow> &workers) const;
    void drawProducer(QPainter &p, const Layout &l) const;
    void drawQueue(QPainter &p, const Layout &l) const;
    void drawWorkers(QPainter &p, const Layout &l, const std::vector<WorkerNow> &workers) const;
    void drawResults(QPainter &p, const Layout &l) const;
    void drawArrows(QPainter &p, const Layout &l) const;
    void drawTokens(QPainter &p) const;
    void drawToken(QPainter &p, const TokenState &token, double textH) const;

    const RunModel *m_model = nullptr;
    Theme m_theme;
    std::unordered_map<int, QString> m_laneNames;
    Paints m_paints;
    QHash<std::int64_t, TokenState> m_tokens;
    std::uint32_t m_generation = 0;
    bool m_changedSinceAdvance = false;
};

} // namespace gui
