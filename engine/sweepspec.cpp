#include "engine/sweepspec.h"

#include "engine/echo.h"

#include <QStringList>
#include <cmath>

namespace engine {

namespace {

bool sweepable(const Knob &k)
{
    return k.type == KnobType::Integer || k.type == KnobType::Real || k.type == KnobType::Choice;
}

const Knob *knobNamed(const QString &flag)
{
    for (const Knob &k : knobs()) {
        if (flag == QLatin1String(k.flag))
            return &k;
    }
    return nullptr;
}

// A number for the knob: in its range, or its special value (an automatic capacity).
std::optional<double> number(const Knob &k, const QString &text)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    if (k.type == KnobType::Integer && v != std::floor(v))
        return std::nullopt;
    if (k.special && v == *k.special)
        return v;
    if (v < k.min || v > k.max)
        return std::nullopt;
    return v;
}

std::optional<std::vector<double>> range(double from, double to, double step)
{
    std::vector<double> values;
    const double direction = to >= from ? 1.0 : -1.0;
    const double span = std::abs(to - from);
    // A point a hair past `to` from rounding counts as `to`.
    const double count = std::floor(span / step + 1e-9) + 1.0;
    if (count > SweepSpec::kMaxPoints)
        return std::nullopt;
    for (int i = 0; i < static_cast<int>(count); ++i)
        values.push_back(from + direction * step * i);
    return values;
}

} // namespace

PoolConfig SweepSpec::configAt(const PoolConfig &base, std::size_t i) const
{
    PoolConfig config = base;
    knobRow().setNumber(config, values.at(i));
    return config;
}

QString SweepSpec::valueText(std::size_t i) const
{
    const Knob &k = knobRow();
    if (k.type == KnobType::Choice)
        return k.choiceName(static_cast<std::size_t>(values.at(i)));
    return QString::number(values.at(i), 'g', 10);
}

QString SweepSpec::describe() const
{
    QStringList shown;
    for (std::size_t i = 0; i < values.size(); ++i)
        shown << valueText(i);
    return QLatin1String(knobRow().flag) + QLatin1Char(' ') + shown.join(QLatin1String(", "));
}

QString SweepSpec::sweepableText()
{
    QStringList names;
    for (const Knob &k : knobs()) {
        if (sweepable(k))
            names << QLatin1String(k.flag);
    }
    return names.join(QLatin1String(", "));
}

std::optional<SweepSpec> SweepSpec::parse(const QString &text, double step, const PoolConfig &base,
                                          QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = QStringLiteral("--sweep ") + message;
        return std::nullopt;
    };
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return fail(QStringLiteral("'%1' is not KNOB=FROM..TO or KNOB=V1,V2,…; for example "
                                   "workers=1..8")
                        .arg(echoed(text)));
    const QString name = text.left(eq).trimmed();
    const QString values = text.mid(eq + 1).trimmed();
    const Knob *k = knobNamed(name);
    if (!k || !sweepable(*k))
        return fail(
            QStringLiteral("cannot vary '%1'; allowed: %2").arg(echoed(name), sweepableText()));
    SweepSpec spec;
    spec.knob = k->id;
    const QString allowed = k->allowedText();
    const auto badValue = [&](const QString &value) {
        return fail(QStringLiteral("%1 '%2' is not allowed; allowed: %3")
                        .arg(QLatin1String(k->flag), echoed(value), allowed));
    };
    if (const qsizetype dots = values.indexOf(QLatin1String("..")); dots >= 0) {
        if (k->type == KnobType::Choice)
            return fail(QStringLiteral("%1 is a choice: list its values, as %1=%2")
                            .arg(QLatin1String(k->flag),
                                 k->choiceName(0) + QLatin1Char(',') + k->choiceName(1)));
        const auto from = number(*k, values.left(dots));
        if (!from)
            return badValue(values.left(dots));
        const auto to = number(*k, values.mid(dots + 2));
        if (!to)
            return badValue(values.mid(dots + 2));
        const double by = step > 0 ? step : 1.0;
        if (k->type == KnobType::Integer && by != std::floor(by))
            return fail(QStringLiteral("%1 takes whole numbers: --sweep-step %2 is not one")
                            .arg(QLatin1String(k->flag))
                            .arg(by));
        const auto points = range(*from, *to, by);
        if (!points)
            return fail(QStringLiteral("%1 from %2 to %3 by %4 is more than %5 points; give a "
                                       "larger --sweep-step")
                            .arg(QLatin1String(k->flag))
                            .arg(*from)
                            .arg(*to)
                            .arg(by)
                            .arg(kMaxPoints));
        spec.values = *points;
    } else {
        if (step > 0)
            return fail(QStringLiteral("--sweep-step applies only to a range FROM..TO"));
        const QStringList items = values.split(QLatin1Char(','));
        if (items.size() > kMaxPoints)
            return fail(
                QStringLiteral("has %1 values; at most %2").arg(items.size()).arg(kMaxPoints));
        for (const QString &item : items) {
            if (k->type == KnobType::Choice) {
                const auto index = k->choiceIndex(item.trimmed());
                if (!index)
                    return badValue(item);
                spec.values.push_back(static_cast<double>(*index));
            } else if (const auto v = number(*k, item)) {
                spec.values.push_back(*v);
            } else {
                return badValue(item);
            }
        }
    }
    if (k->type == KnobType::Integer) {
        for (double &v : spec.values)
            v = std::round(v);
    }
    for (std::size_t i = 0; i < spec.values.size(); ++i) {
        if (const QStringList problems = spec.configAt(base, i).validate(); !problems.isEmpty())
            return fail(QStringLiteral("at %1 %2: %3")
                            .arg(QLatin1String(k->flag), spec.valueText(i), problems.first()));
    }
    return spec;
}

} // namespace engine
