#include "engine/durationformat.h"

#include <QTest>

class TestDurationFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesLikeGo_data()
    {
        QTest::addColumn<qint64>("ns");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << "0s";
        QTest::newRow("nanoseconds") << qint64(850) << "850ns";
        QTest::newRow("microseconds") << qint64(850'000) << QStringLiteral("850µs");
        QTest::newRow("fractional µs") << qint64(1'500) << QStringLiteral("1.5µs");
        QTest::newRow("reference job") << qint64(237'000'000) << "237ms";
        QTest::newRow("fractional ms") << qint64(1'234'500) << "1.2345ms";
        QTest::newRow("one and a half seconds") << qint64(1'500'000'000) << "1.5s";
        QTest::newRow("whole seconds") << qint64(2'000'000'000) << "2s";
        QTest::newRow("minutes") << qint64(123'500'000'000) << "2m3.5s";
        QTest::newRow("an hour") << qint64(3'600'000'000'000) << "1h0m0s";
        QTest::newRow("negative") << qint64(-1'500'000) << "-1.5ms";
    }

    void writesLikeGo()
    {
        QFETCH(qint64, ns);
        QFETCH(QString, text);
        QCOMPARE(engine::goDuration(ns), text);
    }

    void roundsMeasuredTimesToAReadablePrecision_data()
    {
        QTest::addColumn<qint64>("ns");
        QTest::addColumn<QString>("text");
        QTest::newRow("reference job, measured") << qint64(237'084'113) << "237ms";
        QTest::newRow("over a second") << qint64(1'500'400'000) << "1.5s";
        QTest::newRow("a few ms") << qint64(1'234'567) << "1.235ms";
        QTest::newRow("sub-ms") << qint64(850'300) << QStringLiteral("850µs");
        QTest::newRow("tiny") << qint64(9'999) << QStringLiteral("9.999µs");
        QTest::newRow("rounds up") << qint64(9'999'600) << "10ms";
    }

    void roundsMeasuredTimesToAReadablePrecision()
    {
        QFETCH(qint64, ns);
        QFETCH(QString, text);
        QCOMPARE(engine::displayDuration(ns), text);
    }
};

QTEST_GUILESS_MAIN(TestDurationFormat)
#include "tst_durationformat.moc"
