#include "ui/sweepseries.h"

#include "engine/queueingtheory.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace gui {

using namespace engine;

namespace {

constexpr int kTheorySamples = 160;

QString tr(const char *text)
{
    return QCoreApplication::translate("gui::SweepSeries", text);
}

// The theory's figures for one configuration: [0] the line's value, [1] its p95 (NaN: none).
struct TheoryPoint
{
    double x = 0; // the hockey stick's x (utilization); else unused
    double y[2] = {NAN, NAN};
    bool stable = true;
};

TheoryPoint theoryAt(SweepMetric metric, const PoolConfig &config)
{
    const QueueInputs in = plannedInputs(config);
    const QueuePrediction p = predict(in);
    TheoryPoint t;
    t.stable = p.stable;
    const auto finite = [](double v) {
        return std::isfinite(v) ? v : NAN;
    };
    switch (metric) {
    case SweepMetric::Throughput: {
        const double capacity = in.serviceMeanS > 0 ? in.servers / in.serviceMeanS : NAN;
        t.y[0] = std::isfinite(in.arrivalRatePerS) ? std::fmin(in.arrivalRatePerS, capacity)
                                                   : capacity;
        break;
    }
    case SweepMetric::Utilization:
        t.y[0] = std::min(1.0, p.utilization);
        break;
    case SweepMetric::Wait:
        t.y[0] = finite(p.waitMeanS * 1000.0);
        t.y[1] = finite(waitQuantileS(p, 0.95) * 1000.0);
        break;
    case SweepMetric::Latency:
        t.y[0] = finite(p.latencyMeanS * 1000.0);
        break;
    case SweepMetric::HockeyStick:
        t.x = p.utilization;
        t.y[0] = p.stable ? finite(p.latencyMeanS * 1000.0) : NAN;
        break;
    }
    return t;
}

// The measured figures of a point: [0] the value, [1] its p95 (NaN: none); x for the hockey stick.
TheoryPoint measuredAt(SweepMetric metric, const RunStats &s)
{
    TheoryPoint m;
    if (s.results() == 0)
        return m;
    switch (metric) {
    case SweepMetric::Throughput:
        m.y[0] = s.throughputPerS();
        break;
    case SweepMetric::Utilization:
        m.y[0] = s.meanUtilization();
        break;
    case SweepMetric::Wait:
        m.y[0] = s.wait().mean() / 1e6;
        m.y[1] = static_cast<double>(s.wait().quantile(0.95)) / 1e6;
        break;
    case SweepMetric::Latency:
        m.y[0] = s.latency().mean() / 1e6;
        m.y[1] = static_cast<double>(s.latency().quantile(0.95)) / 1e6;
        break;
    case SweepMetric::HockeyStick:
        m.x = s.meanUtilization();
        m.y[0] = s.latency().mean() / 1e6;
        break;
    }
    return m;
}

void titles(SweepMetric metric, SweepSeries &s)
{
    switch (metric) {
    case SweepMetric::Throughput:
        s.title = tr("Throughput");
        s.yTitle = tr("results/s");
        break;
    case SweepMetric::Utilization:
        s.title = tr("Utilization");
        s.yTitle = tr("busy share");
        break;
    case SweepMetric::Wait:
        s.title = tr("Wait (mean, p95)");
        s.yTitle = tr("ms");
        break;
    case SweepMetric::Latency:
        s.title = tr("Latency (mean, p95)");
        s.yTitle = tr("ms");
        break;
    case SweepMetric::HockeyStick:
        s.title = tr("Latency against utilization");
        s.yTitle = tr("ms");
        s.xTitle = tr("utilization ρ");
        break;
    }
}

// Appends a point to a line, starting a new piece after a gap.
void extend(SweepLine &line, bool &broken, double x, double y)
{
    if (!std::isfinite(y) || !std::isfinite(x)) {
        broken = true;
        return;
    }
    if (broken || line.pieces.empty())
        line.pieces.emplace_back();
    broken = false;
    line.pieces.back().emplace_back(x, y);
}

// The knob's values at which the theory is drawn: every whole value of a short integer range,
// else evenly spaced samples; a choice's points only.
std::vector<double> theoryXs(const SweepSpec &spec)
{
    const Knob &k = spec.knobRow();
    if (k.type == KnobType::Choice) {
        std::vector<double> xs;
        for (std::size_t i = 0; i < spec.values.size(); ++i)
            xs.push_back(static_cast<double>(i));
        return xs;
    }
    const auto [lo, hi] = std::minmax_element(spec.values.begin(), spec.values.end());
    std::vector<double> xs;
    if (k.type == KnobType::Integer && *hi - *lo <= kTheorySamples) {
        for (double x = *lo; x <= *hi; x += 1.0)
            xs.push_back(x);
        return xs;
    }
    for (int i = 0; i <= kTheorySamples; ++i)
        xs.push_back(*lo + (*hi - *lo) * i / kTheorySamples);
    return xs;
}

// `backlog`: the measured points of runs with no steady state (the hockey stick's, found by
// their configuration; the other charts' lie in the unstable stretches).
void fitRanges(SweepSeries &s, SweepMetric metric, const SweepSpec &spec,
               const std::vector<QPointF> &backlog)
{
    const auto unstableAt = [&s, &backlog](QPointF p) {
        if (std::find(backlog.begin(), backlog.end(), p) != backlog.end())
            return true;
        return std::any_of(s.unstable.begin(), s.unstable.end(), [&p](const auto &span) {
            return p.x() >= span.first && p.x() <= span.second;
        });
    };
    double measuredMax = 0, theoryMax = 0, backlogMax = 0;
    bool anyMeasured = false, anyBacklog = false;
    for (const SweepLine &line : s.lines) {
        for (const auto &piece : line.pieces) {
            for (const QPointF &p : piece) {
                if (line.theory) {
                    theoryMax = std::max(theoryMax, p.y());
                } else if (metric != SweepMetric::Throughput && metric != SweepMetric::Utilization
                           && unstableAt(p)) {
                    backlogMax = std::max(backlogMax, p.y());
                    anyBacklog = true;
                } else {
                    measuredMax = std::max(measuredMax, p.y());
                    anyMeasured = true;
                }
            }
        }
    }
    if (!anyMeasured && theoryMax == 0 && anyBacklog) { // nothing but backlog to show
        measuredMax = backlogMax;
        anyMeasured = true;
    }
    // The theory climbs without bound near ρ = 1: shown up to a little above what was measured.
    double top
        = anyMeasured ? std::max(measuredMax, std::min(theoryMax, 1.6 * measuredMax)) : theoryMax;
    if (s.targetY)
        top = std::max(top, *s.targetY);
    if (metric == SweepMetric::Utilization)
        top = 1.0;
    s.yMin = 0;
    s.yMax = top > 0 ? top * (metric == SweepMetric::Utilization ? 1.0 : 1.08) : 1.0;
    if (metric == SweepMetric::HockeyStick) {
        s.xMin = 0;
        s.xMax = 1;
        return;
    }
    if (!s.xLabels.isEmpty()) {
        s.xMin = -0.5;
        s.xMax = static_cast<double>(s.xLabels.size()) - 0.5;
        return;
    }
    const auto [lo, hi] = std::minmax_element(spec.values.begin(), spec.values.end());
    s.xMin = *lo;
    s.xMax = *hi > *lo ? *hi : *lo + 1;
}

} // namespace

SweepSeries sweepSeries(SweepMetric metric, const SweepSpec &spec, const PoolConfig &base,
                        const std::vector<SweepRunner::Point> &points)
{
    SweepSeries s;
    titles(metric, s);
    const Knob &k = spec.knobRow();
    const bool choice = k.type == KnobType::Choice;
    if (s.xTitle.isEmpty())
        s.xTitle = QString::fromLatin1(k.name);
    if (choice) {
        for (std::size_t i = 0; i < spec.values.size(); ++i)
            s.xLabels << spec.valueText(i);
    }
    s.xWhole = k.type == KnobType::Integer && metric != SweepMetric::HockeyStick;
    const bool pair = metric == SweepMetric::Wait || metric == SweepMetric::Latency;
    // Theory first (drawn under the measurement), then the measurement.
    SweepLine theory[2] = {{tr("theory"), true, false, {}}, {tr("theory p95"), true, true, {}}};
    bool broken[2] = {true, true};
    const std::vector<double> xs = theoryXs(spec);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double x = xs[i];
        PoolConfig c = base;
        k.setNumber(c, choice ? spec.values.at(static_cast<std::size_t>(x)) : x);
        if (!c.isValid()) {
            broken[0] = broken[1] = true;
            continue;
        }
        const TheoryPoint t = theoryAt(metric, c);
        const double at = metric == SweepMetric::HockeyStick ? t.x : x;
        for (int j = 0; j < 2; ++j)
            extend(theory[j], broken[j], at, t.y[j]);
        if (!t.stable && metric != SweepMetric::HockeyStick) {
            // Half-way to the neighbouring samples on each side.
            const double from = i > 0 ? (xs[i - 1] + x) / 2 : x - (choice ? 0.5 : 0.0);
            const double to = i + 1 < xs.size() ? (x + xs[i + 1]) / 2 : x + (choice ? 0.5 : 0.0);
            if (!s.unstable.empty() && s.unstable.back().second >= from)
                s.unstable.back().second = to;
            else
                s.unstable.emplace_back(from, to);
        }
    }
    SweepLine measured[2]
        = {{pair ? tr("mean") : tr("measured"), false, false, {}}, {tr("p95"), false, true, {}}};
    bool gap[2] = {true, true};
    std::vector<QPointF> backlog;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const TheoryPoint m = measuredAt(metric, points[i].stats);
        const double at = metric == SweepMetric::HockeyStick ? m.x
            : choice                                         ? static_cast<double>(i)
                                                             : points[i].value;
        for (int j = 0; j < 2; ++j)
            extend(measured[j], gap[j], at, m.y[j]);
        if (metric == SweepMetric::HockeyStick && !predict(plannedInputs(points[i].config)).stable)
            backlog.emplace_back(at, m.y[0]);
    }
    for (int j = 0; j < (pair ? 2 : 1); ++j) {
        if (!theory[j].pieces.empty())
            s.lines.push_back(std::move(theory[j]));
    }
    for (int j = 0; j < (pair ? 2 : 1); ++j)
        s.lines.push_back(std::move(measured[j]));
    if (metric != SweepMetric::HockeyStick) {
        const double current = k.number(base);
        if (choice) {
            const auto it = std::find(spec.values.begin(), spec.values.end(), current);
            if (it != spec.values.end())
                s.currentX = static_cast<double>(it - spec.values.begin());
        } else {
            s.currentX = current;
        }
    } else {
        s.currentX = predict(plannedInputs(base)).utilization;
    }
    fitRanges(s, metric, spec, backlog);
    return s;
}

void showTarget(SweepSeries &series, double limit)
{
    series.targetY = limit;
    series.yMax = std::max(series.yMax, limit * 1.08);
}

std::vector<double> niceTicks(double lo, double hi, int count)
{
    std::vector<double> ticks;
    if (!(hi > lo) || count < 1)
        return ticks;
    const double raw = (hi - lo) / count;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = power;
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * power;
        if (step >= raw)
            break;
    }
    // Each tick a whole multiple of the step, so that errors do not add up along the axis.
    for (auto k = static_cast<long long>(std::ceil(lo / step - 1e-9));
         static_cast<double>(k) * step <= hi + step * 1e-9; ++k)
        ticks.push_back(static_cast<double>(k) * step);
    return ticks;
}

} // namespace gui
