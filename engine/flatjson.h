#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <utility>
#include <vector>

namespace engine {

// One JSON object of scalars, as a feed's line is: {"t": 12, "ev": "start", "job": 3}. Scanned
// in place for the common case (keys without escapes; numbers, strings without escapes, true,
// false, null), about ten times faster than a QJsonDocument; anything else (nested values,
// escapes, what is not JSON) is left to QJsonDocument, which also names the error. Values come
// out as QJsonValue, integers exactly as QJsonDocument gives them.
class FlatJson
{
public:
    // False, with *error set, when the line is not a JSON object.
    bool parse(QByteArrayView line, QString *error);

    QJsonValue value(QByteArrayView key) const; // Undefined when absent
    bool contains(QByteArrayView key) const { return !value(key).isUndefined(); }

private:
    bool scan(QByteArrayView line); // the fast path; false: let QJsonDocument read it
    bool scanValue(const char *&p, const char *end, QJsonValue *value);

    std::vector<std::pair<QByteArray, QJsonValue>> m_fields; // in line order; the last key wins
};

} // namespace engine
