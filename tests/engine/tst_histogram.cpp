#include "engine/histogram.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <vector>

using engine::Histogram;

class TestHistogram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void anEmptyHistogramSaysZero()
    {
        const Histogram h;
        QCOMPARE(h.count(), 0);
        QCOMPARE(h.mean(), 0.0);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 0);
        QCOMPARE(h.quantile(0.5), 0);
    }

    void smallValuesAreExact()
    {
        Histogram h;
        for (std::int64_t v = 0; v < 256; ++v)
            h.add(v);
        QCOMPARE(h.count(), 256);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 255);
        QCOMPARE(h.mean(), 127.5);
        QCOMPARE(h.quantile(0.5), 127); // nearest rank: the 128th of 256
        QCOMPARE(h.quantile(1.0), 255);
        QCOMPARE(h.quantile(0.0), 0);
        QCOMPARE(h.fractionAbove(191), 0.25);
        QCOMPARE(h.fractionAbove(-1), 1.0);
        QCOMPARE(h.fractionAbove(255), 0.0);
        QCOMPARE(Histogram().fractionAbove(0), 0.0);
    }

    // Above a value far from a bucket's edge: exact counts, whatever the spread.
    void fractionAboveCountsTheValuesAbove()
    {
        Histogram h;
        for (int i = 0; i < 900; ++i)
            h.add(1'000 + i); // 1 µs …
        for (int i = 0; i < 100; ++i)
            h.add(50'000'000 + i * 1000); // … and 50 ms
        QCOMPARE(h.fractionAbove(1'000'000), 0.1);
        QCOMPARE(h.fractionAbove(100), 1.0);
        QCOMPARE(h.fractionAbove(60'000'000), 0.0);
    }

    void bucketsKeepTheirPromiseOfRelativeError()
    {
        for (std::int64_t v : {256LL, 1000LL, 123'456LL, 987'654'321LL, 3'600'000'000'000LL}) {
            const double mid = static_cast<double>(Histogram::bucketMid(Histogram::bucketOf(v)));
            QVERIFY2(std::abs(mid - static_cast<double>(v)) / static_cast<double>(v) < 0.004,
                     qPrintable(QString::number(v)));
        }
        // Buckets rise with the value.
        int previous = -1;
        for (std::int64_t v = 1; v < (1LL << 40); v = v * 3 / 2 + 1) {
            const int b = Histogram::bucketOf(v);
            QVERIFY(b >= previous);
            previous = b;
        }
    }

    // Quantiles against a sort of the same samples: within the buckets' relative error.
    void quantilesMatchASortedCopy()
    {
        QRandomGenerator random(5);
        Histogram h;
        std::vector<std::int64_t> values;
        for (int i = 0; i < 20'000; ++i) {
            // Log-normal-ish: from nanoseconds to seconds.
            const auto v = static_cast<std::int64_t>(std::exp(random.generateDouble() * 21.0));
            values.push_back(v);
            h.add(v);
        }
        std::sort(values.begin(), values.end());
        for (double q : {0.01, 0.25, 0.5, 0.9, 0.99, 0.999}) {
            const auto rank = static_cast<std::size_t>(std::ceil(q * values.size())) - 1;
            const double exact = static_cast<double>(values[rank]);
            const double got = static_cast<double>(h.quantile(q));
            QVERIFY2(std::abs(got - exact) <= std::max(1.0, exact * 0.004),
                     qPrintable(QStringLiteral("q %1: %2 vs %3").arg(q).arg(got).arg(exact)));
        }
        QCOMPARE(h.min(), values.front());
        QCOMPARE(h.max(), values.back());
    }

    void mergingIsAddingEverySample()
    {
        Histogram a, b, both;
        for (std::int64_t v = 0; v < 5000; v += 7) {
            (v % 2 ? a : b).add(v * 1000);
            both.add(v * 1000);
        }
        a.merge(b);
        QCOMPARE(a.count(), both.count());
        QCOMPARE(a.min(), both.min());
        QCOMPARE(a.max(), both.max());
        QCOMPARE(a.mean(), both.mean());
        for (double q : {0.1, 0.5, 0.95})
            QCOMPARE(a.quantile(q), both.quantile(q));
        a.clear();
        QCOMPARE(a.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
