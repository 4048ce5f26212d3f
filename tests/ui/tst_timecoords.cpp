#include "ui/timecoords.h"
#include "ui/timelineview.h"
#include "ui/timewindow.h"

#include <QSignalSpy>
#include <QTest>
#include <cstdint>

using namespace gui;
using coords::Range;

class TestTimeCoords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timeMapsToXAndBack_data()
    {
        QTest::addColumn<qint64>("t");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("end");
        QTest::addColumn<double>("width");
        QTest::addColumn<double>("x");
        QTest::newRow("start maps to 0")
            << qint64(100) << qint64(100) << qint64(1100) << 500.0 << 0.0;
        QTest::newRow("end maps to width")
            << qint64(1100) << qint64(100) << qint64(1100) << 500.0 << 500.0;
        QTest::newRow("middle") << qint64(600) << qint64(100) << qint64(1100) << 500.0 << 250.0;
        QTest::newRow("before the window is negative")
            << qint64(0) << qint64(100) << qint64(1100) << 500.0 << -50.0;
        QTest::newRow("seconds at 1920 px")
            << qint64(3'000'000'000) << qint64(0) << qint64(4'000'000'000) << 1920.0 << 1440.0;
        QTest::newRow("empty range maps to 0")
            << qint64(5) << qint64(7) << qint64(7) << 100.0 << 0.0;
    }

    void timeMapsToXAndBack()
    {
        QFETCH(qint64, t);
        QFETCH(qint64, start);
        QFETCH(qint64, end);
        QFETCH(double, width);
        QFETCH(double, x);
        QCOMPARE(coords::xForTime(t, start, end, width), x);
        if (end != start)
            QCOMPARE(coords::timeForX(x, start, end, width), t);
    }

    void zoomKeepsTheAnchorInPlace_data()
    {
        QTest::addColumn<qint64>("anchor");
        QTest::addColumn<double>("factor");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("end");
        // Range [0, 1000]
        QTest::newRow("zoomed into the second half")
            << qint64(750) << 2.0 << qint64(375) << qint64(875);
        QTest::newRow("zoomed in around the start") << qint64(0) << 4.0 << qint64(0) << qint64(250);
        QTest::newRow("zoomed out around the end")
            << qint64(1000) << 0.5 << qint64(-1000) << qint64(1000);
        QTest::newRow("zoom stops at the minimum length")
            << qint64(500) << 1000.0 << qint64(495) << qint64(505);
    }

    void zoomKeepsTheAnchorInPlace()
    {
        QFETCH(qint64, anchor);
        QFETCH(double, factor);
        QFETCH(qint64, start);
        QFETCH(qint64, end);
        const Range zoomed = coords::zoomAround({0, 1000}, anchor, factor, 10);
        QCOMPARE(zoomed.start, start);
        QCOMPARE(zoomed.end, end);
        // The anchor stays at the same fraction of the width.
        const double before = coords::xForTime(anchor, 0, 1000, 100);
        const double after = coords::xForTime(anchor, zoomed.start, zoomed.end, 100);
        QVERIFY(std::abs(before - after) < 1.0);
    }

    void tickStepsAreOneTwoFiveAndReadable_data()
    {
        QTest::addColumn<qint64>("length");
        QTest::addColumn<double>("width");
        QTest::addColumn<qint64>("step");
        QTest::newRow("4 s at 1000 px, 90 px apart")
            << qint64(4'000'000'000) << 1000.0 << qint64(500'000'000);
        QTest::newRow("1 ms at 1920 px") << qint64(1'000'000) << 1920.0 << qint64(50'000);
        QTest::newRow("10 min at 800 px")
            << qint64(600'000'000'000) << 800.0 << qint64(100'000'000'000);
    }

    void tickStepsAreOneTwoFiveAndReadable()
    {
        QFETCH(qint64, length);
        QFETCH(double, width);
        QFETCH(qint64, step);
        QCOMPARE(coords::tickStep(length, width, 90), step);
        const auto ticks = coords::ticks(0, length, step);
        QVERIFY(ticks.size() >= 2);
        QVERIFY(width / static_cast<double>(ticks.size()) >= 60);
    }

    // The producer row's ticks: one per pixel column holding a send, found from the chunks'
    // first times where sends are dense, the same columns as looking at every send.
    void sendTicksMarkEveryColumnWithASendOnce()
    {
        History<SendRun> sends; // a run per instant, as the run model keeps them
        std::uint32_t seed = 3;
        auto next = [&seed](std::uint32_t bound) {
            seed = seed * 1664525u + 1013904223u;
            return (seed >> 8) % bound;
        };
        // Stretches of every density: bursts of thousands per pixel, sparse sends, equal times,
        // gaps; 2 M sends over a few seconds.
        std::int64_t t = 0;
        while (sends.size() < 2'000'000) {
            const std::int64_t steps[] = {0, 1, 300, 5'000, 200'000, 3'000'000};
            const std::int64_t step = steps[next(std::size(steps))];
            for (std::uint32_t n = next(step > 5'000 ? 100 : 20'000); n > 0; --n) {
                if (!sends.empty() && sends.back().t == t)
                    ++sends.editBack().count;
                else
                    sends.push_back({t, 1});
                t += step == 0 ? 0 : 1 + std::int64_t(next(std::uint32_t(step)));
            }
        }
        const int left = 84;
        const double width = 1836;
        for (const Range r :
             {Range {0, t}, Range {-t / 10, t + t / 10}, Range {t / 3, t / 3 + t / 50},
              Range {t / 2, t / 2 + 1'000'000}, Range {t / 7, t / 7 + 50'000'000}}) {
            std::vector<int> naive;
            for (std::size_t i = 0; i < sends.size(); ++i) {
                const std::int64_t s = sends[i].t;
                if (s < r.start || s > r.end)
                    continue;
                // Column x holds [timeAt(x), timeAt(x + 1)).
                auto timeAt = [&](int x) {
                    return coords::timeForX(x - left, r.start, r.end, width);
                };
                int x = static_cast<int>(left + coords::xForTime(s, r.start, r.end, width)) + 2;
                while (timeAt(x) > s)
                    --x;
                if (naive.empty() || naive.back() != x)
                    naive.push_back(x);
            }
            QVERIFY(!naive.empty());
            QCOMPARE(sendTickColumns(sends, r, width, left), naive);
        }
    }

    // The producer row's spans come from key searches: the same spans show as when every span is
    // looked at, for a producer that blocks, unblocks, is paused and resumed (pauses falling
    // inside blocked stretches too), some stretches still open at the end.
    void producerSpansInARangeAreTheOnesThatShowThere()
    {
        History<Span> spans;
        std::uint32_t seed = 11;
        auto next = [&seed](std::uint32_t bound) {
            seed = seed * 1664525u + 1013904223u;
            return (seed >> 8) % bound;
        };
        constexpr std::size_t kNone = SIZE_MAX;
        std::size_t blocked = kNone, paused = kNone; // the open spans
        std::int64_t t = 0;
        auto close = [&](std::size_t &open) {
            if (open != kNone)
                spans.edit(open).end = t;
            open = kNone;
        };
        for (int step = 0; step < 40'000; ++step) {
            t += 1 + next(next(8) == 0 ? 5'000'000 : 20'000);
            switch (next(4)) {
            case 0: // blocks (never while paused: it sends nothing then)
                if (blocked == kNone && paused == kNone) {
                    blocked = spans.size();
                    spans.push_back({t, -1, step, Span::ProducerBlocked});
                }
                break;
            case 1:
                close(blocked);
                break;
            case 2:
                if (paused == kNone && next(16) == 0) {
                    paused = spans.size();
                    spans.push_back({t, -1, 0, Span::Paused});
                }
                break;
            case 3:
                close(paused);
                break;
            }
        }
        QVERIFY(spans.size() > 1000);
        for (int trial = 0; trial < 400; ++trial) {
            const auto a
                = static_cast<std::int64_t>(next(static_cast<std::uint32_t>(t / 1000))) * 1000;
            const std::int64_t length = std::int64_t {1} << next(34);
            const Range r {a, a + length};
            std::vector<std::size_t> naive, found;
            for (std::size_t k = 0; k < spans.size(); ++k) {
                const Span s = spans[k];
                if ((s.end < 0 || s.end >= r.start) && s.start <= r.end)
                    naive.push_back(k);
            }
            const auto [first, stop] = producerSpansIn(spans, r);
            for (std::size_t k = first; k < stop; ++k) {
                const Span s = spans[k];
                if ((s.end < 0 || s.end >= r.start) && s.start <= r.end)
                    found.push_back(k);
            }
            QCOMPARE(found, naive);
        }
    }

    void followingLiveSlidesTheWindowWithNow()
    {
        TimeWindow window;
        QSignalSpy changed(&window, &TimeWindow::rangeChanged);
        window.follow(1'000'000'000); // shorter than the window: stays at the start
        QCOMPARE(window.range().start, 0);
        window.follow(10'000'000'000);
        QCOMPARE(window.range().end, 10'000'000'000);
        QCOMPARE(window.range().length(), TimeWindow::kDefaultLength);
        QCOMPARE(changed.count(), 1);
    }

    void panningLeavesFollowLive()
    {
        TimeWindow window;
        QSignalSpy follow(&window, &TimeWindow::followLiveChanged);
        window.panBy(-500);
        QVERIFY(!window.followLive());
        QCOMPARE(follow.count(), 1);
        const Range before = window.range();
        window.follow(99'000'000'000); // ignored while not following
        QCOMPARE(window.range(), before);
        window.setFollowLive(true);
        window.follow(99'000'000'000);
        QCOMPARE(window.range().end, 99'000'000'000);
    }
};

QTEST_GUILESS_MAIN(TestTimeCoords)
#include "tst_timecoords.moc"
