#pragma once

#include "app/commandline.h"

#include <QTextStream>
#include <atomic>

namespace app {

// Answers `target` (cli.sizeFor) for cli.config: the fewest workers that meet the target by the
// theory under the configuration's load, then verifies it with a run at that size and one at one
// worker fewer (the same seed) and says whether the runs agree with the theory. With
// --summary-json, one JSON object. Exits 0 with an answer, 1 when no pool size meets the target
// (saying what limits it), 130 / 143 when interrupted.
int runSizing(const CommandLine &cli, const engine::SizingTarget &target, QTextStream &out,
              QTextStream &err, const std::atomic<int> *interruptSignal);

} // namespace app
