#include "ui/history.h"

#include <QTest>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>

using gui::History;

namespace {
struct Triple
{
    std::int64_t key = 0;
    std::int64_t a = 0;
    int b = 0;
    friend bool operator==(const Triple &, const Triple &) = default;
};
} // namespace

template<> struct gui::Packing<Triple>
{
    static constexpr int kColumns = 3;
    static void split(const Triple &p, std::int64_t *c)
    {
        c[0] = p.key;
        c[1] = p.a;
        c[2] = p.b;
    }
    static Triple join(const std::int64_t *c) { return {c[0], c[1], static_cast<int>(c[2])}; }
};

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
        // Values that never fall, with steps of every size (none too), so that packed chunks use
        // fields of every width and searches meet runs of equal keys.
        std::int64_t value = -5'000'000'000'000;
        const std::int64_t steps[] = {0, 1, 200, 60'000, 3'000'000'000, std::int64_t {1} << 40};
        for (int step = 0; step < 3000; ++step) {
            switch (next(4)) {
            case 0:
            case 1: {
                std::vector<std::int64_t> batch(next(40));
                const std::int64_t stride = steps[next(std::size(steps))];
                for (std::int64_t &v : batch) {
                    v = value;
                    value += next(2) ? stride : 1;
                }
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
            QCOMPARE(it - history.begin(),
                     std::lower_bound(oracle.begin(), oracle.end(), oracle[i]) - oracle.begin());
            // gallopKey from anywhere to anywhere agrees with a binary search of the oracle.
            const std::size_t from = next(static_cast<std::uint32_t>(oracle.size() + 1));
            const std::size_t to
                = from + next(static_cast<std::uint32_t>(oracle.size() - from + 1));
            const std::int64_t probe = next(2) ? oracle[i] + std::int64_t(next(3)) - 1
                                               : oracle[next(std::uint32_t(oracle.size()))];
            const auto exact
                = std::size_t(std::lower_bound(oracle.begin() + std::ptrdiff_t(from),
                                               oracle.begin() + std::ptrdiff_t(to), probe)
                              - oracle.begin());
            QCOMPARE(history.gallopKey(from, to, probe), exact);
            // keyBounds holds it within a chunk, and keeps its word about the keys at the ends.
            const auto [lo, hi] = history.keyBounds(from, to, probe);
            QVERIFY(from <= lo && lo <= exact && exact <= hi && hi <= to);
            QVERIFY(hi - lo <= 16);
            if (lo > from)
                QVERIFY(oracle[lo] < probe);
            if (hi < to)
                QVERIFY(oracle[hi] >= probe);
            QCOMPARE(*std::prev(history.end()), oracle.back());
            QCOMPARE(*history.rbegin(), oracle.back());
        }
    }

    // Elements changed in place (all but the key), anywhere (packed chunks are unpacked to change
    // and packed again later), and multi-column elements with extreme values come back exactly.
    void editsAnywhereSurvivePackingAgain()
    {
        History<Triple, 4> history;
        std::vector<Triple> oracle;
        std::uint32_t seed = 7;
        auto next = [&seed](std::uint32_t bound) {
            seed = seed * 1664525u + 1013904223u;
            return (seed >> 8) % bound;
        };
        const std::int64_t extremes[] = {INT64_MIN, INT64_MAX, -1, 0, 1, 1'000'000'007};
        int step = 0;
        auto randomValue = [&] {
            // Extremes now and then (a chunk holding them cannot be packed and stays as it is),
            // moderate values mostly.
            const bool extreme = step % 1000 < 150;
            return extreme ? extremes[next(std::size(extremes))]
                           : std::int64_t(next(1u << 20)) - (1 << 19);
        };
        auto randomTriple = [&] {
            return Triple {randomValue(), randomValue(),
                           step < 1000 ? 3 // a column that does not change: no bytes at all
                                       : static_cast<int>(
                                           next(3) == 0 ? -static_cast<int>(next(1000)) : next(7))};
        };
        for (; step < 4000; ++step) {
            if (next(3) != 0 || oracle.empty()) {
                const Triple p = randomTriple();
                history.push_back(p);
                oracle.push_back(p);
            } else {
                const std::size_t i = next(static_cast<std::uint32_t>(oracle.size()));
                Triple p = randomTriple();
                p.key = oracle[i].key;
                history.edit(i) = p;
                oracle[i] = p;
            }
            if (next(200) == 0) {
                const std::size_t n = next(static_cast<std::uint32_t>(oracle.size() + 1));
                history.erase(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(n));
                oracle.erase(oracle.begin(), oracle.begin() + static_cast<std::ptrdiff_t>(n));
            }
            QCOMPARE(history.size(), oracle.size());
            if (step % 50 == 0) {
                for (std::size_t i = 0; i < oracle.size(); ++i) {
                    QVERIFY2(history[i] == oracle[i], qPrintable(QString::number(i)));
                    QCOMPARE(history.key(i), oracle[i].key);
                }
            }
        }
        QVERIFY(history.packedBytesPerElement() > 0); // packing was exercised
    }

    // A column of small values with a few far out (a job preempted for a while among jobs that
    // take nanoseconds) keeps fields as narrow as the small ones: the few are set aside, and
    // every value, set aside or not, comes back exactly.
    void aFewFarValuesAreSetAsideNotWidenedFor()
    {
        History<Triple, 8> history;
        std::vector<Triple> oracle;
        constexpr std::int64_t kChunks = 200;
        for (std::int64_t i = 0; i < 256 * kChunks; ++i) {
            // Small values (0..7: 7 is the all-ones of a 3-bit field, an escape of its own),
            // and two far values per chunk, one of them the largest there is.
            std::int64_t a = i % 8;
            if (i % 256 == 100)
                a = std::int64_t {1} << 50;
            if (i % 256 == 200)
                a = INT64_MAX;
            const Triple t {1000 * i, a, static_cast<int>(i % 3)};
            history.push_back(t);
            oracle.push_back(t);
        }
        for (std::size_t i = 0; i < oracle.size(); ++i)
            QCOMPARE(history[i], oracle[i]);
        // A field wide enough for the far values would take 8 bytes an element (and one for the
        // largest cannot be had: such a chunk stayed unpacked); set aside, an element takes a few
        // bits, and a chunk a few exceptions.
        QVERIFY2(history.bytes() < 2 * history.size(),
                 qPrintable(QString::number(history.bytes())));
        // Unpacked to change and packed again, still exact.
        history.edit(300).b = 2;
        oracle[300].b = 2;
        for (int i = 0; i < 256 * 3; ++i) {
            const Triple t {1000 * (kChunks * 256 + i), i % 5, 1};
            history.push_back(t);
            oracle.push_back(t);
        }
        for (std::size_t i = 0; i < oracle.size(); ++i)
            QCOMPARE(history[i], oracle[i]);
    }

    void foldingAwayTheFrontGivesMemoryBack()
    {
        History<std::int64_t, 8> history;
        // Rising about 1000 a step, give or take 128: a field of 8 or 9 bits off the line.
        auto value = [](std::int64_t i) {
            return 1000 * i + (i * 7919) % 256;
        };
        for (std::int64_t i = 0; i < 1'000'000; ++i)
            history.push_back(value(i));
        const std::size_t full = history.bytes();
        QVERIFY(full >= 1'000'000);
        QVERIFY2(full < 1'000'000 * 2, qPrintable(QString::number(full)));
        QCOMPARE(history[654'321], value(654'321));
        history.erase(history.begin(), history.begin() + 900'000);
        QVERIFY(history.bytes() < full / 4);
        QCOMPARE(history.front(), value(900'000));
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
