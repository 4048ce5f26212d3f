#include "app/commandline.h"

#include "engine/echo.h"
#include "engine/knob.h"

#include <QCommandLineParser>
#include <QHash>
#include <cmath>
#include <limits>

namespace app {

using engine::Knob;
using engine::KnobType;
using engine::PoolConfig;

namespace {

// The program's own flags: how to run, not what to run (the run's knobs are engine::knobs()).
struct ProgramFlag
{
    const char *name;
    const char *valueName; // "" for a switch
    const char *help;
    const char *defaultText;
    void (*apply)(CommandLine &, const QString &value);
};

constexpr int kMaxRunForMs = 600'000;

// Flags of the program's own: how to run and what to show (the run's knobs are engine::knobs()).
const std::vector<ProgramFlag> &runFlags()
{
    static const std::vector<ProgramFlag> flags = {
        {"headless", "", "run once without a window, printing the reference program's log", "off",
         [](CommandLine &c, const QString &) {
             c.headless = true;
         }},
        {"quiet", "", "headless: print only the summary", "off",
         [](CommandLine &c, const QString &) {
             c.quiet = true;
         }},
        {"summary-json", "", "headless: print the summary as one JSON object instead", "off",
         [](CommandLine &c, const QString &) {
             c.summaryJson = true;
         }},
        {"autostart", "", "window: start the run at once", "off",
         [](CommandLine &c, const QString &) {
             c.autostart = true;
         }},
        {"screenshot", "FILE",
         "window: save a PNG of the window --run-for ms after the start, then exit", "none",
         [](CommandLine &c, const QString &path) {
             c.screenshotPath = path;
         }},
        {"trace", "FILE",
         "headless: write a Chrome trace (Perfetto, chrome://tracing) after the run", "none",
         [](CommandLine &c, const QString &path) {
             c.tracePath = path;
         }},
        {"perfetto", "FILE",
         "headless: write a Perfetto protobuf trace (ui.perfetto.dev; a tenth of --trace's size) "
         "after the run",
         "none",
         [](CommandLine &c, const QString &path) {
             c.perfettoPath = path;
         }},
        {"csv", "FILE", "headless: write the results as CSV after the run", "none",
         [](CommandLine &c, const QString &path) {
             c.csvPath = path;
         }},
        {"record", "FILE", "headless: save the run (config and events) to open and replay later",
         "none",
         [](CommandLine &c, const QString &path) {
             c.recordPath = path;
         }},
        // The value is checked as a number before this runs.
        {"run-for", "N", "with --screenshot: ms of run time before the picture", "2000",
         [](CommandLine &c, const QString &ms) {
             c.runForMs = ms.toInt();
         }},
    };
    return flags;
}

// Flags that study runs rather than show one: sweeps, sizing, comparison, other programs' feeds.
const std::vector<ProgramFlag> &studyFlags()
{
    static const std::vector<ProgramFlag> flags = {
        {"compare", "",
         "compare two run files (FILE A and FILE B): timelines, queue depths, latencies and every "
         "summary figure with the difference and whether it is outside the noise (headless: the "
         "table)",
         "off",
         [](CommandLine &c, const QString &) {
             c.comparePaths = {QString(), QString()};
         }},
        {"follow", "FILE",
         "show another program's pool live from FILE, followed as it grows (- for standard "
         "input): JSON Lines (docs/feed-protocol.md) or the reference program's own output",
         "none",
         [](CommandLine &c, const QString &path) {
             c.followPath = path;
         }},
        {"listen", "ADDRESS",
         "take feeds from programs that connect to HOST:PORT (TCP; port 0 picks one) or "
         "unix:PATH, each in its own lanes; headless: until every sender has gone",
         "none",
         [](CommandLine &c, const QString &address) {
             c.listenAddress = address;
         }},
        // The value is checked against the names before this runs.
        {"format", "NAME",
         "with --follow or --listen: the feed's format (auto, jsonl, seed-log, chrome)", "auto",
         [](CommandLine &c, const QString &name) {
             c.feedFormat = name == QLatin1String("jsonl") ? engine::FeedDecoder::Format::Jsonl
                 : name == QLatin1String("seed-log")       ? engine::FeedDecoder::Format::SeedLog
                 : name == QLatin1String("chrome")         ? engine::FeedDecoder::Format::Chrome
                                                           : engine::FeedDecoder::Format::Auto;
         }},
        {"sweep", "KNOB=RANGE",
         "run once per value of one knob: workers=1..8, interval-ms=50,100,200, "
         "distribution=fixed,uniform (headless: a row per run; else the sweep window)",
         "none",
         [](CommandLine &c, const QString &text) {
             c.sweepText = text;
         }},
        {"size-for", "TARGET",
         "the fewest workers that meet a target under this load, by the theory and checked by "
         "two runs: p95_wait_ms<=50, p_wait<=0.2, utilization<=0.8",
         "none",
         [](CommandLine &c, const QString &text) {
             c.sizeForText = text;
         }},
        {"engine", "URL",
         "run the jobs through a Redis Stream, done by poolscope-worker processes on any host: "
         "redis://[[USER]:PASSWORD@]HOST[:PORT]/NAME",
         "local threads",
         [](CommandLine &c, const QString &url) {
             c.engineUrl = url;
         }},
        {"watch", "URL",
         "watch an existing Redis work queue, read-only: a consumer per lane, the jobs its "
         "group has not delivered as the queue (headless: until Ctrl+C)",
         "none",
         [](CommandLine &c, const QString &url) {
             c.watchUrl = url;
         }},
        // The value is checked as a number before this runs.
        {"sweep-step", "N", "with a --sweep range: the step between its values", "1",
         [](CommandLine &c, const QString &step) {
             c.sweepStep = step.toDouble();
         }},
    };
    return flags;
}

const std::vector<ProgramFlag> &programFlags()
{
    static const std::vector<ProgramFlag> flags = [] {
        std::vector<ProgramFlag> all = runFlags();
        all.insert(all.end(), studyFlags().begin(), studyFlags().end());
        return all;
    }();
    return flags;
}

const QString kRunForAllowed = QStringLiteral("an integer from 0 to %1").arg(kMaxRunForMs);
const QString kFormatAllowed = QStringLiteral("one of auto, jsonl, seed-log, chrome");
constexpr double kMaxSweepStep = 1e7;
const QString kSweepStepAllowed
    = QStringLiteral("a number above 0, at most %1").arg(kMaxSweepStep, 0, 'g', 10);

QString valueNameOf(const Knob &k)
{
    switch (k.type) {
    case KnobType::Switch:
        return {};
    case KnobType::Choice:
        return QStringLiteral("NAME");
    case KnobType::Integer:
    case KnobType::Real:
    case KnobType::Seed:
        break;
    }
    return QStringLiteral("N");
}

CommandLine fail(CommandLine cli, const QString &message)
{
    cli.outcome = CommandLine::Outcome::Error;
    cli.error = message;
    return cli;
}

// Checks a numeric value against [min, max]; the problem in one line, or empty.
QString checkNumber(const QString &dashed, const QString &value, bool integer, double min,
                    double max, const QString &allowed, double *out)
{
    bool ok = false;
    *out = value.toDouble(&ok);
    if (!ok || !std::isfinite(*out))
        return QStringLiteral("%1 '%2' is not a number; allowed: %3")
            .arg(dashed, engine::echoed(value), allowed);
    if (integer && *out != std::floor(*out))
        return QStringLiteral("%1 '%2' is not a whole number; allowed: %3")
            .arg(dashed, engine::echoed(value), allowed);
    if (*out < min || *out > max)
        return QStringLiteral("%1 %2 is out of range; allowed: %3")
            .arg(dashed, engine::echoed(value), allowed);
    return {};
}

// Sets knob k in config from the text of its flag; the problem in one line, or empty.
QString applyKnob(const Knob &k, const QString &value, PoolConfig &config)
{
    const QString dashed = QStringLiteral("--") + QLatin1String(k.flag);
    const QString allowed = k.allowedText();
    if (k.type == KnobType::Switch) {
        k.setNumber(config, 1);
        return {};
    }
    if (value.trimmed().isEmpty())
        return QStringLiteral("%1 is empty; allowed: %2").arg(dashed, allowed);
    const QString notAllowed = QStringLiteral("%1 '%2' is not allowed; allowed: %3")
                                   .arg(dashed, engine::echoed(value), allowed);
    switch (k.type) {
    case KnobType::Choice:
        if (const auto index = k.choiceIndex(value)) {
            k.setNumber(config, static_cast<double>(*index));
            return {};
        }
        return notAllowed;
    case KnobType::Seed: {
        bool ok = false;
        const qulonglong seed = value.toULongLong(&ok);
        if (!ok || seed < 1 || seed > static_cast<qulonglong>(std::numeric_limits<qint64>::max()))
            return notAllowed;
        config.seed = seed;
        return {};
    }
    case KnobType::Integer:
    case KnobType::Real: {
        double number = 0;
        QString problem = checkNumber(dashed, value, k.type == KnobType::Integer, k.min, k.max,
                                      allowed, &number);
        if (problem.isEmpty())
            k.setNumber(config, number);
        return problem;
    }
    case KnobType::Switch:
        break;
    }
    return {};
}

// What a value of the flag --name may be; empty for a switch or a name that is no flag.
QString allowedFor(const QString &name)
{
    for (const Knob &k : engine::knobs()) {
        if (name == QLatin1String(k.flag))
            return k.type == KnobType::Switch ? QString() : k.allowedText();
    }
    for (const ProgramFlag &flag : programFlags()) {
        if (name != QLatin1String(flag.name) || *flag.valueName == '\0')
            continue;
        if (name == QLatin1String("run-for"))
            return kRunForAllowed;
        if (name == QLatin1String("sweep-step"))
            return kSweepStepAllowed;
        if (name == QLatin1String("format"))
            return kFormatAllowed;
        if (name == QLatin1String("follow"))
            return QStringLiteral("a file path, or - for standard input");
        if (name == QLatin1String("engine"))
            return QStringLiteral("redis://[[USER]:PASSWORD@]HOST[:PORT]/NAME");
        if (name == QLatin1String("watch"))
            return QStringLiteral("redis://[[USER]:PASSWORD@]HOST[:PORT]/STREAM[/GROUP]");
        if (name == QLatin1String("size-for"))
            return QStringLiteral("FIGURE<=LIMIT with FIGURE one of ")
                + engine::SizingTarget::metricsText();
        if (name == QLatin1String("sweep"))
            return QStringLiteral("KNOB=FROM..TO or KNOB=V1,V2,… with KNOB one of ")
                + engine::SweepSpec::sweepableText();
        return QStringLiteral("a file path");
    }
    return {};
}

// Why QCommandLineParser refused the arguments, naming the argument it refused.
QString refusal(const QCommandLineParser &parser, const QStringList &arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--"))
            break;
        if (argument.startsWith(QLatin1String("--"))) {
            if (!argument.contains(QLatin1Char('=')) && !allowedFor(argument.mid(2)).isEmpty())
                ++i; // the next argument is this flag's value, whatever it looks like
            continue;
        }
        if (argument.startsWith(QLatin1Char('-')) && argument != QLatin1String("-h")
            && argument != QLatin1String("-"))
            return QStringLiteral("unexpected argument '%1' (flags start with --; see --help)")
                .arg(engine::echoed(argument));
    }
    if (!parser.unknownOptionNames().isEmpty())
        return QStringLiteral("unknown flag --%1 (see --help for the flags there are)")
            .arg(engine::echoed(parser.unknownOptionNames().constFirst()));
    // The parser takes the argument after a flag as its value, so only the last can lack one.
    if (const QString last = arguments.isEmpty() ? QString() : arguments.constLast();
        last.startsWith(QLatin1String("--")) && !allowedFor(last.mid(2)).isEmpty())
        return QStringLiteral("%1 needs a value: %2").arg(last, allowedFor(last.mid(2)));
    for (const QString &argument : arguments) {
        const qsizetype eq = argument.indexOf(QLatin1Char('='));
        if (argument.startsWith(QLatin1String("--")) && eq > 2
            && allowedFor(argument.mid(2, eq - 2)).isEmpty())
            return QStringLiteral("%1 takes no value (got '%2')")
                .arg(engine::echoed(argument.left(eq)), engine::echoed(argument.mid(eq + 1)));
    }
    return parser.errorText().simplified();
}

void addOptions(QCommandLineParser &parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOption(QCommandLineOption(QStringList {QStringLiteral("h"), QStringLiteral("help")}));
    parser.addOption(QCommandLineOption(QStringLiteral("version")));
    for (const ProgramFlag &flag : programFlags())
        parser.addOption(QCommandLineOption(QLatin1String(flag.name), QLatin1String(flag.help),
                                            QLatin1String(flag.valueName)));
    for (const Knob &k : engine::knobs())
        parser.addOption(
            QCommandLineOption(QLatin1String(k.flag), QLatin1String(k.help), valueNameOf(k)));
}

// The rules between a feed and the other flags.
QString crossCheckFeed(const CommandLine &cli, const QCommandLineParser &parser)
{
    const bool feed = !cli.followPath.isEmpty() || !cli.listenAddress.isEmpty();
    if (parser.isSet(QStringLiteral("format")) && !feed)
        return QStringLiteral("--format applies only with --follow or --listen");
    if (!feed)
        return {};
    if (!cli.followPath.isEmpty() && !cli.listenAddress.isEmpty())
        return QStringLiteral("--follow and --listen exclude each other; give one");
    if (cli.configGiven)
        return QStringLiteral("a feed takes no run flags: it is observed, not run");
    if (!cli.openPath.isEmpty() || !cli.comparePaths.isEmpty() || !cli.sweepText.isEmpty()
        || !cli.sizeForText.isEmpty())
        return QStringLiteral("a feed is one run; it takes no FILE, --compare, --sweep or "
                              "--size-for");
    return {};
}

// The rules between a sweep and the other flags.
QString crossCheckSweep(const CommandLine &cli, const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("sweep-step")) && cli.sweepText.isEmpty())
        return QStringLiteral("--sweep-step applies only with --sweep");
    if (!cli.sweepText.isEmpty() && !cli.sizeForText.isEmpty())
        return QStringLiteral("--sweep and --size-for exclude each other; give one");
    const QString flag = !cli.sweepText.isEmpty() ? QStringLiteral("--sweep")
        : !cli.sizeForText.isEmpty()              ? QStringLiteral("--size-for")
                                                  : QString();
    if (flag.isEmpty())
        return {};
    if (!cli.openPath.isEmpty())
        return QStringLiteral("%1 runs the configuration the flags give; it opens no file")
            .arg(flag);
    if (cli.writesExports())
        return QStringLiteral("--trace, --perfetto, --csv and --record write one run; %1 makes "
                              "several")
            .arg(flag);
    if (cli.config.continuous && cli.config.durationS <= 0)
        return QStringLiteral("every run of %1 must end: give --jobs, or --continuous with "
                              "--duration-s")
            .arg(flag);
    return {};
}

// The rules between a distributed run and the other flags.
QString crossCheckEngine(const CommandLine &cli)
{
    if (!cli.watchUrl.isEmpty()) {
        if (cli.configGiven || !cli.engineUrl.isEmpty())
            return QStringLiteral("a watch takes no run flags and no --engine: it observes");
        if (!cli.followPath.isEmpty() || !cli.listenAddress.isEmpty() || !cli.openPath.isEmpty()
            || !cli.sweepText.isEmpty() || !cli.sizeForText.isEmpty()
            || !cli.comparePaths.isEmpty())
            return QStringLiteral("--watch observes one queue; it takes no FILE, --compare, "
                                  "--follow, --listen, --sweep or --size-for");
    }
    if (cli.engineUrl.isEmpty())
        return {};
    if (!cli.followPath.isEmpty() || !cli.listenAddress.isEmpty() || !cli.openPath.isEmpty()
        || !cli.sweepText.isEmpty() || !cli.sizeForText.isEmpty())
        return QStringLiteral("--engine runs one configuration; it takes no FILE, --follow, "
                              "--listen, --sweep or --size-for");
    if (cli.config.continuous)
        return QStringLiteral("--engine runs a number of jobs (--jobs), not --continuous");
    return {};
}

// The rules between flags, once each flag's own value is known to be allowed.
QString crossCheck(const CommandLine &cli, const QCommandLineParser &parser)
{
    if (cli.config.durationS > 0 && !cli.config.continuous)
        return QStringLiteral("--duration-s applies only with --continuous");
    if (parser.isSet(QStringLiteral("jobs")) && cli.config.continuous)
        return QStringLiteral("--jobs and --continuous exclude each other; give one");
    if (!cli.headless && cli.writesExports())
        return QStringLiteral("--trace, --perfetto, --csv and --record apply only with "
                              "--headless (the window has File > Export)");
    if (!cli.openPath.isEmpty() && cli.configGiven)
        return QStringLiteral(
            "a file to open takes no run flags: its run has its own configuration");
    if (!cli.screenshotPath.isEmpty() && cli.headless)
        return QStringLiteral("--screenshot needs the window; leave out --headless");
    if (parser.isSet(QStringLiteral("run-for")) && cli.screenshotPath.isEmpty())
        return QStringLiteral("--run-for applies only with --screenshot");
    if ((cli.quiet || cli.summaryJson) && !cli.headless)
        return QStringLiteral("--quiet and --summary-json apply only with --headless");
    if (const QStringList problems = cli.config.validate(); !problems.isEmpty())
        return QStringLiteral("--") + problems.first();
    if (QString problem = crossCheckFeed(cli, parser); !problem.isEmpty())
        return problem;
    if (QString problem = crossCheckEngine(cli); !problem.isEmpty())
        return problem;
    return crossCheckSweep(cli, parser);
}

// Takes the file arguments: the file to open, or --compare's two. The problem in one line, or
// empty.
QString takeFiles(CommandLine &cli, const QStringList &files)
{
    for (const QString &file : files) {
        if (file.isEmpty() || file.startsWith(QLatin1Char('-')))
            return QStringLiteral("unexpected argument '%1' (flags start with --; see --help)")
                .arg(engine::echoed(file));
    }
    if (!cli.comparePaths.isEmpty()) {
        if (files.size() != 2)
            return QStringLiteral("--compare needs two run files, A and B (got %1)")
                .arg(files.size());
        if (cli.configGiven)
            return QStringLiteral("--compare takes no run flags: each file has its own "
                                  "configuration");
        if (!cli.sweepText.isEmpty() || !cli.sizeForText.isEmpty() || cli.writesExports())
            return QStringLiteral("--compare shows a comparison; it takes no --sweep, "
                                  "--size-for, --trace, --perfetto, --csv or --record");
        cli.comparePaths = files;
    } else if (files.size() > 1) {
        return QStringLiteral("unexpected argument '%1': one file at a time (already opening "
                              "'%2')")
            .arg(engine::echoed(files.at(1)), engine::echoed(files.at(0)));
    } else if (!files.isEmpty()) {
        cli.openPath = files.constFirst(); // a run file or a Poolscope Chrome trace
    }
    return {};
}

// Parses --engine's and --watch's redis:// URLs; the problem in one line, or empty.
QString parseRedisUrl(CommandLine &cli, const QString &name, const QString &value)
{
    QString why;
    if (name == QLatin1String("engine")) {
        cli.engineTarget = engine::redis::parseUrl(value, &why);
        return cli.engineTarget ? QString() : QStringLiteral("--engine ") + why;
    }
    if (name == QLatin1String("watch")) {
        cli.watchTarget = engine::redis::parseWatchUrl(value, &why);
        return cli.watchTarget ? QString() : QStringLiteral("--watch ") + why;
    }
    return {};
}

// Parses --sweep and --size-for, once the configuration they start from is known.
QString parseStudies(CommandLine &cli)
{
    QString problem;
    if (!cli.sweepText.isEmpty()) {
        cli.sweep = engine::SweepSpec::parse(cli.sweepText, cli.sweepStep, cli.config, &problem);
        if (!cli.sweep)
            return problem;
    }
    if (!cli.sizeForText.isEmpty()) {
        cli.sizeFor = engine::SizingTarget::parse(cli.sizeForText, &problem);
        if (!cli.sizeFor)
            return problem;
    }
    return {};
}

} // namespace

QString helpText()
{
    QString text = QStringLiteral(
        "Usage: poolscope [flags] [FILE]\n"
        "Poolscope shows the worker-pool pattern running on real threads.\n"
        "Without --headless it opens the window with the configuration the flags give.\n\n");
    const auto add = [&text](const QString &flag, const QString &valueName, const char *help,
                             const QString &allowed, const QString &defaultText) {
        QString left = QStringLiteral("  --") + flag;
        if (!valueName.isEmpty())
            left += QLatin1Char(' ') + valueName;
        text += left.leftJustified(24) + QLatin1String(help) + QLatin1Char('\n');
        text += QString(26, QLatin1Char(' '));
        if (!allowed.isEmpty())
            text += allowed + QStringLiteral("; ");
        text += QStringLiteral("default: ") + defaultText + QLatin1Char('\n');
    };
    for (const ProgramFlag &flag : programFlags()) {
        add(QLatin1String(flag.name), QLatin1String(flag.valueName), flag.help,
            allowedFor(QLatin1String(flag.name)), QLatin1String(flag.defaultText));
    }
    for (const Knob &k : engine::knobs())
        add(QLatin1String(k.flag), valueNameOf(k), k.help,
            k.type == KnobType::Switch ? QString() : k.allowedText(), k.defaultText());
    text += QStringLiteral(
        "  FILE                  open a run file or Poolscope Chrome trace and replay it\n"
        "  --compare A B         compare two run files\n");
    text += QStringLiteral("  --help                this text\n"
                           "  --version             print the version\n\n"
                           "Exit status: 0 done, 2 bad command line.\n");
    return text;
}

CommandLine parseCommandLine(const QStringList &arguments)
{
    CommandLine cli;
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList {QStringLiteral("poolscope")} + arguments))
        return fail(cli, refusal(parser, arguments));

    const QStringList given = parser.optionNames(); // in order, a repeated flag each time
    for (qsizetype i = 0; i < given.size(); ++i) {
        if (given.indexOf(given.at(i)) != i)
            return fail(cli,
                        QStringLiteral("--%1 given more than once; give it once")
                            .arg(engine::echoed(given.at(i))));
    }
    if (parser.isSet(QStringLiteral("help"))) {
        cli.outcome = CommandLine::Outcome::Help;
        cli.helpText = helpText();
        return cli;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        cli.outcome = CommandLine::Outcome::Version;
        return cli;
    }
    for (const ProgramFlag &flag : programFlags()) {
        const QString name = QLatin1String(flag.name);
        if (!parser.isSet(name))
            continue;
        const QString value = parser.value(name);
        if (*flag.valueName != '\0' && value.trimmed().isEmpty())
            return fail(cli,
                        QStringLiteral("--%1 is empty; allowed: %2").arg(name, allowedFor(name)));
        if (name == QLatin1String("run-for")) {
            double ms = 0;
            if (QString problem = checkNumber(QStringLiteral("--run-for"), value, true, 0,
                                              kMaxRunForMs, kRunForAllowed, &ms);
                !problem.isEmpty())
                return fail(cli, problem);
        }
        if (name == QLatin1String("format")
            && !QStringList {QStringLiteral("auto"), QStringLiteral("jsonl"),
                             QStringLiteral("seed-log"), QStringLiteral("chrome")}
                    .contains(value))
            return fail(cli,
                        QStringLiteral("--format '%1' is not allowed; allowed: %2")
                            .arg(engine::echoed(value), kFormatAllowed));
        if (QString problem = parseRedisUrl(cli, name, value); !problem.isEmpty())
            return fail(cli, problem);
        if (name == QLatin1String("sweep-step")) {
            double step = 0;
            if (QString problem = checkNumber(QStringLiteral("--sweep-step"), value, false, 0,
                                              kMaxSweepStep, kSweepStepAllowed, &step);
                !problem.isEmpty())
                return fail(cli, problem);
            if (step <= 0)
                return fail(cli,
                            QStringLiteral("--sweep-step %1 is out of range; allowed: %2")
                                .arg(engine::echoed(value), kSweepStepAllowed));
        }
        flag.apply(cli, value);
    }
    for (const Knob &k : engine::knobs()) {
        const QString name = QLatin1String(k.flag);
        if (!parser.isSet(name))
            continue;
        // A configuration flag counts as given even at its default: the window then uses it.
        cli.configGiven = true;
        if (QString problem = applyKnob(k, parser.value(name), cli.config); !problem.isEmpty())
            return fail(cli, problem);
    }

    if (QString problem = takeFiles(cli, parser.positionalArguments()); !problem.isEmpty())
        return fail(cli, problem);
    if (QString problem = crossCheck(cli, parser); !problem.isEmpty())
        return fail(cli, problem);
    if (QString problem = parseStudies(cli); !problem.isEmpty())
        return fail(cli, problem);
    return cli;
}

} // namespace app
