#include "engine/knob.h"
#include "testprinting.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <cmath>
#include <set>

using namespace engine;

namespace {

// A random config that validates: every knob at a random allowed value.
PoolConfig randomValidConfig(QRandomGenerator &random)
{
    PoolConfig c;
    for (const Knob &k : knobs()) {
        switch (k.type) {
        case KnobType::Integer:
            k.setNumber(c, std::floor(k.min + random.generateDouble() * (k.max - k.min)));
            break;
        case KnobType::Real:
            k.setNumber(c, k.min + random.generateDouble() * (k.max - k.min));
            break;
        case KnobType::Choice:
            k.setNumber(c, random.bounded(static_cast<int>(k.choices.size())));
            break;
        case KnobType::Switch:
            k.setNumber(c, random.bounded(2));
            break;
        case KnobType::Seed:
            c.seed = random.generate64() >> 1;
            break;
        }
    }
    if (!c.continuous)
        c.durationS = 0;
    if (c.minMs > c.maxMs)
        std::swap(c.minMs, c.maxMs);
    return c;
}

} // namespace

class TestKnob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theTableHasEveryKnobOnceInItsOrder()
    {
        QCOMPARE(int(knobs().size()), kKnobCount);
        std::set<QString> flags, names;
        for (int i = 0; i < kKnobCount; ++i) {
            const Knob &k = knobs()[static_cast<std::size_t>(i)];
            QCOMPARE(int(k.id), i);
            QCOMPARE(&knob(k.id), &k);
            QVERIFY(flags.insert(QLatin1String(k.flag)).second);
            QVERIFY(names.insert(QLatin1String(k.name)).second);
            QVERIFY2(*k.label && *k.help && *k.toolTip, k.flag);
            if (k.type == KnobType::Choice) {
                QVERIFY(!k.choices.empty());
                QCOMPARE(k.choiceLabels.size(), k.choices.size());
            }
            if (k.type == KnobType::Integer || k.type == KnobType::Real)
                QVERIFY2(k.min < k.max, k.flag);
        }
    }

    void namesBecomeKeysAndObjectNames()
    {
        QCOMPARE(knob(KnobId::QueueCapacity).jsonKey(), QStringLiteral("queue_capacity"));
        QCOMPARE(knob(KnobId::QueueCapacity).objectName(), QStringLiteral("queueCapacity"));
        QCOMPARE(knob(KnobId::FailRate).objectName(), QStringLiteral("failRate"));
        QCOMPARE(knob(KnobId::Duration).jsonKey(), QStringLiteral("duration_s"));
        QCOMPARE(knob(KnobId::Workers).allowedText(), QStringLiteral("an integer from 1 to 256"));
        QCOMPARE(knob(KnobId::Arrival).allowedText(),
                 QStringLiteral("one of fixed, poisson, burst"));
    }

    void defaultsAreTheReferenceAndSaySo()
    {
        QCOMPARE(knob(KnobId::Workers).defaultText(), QStringLiteral("3"));
        QCOMPARE(knob(KnobId::Jobs).defaultText(), QStringLiteral("15"));
        QCOMPARE(knob(KnobId::Interval).defaultText(), QStringLiteral("100"));
        QCOMPARE(knob(KnobId::Distribution).defaultText(), QStringLiteral("uniform"));
        QCOMPARE(knob(KnobId::Continuous).defaultText(), QStringLiteral("off"));
        QCOMPARE(knob(KnobId::Duration).defaultText(), QStringLiteral("until stopped"));
        QVERIFY(knob(KnobId::QueueCapacity).defaultText().startsWith(QLatin1String("as many")));
        QVERIFY(knob(KnobId::Seed).defaultText().startsWith(QLatin1String("random")));
    }

    void eachKnobReadsAndWritesItsOwnField()
    {
        for (const Knob &k : knobs()) {
            if (k.type == KnobType::Seed)
                continue;
            const double value = k.type == KnobType::Switch ? 1
                : k.type == KnobType::Choice                ? double(k.choices.size() - 1)
                                                            : k.max;
            PoolConfig c;
            QVERIFY2(k.setNumber(c, value), k.flag);
            QCOMPARE(k.number(c), value);
            QVERIFY2(k.differs(c, PoolConfig {}) == (value != k.number(PoolConfig {})), k.flag);
            // No other knob moved.
            for (const Knob &other : knobs()) {
                if (other.id != k.id)
                    QVERIFY2(!other.differs(c, PoolConfig {}), other.flag);
            }
        }
    }

    void aFieldRefusesWhatItsTypeCannotHold()
    {
        PoolConfig c;
        QVERIFY(!knob(KnobId::Workers).setNumber(c, 1e12));
        QVERIFY(!knob(KnobId::Workers).setNumber(c, std::nan("")));
        QVERIFY(!knob(KnobId::Arrival).setNumber(c, 300));
        QCOMPARE(c, PoolConfig {});
        QVERIFY(knob(KnobId::Jobs).setNumber(c, 1e12)); // an int64 holds it; validate() refuses it
        QVERIFY(!c.isValid());
    }

    void validateNamesEachKnobOutOfItsRange()
    {
        for (const Knob &k : knobs()) {
            if (k.type != KnobType::Integer && k.type != KnobType::Real)
                continue;
            PoolConfig c;
            c.continuous = k.id == KnobId::Duration; // only a continuous run has a duration
            if (k.id == KnobId::Jobs)
                c.continuous = false;
            QVERIFY2(c.isValid(), k.flag);
            k.setNumber(c, k.max + 1);
            const QStringList problems = c.validate();
            QVERIFY2(!problems.isEmpty(), k.flag);
            QVERIFY2(problems.first().startsWith(QLatin1String(k.flag)),
                     qPrintable(problems.first()));
            QVERIFY2(problems.first().contains(QLatin1String(k.unit)),
                     qPrintable(problems.first()));
        }
    }

    void aChoiceBeyondItsNamesIsRefused()
    {
        for (const Knob &k : knobs()) {
            if (k.type != KnobType::Choice)
                continue;
            PoolConfig c;
            QVERIFY(k.setNumber(c, double(k.choices.size())));
            QVERIFY2(!c.isValid(), k.flag);
            QVERIFY(c.validate().first().contains(k.allowedText()));
        }
    }

    void jsonRoundTripsEveryValidConfig()
    {
        QRandomGenerator random(11);
        for (int i = 0; i < 500; ++i) {
            const PoolConfig c = randomValidConfig(random);
            QVERIFY2(c.isValid(), qPrintable(c.validate().join(QLatin1Char(';'))));
            const QJsonObject json = configToJson(c);
            QCOMPARE(json.size(), kKnobCount);
            QString error;
            const auto back = configFromJson(json, &error);
            QVERIFY2(back.has_value(), qPrintable(error));
            QCOMPARE(*back, c);
        }
    }

    void jsonOfTheWrongTypeIsRefusedNamingTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("workers as text") << "workers" << QJsonValue(QStringLiteral("3"));
        QTest::newRow("workers beyond an int") << "workers" << QJsonValue(1e12);
        QTest::newRow("continuous as a number") << "continuous" << QJsonValue(1);
        QTest::newRow("an unknown arrival") << "arrival" << QJsonValue(QStringLiteral("never"));
        QTest::newRow("seed as a number") << "seed" << QJsonValue(42);
        QTest::newRow("speed out of range") << "speed" << QJsonValue(1000);
    }

    void jsonOfTheWrongTypeIsRefusedNamingTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QJsonObject json = configToJson(PoolConfig {});
        json.insert(key, value);
        QString error;
        QVERIFY(!configFromJson(json, &error).has_value());
        QVERIFY2(error.contains(key), qPrintable(error));
    }

    void aMissingKeyKeepsItsDefault()
    {
        QJsonObject json = configToJson(PoolConfig {});
        json.remove(QStringLiteral("workers"));
        json.insert(QStringLiteral("jobs"), 40);
        QString error;
        const auto c = configFromJson(json, &error);
        QVERIFY2(c.has_value(), qPrintable(error));
        QCOMPARE(c->workers, PoolConfig {}.workers);
        QCOMPARE(c->jobs, 40);
    }
};

QTEST_GUILESS_MAIN(TestKnob)
#include "tst_knob.moc"
