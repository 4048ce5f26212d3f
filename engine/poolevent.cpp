#include "poolevent.h"

#include <bit>

namespace engine {

double PoolEvent::knobValue() const
{
    return std::bit_cast<double>(value);
}

std::int64_t PoolEvent::encodeKnobValue(double value)
{
    return std::bit_cast<std::int64_t>(value);
}

const char *nameOf(EventKind kind)
{
    switch (kind) {
    case EventKind::RunStarted:
        return "run-started";
    case EventKind::RunFinished:
        return "run-finished";
    case EventKind::WorkerStarted:
        return "worker-started";
    case EventKind::WorkerRetired:
        return "worker-retired";
    case EventKind::JobSubmitted:
        return "job-submitted";
    case EventKind::JobEnqueued:
        return "job-enqueued";
    case EventKind::ProducerBlocked:
        return "producer-blocked";
    case EventKind::ProducerUnblocked:
        return "producer-unblocked";
    case EventKind::ProducerPaused:
        return "producer-paused";
    case EventKind::ProducerResumed:
        return "producer-resumed";
    case EventKind::ProducerDone:
        return "producer-done";
    case EventKind::JobStarted:
        return "job-started";
    case EventKind::JobDiscarded:
        return "job-discarded";
    case EventKind::JobFinished:
        return "job-finished";
    case EventKind::ResultBlocked:
        return "result-blocked";
    case EventKind::ResultDelivered:
        return "result-delivered";
    case EventKind::ResultCollected:
        return "result-collected";
    case EventKind::ConfigChanged:
        return "config-changed";
    case EventKind::StopRequested:
        return "stop-requested";
    case EventKind::CancelRequested:
        return "cancel-requested";
    }
    return "unknown";
}

const char *nameOf(JobStatus status)
{
    switch (status) {
    case JobStatus::Completed:
        return "completed";
    case JobStatus::Failed:
        return "failed";
    case JobStatus::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

const char *nameOf(Knob knob)
{
    switch (knob) {
    case Knob::Workers:
        return "workers";
    case Knob::Speed:
        return "speed";
    case Knob::IntervalMs:
        return "interval-ms";
    case Knob::Paused:
        return "paused";
    }
    return "unknown";
}

} // namespace engine
