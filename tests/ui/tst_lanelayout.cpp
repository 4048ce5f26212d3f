#include "eventscript.h"
#include "ui/lanelayout.h"
#include "ui/runmodel.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QTest>
#include <set>

using namespace gui;
using testsupport::ms;
using testsupport::Script;

class TestLaneLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Whatever the count and the pane: every lane is in exactly one lane row or one group, rows
    // follow one another without gaps, every row is at least a line tall, and what does not fit
    // scrolls.
    void everyLaneHasAPlace_data()
    {
        QTest::addColumn<int>("lanes");
        QTest::addColumn<int>("height");
        for (const int lanes : {0, 1, 3, 16, 23, 24, 64, 128, 256})
            for (const int height : {60, 230, 736, 2000})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1 lanes in %2 px").arg(lanes).arg(height)))
                    << lanes << height;
    }
    void everyLaneHasAPlace()
    {
        QFETCH(int, lanes);
        QFETCH(int, height);
        constexpr int line = 14;
        LaneLayout layout;
        layout.update({.lanes = lanes, .height = height, .lineHeight = line, .maxLaneHeight = 34});
        QCOMPARE(layout.grouped(), lanes >= LaneLayout::kGroupFrom && lanes * line > height);
        std::multiset<int> placed;
        int top = 0;
        for (const LaneLayout::Row &row : layout.rows()) {
            QCOMPARE(row.top, top);
            QVERIFY(row.height >= line && row.height <= 34);
            top = row.bottom();
            QCOMPARE(row.group, layout.grouped());
            for (int k = row.firstLane; k < row.firstLane + row.lanes; ++k)
                placed.insert(k);
        }
        QCOMPARE(int(placed.size()), lanes);
        QCOMPARE(int(std::set<int>(placed.begin(), placed.end()).size()), lanes);
        QCOMPARE(layout.contentHeight(), top);
        if (!layout.grouped() && lanes * line <= height)
            QCOMPARE(layout.maxScroll(), 0); // they fit: nothing scrolls
        QCOMPARE(layout.maxScroll(), std::max(0, top - height));

        // Open every group: then each lane has its own row too, a line tall.
        for (int g = 0; layout.grouped() && g * LaneLayout::kGroupSize < lanes; ++g)
            layout.setExpanded(g, true);
        for (int k = 0; k < lanes; ++k) {
            const int row = layout.rowOfLane(k);
            QVERIFY(row >= 0);
            QVERIFY(!layout.rows()[static_cast<std::size_t>(row)].group);
            QCOMPARE(layout.rows()[static_cast<std::size_t>(row)].firstLane, k);
        }
    }

    // The rows in view are those the pane shows at the scroll, and the row under a point is one of
    // them; revealing a lane opens its group and scrolls it into view.
    void scrollingShowsTheRowsItSays_data()
    {
        QTest::addColumn<int>("lanes");
        QTest::addColumn<int>("scroll");
        QTest::newRow("20 lanes, top") << 20 << 0;
        QTest::newRow("20 lanes, middle") << 20 << 77;
        QTest::newRow("256 lanes, all open, middle") << 256 << 1500;
        QTest::newRow("256 lanes, past the end") << 256 << 1'000'000;
    }
    void scrollingShowsTheRowsItSays()
    {
        QFETCH(int, lanes);
        QFETCH(int, scroll);
        constexpr int pane = 150;
        LaneLayout layout;
        layout.update({.lanes = lanes, .height = pane, .lineHeight = 14, .maxLaneHeight = 34});
        for (int g = 0; layout.grouped() && g < lanes / LaneLayout::kGroupSize; ++g)
            layout.setExpanded(g, true);
        layout.setScroll(scroll);
        QVERIFY(layout.scroll() >= 0 && layout.scroll() <= layout.maxScroll());
        const auto [first, last] = layout.rowsInView();
        QVERIFY(first < last);
        for (std::size_t i = 0; i < layout.rows().size(); ++i) {
            const LaneLayout::Row &row = layout.rows()[i];
            const bool inView = row.bottom() > layout.scroll() && row.top < layout.scroll() + pane;
            QCOMPARE(i >= first && i < last, inView);
        }
        for (int y = 0; y < pane; y += 5) {
            const int row = layout.rowAt(y);
            QVERIFY(row >= int(first) && row < int(last));
            const LaneLayout::Row &r = layout.rows()[static_cast<std::size_t>(row)];
            QVERIFY(r.top <= y + layout.scroll() && y + layout.scroll() < r.bottom());
        }
        QCOMPARE(layout.rowAt(-1), -1);
        QCOMPARE(layout.rowAt(pane), -1);

        LaneLayout fresh;
        fresh.update({.lanes = lanes, .height = pane, .lineHeight = 14, .maxLaneHeight = 34});
        fresh.reveal(lanes - 1);
        const int row = fresh.rowOfLane(lanes - 1);
        const LaneLayout::Row &r = fresh.rows()[static_cast<std::size_t>(row)];
        QVERIFY(!r.group);
        QVERIFY(r.top >= fresh.scroll() && r.bottom() <= fresh.scroll() + pane);
    }

    // A timeline of 256 workers: in groups at first, each a heat row; the last lane revealed,
    // its job is drawn and found under the mouse.
    void aTimelineOf256WorkersReachesTheLastLane()
    {
        constexpr int workers = 256;
        RunModel model;
        engine::PoolConfig config;
        config.workers = workers;
        config.jobs = workers;
        model.reset(config);
        Script s;
        s.at(0).event(engine::EventKind::RunStarted);
        for (int w = 1; w <= workers; ++w)
            s.event(engine::EventKind::WorkerStarted, 0, w);
        for (int w = 1; w <= workers; ++w)
            s.at(1).submit(w, 1).start(w, w, 0).at(10 + w % 7).finish(w, w).collect(w, w);
        model.ingest(s.events());
        TimeWindow window;
        window.setFollowLive(false);
        window.setRange({0, 20 * ms});
        TimelineView view(&model, &window);
        view.resize(900, 300);
        view.grab();
        QVERIFY(view.laneLayout().grouped());
        QCOMPARE(int(view.laneLayout().rows().size()), workers / LaneLayout::kGroupSize);
        QVERIFY(view.barsPainted() > 0); // the heat rows in view

        view.revealLane(workers - 1);
        view.grab();
        const LaneLayout &layout = view.laneLayout();
        const int row = layout.rowOfLane(workers - 1);
        QVERIFY(!layout.rows()[static_cast<std::size_t>(row)].group);
        const LaneLayout::Row &last = layout.rows()[static_cast<std::size_t>(row)];
        // The lanes' pane starts under the producer row (18 px and a 6-px gap).
        const int laneY = 24 + last.top - layout.scroll() + last.height / 2;
        const int x = TimelineView::kGutter + 400; // 8.9 ms into 20: inside every job
        QCOMPARE(view.jobAt(QPoint(x, laneY)), std::int64_t {workers});
        QVERIFY(view.findChild<QWidget *>(QStringLiteral("laneScrollBar"))->isVisibleTo(&view));
        // A new run empties the model before the next paint lays the lanes out again: the mouse
        // over where lane 256 was finds nothing (and reads no lane that is gone).
        model.reset(config);
        QCOMPARE(view.jobAt(QPoint(x, laneY)), std::int64_t {0});
    }
};

QTEST_MAIN(TestLaneLayout)
#include "tst_lanelayout.moc"
