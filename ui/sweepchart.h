#pragma once

#include "ui/sweepseries.h"
#include "ui/theme.h"

#include <QWidget>

namespace gui {

// One chart of a sweep: the measured points as dots joined by a line, the theory as a dashed
// curve beneath them, the current configuration as a dotted rule, a target as a red rule. Paints
// the SweepSeries it is given; works nothing out itself but where things go.
class SweepChart : public QWidget
{
    Q_OBJECT

public:
    explicit SweepChart(QWidget *parent = nullptr);

    void setSeries(SweepSeries series);
    const SweepSeries &series() const { return m_series; }
    void setTheme(const Theme &theme);

    QSize sizeHint() const override { return {360, 220}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QRectF plotRect() const;
    QPointF toPixel(const QRectF &plot, QPointF value) const;
    void paintAxes(class QPainter &p, const QRectF &plot) const;
    void paintLegend(class QPainter &p, const QRectF &plot) const;

    SweepSeries m_series;
    Theme m_theme;
};

} // namespace gui
