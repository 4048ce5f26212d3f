#include "ui/configsettings.h"

#include "engine/knob.h"

#include <QJsonObject>

namespace gui {

// The same keys and checks as the run file's config (engine/knob), so a damaged settings
// file is refused field by field exactly as a damaged run file would be.
QVariantMap toVariantMap(const engine::PoolConfig &config)
{
    return engine::configToJson(config).toVariantMap();
}

engine::PoolConfig fromVariantMap(const QVariantMap &map)
{
    QString error;
    const auto config = engine::configFromJson(QJsonObject::fromVariantMap(map), &error);
    return config ? *config : engine::PoolConfig {};
}

} // namespace gui
