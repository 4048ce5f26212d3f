#pragma once

#include "app/commandline.h"

#include <QTextStream>

namespace app {

// Compares the two run files cli.comparePaths (A, then B): what differs in their configurations,
// then every summary figure of both with B − A and, where the runs give intervals, whether the
// difference is outside the noise; with --summary-json, one JSON object. Exits 0, or 2 when a
// file cannot be read (one line on err naming it).
int runCompare(const CommandLine &cli, QTextStream &out, QTextStream &err);

} // namespace app
