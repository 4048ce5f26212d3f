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
            QCOMPARE(row.isGroup(), layout.grouped());
            for (int k = row.first; k < row.first + row.lanes; ++k)
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
            QVERIFY(!layout.rows()[static_cast<std::size_t>(row)].isGroup());
            QCOMPARE(layout.rows()[static_cast<std::size_t>(row)].first, k);
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
        QVERIFY(!r.isGroup());
        QVERIFY(r.top >= fresh.scroll() && r.bottom() <= fresh.scroll() + pane);
    }

    // A listener's lanes, grouped by sender: senders' workers come interleaved (lanes 0, 3, 6, …
    // are the first sender's), the display order puts each sender's lanes together under its
    // heat row, a lane in no group follows them, and every lane is shown exactly once. Groups are
    // open while every lane fits at a line; a closed group keeps its lanes in its heat row.
    void ownGroupsKeepEachSendersLanesTogether_data()
    {
        QTest::addColumn<int>("lanes");
        QTest::addColumn<int>("height");
        for (const int lanes : {1, 3, 10, 31, 256})
            for (const int height : {60, 230, 2000})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1 lanes in %2 px").arg(lanes).arg(height)))
                    << lanes << height;
    }
    void ownGroupsKeepEachSendersLanesTogether()
    {
        QFETCH(int, lanes);
        QFETCH(int, height);
        constexpr int line = 14;
        constexpr int senders = 3;
        const int loose = lanes > 3 ? 1 : 0; // the last lane is in no group
        std::vector<std::vector<int>> groups(senders);
        for (int k = 0; k < lanes - loose; ++k)
            groups[static_cast<std::size_t>(k % senders)].push_back(k);
        groups[1].push_back(0); // named twice: it stays in its first group
        groups[2].push_back(lanes + 5); // a worker whose lane is not there yet
        LaneLayout layout;
        layout.update({.lanes = lanes,
                       .height = height,
                       .lineHeight = line,
                       .maxLaneHeight = 34,
                       .groups = groups});
        QVERIFY(layout.grouped() && layout.ownGroups());
        const int headers = std::min(lanes - loose, senders);
        const bool fits = lanes < LaneLayout::kGroupFrom || (lanes + headers) * line <= height;

        std::multiset<int> placed; // lanes, by their own rows or their closed group's
        int top = 0;
        int group = -1;
        for (const LaneLayout::Row &row : layout.rows()) {
            QCOMPARE(row.top, top);
            QVERIFY(row.height >= line && row.height <= 34);
            top = row.bottom();
            if (row.isGroup()) {
                QVERIFY(row.group > group); // in the groups' order, empty ones left out
                group = row.group;
                QCOMPARE(layout.expanded(group), fits);
                // Its lanes are the group's, in its order (lane 0 only in the first group).
                std::vector<int> expected;
                for (const int k : groups[static_cast<std::size_t>(group)]) {
                    if (k < lanes && !(group > 0 && k == 0))
                        expected.push_back(k);
                }
                std::vector<int> got;
                for (int at = row.first; at < row.first + row.lanes; ++at) {
                    got.push_back(layout.lane(at));
                    QCOMPARE(layout.groupOfLane(layout.lane(at)), group);
                }
                QCOMPARE(got, expected);
                if (!layout.expanded(group))
                    placed.insert(got.begin(), got.end());
            } else {
                QCOMPARE(row.lanes, 1);
                placed.insert(layout.lane(row.first));
            }
        }
        QCOMPARE(int(placed.size()), lanes);
        QCOMPARE(int(std::set<int>(placed.begin(), placed.end()).size()), lanes);
        if (loose == 1) {
            QCOMPARE(layout.lane(lanes - 1), lanes - 1); // the loose lane comes last
            QCOMPARE(layout.groupOfLane(lanes - 1), -1);
            QVERIFY(!layout.rows().back().isGroup());
        }
        if (fits && lanes * 14 + headers * 14 <= height)
            QCOMPARE(layout.maxScroll(), 0);

        // Revealing the last lane of the second group opens that group alone, and shows the lane.
        if (groups[1].size() > 2) {
            const int target = groups[1][groups[1].size() - 3];
            const bool thirdOpen = layout.expanded(2);
            layout.reveal(target);
            QVERIFY(layout.expanded(1));
            QCOMPARE(layout.expanded(2), thirdOpen);
            const LaneLayout::Row &r
                = layout.rows()[static_cast<std::size_t>(layout.rowOfLane(target))];
            QVERIFY(!r.isGroup());
            QCOMPARE(layout.lane(r.first), target);
            QVERIFY(r.top >= layout.scroll() && r.bottom() <= layout.scroll() + height);
            // Closed again by hand, its lanes leave the rows and its heat row stands for them.
            layout.setExpanded(1, false);
            const LaneLayout::Row &g
                = layout.rows()[static_cast<std::size_t>(layout.rowOfLane(target))];
            QVERIFY(g.isGroup());
            QCOMPARE(g.group, 1);
        }
    }

    // The timeline of a listener with two senders whose workers came interleaved (worker 1 and 3
    // are the first's, 2 and 4 the second's): each sender's lanes under its heat row, named; a
    // job of worker 2 is found on the lane drawn under the second sender's row.
    void aTimelineGroupsLanesBySender()
    {
        RunModel model;
        model.reset(engine::PoolConfig {});
        Script s;
        s.at(0).event(engine::EventKind::RunStarted);
        for (int w = 1; w <= 4; ++w)
            s.event(engine::EventKind::WorkerStarted, 0, w);
        for (int w = 1; w <= 4; ++w)
            s.at(1).submit(w, 1).start(w, w, 0).at(10).finish(w, w).collect(w, w);
        model.ingest(s.events());
        TimeWindow window;
        window.setFollowLive(false);
        window.setRange({0, 20 * ms});
        TimelineView view(&model, &window);
        view.resize(900, 300);
        view.setLaneGroups({{QStringLiteral("alpha"), {1, 3}}, {QStringLiteral("beta"), {2, 4}}});
        view.grab();
        const LaneLayout &layout = view.laneLayout();
        QVERIFY(layout.ownGroups());
        std::vector<std::pair<bool, int>> rows; // group row?, its group or its lane's worker
        for (const LaneLayout::Row &row : layout.rows())
            rows.emplace_back(row.isGroup(),
                              row.isGroup()
                                  ? row.group
                                  : model.lanes()[std::size_t(layout.lane(row.first))].worker);
        QCOMPARE(rows,
                 (std::vector<std::pair<bool, int>> {
                     {true, 0}, {false, 1}, {false, 3}, {true, 1}, {false, 2}, {false, 4}}));
        const LaneLayout::Row &two = layout.rows()[4];
        const int y = 24 + two.top - layout.scroll() + two.height / 2;
        QCOMPARE(view.jobAt(QPoint(TimelineView::kGutter + 200, y)), std::int64_t {2});
        // Back to a run of the window's own: lanes in worker order again.
        view.setLaneGroups({});
        view.grab();
        QVERIFY(!view.laneLayout().ownGroups());
        QCOMPARE(view.laneLayout().lane(1), 1);
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
        QVERIFY(!layout.rows()[static_cast<std::size_t>(row)].isGroup());
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
