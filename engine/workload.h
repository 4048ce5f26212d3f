#pragma once

#include "engine/canceltoken.h"
#include "engine/poolconfig.h"

#include <cstdint>
#include <stdexcept>

namespace engine {

// The work a job does for its planned wall time.
// - Wait: simulated I/O, an interruptible timed wait on the run's cancel token.
// - Cpu: a fixed amount of real computation, as many rounds as one free core does in the planned
//   time (cpuRoundsPerMs()). On a free core it takes its planned time; when more jobs compute
//   than there are cores they share them and each takes longer, as real CPU-bound work does.
//   Checks for cancellation between rounds (a few microseconds each).
// Returns false when cancelled before the work was done. Throws JobFailure when the plan says the
// job fails; any other exception from real work would be reported the same way.
class JobFailure : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

bool runWorkload(Workload workload, std::int64_t wallNs, bool fails, std::int64_t jobId,
                 CancelToken &cancel);

// Rounds of the cpu workload's computation one core does in a millisecond: measured once, the
// first time it is asked for, against the thread's own CPU clock (a few milliseconds of it: the
// fastest of several short trials), so that a machine busy with something else meanwhile does
// not make every job short. WorkerPool asks before a cpu run
// starts, so no job pays for it.
double cpuRoundsPerMs();
// The rounds a cpu job planned for wallNs does.
std::int64_t cpuRoundsFor(std::int64_t wallNs);
// Does `rounds` rounds unless cancelled first; the rounds done.
std::int64_t computeRounds(std::int64_t rounds, std::int64_t jobId, const CancelToken &cancel);

} // namespace engine
