#include "flatoutrun.h"
#include "ui/runmodel.h"
#include "ui/timelinescene.h"

#include <QTest>
#include <cmath>
#include <set>

using namespace engine;
using namespace gui;
using coords::Range;

namespace {

// The pixel columns a rectangle covers, of those in [lo, hi) (a bar of a long job seen at a
// fine zoom reaches far beyond the plot).
void addColumns(std::set<int> &columns, const QRectF &box, int lo, int hi)
{
    const int from = std::max(lo, static_cast<int>(std::floor(std::max<double>(box.left(), lo))));
    const int to = std::min(hi, static_cast<int>(std::ceil(std::min<double>(box.right(), hi))));
    for (int x = from; x < to; ++x)
        columns.insert(x);
}

} // namespace

// The scene's shortcuts (whole span blocks merged from their summaries, columns skipped by key
// search) against the plain computation: every busy span drawn on its own.
class TestTimelineScene : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // A real run: two workers taking no-op jobs flat out, so thousands of spans share a pixel
        // and whole blocks of them merge.
        QVERIFY(harness::runInto(m_model, harness::flatOutConfig(2, 40'000, 64)));
        QCOMPARE(int(m_model.lanes().size()), 2);
        // Whole blocks exist: 40,000 busy spans between two lanes, so one has at least half.
        m_busiest = m_model.lanes()[0].spans.size() >= m_model.lanes()[1].spans.size() ? 0 : 1;
        QVERIFY(m_model.lanes()[m_busiest].spans.size() > 2 * Lane::kBlock);
    }

    // Each range starts at a busy span of the busiest lane, found by its place among the spans
    // (a fraction of the run's time could fall where a descheduled producer left every worker
    // idle), and lasts a fraction of the run.
    void mergedBarsCoverExactlyTheColumnsOfEveryBar_data()
    {
        QTest::addColumn<double>("at"); // fraction of the busiest lane's spans; 0: the run's start
        QTest::addColumn<double>("length"); // fraction of the run
        QTest::addColumn<double>("width");
        QTest::newRow("whole run, 1600 px") << 0.0 << 1.05 << 1600.0;
        QTest::newRow("whole run, 200 px") << 0.0 << 1.0 << 200.0;
        QTest::newRow("a tenth, 1000 px") << 0.3 << 0.1 << 1000.0;
        QTest::newRow("a thousandth, 1000 px") << 0.5 << 0.001 << 1000.0;
        QTest::newRow("a millionth, 800 px") << 0.25 << 0.000001 << 800.0;
        QTest::newRow("the end, 1200 px") << 0.9 << 0.3 << 1200.0;
    }

    void mergedBarsCoverExactlyTheColumnsOfEveryBar()
    {
        QFETCH(double, at);
        QFETCH(double, length);
        QFETCH(double, width);
        const Lane &busiest = m_model.lanes()[m_busiest];
        std::int64_t start = 0;
        if (at > 0) {
            auto i = static_cast<std::size_t>(at * static_cast<double>(busiest.spans.size()));
            while (i < busiest.spans.size() && busiest.spans[i].kind != Span::Busy)
                ++i;
            QVERIFY(i < busiest.spans.size());
            start = busiest.spans[i].start;
        }
        const Range r {
            start, start + static_cast<std::int64_t>(length * static_cast<double>(m_model.endT()))};
        const int left = 84;
        const TimelineScene scene(m_model, r, width, left);
        // The plot, and a column either side for merges across its edges.
        const int lo = left - 1, hi = left + static_cast<int>(width) + 2;
        std::size_t checked = 0; // bars of the long way, over every lane
        for (const Lane &lane : m_model.lanes()) {
            const TimelineScene::LaneBars bars = scene.laneBars(lane, {10, 30}, 0, 40.0, 12);
            // What is drawn; and the same with each bar's gap (its empty first column) taken
            // as its own, for the check that every bar shows, and the column before it (a bar
            // on whole pixels starts up to half a pixel after its job).
            std::set<int> drawn, drawnOrGap;
            for (const auto &batch : bars.bars) {
                for (const QRectF &box : batch) {
                    addColumns(drawn, box, lo, hi);
                    addColumns(drawnOrGap, box.adjusted(-2, 0, 0, 0), lo, hi);
                }
            }
            for (const QRectF &box : bars.dense) {
                addColumns(drawn, box, lo, hi);
                addColumns(drawnOrGap, box, lo, hi);
            }
            // The long way: every busy span in the range, a bar of at least a pixel each.
            std::set<int> plain;
            for (std::size_t i = 0; i < lane.spans.size(); ++i) {
                const Span s = lane.spans[i];
                const std::int64_t spanEnd = s.end < 0 ? m_model.endT() : s.end;
                if (s.kind != Span::Busy || spanEnd < r.start || s.start > r.end)
                    continue;
                const double x0 = scene.xOf(s.start);
                addColumns(plain, QRectF(x0, 0, std::max(scene.xOf(spanEnd), x0 + 1.0) - x0, 1), lo,
                           hi);
            }
            checked += plain.size();
            // Every bar's columns are drawn (a merged run may stop short of the last bar's
            // one-pixel minimum, by less than a pixel) ...
            for (const int x : plain)
                QVERIFY2(drawnOrGap.count(x) || drawnOrGap.count(x - 1),
                         qPrintable(QStringLiteral("column %1 missing").arg(x)));
            // ... and what merging adds bridges gaps of at most a pixel between them.
            for (const int x : drawn) {
                if (x == lo || x == hi - 1) // its neighbour outside is not in plain
                    continue;
                QVERIFY2(plain.count(x)
                             || (plain.count(x - 1) && plain.upper_bound(x) != plain.end())
                             || (plain.count(x + 1) && plain.lower_bound(x) != plain.begin()),
                         qPrintable(QStringLiteral("column %1 drawn for no bar").arg(x)));
            }
        }
        QVERIFY(checked > 0); // the range starts at a busy span
    }

    void aSelectedJobIsNeverMergedAway()
    {
        const Lane &lane = m_model.lanes()[m_busiest];
        std::size_t i = lane.spans.size() / 2;
        while (lane.spans[i].kind != Span::Busy)
            ++i;
        const Span target = lane.spans[i];
        const Range r {0, m_model.endT()};
        const TimelineScene scene(m_model, r, 1000.0, 0);
        const TimelineScene::LaneBars bars = scene.laneBars(lane, {0, 30}, target.job, 40.0, 12);
        QVERIFY(!bars.selected.isNull());
        QVERIFY(bars.selected.left() <= scene.xOf(target.start));
    }

    // Jobs back to back stay apart: every bar of kGapFrom pixels or more leaves an empty column
    // before it, whatever the zoom, and bars never touch or overlap.
    void barsBackToBackKeepAGap_data()
    {
        QTest::addColumn<double>("pixelsPerJob");
        for (const double px : {2.05, 2.5, 3.0, 3.3, 4.7, 8.0, 17.25, 40.0, 333.0})
            QTest::newRow(qPrintable(QStringLiteral("%1 px a job").arg(px))) << px;
    }
    void barsBackToBackKeepAGap()
    {
        QFETCH(double, pixelsPerJob);
        RunModel model;
        Lane lane;
        lane.worker = 1;
        lane.lifetimes = {{0, -1}};
        constexpr std::int64_t jobNs = 1'000'000;
        constexpr int jobs = 60;
        for (int k = 0; k < jobs; ++k)
            lane.spans.push_back({.start = k * jobNs, .end = (k + 1) * jobNs, .job = k + 1});
        // The plot shows `pixelsPerJob` pixels a job, starting part way into the first.
        const double width = 1000.0;
        const auto length = static_cast<std::int64_t>(width / pixelsPerJob * jobNs);
        const Range r {jobNs / 3, jobNs / 3 + length};
        const TimelineScene scene(model, r, width, 0);
        const TimelineScene::LaneBars bars = scene.laneBars(lane, {0, 30}, 0, 40.0, 12);
        QVERIFY(bars.dense.isEmpty());
        const QVector<QRectF> &done = bars.bars[static_cast<int>(JobStatus::Completed)];
        QVERIFY(done.size()
                >= std::min<qsizetype>(jobs, static_cast<qsizetype>(width / pixelsPerJob)));
        for (qsizetype i = 0; i < done.size(); ++i) {
            const QRectF &bar = done[i];
            QCOMPARE(bar.left(), std::round(bar.left())); // whole pixels
            QCOMPARE(bar.right(), std::round(bar.right()));
            QVERIFY(bar.width() >= 1.0);
            if (i > 0)
                QVERIFY2(
                    bar.left() >= done[i - 1].right() + 1.0,
                    qPrintable(QStringLiteral("bar %1 at %2 touches the one before, ending at %3")
                                   .arg(i)
                                   .arg(bar.left())
                                   .arg(done[i - 1].right())));
        }
    }

    // Where bars are too narrow to draw apart, the dense run's height says how busy its stretch
    // was: a lane busy a tenth of the time, then nine tenths, zoomed out.
    void denseRunsAreAsTallAsTheLaneWasBusy()
    {
        RunModel model;
        Lane lane;
        lane.worker = 1;
        lane.lifetimes = {{0, -1}};
        constexpr std::int64_t period = 100'000; // 0.1 ms
        constexpr int perHalf = 20'000;
        for (int k = 0; k < 2 * perHalf; ++k) {
            const std::int64_t busy = k < perHalf ? period / 10 : period * 9 / 10;
            lane.spans.push_back({.start = k * period, .end = k * period + busy, .job = k + 1});
        }
        lane.sumUpNewBlocks();
        const double h = 26.0; // the band of 30 less its margins
        const Range r {0, 2 * perHalf * period};
        const TimelineScene scene(model, r, 1000.0, 0);
        const TimelineScene::LaneBars bars = scene.laneBars(lane, {0, 30}, 0, 40.0, 12);
        // Pieces end where the height changes (an evenly busy stretch is one piece).
        QVERIFY(bars.dense.size() >= 2);
        for (const QRectF &piece : bars.dense) {
            QCOMPARE(piece.bottom(), 2.0 + h); // bottom-aligned
            if (piece.right() < 495) {
                QVERIFY2(std::abs(piece.height() - 0.1 * h) <= 1.0,
                         qPrintable(QString::number(piece.height())));
            } else if (piece.left() > 505) {
                QVERIFY2(std::abs(piece.height() - 0.9 * h) <= 1.0,
                         qPrintable(QString::number(piece.height())));
            }
        }
    }

    void summarySharesAddUpToTheSummarizedTime()
    {
        RunModel model;
        model.setHistoryCapBytes(64 * 1024); // folds most of the run into the summary
        QVERIFY(harness::runInto(model, m_model.config()));
        const Summary &summary = model.summary();
        QVERIFY(summary.columnNs > 0);
        const Range r {0, model.endT()};
        const TimelineScene scene(model, r, 1000.0, 0);
        const TimelineScene::SummaryShares shares = scene.summaryShares(1000);
        QVERIFY(shares.active);
        QVERIFY(shares.xTo > shares.xFrom);
        // A series that is 1 in every summary column covers every pixel column fully, except
        // where the summarized stretch ends inside one.
        std::vector<SummaryColumn> full(Summary::kColumns);
        for (SummaryColumn &c : full)
            c.busyNs = static_cast<float>(summary.columnNs);
        for (int x = shares.xFrom; x + 1 < shares.xTo; ++x) {
            const double f = shares.fraction(full, x, &SummaryColumn::busyNs);
            QVERIFY2(std::abs(f - 1.0) < 1e-3 || scene.timeAtX(x + 1) > summary.until,
                     qPrintable(QStringLiteral("x %1: %2").arg(x).arg(f)));
        }
    }

private:
    RunModel m_model;
    std::size_t m_busiest = 0; // the lane with the most spans
};

QTEST_GUILESS_MAIN(TestTimelineScene)
#include "tst_timelinescene.moc"
