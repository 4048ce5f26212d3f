#include "engine/backgroundwriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <vector>

using namespace engine;

namespace {

// Block n: n % 251 + 1 bytes, each the block's number (mod 256), so that order and sizes show.
QByteArray block(int n)
{
    return QByteArray(n % 251 + 1, static_cast<char>(n & 0xff));
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestBackgroundWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blocksLandWholeAndInOrder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("events"));
        QByteArray expected;
        {
            BackgroundWriter writer(path);
            QVERIFY(!writer.failed());
            for (int n = 0; n < 5000; ++n) {
                QVERIFY(writer.append(block(n)));
                expected += block(n);
            }
            QVERIFY(writer.drain());
            QCOMPARE(writer.written(), std::int64_t(expected.size()));
            QCOMPARE(readAll(path), expected); // all there once drained
            // More after a drain.
            for (int n = 5000; n < 8000; ++n) {
                QVERIFY(writer.append(block(n)));
                expected += block(n);
            }
            QVERIFY(writer.drain());
        }
        QCOMPARE(readAll(path), expected);
    }

    // A writer destroyed with blocks pending drops them: the file holds whole blocks, the first
    // ones, however far it got.
    void destroyingDropsWhatIsPendingAndLeavesWholeBlocks()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events"));
        QByteArray expected;
        std::vector<qsizetype> ends {0};
        {
            BackgroundWriter writer(path);
            for (int n = 0; n < 20'000; ++n) {
                QVERIFY(writer.append(block(n)));
                expected += block(n);
                ends.push_back(expected.size());
            }
        }
        const QByteArray written = readAll(path);
        QVERIFY(std::binary_search(ends.begin(), ends.end(), written.size()));
        QCOMPARE(written, expected.left(written.size()));
    }

    void aFileThatCannotBeOpenedFailsAtOnce()
    {
        QTemporaryDir dir;
        BackgroundWriter writer(dir.filePath(QStringLiteral("no/such/folder/events")));
        QVERIFY(writer.failed());
        QVERIFY(!writer.errorString().isEmpty());
        QVERIFY(!writer.append(block(1)));
        QVERIFY(!writer.drain());
        QCOMPARE(writer.written(), std::int64_t {0});
    }

    void aWriteThatFailsIsReportedAndWhatFollowsIsDropped()
    {
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QFAIL("this check writes to /dev/full (a device whose writes fail: Linux has it)");
        BackgroundWriter writer(QStringLiteral("/dev/full"));
        QVERIFY(!writer.failed()); // it opens; its writes fail
        writer.append(block(7));
        QVERIFY(!writer.drain());
        QVERIFY(writer.failed());
        QVERIFY(!writer.errorString().isEmpty());
        QVERIFY(!writer.append(block(8)));
        QCOMPARE(writer.written(), std::int64_t {0});
    }
};

QTEST_GUILESS_MAIN(TestBackgroundWriter)
#include "tst_backgroundwriter.moc"
