#pragma once

#include "engine/feeddecoder.h"
#include "engine/poolconfig.h"
#include "engine/redisclient.h"
#include "engine/rediswatch.h"
#include "engine/sizing.h"
#include "engine/sweepspec.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace app {

// What the command line asked for.
struct CommandLine
{
    enum class Outcome { Run, Help, Version, Error };

    Outcome outcome = Outcome::Run;
    QString error; // one line naming the flag and what is allowed (Outcome::Error)
    QString helpText; // Outcome::Help
    engine::PoolConfig config;
    // A flag of the configuration was given (even one equal to its default): the window uses the
    // configuration the flags give, not the one it saved last.
    bool configGiven = false;
    bool headless = false;
    bool quiet = false;
    bool summaryJson = false;
    bool autostart = false;
    QString screenshotPath; // window: grab it runForMs after the start, save, exit
    QString openPath; // a run file or Poolscope Chrome trace to replay
    QString tracePath; // headless: write a Chrome trace here after the run
    QString perfettoPath; // headless: write a Perfetto protobuf trace here
    QString csvPath; // headless: write the results as CSV here
    QString recordPath; // headless: write the run file here
    int runForMs = 2000;
    // Whether a headless run writes any file after it (--trace, --perfetto, --csv, --record).
    bool writesExports() const
    {
        return !(tracePath.isEmpty() && perfettoPath.isEmpty() && csvPath.isEmpty()
                 && recordPath.isEmpty());
    }
    // Headless: run the configuration once per point of a sweep and print a row per point.
    QString sweepText; // --sweep as given
    double sweepStep = 0; // --sweep-step; 0: not given
    std::optional<engine::SweepSpec> sweep;
    // Headless: the fewest workers that meet a target, verified by two runs.
    QString sizeForText; // --size-for as given
    std::optional<engine::SizingTarget> sizeFor;
    // --compare A B: the two run files to compare (prints the comparison, opens no window).
    QStringList comparePaths;
    // --follow: another program's feed to read ("-": standard input), and its format.
    QString followPath;
    QString listenAddress; // --listen: HOST:PORT or unix:PATH
    engine::FeedDecoder::Format feedFormat = engine::FeedDecoder::Format::Auto;
    // --engine redis://HOST:PORT/NAME: the jobs go through a Redis Stream to poolscope-worker
    // processes, in the window or headless.
    QString engineUrl;
    std::optional<engine::redis::Target> engineTarget;
    // --watch redis://HOST:PORT/STREAM[/GROUP]: an existing Redis work queue, read-only.
    QString watchUrl;
    std::optional<engine::redis::WatchTarget> watchTarget;
};

// Parses the arguments after the program name. Never exits; the caller prints and picks the status.
CommandLine parseCommandLine(const QStringList &arguments);

// The --help text: every flag with its default and range.
QString helpText();

} // namespace app
