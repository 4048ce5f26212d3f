#pragma once

#include "engine/poolconfig.h"

#include <QVariantMap>

namespace gui {

// PoolConfig to and from the flat map QSettings stores. A stored value that is missing, of the
// wrong type or out of range falls back to the default, so a damaged settings file cannot start
// an invalid run.
QVariantMap toVariantMap(const engine::PoolConfig &config);
engine::PoolConfig fromVariantMap(const QVariantMap &map);

} // namespace gui
