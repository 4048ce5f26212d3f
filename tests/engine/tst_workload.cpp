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

    void aJobTakesAtLeastItsPlannedTime()
    {
        QFETCH(Workload, workload);
        CancelToken cancel;
        const auto start = Clock::now();
        QVERIFY(runWorkload(workload, 20'000'000, false, 1, cancel));
        QVERIFY(Clock::now() - start >= std::chrono::milliseconds(20)); // never early
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
