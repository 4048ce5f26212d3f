#pragma once

#include <cstdint>
#include <string>

namespace engine {

// What a pool's threads are doing, and what a failed job said: the small value types a pool's
// readers (the window's model, a recording) need without the pool itself.
enum class WorkerState : std::uint8_t { Absent, Idle, Busy, Blocked, Retired };
enum class ProducerState : std::uint8_t { Idle, Producing, Blocked, Paused, Done };

const char *nameOf(WorkerState state);
const char *nameOf(ProducerState state);

struct WorkerSnapshot
{
    int id = 0;
    WorkerState state = WorkerState::Absent;
    std::int64_t job = 0; // the job it is busy with or blocked on
};

struct FailureMessage
{
    std::int64_t job = 0;
    std::string message;
};

} // namespace engine
