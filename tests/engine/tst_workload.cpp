#include "engine/workload.h"

#include <QTest>
#include <chrono>
#include <thread>

using namespace engine;
using Clock = std::chrono::steady_clock;

class TestWorkload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aJobTakesAtLeastItsPlannedTime_data()
    {
        QTest::addColumn<Workload>("workload");
        QTest::newRow("wait") << Workload::Wait;
        QTest::newRow("cpu") << Workload::Cpu;
    }

    // A wait job is never early. A cpu job is a fixed amount of work calibrated on the fastest of
    // several trials, so on a core of its own it takes about its time; a busy machine only makes
    // it longer.
    void aJobTakesAtLeastItsPlannedTime()
    {
        QFETCH(Workload, workload);
        CancelToken cancel;
        cpuRoundsPerMs(); // calibrated before the clock starts, as WorkerPool::start does
        const auto start = Clock::now();
        QVERIFY(runWorkload(workload, 20'000'000, false, 1, cancel));
        const auto took = Clock::now() - start;
        QVERIFY2(
            took >= std::chrono::milliseconds(workload == Workload::Wait ? 20 : 16),
            qPrintable(
                QStringLiteral("took %1 µs")
                    .arg(std::chrono::duration_cast<std::chrono::microseconds>(took).count())));
    }

    // The cpu workload is work, not time: the rounds follow from the planned time alone, and all
    // of them are done however long they take.
    void aCpuJobIsAFixedAmountOfWork()
    {
        const double perMs = cpuRoundsPerMs();
        QVERIFY(perMs > 1.0);
        QCOMPARE(cpuRoundsPerMs(), perMs); // measured once
        QCOMPARE(cpuRoundsFor(0), 0);
        QCOMPARE(cpuRoundsFor(1), 1); // the smallest job still does something
        QCOMPARE(cpuRoundsFor(50'000'000), std::llround(50.0 * perMs));
        QCOMPARE(cpuRoundsFor(100'000'000), std::llround(100.0 * perMs));
        CancelToken cancel;
        QCOMPARE(computeRounds(1234, 1, cancel), 1234);
        cancel.cancel();
        QCOMPARE(computeRounds(1234, 1, cancel), 0);
    }

    void aFailingJobThrowsAfterItsWork()
    {
        CancelToken cancel;
        QVERIFY_THROWS_EXCEPTION(JobFailure,
                                 runWorkload(Workload::Wait, 1'000'000, true, 7, cancel));
        QVERIFY_THROWS_EXCEPTION(JobFailure, runWorkload(Workload::Cpu, 0, true, 7, cancel));
    }

    // Cancelling interrupts the work rather than waiting it out: a job planned for an hour ends.
    void cancellingInterruptsTheWork_data() { aJobTakesAtLeastItsPlannedTime_data(); }

    void cancellingInterruptsTheWork()
    {
        QFETCH(Workload, workload);
        CancelToken cancel;
        bool completed = true;
        std::thread job(
            [&] { completed = runWorkload(workload, 3'600'000'000'000, true, 1, cancel); });
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // let it start (or not)
        cancel.cancel();
        job.join(); // an hour if the cancel were not seen
        QVERIFY(!completed); // cancelled: no result of its own, and no failure thrown
    }

    void aCancelledTokenStopsEvenAZeroLengthJob()
    {
        CancelToken cancel;
        cancel.cancel();
        QVERIFY(!runWorkload(Workload::Wait, 0, false, 1, cancel));
        QVERIFY(!runWorkload(Workload::Cpu, 5'000'000, false, 1, cancel));
    }
};

QTEST_GUILESS_MAIN(TestWorkload)
#include "tst_workload.moc"
