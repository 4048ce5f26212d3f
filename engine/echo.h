#pragma once

#include <QString>
#include <QStringView>

namespace engine {

// User text as a message may quote it: one line, printable, at most 40 characters. A control
// character shows as \xNN and a longer text ends with "…", so an error about a value never
// breaks its line or floods the screen.
QString echoed(QStringView text);

} // namespace engine
