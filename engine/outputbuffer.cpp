#include "engine/outputbuffer.h"

namespace engine {

void OutputBuffer::micros(std::int64_t ns)
{
    if (ns < 0) {
        raw('-');
        ns = ns == std::numeric_limits<std::int64_t>::min()
            ? std::numeric_limits<std::int64_t>::max()
            : -ns;
    }
    integer(ns / 1000);
    if (const auto part = static_cast<int>(ns % 1000); part != 0) {
        char decimals[4]
            = {'.', static_cast<char>('0' + part / 100), static_cast<char>('0' + part / 10 % 10),
               static_cast<char>('0' + part % 10)};
        std::size_t n = 4;
        while (decimals[n - 1] == '0')
            --n;
        m_buffer.append(decimals, n);
    }
}

void OutputBuffer::string(std::string_view text)
{
    raw('"');
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            raw('\\');
            raw(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            raw("\\u00");
            raw(kHex[(c >> 4) & 0xf]);
            raw(kHex[c & 0xf]);
        } else {
            raw(c);
        }
    }
    raw('"');
}

void OutputBuffer::flush()
{
    if (m_ok && !m_buffer.empty()
        && m_device.write(m_buffer.data(), static_cast<qint64>(m_buffer.size()))
            != static_cast<qint64>(m_buffer.size()))
        m_ok = false;
    m_buffer.clear();
    if (m_ok && m_progress && !m_progress(m_done, m_total)) {
        m_ok = false;
        m_cancelled = true;
    }
}

bool OutputBuffer::finish(QString *error)
{
    if (m_ok)
        flush();
    if (!m_ok && error)
        *error = m_cancelled ? QStringLiteral("cancelled") : m_device.errorString();
    return m_ok;
}

} // namespace engine
