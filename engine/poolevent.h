#pragma once

#include <QMetaType>
#include <cstdint>
#include <span>
#include <vector>

namespace engine {

enum class EventKind : std::uint8_t {
    RunStarted, // value: seed
    RunFinished,
    WorkerStarted, // worker
    WorkerRetired, // worker
    JobSubmitted, // job: the producer starts sending it (its planned arrival)
    JobEnqueued, // job, extra: queue depth after
    ProducerBlocked, // job: the queue is full (or, unbuffered, no taker yet)
    ProducerUnblocked, // job
    ProducerPaused,
    ProducerResumed,
    ProducerDone,
    JobStarted, // worker, job, extra: queue depth after, value: planned wall ns
    JobDiscarded, // worker, job, extra: queue depth after: taken off the queue by a cancel
    JobFinished, // worker, job, aux: JobStatus, value: measured processing ns
    ResultBlocked, // worker, job: the results queue is full
    ResultDelivered, // worker, job
    ResultCollected, // worker (0: never started), job, aux: JobStatus, value: processing ns,
                     // extra: kNeverQueued for a job cancelled before it was in the queue
    ConfigChanged, // aux: LiveSetting, value: bit pattern of the new value (double)
    StopRequested,
    CancelRequested,
};
inline constexpr int kEventKindCount = static_cast<int>(EventKind::CancelRequested) + 1;

// ResultCollected's extra for a job cancelled while the producer was still sending it: it has no
// JobEnqueued event, and nothing waits for one.
inline constexpr std::uint32_t kNeverQueued = 1;

enum class JobStatus : std::uint8_t { Completed, Failed, Cancelled };
inline constexpr int kJobStatusCount = 3;

// What a ConfigChanged event changed on a running pool (its aux byte, as run files store it).
enum class LiveSetting : std::uint8_t { Workers, Speed, IntervalMs, Paused };

// One transition, 32 bytes. t is steady-clock ns since the run started.
struct PoolEvent
{
    std::int64_t t = 0;
    std::int64_t job = 0;
    std::int64_t value = 0;
    std::uint32_t extra = 0;
    std::uint16_t worker = 0;
    EventKind kind = EventKind::RunStarted;
    std::uint8_t aux = 0;

    JobStatus status() const { return static_cast<JobStatus>(aux); }
    LiveSetting setting() const { return static_cast<LiveSetting>(aux); }
    double settingValue() const;
    static std::int64_t encodeSettingValue(double value);

    bool operator==(const PoolEvent &) const = default;
};
static_assert(sizeof(PoolEvent) == 32, "PoolEvent stays compact");

// Sorts by time, stably (events of one instant keep their order). Fast on what the event log
// hands over, a few long runs already in time order (one per thread's chunk): it merges the runs
// it finds, in O(n log runs).
void sortByTime(std::vector<PoolEvent> &events);
// The same with a buffer the caller keeps (one sort after another allocates nothing).
void sortByTime(std::span<PoolEvent> events, std::vector<PoolEvent> *buffer);

const char *nameOf(EventKind kind);
const char *nameOf(JobStatus status);
const char *nameOf(LiveSetting setting);

} // namespace engine

Q_DECLARE_METATYPE(engine::PoolEvent)
