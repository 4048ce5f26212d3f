#include "app/headlesssizing.h"

#include "app/headlessrunner.h"
#include "app/headlesssweep.h"
#include "engine/durationformat.h"
#include "engine/sizing.h"
#include "engine/sweeprunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <functional>

namespace app {

using namespace engine;

namespace {

QString inputsText(const QueueInputs &in, const QueuePrediction &p)
{
    return QStringLiteral("λ = %1/s, E[S] = %2, ca² = %3, cs² = %4 (%5)")
        .arg(std::isfinite(in.arrivalRatePerS) ? QString::number(in.arrivalRatePerS, 'f', 2)
                                               : QStringLiteral("∞"),
             displayDuration(std::llround(in.serviceMeanS * 1e9)), QString::number(in.ca2, 'f', 2),
             QString::number(in.cs2, 'f', 2),
             p.model == QueueModel::ErlangC ? QStringLiteral("Erlang C")
                                            : QStringLiteral("Allen–Cunneen"));
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

// What the runs say of the theory's answer, in a sentence.
QString verdict(const SizingAnswer &answer, const std::vector<bool> &met, bool complete)
{
    if (!complete)
        return QStringLiteral("The verifying runs were interrupted: no verdict.");
    const bool atAnswer = met.back();
    const bool below = met.size() > 1 && met.front();
    if (atAnswer && !below)
        return QStringLiteral("The runs agree with the theory: %1 workers.").arg(answer.workers);
    QString text = QStringLiteral("The runs disagree with the theory:");
    if (!atAnswer)
        text += QStringLiteral(" %1 workers missed the target").arg(answer.workers);
    if (!atAnswer && below)
        text += QLatin1Char(',');
    if (below)
        text += QStringLiteral(" %1 already met it").arg(answer.workers - 1);
    return text
        + QStringLiteral(" (a short run, bursts or heavy tails stray from the steady state the "
                         "theory describes).");
}

int printNoAnswer(const CommandLine &cli, const SizingTarget &target, const SizingAnswer &answer,
                  QTextStream &out)
{
    const QueueInputs in = plannedInputs(cli.config);
    if (cli.summaryJson)
        out << QJsonDocument(QJsonObject {{QStringLiteral("target"), target.text()},
                                          {QStringLiteral("found"), false},
                                          {QStringLiteral("why"), answer.why}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
    else
        out << "Sizing for " << target.text() << " under " << inputsText(in, predict(in)) << ": "
            << answer.why << ".\n";
    out.flush();
    return 1;
}

void printAnswer(QTextStream &out, const CommandLine &cli, const SizingTarget &target,
                 const SizingAnswer &answer)
{
    PoolConfig at = cli.config;
    at.workers = answer.workers;
    const QueueInputs in = plannedInputs(at);
    out << "Sizing for " << target.text() << " under " << inputsText(in, answer.prediction) << ":\n"
        << answer.workers << " workers by the theory (" << target.name() << ' '
        << target.format(target.predicted(answer.prediction));
    if (answer.workers > 1)
        out << "; with " << answer.workers - 1 << ": "
            << target.format(target.predicted(answer.below));
    out << ").\n";
    out.flush();
}

QJsonObject answerJson(const SizingTarget &target, const SizingAnswer &answer,
                       const SweepRunner &sweep, const std::vector<bool> &met, bool complete,
                       const std::function<double(std::size_t)> &predicted)
{
    QJsonArray runs;
    for (std::size_t i = 0; i < sweep.points().size(); ++i) {
        const SweepRunner::Point &p = sweep.points().at(i);
        runs.append(QJsonObject {
            {QStringLiteral("workers"), p.config.workers},
            {QStringLiteral("measured"), number(target.measured(p.stats))},
            {QStringLiteral("predicted"), number(predicted(i))},
            {QStringLiteral("met"), bool(met.at(i))},
            {QStringLiteral("cancelled"), p.cancelled},
            {QStringLiteral("summary"), summaryJson(p.stats, p.config, p.config.seed)}});
    }
    return QJsonObject {
        {QStringLiteral("target"), target.text()},
        {QStringLiteral("found"), true},
        {QStringLiteral("workers"), answer.workers},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("agrees"),
         complete ? QJsonValue(met.back() && !(met.size() > 1 && met.front())) : QJsonValue()}};
}

} // namespace

int runSizing(const CommandLine &cli, const SizingTarget &target, QTextStream &out,
              QTextStream &err, const std::atomic<int> *interruptSignal)
{
    const SizingAnswer answer = sizePool(cli.config, target);
    if (!answer.found)
        return printNoAnswer(cli, target, answer, out);
    const SweepSpec spec = answer.verifyingRuns();
    const std::function<double(std::size_t)> predicted = [&](std::size_t i) {
        return target.predicted(i + 1 == spec.values.size() ? answer.prediction : answer.below);
    };
    const bool text = !cli.summaryJson;
    if (text)
        printAnswer(out, cli, target, answer);
    SweepRunner sweep;
    std::vector<bool> met;
    const int signalSeen = runPoints(
        sweep, cli.config, spec,
        [&](int index) {
            const auto i = static_cast<std::size_t>(index);
            const SweepRunner::Point &p = sweep.points().at(i);
            const double measured = target.measured(p.stats);
            met.push_back(target.met(measured));
            if (!text)
                return;
            if (i == 0)
                out << "Verifying runs of " << p.config.jobs << " jobs each, seed " << p.config.seed
                    << ":\n";
            out << "  " << p.config.workers << " workers: " << target.name() << ' '
                << target.format(measured) << (met.back() ? ", meets" : ", misses") << " (theory "
                << target.format(predicted(i))
                << (target.met(predicted(i)) ? ", meets" : ", misses") << ")"
                << (p.cancelled ? " — interrupted" : "") << '\n';
            out.flush();
        },
        interruptSignal, err);
    if (signalSeen < 0)
        return 2;
    const bool complete = !sweep.wasCancelled() && met.size() == spec.values.size();
    if (text)
        out << verdict(answer, met, complete) << '\n';
    else
        out << QJsonDocument(answerJson(target, answer, sweep, met, complete, predicted))
                   .toJson(QJsonDocument::Compact)
            << '\n';
    out.flush();
    return interruptedStatus(signalSeen);
}

} // namespace app
