#include "engine/boundedqueue.h"

#include <QTest>
#include <atomic>
#include <thread>
#include <vector>

using engine::BoundedQueue;
using Queue = BoundedQueue<int>;

namespace {
auto noop = [] {
};
auto noopDepth = [](int) {
};
auto stay = [] {
    return false;
};

// Hooks from lambdas: blocked(), inserted(depth).
template<typename Blocked, typename Inserted> auto pushHooks(Blocked blocked, Inserted inserted)
{
    struct Hooks : engine::QueueHooks
    {
        Blocked onBlocked;
        Inserted onInserted;
        void blocked() { onBlocked(); }
        void inserted(int depth) { onInserted(depth); }
    };
    return Hooks {{}, blocked, inserted};
}

// Hooks from lambdas: blocked(), taken(depth), leave().
template<typename Blocked, typename Taken, typename Leave>
auto popHooks(Blocked blocked, Taken taken, Leave leave)
{
    struct Hooks : engine::QueueHooks
    {
        Blocked onBlocked;
        Taken onTaken;
        Leave onLeave;
        void blocked() { onBlocked(); }
        void taken(int depth, std::int64_t) { onTaken(depth); }
        bool leave() { return onLeave(); }
    };
    return Hooks {{}, blocked, taken, leave};
}

bool pushOne(Queue &queue, int value, bool *blocked = nullptr)
{
    return queue.push(value, pushHooks(noop, noopDepth), blocked) == Queue::PushResult::Ok;
}

Queue::PopResult popOne(Queue &queue, int &out)
{
    return queue.pop(out, popHooks(noop, noopDepth, stay));
}

// Spins (yielding) until pred holds or 10 s pass.
template<typename Pred> bool eventually(Pred pred)
{
    for (int i = 0; i < 100000 && !pred(); ++i)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    return pred();
}
} // namespace

class TestBoundedQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void itemsComeOutInFifoOrder()
    {
        Queue queue(8);
        for (int i = 1; i <= 8; ++i)
            QVERIFY(pushOne(queue, i));
        QCOMPARE(queue.depth(), 8);
        for (int i = 1; i <= 8; ++i) {
            int out = 0;
            QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
            QCOMPARE(out, i);
        }
        QCOMPARE(queue.depth(), 0);
    }

    void callbacksSeeTheDepthAfterEachOperation()
    {
        Queue queue(4);
        std::vector<int> depths;
        for (int i = 0; i < 3; ++i) {
            int v = i;
            queue.push(v, pushHooks(noop, [&](int depth) { depths.push_back(depth); }));
        }
        int out = 0;
        queue.pop(out,
                  popHooks(
                      noop, [&](int depth) { depths.push_back(depth); }, stay));
        QCOMPARE(depths, (std::vector<int> {1, 2, 3, 2}));
    }

    void aPushOnAFullQueueBlocksUntilSpaceFrees()
    {
        Queue queue(2);
        QVERIFY(pushOne(queue, 1));
        QVERIFY(pushOne(queue, 2));
        std::atomic<bool> blockedReported {false};
        std::atomic<bool> done {false};
        std::thread producer([&] {
            int v = 3;
            queue.push(v, pushHooks([&] { blockedReported = true; }, noopDepth));
            done = true;
        });
        QVERIFY(eventually([&] { return blockedReported.load(); }));
        QVERIFY(!done.load());
        QCOMPARE(queue.depth(), 2);
        int out = 0;
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
        producer.join();
        QVERIFY(done.load());
        QCOMPARE(queue.depth(), 2);
    }

    void capacityZeroIsAHandOff()
    {
        Queue queue(0);
        std::atomic<bool> pushed {false};
        std::atomic<bool> blockedReported {false};
        std::thread producer([&] {
            int v = 42;
            bool blocked = false;
            queue.push(v, pushHooks([&] { blockedReported = true; }, noopDepth), &blocked);
            pushed = true;
        });
        // The sender waits for a taker; the item is offered but never buffered.
        QVERIFY(eventually([&] { return blockedReported.load(); }));
        QVERIFY(!pushed.load());
        QCOMPARE(queue.depth(), 0);
        int out = 0;
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
        QCOMPARE(out, 42);
        producer.join();
        QVERIFY(pushed.load());
    }

    void closeDrainsWhatIsLeftThenReportsClosed()
    {
        Queue queue(4);
        QVERIFY(pushOne(queue, 1));
        QVERIFY(pushOne(queue, 2));
        queue.close();
        QVERIFY(!pushOne(queue, 3));
        int out = 0;
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
        QCOMPARE(out, 2);
        QCOMPARE(popOne(queue, out), Queue::PopResult::Closed);
    }

    void closeReleasesABlockedPusherWithItsItem()
    {
        Queue queue(1);
        QVERIFY(pushOne(queue, 1));
        std::atomic<int> result {-1};
        std::atomic<bool> blocked {false};
        std::thread producer([&] {
            int v = 2;
            result = static_cast<int>(queue.push(v, pushHooks([&] { blocked = true; }, noopDepth)));
        });
        QVERIFY(eventually([&] { return blocked.load(); }));
        queue.close();
        producer.join();
        QCOMPARE(result.load(), static_cast<int>(Queue::PushResult::Closed));
        QCOMPARE(queue.depth(), 1);
    }

    void closeWakesAnIdlePopper()
    {
        Queue queue(4);
        std::atomic<int> result {-1};
        std::thread consumer([&] {
            int out = 0;
            result = static_cast<int>(popOne(queue, out));
        });
        std::this_thread::yield();
        queue.close();
        consumer.join();
        QCOMPARE(result.load(), static_cast<int>(Queue::PopResult::Closed));
    }

    void aPausedQueueHoldsItsItemsUntilResumed()
    {
        Queue queue(4);
        QVERIFY(pushOne(queue, 7));
        queue.setPaused(true);
        std::atomic<bool> waiting {false};
        std::atomic<int> got {0};
        std::thread consumer([&] {
            int out = 0;
            queue.pop(out, popHooks([&] { waiting = true; }, noopDepth, stay));
            got = out;
        });
        QVERIFY(eventually([&] { return waiting.load(); }));
        QCOMPARE(got.load(), 0);
        queue.setPaused(false);
        consumer.join();
        QCOMPARE(got.load(), 7);
    }

    void aWaitingPopperLeavesWhenItsPredicateTurnsTrueAndIsWoken()
    {
        Queue queue(4);
        std::atomic<bool> leave {false};
        std::atomic<bool> waiting {false};
        std::atomic<int> result {-1};
        std::thread consumer([&] {
            int out = 0;
            result = static_cast<int>(queue.pop(
                out, popHooks([&] { waiting = true; }, noopDepth, [&] { return leave.load(); })));
        });
        QVERIFY(eventually([&] { return waiting.load(); }));
        leave = true;
        queue.wake();
        consumer.join();
        QCOMPARE(result.load(), static_cast<int>(Queue::PopResult::Left));
    }

    void aPrewokenTakerKeepsWaitingForTheItemThenTakesIt()
    {
        Queue queue(4);
        queue.prewake(); // nobody waits: nothing happens
        std::atomic<bool> waiting {false};
        std::atomic<int> result {-1};
        std::atomic<int> got {0};
        std::thread consumer([&] {
            int out = 0;
            result = static_cast<int>(
                queue.pop(out, popHooks([&] { waiting = true; }, noopDepth, stay)));
            got = out;
        });
        QVERIFY(eventually([&] { return waiting.load(); }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // past the yields: asleep
        queue.prewake();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        QCOMPARE(result.load(), -1); // woken, but with nothing to take it waits on
        QVERIFY(pushOne(queue, 9));
        consumer.join();
        QCOMPARE(result.load(), static_cast<int>(Queue::PopResult::Item));
        QCOMPARE(got.load(), 9);
        QCOMPARE(queue.depth(), 0);
    }

    void aSenderOnAFullQueueSleepsRatherThanSpins()
    {
        struct Hooks : engine::QueueHooks
        {
            static constexpr bool wantsDepth() { return false; } // as the results queue
            std::atomic<int> *parkings;
            void parking() { ++*parkings; }
        };
        Queue queue(4);
        int out = 0;
        QVERIFY(pushOne(queue, 0));
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item); // the head has moved once
        for (int i = 1; i <= 4; ++i)
            QVERIFY(pushOne(queue, i));
        std::atomic<int> parkings {0};
        std::thread sender([&] {
            int v = 5;
            queue.push(v, Hooks {{}, &parkings});
        });
        const bool parked = eventually([&] { return parkings.load() > 0; });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const int parkingsWhileFull = parkings.load();
        QCOMPARE(popOne(queue, out), Queue::PopResult::Item);
        sender.join();
        QVERIFY(parked);
        // Asleep until something changes: a parking or two, not one per spin of a busy loop.
        QVERIFY2(parkingsWhileFull <= 3, qPrintable(QString::number(parkingsWhileFull)));
        QCOMPARE(queue.depth(), 4);
    }

    void aRetirementAskedJustAsATakerLooksAgainIsNotMissed()
    {
        // The controller retires the worker and wakes the queue right after the taker asked
        // leave() (and heard no) but before it went back to sleep.
        Queue queue(4);
        std::atomic<bool> retire {false};
        std::atomic<int> parkings {0};
        struct Hooks : engine::QueueHooks
        {
            Queue *queue;
            std::atomic<bool> *retire;
            std::atomic<int> *parkings;
            bool acted = false;
            void parking() { ++*parkings; }
            bool leave()
            {
                if (retire->load())
                    return true;
                if (parkings->load() > 0 && !acted) {
                    acted = true;
                    std::thread controller([this] {
                        retire->store(true);
                        queue->wake();
                    });
                    controller.join();
                }
                return false;
            }
        };
        std::atomic<int> result {-1};
        std::thread taker([&] {
            int out = 0;
            result = static_cast<int>(queue.pop(out, Hooks {{}, &queue, &retire, &parkings}));
        });
        QVERIFY(eventually([&] { return parkings.load() > 0; }));
        queue.wake(); // some other wake-up makes it look again
        const bool returned = eventually([&] { return result.load() != -1; });
        if (!returned)
            queue.close(); // so that the taker can be joined
        taker.join();
        QVERIFY(returned);
        QCOMPARE(result.load(), static_cast<int>(Queue::PopResult::Left));
    }

    void anItemPublishedAheadOfAnEarlierOneIsNotLeftWithTakersAsleep()
    {
        // Sender X claims the first slot but fills it late; sender Y fills the second at once.
        // Y's wake-up goes to a taker that finds the first slot not yet filled; both items must
        // still be taken.
        Queue queue(8);
        std::atomic<int> parkings {0};
        struct TakeHooks : engine::QueueHooks
        {
            std::atomic<int> *parkings;
            void parking() { ++*parkings; }
        };
        std::atomic<int> got[2] = {-1, -1};
        std::vector<std::thread> takers;
        for (int i = 0; i < 2; ++i) {
            takers.emplace_back([&, i] {
                int out = 0;
                queue.pop(out, TakeHooks {{}, &parkings});
                got[i] = out;
            });
        }
        QVERIFY(eventually([&] { return parkings.load() >= 2; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // both asleep
        std::atomic<bool> fill {false};
        struct SlowHooks : engine::QueueHooks
        {
            std::atomic<bool> *fill;
            void inserted(int)
            {
                while (!fill->load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        };
        std::thread x([&] {
            int v = 1;
            queue.push(v, SlowHooks {{}, &fill});
        });
        QVERIFY(eventually([&] { return queue.depth() == 1; })); // X has claimed its slot
        QVERIFY(pushOne(queue, 2));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        fill = true;
        x.join();
        const bool bothTaken
            = eventually([&] { return got[0].load() != -1 && got[1].load() != -1; });
        queue.close(); // a taker still asleep (the failure) can then be joined
        for (auto &t : takers)
            t.join();
        QVERIFY(bothTaken);
        QCOMPARE(got[0].load() + got[1].load(), 3);
        QCOMPARE(queue.depth(), 0);
    }

    void manyProducersAndConsumersLoseNothing_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::newRow("hand-off") << 0;
        QTest::newRow("one slot") << 1;
        QTest::newRow("small") << 16;
        QTest::newRow("large") << 4096;
    }

    void manyProducersAndConsumersLoseNothing()
    {
        QFETCH(int, capacity);
        Queue queue(capacity);
        constexpr int producers = 3, consumers = 3, perProducer = 20000;
        std::atomic<long long> sum {0};
        std::atomic<int> count {0};
        std::atomic<int> maxDepth {0};
        std::vector<std::thread> threads;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&, p] {
                for (int i = 1; i <= perProducer; ++i) {
                    int v = p * perProducer + i;
                    queue.push(v, pushHooks(noop, [&](int depth) {
                                   int seen = maxDepth.load();
                                   while (depth > seen
                                          && !maxDepth.compare_exchange_weak(seen, depth)) { }
                               }));
                }
            });
        }
        std::vector<std::thread> takers;
        for (int c = 0; c < consumers; ++c) {
            takers.emplace_back([&] {
                int out = 0;
                while (popOne(queue, out) == Queue::PopResult::Item) {
                    sum += out;
                    ++count;
                }
            });
        }
        for (auto &t : threads)
            t.join();
        queue.close();
        for (auto &t : takers)
            t.join();
        const long long n = producers * perProducer;
        QCOMPARE(count.load(), n);
        QCOMPARE(sum.load(), n * (n + 1) / 2);
        QVERIFY(maxDepth.load() <= capacity);
    }
};

QTEST_GUILESS_MAIN(TestBoundedQueue)
#include "tst_boundedqueue.moc"
