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

// The events in time order: the recording's own when they are (as a recording made through an
// EventOrder is, but for events later than its window), else a sorted copy in `storage`.
std::span<const PoolEvent> inTimeOrder(const std::vector<PoolEvent> &events,
                                       std::vector<PoolEvent> *storage);

} // namespace engine::runfile
