#pragma once

#include "engine/runfileformat.h"
#include "engine/runrecording.h"

#include <QIODevice>
#include <QString>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace engine {

// What an export writes goes to its device through a buffer of a few MB: a writer holds no more
// than that whatever the run's size, and numbers are formatted without allocating. Each time the
// buffer is handed on, the progress (if any) hears how far the writer is; a progress that returns
// false stops the export, and finish() says it was cancelled.
class OutputBuffer
{
public:
    static constexpr std::size_t kBuffer = 4u << 20;
    static constexpr std::size_t kFirst = 64u << 10;

    OutputBuffer(QIODevice &device, const Progress &progress, std::uint64_t total)
        : m_device(device)
        , m_progress(progress)
        , m_total(total)
    {
        m_buffer.reserve(kFirst); // grows to kBuffer only for an export that needs it
    }
    void raw(std::string_view bytes) { m_buffer.append(bytes); }
    void raw(char c) { m_buffer.push_back(c); }
    void integer(std::int64_t v)
    {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
        m_buffer.append(digits, end);
    }
    // A fixed number of decimals, correctly rounded (as printf's %.Nf).
    void fixed(double v, int decimals)
    {
        char digits[64];
        const auto end
            = std::to_chars(digits, digits + sizeof digits, v, std::chars_format::fixed, decimals)
                  .ptr;
        m_buffer.append(digits, end);
    }
    // ns as µs, exactly: 1,234,500 ns is 1234.5.
    void micros(std::int64_t ns);
    // A JSON string, quoted and escaped.
    void string(std::string_view text);
    void string(const QString &text)
    {
        const QByteArray utf8 = text.toUtf8();
        string(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    }
    void string(const char *text) { string(std::string_view(text)); }

    // How far the writer is, in the units of the total it was given.
    void at(std::uint64_t done) { m_done = done; }
    // Called between items: hands the buffer on once it is full.
    void spill()
    {
        if (m_buffer.size() >= kBuffer)
            flush();
    }
    // False once a write failed or the export was cancelled: the writer stops.
    bool ok() const { return m_ok; }
    bool finish(QString *error);

private:
    void flush();

    QIODevice &m_device;
    const Progress &m_progress;
    std::uint64_t m_total = 0;
    std::uint64_t m_done = 0;
    std::string m_buffer;
    bool m_ok = true;
    bool m_cancelled = false;
};

// Hands the events to step() in time order (merged in place: runfile::TimeOrder), each counted as
// the writer's progress, until the buffer's device fails or the export is cancelled.
template<typename Step>
void forEachInTimeOrder(std::span<const PoolEvent> events, OutputBuffer &out, Step &&step)
{
    runfile::TimeOrder order(events);
    std::uint64_t done = 0;
    while (const PoolEvent *e = order.next()) {
        if (!out.ok())
            return;
        out.at(++done);
        step(*e);
    }
}

} // namespace engine
