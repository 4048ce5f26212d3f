#include "engine/flatjson.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <algorithm>
#include <charconv>
#include <cstring>

namespace engine {

namespace {

void skipSpace(const char *&p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        ++p;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A string's body up to its closing quote, when it has no escape and no control character.
bool scanString(const char *&p, const char *end, QByteArrayView *body)
{
    const char *start = ++p; // past the opening quote
    while (p < end && *p != '"') {
        if (*p == '\\' || static_cast<unsigned char>(*p) < 0x20)
            return false;
        ++p;
    }
    if (p == end)
        return false;
    *body = QByteArrayView(start, p - start);
    ++p; // past the closing quote
    return true;
}

bool scanNumber(const char *&p, const char *end, QJsonValue *value)
{
    const char *start = p;
    if (p < end && *p == '-')
        ++p;
    if (p == end || !isDigit(*p))
        return false;
    if (*p == '0')
        ++p;
    else
        while (p < end && isDigit(*p))
            ++p;
    bool integral = true;
    if (p < end && *p == '.') {
        integral = false;
        ++p;
        if (p == end || !isDigit(*p))
            return false;
        while (p < end && isDigit(*p))
            ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        integral = false;
        ++p;
        if (p < end && (*p == '+' || *p == '-'))
            ++p;
        if (p == end || !isDigit(*p))
            return false;
        while (p < end && isDigit(*p))
            ++p;
    }
    if (integral) {
        qint64 n = 0;
        if (const auto [at, ec] = std::from_chars(start, p, n); ec == std::errc() && at == p) {
            *value = QJsonValue(n);
            return true;
        }
    }
    double d = 0;
    const auto [at, ec] = std::from_chars(start, p, d);
    if (ec != std::errc() || at != p)
        return false; // out of range: QJsonDocument decides
    *value = QJsonValue(d);
    return true;
}

bool scanWord(const char *&p, const char *end, const char *word)
{
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, word, n) != 0)
        return false;
    p += n;
    return true;
}

} // namespace

bool FlatJson::scanValue(const char *&p, const char *end, QJsonValue *value)
{
    if (p == end)
        return false;
    switch (*p) {
    case '"': {
        QByteArrayView body;
        if (!scanString(p, end, &body))
            return false;
        *value = QJsonValue(QString::fromUtf8(body));
        return true;
    }
    case 't':
        *value = QJsonValue(true);
        return scanWord(p, end, "true");
    case 'f':
        *value = QJsonValue(false);
        return scanWord(p, end, "false");
    case 'n':
        *value = QJsonValue(QJsonValue::Null);
        return scanWord(p, end, "null");
    default:
        return scanNumber(p, end, value);
    }
}

bool FlatJson::scan(QByteArrayView line)
{
    const char *p = line.data();
    const char *end = p + line.size();
    skipSpace(p, end);
    if (p == end || *p != '{')
        return false;
    ++p;
    skipSpace(p, end);
    if (p < end && *p == '}') {
        ++p;
    } else {
        while (true) {
            skipSpace(p, end);
            QByteArrayView key;
            if (p == end || *p != '"' || !scanString(p, end, &key))
                return false;
            skipSpace(p, end);
            if (p == end || *p != ':')
                return false;
            ++p;
            skipSpace(p, end);
            QJsonValue value;
            if (!scanValue(p, end, &value))
                return false;
            m_fields.emplace_back(QByteArray::fromRawData(key.data(), key.size()), value);
            skipSpace(p, end);
            if (p < end && *p == ',') {
                ++p;
                continue;
            }
            if (p < end && *p == '}') {
                ++p;
                break;
            }
            return false;
        }
    }
    skipSpace(p, end);
    return p == end;
}

bool FlatJson::parse(QByteArrayView line, QString *error)
{
    m_fields.clear();
    if (scan(line))
        return true;
    m_fields.clear();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.errorString();
        return false;
    }
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it)
        m_fields.emplace_back(it.key().toUtf8(), it.value());
    return true;
}

QJsonValue FlatJson::value(QByteArrayView key) const
{
    // A key given twice: the last stands.
    const auto found = std::find_if(m_fields.rbegin(), m_fields.rend(),
                                    [key](const auto &field) { return field.first == key; });
    return found != m_fields.rend() ? found->second : QJsonValue(QJsonValue::Undefined);
}

} // namespace engine
