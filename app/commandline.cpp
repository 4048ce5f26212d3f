#include "commandline.h"

#include <QHash>
#include <cmath>
#include <functional>
#include <limits>

namespace app {

using engine::PoolConfig;

namespace {

enum class Type { Integer, Real, Choice, Switch, Seed, Path };

struct Flag
{
    const char *name;
    Type type;
    double min = 0;
    double max = 0;
    const char *defaultText = "";
    const char *help = "";
    QStringList choices = {};
    std::function<void(CommandLine &, double)> setNumber = {};
    std::function<bool(CommandLine &, const QString &)> setChoice = {};
    std::function<void(CommandLine &)> setSwitch = {};
    std::function<void(CommandLine &, const QString &)> setPath = {};
};

template<typename Enum>
std::function<bool(CommandLine &, const QString &)> choiceSetter(Enum PoolConfig::*member)
{
    return [member](CommandLine &cli, const QString &text) {
        return engine::fromString(text, &(cli.config.*member));
    };
}

const std::vector<Flag> &flags()
{
    static const std::vector<Flag> table = {
        {"headless",
         Type::Switch,
         0,
         0,
         "off",
         "run once without a window, printing the reference program's log",
         {},
         {},
         {},
         [](CommandLine &c) {
             c.headless = true;
         }},
        {"quiet",
         Type::Switch,
         0,
         0,
         "off",
         "headless: print only the summary",
         {},
         {},
         {},
         [](CommandLine &c) {
             c.quiet = true;
         }},
        {"summary-json",
         Type::Switch,
         0,
         0,
         "off",
         "headless: print the summary as one JSON object instead",
         {},
         {},
         {},
         [](CommandLine &c) {
             c.summaryJson = true;
         }},
        {"autostart",
         Type::Switch,
         0,
         0,
         "off",
         "window: start the run at once",
         {},
         {},
         {},
         [](CommandLine &c) {
             c.autostart = true;
         }},
        {"screenshot",
         Type::Path,
         0,
         0,
         "none",
         "window: save a PNG of the window --run-for ms after the start, then exit",
         {},
         {},
         {},
         {},
         [](CommandLine &c, const QString &path) {
             c.screenshotPath = path;
         }},
        // clang-format off
        {"trace", Type::Path, 0, 0, "none", "headless: write a Chrome trace (Perfetto, chrome://tracing) after the run",
         {}, {}, {}, {}, [](CommandLine &c, const QString &path) { c.tracePath = path; }},
        {"csv", Type::Path, 0, 0, "none", "headless: write the results as CSV after the run",
         {}, {}, {}, {}, [](CommandLine &c, const QString &path) { c.csvPath = path; }},
        {"record", Type::Path, 0, 0, "none", "headless: save the run (config and events) to open and replay later",
         {}, {}, {}, {}, [](CommandLine &c, const QString &path) { c.recordPath = path; }},
        // clang-format on
        {"run-for",
         Type::Integer,
         0,
         600000,
         "2000",
         "with --screenshot: ms of run time before the picture",
         {},
         [](CommandLine &c, double v) {
             c.runForMs = static_cast<int>(v);
         }},
        {"workers",
         Type::Integer,
         PoolConfig::kMinWorkers,
         PoolConfig::kMaxWorkers,
         "3",
         "workers in the pool",
         {},
         [](CommandLine &c, double v) {
             c.config.workers = static_cast<int>(v);
         }},
        {"jobs",
         Type::Integer,
         PoolConfig::kMinJobs,
         PoolConfig::kMaxJobs,
         "15",
         "jobs to send",
         {},
         [](CommandLine &c, double v) {
             c.config.jobs = static_cast<std::int64_t>(v);
         }},
        {"continuous",
         Type::Switch,
         0,
         0,
         "off",
         "send jobs until stopped (or for --duration-s)",
         {},
         {},
         {},
         [](CommandLine &c) {
             c.config.continuous = true;
         }},
        {"duration-s",
         Type::Real,
         0.001,
         PoolConfig::kMaxDurationS,
         "until stopped",
         "length of a continuous run in seconds (plan time)",
         {},
         [](CommandLine &c, double v) {
             c.config.durationS = v;
         }},
        {"queue-capacity",
         Type::Integer,
         0,
         PoolConfig::kMaxCapacity,
         "jobs, at most 100000",
         "job queue slots; 0 is an unbuffered hand-off",
         {},
         [](CommandLine &c, double v) {
             c.config.queueCapacity = static_cast<int>(v);
         }},
        {"results-capacity",
         Type::Integer,
         0,
         PoolConfig::kMaxCapacity,
         "jobs, at most 100000",
         "results queue slots; 0 is an unbuffered hand-off",
         {},
         [](CommandLine &c, double v) {
             c.config.resultsCapacity = static_cast<int>(v);
         }},
        {"interval-ms",
         Type::Real,
         0,
         PoolConfig::kMaxIntervalMs,
         "100",
         "mean time between job arrivals",
         {},
         [](CommandLine &c, double v) {
             c.config.intervalMs = v;
         }},
        {"arrival",
         Type::Choice,
         0,
         0,
         "fixed",
         "arrival pattern",
         {QStringLiteral("fixed"), QStringLiteral("poisson"), QStringLiteral("burst")},
         {},
         choiceSetter(&PoolConfig::arrival)},
        {"burst-size",
         Type::Integer,
         1,
         PoolConfig::kMaxBurstSize,
         "10",
         "jobs per burst (--arrival burst)",
         {},
         [](CommandLine &c, double v) {
             c.config.burstSize = static_cast<int>(v);
         }},
        {"distribution",
         Type::Choice,
         0,
         0,
         "uniform",
         "processing time distribution",
         {QStringLiteral("uniform"), QStringLiteral("fixed"), QStringLiteral("exponential"),
          QStringLiteral("lognormal")},
         {},
         choiceSetter(&PoolConfig::distribution)},
        {"min-ms",
         Type::Real,
         0,
         PoolConfig::kMaxJobMs,
         "200",
         "uniform: shortest processing time",
         {},
         [](CommandLine &c, double v) {
             c.config.minMs = v;
         }},
        {"max-ms",
         Type::Real,
         0,
         PoolConfig::kMaxJobMs,
         "500",
         "uniform: processing times stay below this",
         {},
         [](CommandLine &c, double v) {
             c.config.maxMs = v;
         }},
        {"mean-ms",
         Type::Real,
         0,
         PoolConfig::kMaxJobMs,
         "350",
         "fixed, exponential, lognormal: mean processing time",
         {},
         [](CommandLine &c, double v) {
             c.config.meanMs = v;
         }},
        {"fail-rate",
         Type::Real,
         0,
         100,
         "0",
         "percent of jobs whose work throws",
         {},
         [](CommandLine &c, double v) {
             c.config.failRatePercent = v;
         }},
        {"workload",
         Type::Choice,
         0,
         0,
         "wait",
         "wait: simulated I/O; cpu: keeps a core busy",
         {QStringLiteral("wait"), QStringLiteral("cpu")},
         {},
         choiceSetter(&PoolConfig::workload)},
        {"speed",
         Type::Real,
         PoolConfig::kMinSpeed,
         PoolConfig::kMaxSpeed,
         "1",
         "divides every duration",
         {},
         [](CommandLine &c, double v) {
             c.config.speed = v;
         }},
        {"seed", Type::Seed, 1, 9223372036854775807.0, "random, printed in the summary",
         "random seed: same seed, same run plan"},
    };
    return table;
}

QString allowedText(const Flag &flag)
{
    switch (flag.type) {
    case Type::Integer:
        return QStringLiteral("an integer from %1 to %2")
            .arg(QString::number(flag.min, 'f', 0), QString::number(flag.max, 'f', 0));
    case Type::Real:
        return QStringLiteral("a number from %1 to %2")
            .arg(QString::number(flag.min, 'g', 12), QString::number(flag.max, 'g', 12));
    case Type::Choice:
        return QStringLiteral("one of ") + flag.choices.join(QLatin1String(", "));
    case Type::Seed:
        return QStringLiteral("an integer from 1 to 9223372036854775807");
    case Type::Path:
        return QStringLiteral("a file path");
    case Type::Switch:
        return QStringLiteral("no value");
    }
    return {};
}

// A value as an error message may echo it: one line, printable, not too long.
QString printable(const QString &text)
{
    constexpr qsizetype kMax = 40;
    QString shown;
    for (const QChar c : text.left(kMax)) {
        if (c.isPrint())
            shown += c;
        else
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
    }
    if (text.size() > kMax)
        shown += QStringLiteral("…");
    return shown;
}

CommandLine fail(CommandLine cli, const QString &message)
{
    cli.outcome = CommandLine::Outcome::Error;
    cli.error = message;
    return cli;
}

} // namespace

QString helpText()
{
    QString text = QStringLiteral(
        "Usage: poolscope [flags] [FILE]\n"
        "Poolscope shows the worker-pool pattern running on real threads.\n"
        "Without --headless it opens the window with the configuration the flags give.\n\n");
    for (const Flag &flag : flags()) {
        QString left = QStringLiteral("  --") + QLatin1String(flag.name);
        if (flag.type != Type::Switch)
            left += flag.type == Type::Choice ? QStringLiteral(" NAME")
                : flag.type == Type::Path     ? QStringLiteral(" FILE")
                                              : QStringLiteral(" N");
        text += left.leftJustified(24) + QLatin1String(flag.help) + QLatin1Char('\n');
        text += QString(26, QLatin1Char(' '));
        if (flag.type != Type::Switch)
            text += allowedText(flag) + QStringLiteral("; ");
        text += QStringLiteral("default: ") + QLatin1String(flag.defaultText) + QLatin1Char('\n');
    }
    text += QStringLiteral(
        "  FILE                  open a run file or Poolscope Chrome trace and replay it\n");
    text += QStringLiteral("  --help                this text\n"
                           "  --version             print the version\n\n"
                           "Exit status: 0 done, 2 bad command line.\n");
    return text;
}

CommandLine parseCommandLine(const QStringList &arguments)
{
    CommandLine cli;
    QHash<QString, const Flag *> byName;
    for (const Flag &flag : flags())
        byName.insert(QLatin1String(flag.name), &flag);
    QHash<QString, bool> seen;

    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            cli.outcome = CommandLine::Outcome::Help;
            cli.helpText = helpText();
            return cli;
        }
        if (argument == QLatin1String("--version")) {
            cli.outcome = CommandLine::Outcome::Version;
            return cli;
        }
        if (!argument.startsWith(QLatin1String("-")) && !argument.isEmpty()) {
            // One file to open: a run file or a Poolscope Chrome trace.
            if (!cli.openPath.isEmpty())
                return fail(
                    cli,
                    QStringLiteral(
                        "unexpected argument '%1': one file at a time (already opening '%2')")
                        .arg(printable(argument), printable(cli.openPath)));
            cli.openPath = argument;
            continue;
        }
        if (!argument.startsWith(QLatin1String("--")) || argument.size() == 2)
            return fail(cli,
                        QStringLiteral("unexpected argument '%1' (flags start with --; see --help)")
                            .arg(printable(argument)));
        QString name = argument.mid(2);
        QString value;
        bool hasInlineValue = false;
        if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
            value = name.mid(eq + 1);
            name.truncate(eq);
            hasInlineValue = true;
        }
        const Flag *flag = byName.value(name);
        const QString dashed = QStringLiteral("--") + printable(name);
        if (!flag)
            return fail(
                cli,
                QStringLiteral("unknown flag %1 (see --help for the flags there are)").arg(dashed));
        if (seen.contains(name))
            return fail(cli, QStringLiteral("%1 given more than once; give it once").arg(dashed));
        seen.insert(name, true);

        if (flag->type == Type::Switch) {
            if (hasInlineValue)
                return fail(
                    cli,
                    QStringLiteral("%1 takes no value (got '%2')").arg(dashed, printable(value)));
            flag->setSwitch(cli);
            continue;
        }
        if (!hasInlineValue) {
            if (i + 1 >= arguments.size())
                return fail(cli,
                            QStringLiteral("%1 needs a value: %2").arg(dashed, allowedText(*flag)));
            value = arguments.at(++i);
        }
        const QString allowed = allowedText(*flag);
        if (value.trimmed().isEmpty())
            return fail(cli, QStringLiteral("%1 is empty; allowed: %2").arg(dashed, allowed));

        switch (flag->type) {
        case Type::Path:
            flag->setPath(cli, value);
            break;
        case Type::Choice:
            if (!flag->setChoice(cli, value))
                return fail(cli,
                            QStringLiteral("%1 '%2' is not allowed; allowed: %3")
                                .arg(dashed, printable(value), allowed));
            break;
        case Type::Seed: {
            bool ok = false;
            const qulonglong seed = value.toULongLong(&ok);
            if (!ok || seed < 1
                || seed > static_cast<qulonglong>(std::numeric_limits<qint64>::max()))
                return fail(cli,
                            QStringLiteral("%1 '%2' is not allowed; allowed: %3")
                                .arg(dashed, printable(value), allowed));
            cli.config.seed = seed;
            break;
        }
        case Type::Integer:
        case Type::Real: {
            bool ok = false;
            const double number = value.toDouble(&ok);
            if (!ok || !std::isfinite(number))
                return fail(cli,
                            QStringLiteral("%1 '%2' is not a number; allowed: %3")
                                .arg(dashed, printable(value), allowed));
            if (flag->type == Type::Integer && number != std::floor(number))
                return fail(cli,
                            QStringLiteral("%1 '%2' is not a whole number; allowed: %3")
                                .arg(dashed, printable(value), allowed));
            if (number < flag->min || number > flag->max)
                return fail(cli,
                            QStringLiteral("%1 %2 is out of range; allowed: %3")
                                .arg(dashed, printable(value), allowed));
            flag->setNumber(cli, number);
            break;
        }
        case Type::Switch:
            break;
        }
    }

    // Every flag but the program's own describes the run.
    static const QStringList programFlags = {
        QStringLiteral("headless"),  QStringLiteral("quiet"),      QStringLiteral("summary-json"),
        QStringLiteral("autostart"), QStringLiteral("screenshot"), QStringLiteral("trace"),
        QStringLiteral("csv"),       QStringLiteral("record"),     QStringLiteral("run-for")};
    for (auto it = seen.cbegin(); it != seen.cend(); ++it)
        cli.configGiven = cli.configGiven || !programFlags.contains(it.key());

    if (cli.config.durationS > 0 && !cli.config.continuous)
        return fail(cli, QStringLiteral("--duration-s applies only with --continuous"));
    if (seen.contains(QStringLiteral("jobs")) && cli.config.continuous)
        return fail(cli, QStringLiteral("--jobs and --continuous exclude each other; give one"));
    if (!cli.headless
        && !(cli.tracePath.isEmpty() && cli.csvPath.isEmpty() && cli.recordPath.isEmpty()))
        return fail(cli,
                    QStringLiteral("--trace, --csv and --record apply only with --headless (the "
                                   "window has File > Export)"));
    if (!cli.openPath.isEmpty() && cli.configGiven)
        return fail(
            cli,
            QStringLiteral("a file to open takes no run flags: its run has its own configuration"));
    if (!cli.screenshotPath.isEmpty() && cli.headless)
        return fail(cli, QStringLiteral("--screenshot needs the window; leave out --headless"));
    if (seen.contains(QStringLiteral("run-for")) && cli.screenshotPath.isEmpty())
        return fail(cli, QStringLiteral("--run-for applies only with --screenshot"));
    if ((cli.quiet || cli.summaryJson) && !cli.headless)
        return fail(cli, QStringLiteral("--quiet and --summary-json apply only with --headless"));
    if (const QStringList problems = cli.config.validate(); !problems.isEmpty())
        return fail(cli, QStringLiteral("--") + problems.first());
    return cli;
}

} // namespace app
