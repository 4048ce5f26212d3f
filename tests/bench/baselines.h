#pragma once

// Peers the engine is measured against, written the way a competent engineer would write them
// with those tools. Each runs the same work as the engine's benchmark: a producer sends `jobs`
// no-op jobs, workers take them, a collector receives every result.

#include <cstdint>

namespace bench {

// The reference design translated literally: std::mutex + two std::condition_variable bounded
// queues (capacity 64), notifying on every push and pop; `workers` std::threads.
double naivePoolJobsPerSecond(std::int64_t jobs, int workers, int capacity);

// QThreadPool (maxThreadCount = workers): the producer calls start() per job; each task hands
// its result to a collector thread through a mutex-guarded queue that wakes it only when it sleeps.
double qthreadPoolJobsPerSecond(std::int64_t jobs, int workers);

} // namespace bench
