#include "engine/echo.h"

namespace engine {

QString echoed(QStringView text)
{
    constexpr qsizetype kMax = 40;
    QString shown;
    for (const QChar c : text.left(kMax)) {
        if (c.isPrint())
            shown += c;
        else
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
    }
    if (text.size() > kMax)
        shown += QStringLiteral("…");
    return shown;
}

} // namespace engine
