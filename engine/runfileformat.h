#pragma once

// What the run file's writers and readers share (engine-internal): the event layout, the checks
// every decoded event passes, the failure list's JSON.

#include "engine/poolevent.h"
#include "engine/poolstate.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace engine::runfile {

inline constexpr std::size_t kEventBytes = 32;

// One event in the file's little-endian layout.
void encodeEvent(const PoolEvent &e, char out[kEventBytes]);
// count events from data, checked (kinds, statuses, knobs, ranges), appended to *events; the
// index of the first is for the messages.
bool appendEvents(const char *data, std::uint64_t count, std::uint64_t firstIndex,
                  std::vector<PoolEvent> *events, QString *error);

std::optional<QJsonObject> parseObject(const QByteArray &json, const QString &what, QString *error);
QJsonArray failuresJson(const std::vector<FailureMessage> &failures);
std::vector<FailureMessage> failuresFromJson(const QJsonArray &array);

// A recording's events in time order, read without copying them: a recording is a few runs
// already in time order (one per thread's chunk of the event log), merged as they are read, in
// memory for the runs only. Stable: events of one instant keep the recording's order.
class TimeOrder
{
public:
    explicit TimeOrder(std::span<const PoolEvent> events);
    // The next event, or nullptr after the last.
    const PoolEvent *next();

private:
    struct Run
    {
        std::size_t at = 0, end = 0;
    };
    bool later(std::uint32_t a, std::uint32_t b) const;

    std::span<const PoolEvent> m_events;
    std::vector<Run> m_runs;
    std::vector<std::uint32_t> m_heap; // runs not yet read out, the one due first on top
};

} // namespace engine::runfile
