#include "history.h"

#include <QTest>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>

using gui::History;

// History against std::deque as the oracle: the same sequence of appends, front folds and
// truncations must leave the same elements, reachable through indexes and iterators alike.
class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void behavesLikeADequeGrownAtTheBackAndFoldedAtTheFront()
    {
        History<std::int64_t, 4> history; // 16 per chunk: many chunk edges
        std::deque<std::int64_t> oracle;
        std::uint32_t seed = 1;
        auto next = [&seed](std::uint32_t bound) {
            seed = seed * 1664525u + 1013904223u;
            return (seed >> 8) % bound;
        };
        std::int64_t value = 0;
        for (int step = 0; step < 3000; ++step) {
            switch (next(4)) {
            case 0:
            case 1: {
                std::vector<std::int64_t> batch(next(40));
                std::iota(batch.begin(), batch.end(), value);
                value += static_cast<std::int64_t>(batch.size());
                history.insert(history.end(), batch.begin(), batch.end());
                oracle.insert(oracle.end(), batch.begin(), batch.end());
                break;
            }
            case 2: {
                const auto n = static_cast<std::ptrdiff_t>(
                    next(static_cast<std::uint32_t>(oracle.size() + 1)));
                history.erase(history.begin(), history.begin() + n);
                oracle.erase(oracle.begin(), oracle.begin() + n);
                break;
            }
            case 3:
                if (next(8) == 0) {
                    const std::size_t n = next(static_cast<std::uint32_t>(oracle.size() + 1));
                    history.truncate(n);
                    oracle.resize(n);
                }
                break;
            }
            QCOMPARE(history.size(), oracle.size());
            if (oracle.empty())
                continue;
            QCOMPARE(history.front(), oracle.front());
            QCOMPARE(history.back(), oracle.back());
            const std::size_t i = next(static_cast<std::uint32_t>(oracle.size()));
            QCOMPARE(history[i], oracle[i]);
            // Sorted (values only rise): binary search through the iterators finds each value.
            const auto it = std::lower_bound(history.begin(), history.end(), oracle[i]);
            QCOMPARE(it - history.begin(), static_cast<std::ptrdiff_t>(i));
            QCOMPARE(*std::prev(history.end()), oracle.back());
            QCOMPARE(*history.rbegin(), oracle.back());
        }
    }

    void foldingAwayTheFrontGivesMemoryBack()
    {
        History<std::int64_t, 8> history;
        for (std::int64_t i = 0; i < 100'000; ++i)
            history.push_back(i);
        const std::size_t full = history.bytes();
        QVERIFY(full >= 100'000 * sizeof(std::int64_t));
        QVERIFY(full < 100'000 * sizeof(std::int64_t) * 11 / 10); // no doubling slack
        history.erase(history.begin(), history.begin() + 90'000);
        QVERIFY(history.bytes() < full / 5);
        QCOMPARE(history.front(), std::int64_t(90'000));
        history.erase(history.begin(), history.end());
        QVERIFY(history.empty());
        history.push_back(7); // reusable after emptying
        QCOMPARE(history.size(), std::size_t(1));
        QCOMPARE(history.back(), std::int64_t(7));
    }

    void aMovedFromHistoryIsEmptyAndUsable()
    {
        History<std::int64_t, 4> a;
        for (std::int64_t i = 0; i < 40; ++i)
            a.push_back(i);
        a.erase(a.begin(), a.begin() + 5); // a front offset inside the first chunk
        History<std::int64_t, 4> b(std::move(a));
        QCOMPARE(b.size(), std::size_t(35));
        QCOMPARE(b.front(), std::int64_t(5));
        QVERIFY(a.empty()); // NOLINT: moved-from on purpose
        a.push_back(1);
        QCOMPARE(a.back(), std::int64_t(1));
        b = std::move(a);
        QCOMPARE(b.size(), std::size_t(1));
        QVERIFY(a.empty()); // NOLINT
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
