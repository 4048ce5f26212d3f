#include "engine/poolstate.h"

namespace engine {

const char *nameOf(WorkerState state)
{
    switch (state) {
    case WorkerState::Absent:
        return "absent";
    case WorkerState::Idle:
        return "idle";
    case WorkerState::Busy:
        return "busy";
    case WorkerState::Blocked:
        return "blocked";
    case WorkerState::Retired:
        return "retired";
    }
    return "unknown";
}

const char *nameOf(ProducerState state)
{
    switch (state) {
    case ProducerState::Idle:
        return "idle";
    case ProducerState::Producing:
        return "producing";
    case ProducerState::Blocked:
        return "blocked";
    case ProducerState::Paused:
        return "paused";
    case ProducerState::Done:
        return "done";
    }
    return "unknown";
}

} // namespace engine
