#pragma once

#include "engine/histogram.h"
#include "ui/theme.h"

#include <QPolygonF>
#include <QRectF>
#include <QWidget>

namespace gui {

// The latency distribution as a curve: for each share of the jobs (up the side), the latency
// within which they were done (along the bottom), with p50, p95 and p99 marked. A heavy tail shows
// as a curve that climbs fast and then runs far to the right.
class LatencyCurve : public QWidget
{
    Q_OBJECT

public:
    explicit LatencyCurve(QWidget *parent = nullptr);

    // What to draw; the histogram must outlive the widget (it is the model's).
    void setHistogram(const engine::Histogram *histogram);
    void setTheme(const Theme &theme);

    // The curve in `plot`: a vertex per 1/200 of the jobs, x from 0 to the largest latency.
    static QPolygonF curve(const engine::Histogram &histogram, const QRectF &plot);

    QSize sizeHint() const override { return {420, 140}; }
    QSize minimumSizeHint() const override { return {240, 110}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const engine::Histogram *m_histogram = nullptr;
    Theme m_theme;
};

} // namespace gui
