#include "boundedqueue.h"

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
