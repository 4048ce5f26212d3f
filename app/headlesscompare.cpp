#include "app/headlesscompare.h"

#include "engine/runcomparison.h"
#include "engine/runrecording.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace app {

using namespace engine;

namespace {

struct LoadedRun
{
    RunRecording recording;
    RunStats stats;
};

std::optional<LoadedRun> load(const QString &path, QTextStream &err)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "poolscope: cannot open " << path << ": " << file.errorString() << '\n';
        return std::nullopt;
    }
    QString error;
    auto recording = readRecording(file, &error);
    if (!recording) {
        err << "poolscope: " << path << ": " << error << '\n';
        return std::nullopt;
    }
    LoadedRun run {std::move(*recording), {}};
    run.stats.ingest(run.recording.events);
    return run;
}

QString describe(const LoadedRun &run)
{
    const PoolConfig &c = run.recording.config;
    return QStringLiteral("%1 workers, %2 jobs sent, seed %3")
        .arg(c.workers)
        .arg(run.stats.submitted())
        .arg(run.recording.seed);
}

void printTable(QTextStream &out, const RunComparison &c)
{
    constexpr int kName = 20, kCell = 13;
    out << QStringLiteral("figure").leftJustified(kName)
        << QStringLiteral("A").rightJustified(kCell) << QStringLiteral("B").rightJustified(kCell)
        << QStringLiteral("B − A").rightJustified(kCell)
        << QStringLiteral("95 % noise").rightJustified(kCell) << '\n';
    for (const ComparedFigure &f : c.figures) {
        out << f.name.leftJustified(kName) << figureText(f.unit, f.a).rightJustified(kCell)
            << figureText(f.unit, f.b).rightJustified(kCell)
            << differenceText(f.unit, f.difference()).rightJustified(kCell);
        if (f.hasNoise())
            out << QString(QStringLiteral("± ") + figureText(f.unit, f.noise)).rightJustified(kCell)
                << (f.outsideNoise() ? "  outside the noise" : "  within the noise");
        out << '\n';
    }
}

QJsonObject comparisonJson(const RunComparison &c, const QStringList &paths)
{
    QJsonArray figures;
    for (const ComparedFigure &f : c.figures) {
        QJsonObject o {{QStringLiteral("name"), f.name},
                       {QStringLiteral("a"), f.a},
                       {QStringLiteral("b"), f.b},
                       {QStringLiteral("difference"), f.difference()}};
        if (f.hasNoise()) {
            o.insert(QStringLiteral("noise"), f.noise);
            o.insert(QStringLiteral("outside_noise"), f.outsideNoise());
        }
        figures.append(o);
    }
    return QJsonObject {
        {QStringLiteral("a"), paths.at(0)},
        {QStringLiteral("b"), paths.at(1)},
        {QStringLiteral("config_differences"), QJsonArray::fromStringList(c.configDifferences)},
        {QStringLiteral("figures"), figures}};
}

} // namespace

int runCompare(const CommandLine &cli, QTextStream &out, QTextStream &err)
{
    const auto a = load(cli.comparePaths.at(0), err);
    if (!a)
        return 2;
    const auto b = load(cli.comparePaths.at(1), err);
    if (!b)
        return 2;
    const RunComparison c = compareRuns(a->recording.config, a->recording.seed, a->stats,
                                        b->recording.config, b->recording.seed, b->stats);
    if (cli.summaryJson) {
        out << QJsonDocument(comparisonJson(c, cli.comparePaths)).toJson(QJsonDocument::Compact)
            << '\n';
        out.flush();
        return 0;
    }
    out << "A: " << QFileInfo(cli.comparePaths.at(0)).fileName() << " — " << describe(*a) << '\n'
        << "B: " << QFileInfo(cli.comparePaths.at(1)).fileName() << " — " << describe(*b) << '\n'
        << "Configuration: "
        << (c.configDifferences.isEmpty() ? QStringLiteral("the same")
                                          : c.configDifferences.join(QLatin1String(", ")))
        << "\n\n";
    printTable(out, c);
    out << "\nThe noise is the 95 % half-width of the difference of the steady states' means "
           "(batch means, warm-up left out); figures without one have no interval.\n";
    out.flush();
    return 0;
}

} // namespace app
