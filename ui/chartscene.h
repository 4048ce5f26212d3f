#pragma once

#include "ui/runmodel.h"
#include "ui/timecoords.h"

#include <QPolygonF>
#include <QRect>
#include <QRectF>
#include <QVector>
#include <vector>

namespace gui {

// What the queue chart shows for one time range in one plot rectangle, worked out from RunModel
// without a QPainter: the vertical scale, the summarized stretch's bars, the queue depth and busy
// workers as step lines (a pixel column of thousands of samples read through the history's block
// extremes and chunk keys, not sample by sample) and the cumulative results line. The chart only
// paints it.
class ChartScene
{
public:
    ChartScene(const RunModel &model, coords::Range range, const QRect &plot);

    // The queue's scale: the depth at the plot's top edge's 1/1.1, and whether the capacity line
    // is worth showing (a capacity far above what was seen would flatten every line).
    int maxValue() const { return m_maxValue; }
    bool showCapacity() const { return m_showCapacity; }
    double yOf(double value) const { return m_plot.bottom() - value * m_yScale; }
    // The busy workers' own scale, from 0 to the pool's size (or the most seen busy): a line of
    // a few workers stays readable beside a queue of thousands.
    int maxBusy() const { return m_maxBusy; }
    double yOfBusy(double value) const { return m_plot.bottom() - value * m_busyScale; }
    double xOf(std::int64_t t) const
    {
        return m_plot.left() + coords::xForTime(t, m_r.start, m_r.end, m_plot.width());
    }

    struct SummaryBars
    {
        QVector<QRectF> depth; // per run of pixel columns of one height
        QVector<QRectF> busy;
    };
    // The summarized stretch: per pixel column, the highest depth and busy count seen there.
    SummaryBars summaryBars() const;

    // A step line, per pixel column: it arrives at the previous value, spans the extremes seen
    // there and leaves at the last one; as 1-pixel rectangles (neighbours of one extent joined).
    QVector<QRect> depthLine() const { return stepLine(false); }
    QVector<QRect> busyLine() const { return stepLine(true); }

    // Cumulative results against the jobs submitted, a vertex per pixel column, counted to a
    // sixteenth of a pixel.
    QPolygonF resultsLine() const;

private:
    struct Column
    {
        double x;
        DepthPoint leaving; // its last sample: the value the lines leave it at
        RunModel::DepthExtremes extremes;
    };
    void findColumns();
    QVector<QRect> stepLine(bool busy) const;

    const RunModel &m_model;
    coords::Range m_r;
    QRect m_plot;
    std::int64_t m_now;
    std::size_t m_first = 0; // samples [m_first, m_last) are in view, with the one before
    std::size_t m_last = 0;
    int m_maxValue = 1;
    bool m_showCapacity = false;
    double m_yScale = 1;
    int m_maxBusy = 1;
    double m_busyScale = 1;
    std::vector<Column> m_columns;
};

} // namespace gui
