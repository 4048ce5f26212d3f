#pragma once

#include "engine/poolconfig.h"
#include "engine/runstats.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace engine {

// Two runs side by side: every summary figure of both, the difference, and, where the runs give
// a 95 % interval for the figure (the steady state's mean wait, processing time and latency, by
// batch means), whether the difference is outside the noise: larger than the half-width of the
// difference's interval, √(hA² + hB²).
struct ComparedFigure
{
    enum class Unit : std::uint8_t { Count, PerSecond, Nanoseconds, Share };

    QString name; // "wait mean", "throughput"
    Unit unit = Unit::Count;
    double a = 0;
    double b = 0;
    double noise = -1; // the difference's 95 % half-width; < 0: no interval for this figure
    double difference() const { return b - a; }
    bool hasNoise() const { return noise >= 0; }
    bool outsideNoise() const { return hasNoise() && std::abs(b - a) > noise; }
};

struct RunComparison
{
    std::vector<ComparedFigure> figures;
    QStringList configDifferences; // "workers 3 → 4", one per knob that differs (the seed too)
};

// Compares run A (config, seed, statistics) with run B.
RunComparison compareRuns(const PoolConfig &configA, std::uint64_t seedA, const RunStats &a,
                          const PoolConfig &configB, std::uint64_t seedB, const RunStats &b);

// A figure's value as a person reads it ("42ms", "7.78", "96.2 %"), and a difference with its sign.
QString figureText(ComparedFigure::Unit unit, double value);
QString differenceText(ComparedFigure::Unit unit, double difference);

} // namespace engine
