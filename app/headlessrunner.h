#pragma once

#include "app/commandline.h"
#include "engine/runstats.h"

#include <QJsonObject>
#include <QTextStream>
#include <atomic>

namespace app {

// Runs one run without a window (or replays the file cli.openPath at once): prints the reference
// program's lines as the run goes (unless quiet), then the summary as text or JSON. Returns the
// process exit status: 0 when the run ended by itself; 130 / 143 when interrupted through
// `interruptSignal` (set to SIGINT / SIGTERM by a signal handler), after cancelling and summarizing
// what completed; 2 for a file it cannot read (one line on `err`); 1 when an export cannot be
// written.
int runHeadless(const CommandLine &cli, QTextStream &out, QTextStream &err,
                const std::atomic<int> *interruptSignal = nullptr);

// A run's summary as --summary-json prints it: counts, distributions, utilization, the theory
// from the configuration and from the measured inputs, and the steady state's intervals.
QJsonObject summaryJson(const engine::RunStats &stats, const engine::PoolConfig &config,
                        std::uint64_t seed);

} // namespace app
