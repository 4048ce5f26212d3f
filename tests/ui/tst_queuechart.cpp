#include "eventscript.h"
#include "ui/queuechart.h"
#include "ui/runmodel.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QImage>
#include <QTest>

using namespace engine;
using namespace gui;
using testsupport::ms;
using testsupport::Script;

namespace {
bool near(QRgb pixel, const QColor &colour)
{
    return std::abs(qRed(pixel) - colour.red()) <= 2
        && std::abs(qGreen(pixel) - colour.green()) <= 2
        && std::abs(qBlue(pixel) - colour.blue()) <= 2;
}

// The topmost row below the legend where `colour` is drawn within columns [x0, x1); -1 if none.
int topRowOf(const QImage &image, const QColor &colour, int x0, int x1, int belowY)
{
    for (int y = belowY; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = x0; x < x1; ++x)
            if (near(line[x], colour))
                return y;
    }
    return -1;
}

// One worker; jobs 1..3 queue up at 100, 150 and 200 ms behind job 0, which runs until 500 ms;
// then the worker takes them one after another, 100 ms each: the queue is 3 deep from 200 to 500 ms
// and empty from 700 ms on.
Script queueingRun()
{
    Script s;
    s.at(0).event(EventKind::RunStarted).event(EventKind::WorkerStarted, 0, 1);
    s.at(10).submit(10, 1).start(10, 1, 0, 490);
    s.at(100).submit(1, 1).at(150).submit(2, 2).at(200).submit(3, 3);
    s.at(500).finish(10, 1).collect(10, 1, JobStatus::Completed, 490);
    for (int k = 1; k <= 3; ++k) {
        const std::int64_t t = 500 + (k - 1) * 100;
        s.at(t).start(k, 1, 3 - k).at(t + 100).finish(k, 1).collect(k, 1);
    }
    return s;
}

struct Drawn
{
    QImage image;
    int legendBottom = 0; // rows above are the legend's
    int x(std::int64_t t) const // column of a time in the 0..1 s window
    {
        const int plotLeft = TimelineView::kGutter;
        return plotLeft + static_cast<int>((image.width() - plotLeft) * t / (1000 * ms));
    }
};

Drawn draw(const RunModel &model)
{
    TimeWindow window;
    window.setFollowLive(false);
    window.setRange({0, 1000 * ms});
    QueueChart chart(&model, &window);
    chart.resize(1000, 200);
    return {chart.grab().toImage().convertToFormat(QImage::Format_RGB32),
            chart.fontMetrics().height() + 4};
}
} // namespace

class TestQueueChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theDepthLineRisesWhereTheQueueHoldsJobsAndTheCapacityIsAbove()
    {
        RunModel model;
        PoolConfig config;
        config.workers = 1;
        config.queueCapacity = 5;
        model.reset(config);
        model.ingest(queueingRun().events());
        const Theme theme = Theme::fromPalette(QPalette());
        const Drawn d = draw(model);
        const int full
            = topRowOf(d.image, theme.depth, d.x(250 * ms), d.x(450 * ms), d.legendBottom);
        const int empty
            = topRowOf(d.image, theme.depth, d.x(750 * ms), d.x(950 * ms), d.legendBottom);
        QVERIFY2(full > 0 && empty > 0, qPrintable(QStringLiteral("%1 %2").arg(full).arg(empty)));
        // Three jobs deep on a scale of capacity 5 × 1.1: well above the empty queue's line.
        QVERIFY2(empty - full > 40, qPrintable(QStringLiteral("%1 %2").arg(full).arg(empty)));
        const int capacity
            = topRowOf(d.image, theme.capacity, d.x(0), d.image.width(), d.legendBottom);
        QVERIFY2(capacity > 0 && capacity < full, qPrintable(QString::number(capacity)));
        // The busy-workers line: one worker busy the whole time, a line of its own colour.
        QVERIFY(topRowOf(d.image, theme.inFlight, d.x(250 * ms), d.x(450 * ms), d.legendBottom)
                > 0);
    }

    // Busy workers have their own scale, 0 to the pool's size: one of two busy stands at half of
    // it, whatever the queue's scale (three deep here); a capacity far above what the queue held
    // is not drawn.
    void busyWorkersHaveTheirOwnScale()
    {
        RunModel model;
        PoolConfig config;
        config.workers = 2;
        config.queueCapacity = 100'000;
        model.reset(config);
        model.ingest(queueingRun().events());
        const Theme theme = Theme::fromPalette(QPalette());
        const Drawn d = draw(model);
        const int top
            = topRowOf(d.image, theme.depth, d.x(250 * ms), d.x(450 * ms), d.legendBottom);
        const int bottom
            = topRowOf(d.image, theme.depth, d.x(750 * ms), d.x(950 * ms), d.legendBottom);
        const int busy
            = topRowOf(d.image, theme.inFlight, d.x(250 * ms), d.x(450 * ms), d.legendBottom);
        // Depth 3 of 3 at 1/1.1 of the height, 1 of 2 busy at half of 1/1.25 of it.
        const double expected = bottom - (bottom - top) * (1.1 / 1.25) * 0.5;
        QVERIFY2(top > 0 && bottom > top && std::abs(busy - expected) <= 3,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(top).arg(bottom).arg(busy)));
        QCOMPARE(topRowOf(d.image, theme.capacity, d.x(0), d.image.width(), d.legendBottom), -1);
    }

    void anUnbufferedQueueHasNoCapacityLine()
    {
        RunModel model;
        PoolConfig config;
        config.workers = 1;
        config.queueCapacity = 0;
        model.reset(config);
        model.ingest(queueingRun().events());
        const Theme theme = Theme::fromPalette(QPalette());
        const Drawn d = draw(model);
        QCOMPARE(topRowOf(d.image, theme.capacity, d.x(0), d.image.width(), d.legendBottom), -1);
    }
};

QTEST_MAIN(TestQueueChart)
#include "tst_queuechart.moc"
