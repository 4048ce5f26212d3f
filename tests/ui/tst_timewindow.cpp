#include "ui/timewindow.h"

#include <QRandomGenerator>
#include <QTest>
#include <functional>

using namespace gui;

namespace {
constexpr std::int64_t ms = 1'000'000;

// How much of [0, end] the window shows.
std::int64_t dataInView(const TimeWindow &w, std::int64_t end)
{
    return std::min(w.range().end, end) - std::max<std::int64_t>(w.range().start, 0);
}
} // namespace

class TestTimeWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The reference run ends at 1.9 s in a 4 s window: + three times, then −, must still show it.
    void zoomingAFinishedShortRunKeepsItInView()
    {
        TimeWindow w;
        w.follow(1900 * ms); // as the window did while the run went on
        QCOMPARE(w.range(), (coords::Range {0, 4000 * ms}));
        w.setExtent(1900 * ms, true);
        for (int i = 0; i < 3; ++i) {
            w.zoomBy(1.5);
            // All of the run, or the view full of it but for the margin after its end.
            const std::int64_t length = w.range().length();
            QVERIFY(dataInView(w, 1900 * ms) >= std::min(1900 * ms, length - length / 50));
        }
        w.zoomBy(1 / 1.5);
        QVERIFY(dataInView(w, 1900 * ms) > 0);
        QVERIFY(w.range().end <= 1900 * ms + w.range().length() / 50);
    }

    void keysAndTheWheelKeepDataInView_data()
    {
        QTest::addColumn<std::int64_t>("runNs");
        QTest::addColumn<int>("seed");
        for (const std::int64_t run :
             {std::int64_t {5'000}, 500 * ms, 1900 * ms, 10'000 * ms, 3'600'000 * ms})
            for (int seed = 1; seed <= 4; ++seed)
                QTest::addRow("%lld ns, seed %d", static_cast<long long>(run), seed) << run << seed;
    }

    void keysAndTheWheelKeepDataInView()
    {
        QFETCH(std::int64_t, runNs);
        QFETCH(int, seed);
        QRandomGenerator random(static_cast<quint32>(seed));
        TimeWindow w;
        w.follow(runNs);
        w.setExtent(runNs, true);
        for (int step = 0; step < 300; ++step) {
            const coords::Range before = w.range();
            switch (random.bounded(7)) {
            case 0:
                w.zoomBy(1.5);
                break;
            case 1:
                w.zoomBy(1 / 1.5);
                break;
            case 2: // the wheel, anywhere in the window (also over the empty part)
                w.zoomAround(before.start
                                 + static_cast<std::int64_t>(random.bounded(1.0) * before.length()),
                             random.bounded(2) ? 1.25 : 0.8);
                break;
            case 3:
                w.panByWindows(random.bounded(2) ? 0.25 : -0.25);
                break;
            case 4:
                w.showStart();
                break;
            case 5:
                w.showEnd();
                break;
            default:
                w.zoomBy(1.5,
                         static_cast<std::int64_t>(random.bounded(1.0) * runNs)); // a selection
                break;
            }
            const coords::Range r = w.range();
            QVERIFY2(
                dataInView(w, runNs) > 0,
                qPrintable(QStringLiteral("step %1: %2..%3").arg(step).arg(r.start).arg(r.end)));
            QVERIFY(r.start >= 0);
            // Never past the end (and its margin), unless the window is longer than the run.
            const std::int64_t margin
                = std::max<std::int64_t>(r.length() / 50, TimeWindow::kMinLength);
            QVERIFY(r.end <= std::max(runNs + margin, r.length()));
        }
        w.showAll();
        QCOMPARE(w.range().start, 0);
        QCOMPARE(w.range().end, std::max(runNs + runNs / 50, TimeWindow::kMinLength)); // a margin
    }

    void followingALiveRunZoomsAroundNow()
    {
        TimeWindow w;
        w.follow(10'000 * ms);
        w.setExtent(10'000 * ms, false);
        w.zoomBy(2.0);
        QCOMPARE(w.range().end, 10'000 * ms);
        QCOMPARE(w.range().length(), 2000 * ms);
        QVERIFY(w.followLive());
        w.panByWindows(-0.25);
        QVERIFY(!w.followLive());
        w.showEnd(); // follows again
        QVERIFY(w.followLive());
        QCOMPARE(w.range().end, 10'000 * ms);
    }

    // Every way a person moves the window counts, until a reset or the whole run; following and
    // the extent do not.
    void whatAPersonMovedIsKnown()
    {
        const std::function<void(TimeWindow &)> moves[] = {
            [](TimeWindow &w) { w.zoomBy(2.0); },
            [](TimeWindow &w) { w.zoomAround(1000 * ms, 0.5); },
            [](TimeWindow &w) { w.panBy(-100 * ms); },
            [](TimeWindow &w) { w.showStart(); },
            [](TimeWindow &w) { w.showEnd(); },
        };
        for (const auto &move : moves) {
            TimeWindow w;
            w.setExtent(3000 * ms, false);
            w.follow(3000 * ms);
            w.setExtent(5000 * ms, true);
            QVERIFY(!w.moved());
            move(w);
            QVERIFY(w.moved());
            w.showAll(); // back to what is shown by itself
            QVERIFY(!w.moved());
            move(w);
            w.reset();
            QVERIFY(!w.moved());
        }
    }
};

QTEST_GUILESS_MAIN(TestTimeWindow)
#include "tst_timewindow.moc"
