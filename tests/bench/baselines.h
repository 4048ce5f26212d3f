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

// Not a peer but a yardstick for the engine itself: the engine's own queues (BoundedQueue, the
// capacity for both) with the pattern's threads around them and nothing else (no event log, no
// worker states, no pool). The producer sends 64 jobs per claim and the collector takes up to
// 64 results at once, as the engine does flat out. With `clockReads` 2, each worker reads the
// steady clock twice per job, where the engine stamps a job's start and finish.
double bareRingJobsPerSecond(std::int64_t jobs, int workers, int capacity, int clockReads);

} // namespace bench
