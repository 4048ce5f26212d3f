#pragma once

#include "engine/poolconfig.h"

#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>

namespace engine {

// Every knob of a run, in the order the control panel and --help show them.
enum class KnobId : std::uint8_t {
    Workers,
    QueueCapacity,
    ResultsCapacity,
    Jobs,
    Continuous,
    Duration,
    Interval,
    Arrival,
    BurstSize,
    Distribution,
    MinMs,
    MaxMs,
    MeanMs,
    FailRate,
    Workload,
    Speed,
    Seed,
};
inline constexpr int kKnobCount = static_cast<int>(KnobId::Seed) + 1;

enum class KnobType : std::uint8_t {
    Integer, // a whole number in [min, max]
    Real, // a finite number in [min, max]
    Choice, // one of choices (stored as the enum value of that index)
    Switch, // on or off
    Seed, // a whole number in [min, max], exact up to 2^63 − 1
};

enum class KnobGroup : std::uint8_t { Pool, Producer, Jobs, Playback };

// The PoolConfig field a knob reads and writes.
using KnobField
    = std::variant<int PoolConfig::*, std::int64_t PoolConfig::*, double PoolConfig::*,
                   bool PoolConfig::*, std::uint64_t PoolConfig::*, ArrivalPattern PoolConfig::*,
                   Distribution PoolConfig::*, Workload PoolConfig::*>;

// One knob, described once: validation, the run file's and the settings' JSON, the command line
// and the control panel all derive from this row. Its default is PoolConfig {}'s value.
struct Knob
{
    KnobId id;
    const char *flag; // on the command line (without "--"); the JSON key is this with '_' for '-'
    const char *name; // in sentences: "queue capacity"; camelCased, the control's object name
    const char *label; // the control panel's row label
    KnobType type;
    KnobField field;
    double min = 0;
    double max = 0;
    KnobGroup group = KnobGroup::Pool;
    bool live = false; // applies to a running run at once; otherwise from the next run
    const char *unit = ""; // after a value: " ms", " s", " %", "×"
    int decimals = 0; // Real: the precision the control panel keeps
    bool logScale = false; // a slider gives small values as much travel as large ones
    // A value outside [min, max] with a meaning of its own (−1: automatic capacity; 0: until
    // stopped, or a random seed), and how to say it.
    std::optional<double> special = std::nullopt;
    const char *specialText = "";
    std::span<const char *const> choices = {}; // Choice: names on the command line and in files
    std::span<const char *const> choiceLabels = {}; // Choice: as the control panel shows them
    const char *help = ""; // one line for --help
    const char *toolTip = ""; // the control panel's
    // Whether the knob means anything for this config (the control panel greys it out if not).
    bool (*appliesTo)(const PoolConfig &) = nullptr;

    QString jsonKey() const;
    QString objectName() const; // name in camelCase: "queueCapacity"
    QString allowedText() const; // "an integer from 1 to 256", "one of fixed, poisson, burst"
    QString defaultText() const; // PoolConfig {}'s value, or specialText when it is the special
    bool applies(const PoolConfig &config) const { return !appliesTo || appliesTo(config); }
    // Choice: the index of the choice so named, if there is one; and the name of an index
    // (empty when out of range).
    std::optional<std::size_t> choiceIndex(const QString &choice) const;
    QString choiceName(std::size_t index) const;

    // The field as a number: integers and seeds as they are, a choice as its enum value, a switch
    // as 0 or 1. Exact for every value but seeds above 2^53 (compare seeds with differs()).
    double number(const PoolConfig &config) const;
    // False (and config unchanged) when the field's type cannot hold value; an integer field
    // takes the whole part.
    bool setNumber(PoolConfig &config, double value) const;
    bool differs(const PoolConfig &a, const PoolConfig &b) const;
    bool isSpecial(const PoolConfig &config) const;
    // "the value as a person reads it": a number, a choice's name, on/off, or specialText.
    QString text(const PoolConfig &config) const;
};

// Every knob, indexed by KnobId.
std::span<const Knob> knobs();
const Knob &knob(KnobId id);

// The config as the run file and the settings store it: one key per knob.
QJsonObject configToJson(const PoolConfig &config);
// Reads what configToJson wrote. A missing key keeps the default; a value of the wrong type or
// an invalid config is refused with one sentence in *error naming the key.
std::optional<PoolConfig> configFromJson(const QJsonObject &json, QString *error);

} // namespace engine
