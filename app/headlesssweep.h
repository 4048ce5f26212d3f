#pragma once

#include "app/commandline.h"
#include "engine/sweeprunner.h"

#include <QTextStream>
#include <atomic>
#include <functional>

namespace app {

// Runs the sweep `spec` (cli.sweep) of cli.config: one quiet run per point with the same seed, a
// row per point as it ends (or, with --summary-json, a JSON array of the points' summaries once all
// have run, each with its theory and a "sweep" object naming the knob and its value). An interrupt
// (SIGINT / SIGTERM through interruptSignal) cancels the point that runs, keeps its row, starts no
// other, and exits 130 / 143; otherwise 0.
int runSweep(const CommandLine &cli, const engine::SweepSpec &spec, QTextStream &out,
             QTextStream &err, const std::atomic<int> *interruptSignal);

// Runs spec's points on `sweep`, calling pointDone(index) as each ends, until all have run or an
// interrupt (through interruptSignal) cancels it. Returns the signal seen (0: none), or -1 when
// the sweep cannot start (one line on err).
int runPoints(engine::SweepRunner &sweep, const engine::PoolConfig &base,
              const engine::SweepSpec &spec, const std::function<void(int)> &pointDone,
              const std::atomic<int> *interruptSignal, QTextStream &err);
// The exit status after a signal: 130 for SIGINT, 143 for SIGTERM, else 0.
int interruptedStatus(int signal);

} // namespace app
