#pragma once

#include "engine/poolevent.h"

#include <QString>

namespace engine {

// The reference program's log line for an event, in its wording ("Sending job 3 to pool",
// "Worker 2 processing job 3 (will take 237ms)", "Result: Job 3 completed by worker 2 in 237ms"),
// plus lines for what the reference cannot do (resize, pause, failures, cancellation). Empty for
// events the log does not show. `failure` is the message of a failed job, when known.
QString referenceLine(const PoolEvent &event, const QString &failure = {});

} // namespace engine
