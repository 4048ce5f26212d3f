#pragma once

#include "engine/canceltoken.h"
#include "engine/poolconfig.h"

#include <cstdint>
#include <stdexcept>

namespace engine {

// The work a job does for its planned wall time.
// - Wait: simulated I/O, an interruptible timed wait on the run's cancel token.
// - Cpu: real computation that keeps a core busy, checking for cancellation at least every
//   millisecond (in practice every few microseconds).
// Returns false when cancelled before the time was up. Throws JobFailure when the plan says the job
// fails; any other exception from real work would be reported the same way.
class JobFailure : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

bool runWorkload(Workload workload, std::int64_t wallNs, bool fails, std::int64_t jobId,
                 CancelToken &cancel);

} // namespace engine
