#include "engine/workload.h"

#include <atomic>
#include <string>

namespace engine {

namespace {

// A few microseconds of integer mixing the optimizer cannot drop.
std::uint64_t burnCpu(std::uint64_t state)
{
    for (int i = 0; i < 512; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    return state;
}

std::atomic<std::uint64_t> s_sink {0};

} // namespace

bool runWorkload(Workload workload, std::int64_t wallNs, bool fails, std::int64_t jobId,
                 CancelToken &cancel)
{
    if (wallNs > 0) {
        const auto deadline = CancelToken::Clock::now() + std::chrono::nanoseconds(wallNs);
        if (workload == Workload::Wait) {
            if (!cancel.waitUntil(deadline))
                return false;
        } else {
            std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ static_cast<std::uint64_t>(jobId);
            while (CancelToken::Clock::now() < deadline) {
                if (cancel.isCancelled())
                    return false;
                state = burnCpu(state);
            }
            // Publish the result so the loop has an observable effect.
            s_sink.store(state, std::memory_order_relaxed);
        }
    } else if (cancel.isCancelled()) {
        return false;
    }
    if (fails)
        throw JobFailure("simulated fault");
    return true;
}

} // namespace engine
