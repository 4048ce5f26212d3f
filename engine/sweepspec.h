#pragma once

#include "engine/knob.h"
#include "engine/poolconfig.h"

#include <QString>
#include <optional>
#include <vector>

namespace engine {

// One knob of a configuration run across a range of values, every other knob held: a sweep.
// Written "workers=1..8" (from, to, by a step), "interval-ms=50,100,200" (a list) or, for a
// choice, "distribution=fixed,uniform,exponential".
struct SweepSpec
{
    static constexpr int kMaxPoints = 64;

    KnobId knob = KnobId::Workers;
    std::vector<double> values; // as Knob::setNumber takes them, in the order given

    const Knob &knobRow() const { return engine::knob(knob); }
    // The configuration of point i: base with the knob at values[i].
    PoolConfig configAt(const PoolConfig &base, std::size_t i) const;
    // A point's value as a person reads it: "4", "12.5", "exponential".
    QString valueText(std::size_t i) const;
    // "workers 1..8" or "interval-ms 50, 100, 200".
    QString describe() const;

    // Parses the text of --sweep; step is --sweep-step's value (0: not given, 1 then). Every
    // point's configuration (base with the knob set) must be valid. On a problem: nullopt and one
    // sentence in *error naming what is wrong and what is allowed.
    static std::optional<SweepSpec> parse(const QString &text, double step, const PoolConfig &base,
                                          QString *error);
    // The knobs a sweep may vary: numbers and choices ("workers, queue-capacity, …").
    static QString sweepableText();
};

} // namespace engine
