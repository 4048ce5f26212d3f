#include "flatoutrun.h"
#include "ui/chartscene.h"
#include "ui/runmodel.h"

#include <QTest>
#include <algorithm>
#include <cmath>

using namespace engine;
using namespace gui;
using coords::Range;

// The chart scene's shortcuts (a pixel column of thousands of samples read through block extremes
// and chunk keys, ending on a whole block when that is within a sixteenth of a pixel) against the
// plain computation: every sample in view drawn where its time and value put it.
class TestChartScene : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(harness::runInto(m_model, harness::flatOutConfig(2, 60'000, 32)));
        QVERIFY(m_model.depth().size() > 20 * RunModel::kDepthBlock);
    }

    void everySampleIsOnTheLine_data()
    {
        // Fractions of the samples (a range by time could hold none where the run stalled on a
        // busy machine); past 1, of the run's end.
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::addColumn<int>("width");
        QTest::newRow("whole run, 1600 px") << 0.0 << 1.05 << 1600;
        QTest::newRow("whole run, 150 px") << 0.0 << 1.0 << 150;
        QTest::newRow("a tenth, 1000 px") << 0.4 << 0.5 << 1000;
        // Narrow ranges are centred on the middle sample, so that they hold some.
        QTest::newRow("a thousandth, 900 px") << -1.0 << 0.001 << 900;
        QTest::newRow("a millionth, 700 px") << -1.0 << 0.000001 << 700;
    }

    void everySampleIsOnTheLine()
    {
        QFETCH(double, from);
        QFETCH(double, to);
        QFETCH(int, width);
        const auto end = static_cast<double>(m_model.endT());
        const auto &samples = m_model.depth();
        auto timeAt = [&](double fraction) -> std::int64_t {
            if (fraction > 1)
                return static_cast<std::int64_t>(fraction * end);
            const auto last = samples.size() - 1;
            return samples[std::min(last,
                                    static_cast<std::size_t>(
                                        fraction * static_cast<double>(samples.size())))]
                .t;
        };
        Range r {timeAt(from), timeAt(to)};
        if (from < 0) {
            const std::int64_t middle = m_model.depth()[m_model.depth().size() / 2].t;
            const auto half = static_cast<std::int64_t>(to * end / 2) + 1;
            r = {middle - half, middle + half};
        }
        const QRect plot(84, 20, width, 200);
        const ChartScene scene(m_model, r, plot);
        for (const bool busy : {false, true}) {
            const QVector<QRect> line = busy ? scene.busyLine() : scene.depthLine();
            QVERIFY(!line.isEmpty());
            auto drawn = [&](int x, int y) {
                for (const QRect &rect : line) {
                    if (rect.left() <= x && x <= rect.right() && rect.top() <= y
                        && y <= rect.bottom())
                        return true;
                }
                return false;
            };
            const auto &points = m_model.depth();
            int checked = 0;
            // Every sample, or every 37th where there are many: each must be drawn in its own
            // column or, where a column was snapped to a block edge, the next one.
            const std::size_t step = points.size() > 200'000 ? 37 : 1;
            for (std::size_t i = 0; i < points.size(); i += step) {
                const DepthPoint pt = points[i];
                if (pt.t <= r.start || pt.t > r.end)
                    continue;
                const int x = static_cast<int>(std::floor(scene.xOf(pt.t)));
                const int y = static_cast<int>(
                    std::lround(busy ? scene.yOfBusy(pt.inFlight) : scene.yOf(pt.depth)));
                QVERIFY2(drawn(x, y) || drawn(x - 1, y),
                         qPrintable(QStringLiteral("%1 sample %2 (t %3, x %4, y %5) not drawn")
                                        .arg(QLatin1String(busy ? "busy" : "depth"))
                                        .arg(i)
                                        .arg(pt.t)
                                        .arg(x)
                                        .arg(y)));
                ++checked;
            }
            QVERIFY(checked > 0);
        }
    }

    void theScaleFitsWhatIsInView()
    {
        const Range r {0, m_model.endT()};
        const ChartScene scene(m_model, r, QRect(0, 0, 800, 200));
        QVERIFY(scene.maxValue() >= 32); // the depth reached the capacity, shown beside it
        QVERIFY(scene.showCapacity());
        QVERIFY(scene.yOf(scene.maxValue()) >= 0); // headroom above the highest value
        const QPolygonF results = scene.resultsLine();
        // A vertex per pixel column from the first sample to the end.
        const double columns = scene.xOf(m_model.endT()) - scene.xOf(m_model.depth()[0].t);
        QVERIFY2(results.size() >= columns - 1, qPrintable(QString::number(results.size())));
        // The results line only rises (y falls), and ends near the top: every job had a result.
        for (qsizetype i = 1; i < results.size(); ++i)
            QVERIFY(results[i].y() <= results[i - 1].y() + 1e-9);
        QVERIFY(results.back().y() < 200 * 0.1);
    }

private:
    RunModel m_model;
};

QTEST_GUILESS_MAIN(TestChartScene)
#include "tst_chartscene.moc"
