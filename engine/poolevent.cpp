#include "engine/poolevent.h"

#include <algorithm>
#include <bit>

namespace engine {

double PoolEvent::settingValue() const
{
    return std::bit_cast<double>(value);
}

std::int64_t PoolEvent::encodeSettingValue(double value)
{
    return std::bit_cast<std::int64_t>(value);
}

void sortByTime(std::vector<PoolEvent> &events)
{
    std::vector<PoolEvent> buffer;
    sortByTime(events, &buffer);
}

void sortByTime(std::span<PoolEvent> events, std::vector<PoolEvent> *buffer)
{
    const auto earlier = [](const PoolEvent &a, const PoolEvent &b) {
        return a.t < b.t;
    };
    // The runs: [bounds[i], bounds[i + 1]) each in order.
    std::vector<std::size_t> bounds {0};
    for (std::size_t i = 1; i < events.size(); ++i) {
        if (events[i].t < events[i - 1].t)
            bounds.push_back(i);
    }
    bounds.push_back(events.size());
    if (bounds.size() <= 2)
        return; // one run: sorted already
    if (bounds.size() > events.size() / 16 + 2) {
        // Many short runs (not what the log hands over): the library's sort does better.
        std::stable_sort(events.begin(), events.end(), earlier);
        return;
    }
    // Merge neighbouring runs pairwise, back and forth between the events and a buffer;
    // std::merge takes the left run's event first among equals, which keeps it stable.
    buffer->resize(events.size());
    PoolEvent *from = events.data(), *to = buffer->data();
    while (bounds.size() > 2) {
        const std::size_t runs = bounds.size() - 1;
        std::vector<std::size_t> merged {0};
        for (std::size_t r = 0; r < runs; r += 2) {
            const std::size_t a = bounds[r], b = bounds[r + 1];
            const std::size_t c = r + 1 < runs ? bounds[r + 2] : b;
            std::merge(from + a, from + b, from + b, from + c, to + a, earlier);
            merged.push_back(c);
        }
        bounds = std::move(merged);
        std::swap(from, to);
    }
    if (from != events.data())
        std::copy(from, from + events.size(), events.data());
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

const char *nameOf(LiveSetting setting)
{
    switch (setting) {
    case LiveSetting::Workers:
        return "workers";
    case LiveSetting::Speed:
        return "speed";
    case LiveSetting::IntervalMs:
        return "interval-ms";
    case LiveSetting::Paused:
        return "paused";
    }
    return "unknown";
}

} // namespace engine
