#pragma once

#include "app/commandline.h"

#include <QTextStream>
#include <atomic>

namespace app {

// Runs cli.sweep: one quiet run per point with the same seed, a row per point as it ends (or,
// with --summary-json, a JSON array of the points' summaries once all have run, each with its
// theory and a "sweep" object naming the knob and its value). An interrupt (SIGINT / SIGTERM
// through interruptSignal) cancels the point that runs, keeps its row, starts no other, and
// exits 130 / 143; otherwise 0.
int runSweep(const CommandLine &cli, QTextStream &out, QTextStream &err,
             const std::atomic<int> *interruptSignal);

} // namespace app
