#pragma once

#include "engine/poolconfig.h"
#include "engine/sweeprunner.h"
#include "engine/sweepspec.h"

#include <QPointF>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace gui {

// What one chart of a sweep shows, worked out without a QPainter: the measured points (a value
// per point run), the theory's curve over the knob's range (sampled between the points, broken
// where the pool has no steady state), and where the current configuration sits.
enum class SweepMetric : std::uint8_t {
    Throughput, // results a second
    Utilization, // the workers' busy share
    Wait, // mean and p95, ms
    Latency, // mean and p95, ms
    HockeyStick, // mean latency (ms) against utilization
};
inline constexpr int kSweepMetricCount = 5;

struct SweepLine
{
    QString name; // for the legend: "measured mean", "theory mean"
    bool theory = false; // dashed, no dots
    bool secondary = false; // the p95 of a pair: drawn lighter
    // Pieces of the line: a theory curve breaks where it has no finite value.
    std::vector<std::vector<QPointF>> pieces;
};

struct SweepSeries
{
    QString title;
    QString xTitle; // the knob, or "utilization ρ"
    QString yTitle; // "ms", "results/s"
    std::vector<SweepLine> lines;
    // A choice knob: x is the index of the point, labelled by these.
    QStringList xLabels;
    bool xWhole = false; // x is a whole number (workers, a capacity): ticks on whole values only
    // Stretches of x where the theory has no steady state (ρ ≥ 1): shaded. Measured values
    // there (a backlog that grows for as long as jobs come) are left out of the y range when
    // there is anything else to show, and drawn at the top edge with their value.
    std::vector<std::pair<double, double>> unstable;
    std::optional<double> currentX; // the current configuration's x (a dashed rule)
    std::optional<double> targetY; // a target's limit (a sizing answer's), on this chart
    // The range the lines' finite values span, with room: the theory's steep end near ρ = 1 is
    // clipped to a little above the highest measured value.
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
};

// The series of `metric` for a sweep of `spec` from `base` (whose knob value is the current
// configuration) with the points run so far.
SweepSeries sweepSeries(SweepMetric metric, const engine::SweepSpec &spec,
                        const engine::PoolConfig &base,
                        const std::vector<engine::SweepRunner::Point> &points);

// Marks a target's limit on a series (a horizontal rule) and makes room for it.
void showTarget(SweepSeries &series, double limit);

// Tick values for an axis from lo to hi: about `count` of them at 1, 2 or 5 × 10^k.
std::vector<double> niceTicks(double lo, double hi, int count);

} // namespace gui
