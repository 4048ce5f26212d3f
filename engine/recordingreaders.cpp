// The readers of run files and Poolscope Chrome traces. Both stream from their device through a
// buffer of a few MB: a reader holds the recording it makes and little more, whatever the file's
// size. Nothing in a file is trusted before it is checked.

#include "engine/knob.h"
#include "engine/runfileformat.h"
#include "engine/runrecording.h"

#include <QBuffer>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QtEndian>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace engine {

namespace {

using runfile::kEventBytes;

// Reads a device a slice at a time and hands out bytes as asked.
class InputBuffer
{
public:
    static constexpr qint64 kSlice = qint64 {1} << 20;

    explicit InputBuffer(QIODevice &device)
        : m_device(device)
    { }
    // The next byte without taking it, or -1 at the end.
    int peek()
    {
        if (m_at == m_buffer.size() && !refill())
            return -1;
        return static_cast<unsigned char>(m_buffer[m_at]);
    }
    int get()
    {
        const int c = peek();
        if (c >= 0)
            ++m_at;
        return c;
    }
    // Exactly n bytes into out, or false at the end of the device.
    bool read(char *out, std::size_t n)
    {
        while (n > 0) {
            if (m_at == m_buffer.size() && !refill())
                return false;
            const std::size_t take = std::min(n, static_cast<std::size_t>(m_buffer.size() - m_at));
            std::memcpy(out, m_buffer.constData() + m_at, take);
            m_at += static_cast<qsizetype>(take);
            out += take;
            n -= take;
        }
        return true;
    }
    template<typename T> bool little(T *v)
    {
        char bytes[sizeof(T)];
        if (!read(bytes, sizeof bytes))
            return false;
        *v = qFromLittleEndian<T>(bytes);
        return true;
    }
    // The bytes read ahead and not yet taken (read from the device when there are none); empty at
    // the device's end. skip() takes n of them.
    std::string_view ahead()
    {
        if (m_at == m_buffer.size() && !refill())
            return {};
        return {m_buffer.constData() + m_at, static_cast<std::size_t>(m_buffer.size() - m_at)};
    }
    void skip(std::size_t n) { m_at += static_cast<qsizetype>(n); }
    // The bytes left, where the device knows its size (a file); -1 for a stream.
    qint64 left() const
    {
        if (m_device.isSequential())
            return -1;
        return m_device.size() - m_device.pos() + (m_buffer.size() - m_at);
    }
    // Counts (and drops) whatever is left.
    qint64 drain()
    {
        qint64 n = m_buffer.size() - m_at;
        m_at = m_buffer.size();
        while (refill()) {
            n += m_buffer.size();
            m_at = m_buffer.size();
        }
        return n;
    }

private:
    bool refill()
    {
        // A slice, or what is left of a file when that is less.
        const qint64 want = m_device.isSequential()
            ? kSlice
            : std::clamp<qint64>(m_device.size() - m_device.pos(), 1, kSlice);
        m_buffer.resize(want);
        const qint64 got = m_device.read(m_buffer.data(), want);
        m_buffer.resize(std::max<qint64>(0, got));
        m_at = 0;
        return got > 0;
    }

    QIODevice &m_device;
    QByteArray m_buffer;
    qsizetype m_at = 0;
};

// A reader meant for a device, over bytes in memory (shared, not copied: the buffer only reads).
template<typename Read>
std::optional<RunRecording> fromBytes(const QByteArray &bytes, QString *error, Read &&read)
{
    QByteArray shared = bytes;
    QBuffer buffer(&shared);
    buffer.open(QIODevice::ReadOnly);
    return read(buffer, error);
}

bool cancelled(const Progress &progress, std::uint64_t done, std::uint64_t total, QString *error)
{
    if (!progress || progress(done, total))
        return false;
    *error = QStringLiteral("cancelled");
    return true;
}

// A length-prefixed JSON object of the run file (its u32 size, then the object); `truncated`
// is the error when its bytes are not all there.
std::optional<QJsonObject> readJsonBlock(InputBuffer &in, const QString &what,
                                         const QString &truncated, QString *error)
{
    std::uint32_t size = 0;
    if (!in.little(&size) || size > runfile::kMaxJsonBytes
        || (in.left() >= 0 && size > in.left())) {
        *error = truncated;
        return std::nullopt;
    }
    QByteArray json(size, Qt::Uninitialized);
    if (!in.read(json.data(), size)) {
        *error = truncated;
        return std::nullopt;
    }
    return runfile::parseObject(json, what, error);
}

// The events of a run file, a slice at a time into the recording.
bool readEvents(InputBuffer &in, std::uint64_t count, std::vector<PoolEvent> *events,
                const Progress &progress, QString *error)
{
    const QString truncated
        = QStringLiteral("the file is truncated: it holds fewer events than its header says");
    if (in.left() >= 0 && count > static_cast<std::uint64_t>(in.left()) / kEventBytes) {
        *error = truncated;
        return false;
    }
    // A stream's count is not checked against a size: room grows as the events arrive.
    constexpr std::uint64_t kSliceEvents = std::uint64_t {128} * 1024;
    events->reserve(
        static_cast<std::size_t>(in.left() >= 0 ? count : std::min(count, kSliceEvents)));
    QByteArray slice(static_cast<qsizetype>(std::min(kSliceEvents, count) * kEventBytes),
                     Qt::Uninitialized);
    for (std::uint64_t done = 0; done < count;) {
        const std::uint64_t n = std::min(kSliceEvents, count - done);
        if (!in.read(slice.data(), n * kEventBytes)) {
            *error = truncated;
            return false;
        }
        if (!runfile::appendEvents(slice.data(), n, done, events, error))
            return false;
        done += n;
        if (cancelled(progress, done, count, error))
            return false;
    }
    return true;
}

// A JSON reader that walks a document as it streams by: the values it is asked to keep are
// captured as text (and parsed by QJsonDocument), the rest are checked for their shape and
// skipped, so that a trace's hundreds of MB of events are never held.
class JsonScanner
{
public:
    JsonScanner(InputBuffer &in, const Progress &progress)
        : m_in(in)
        , m_progress(progress)
        , m_total(in.left())
    { }

    bool failed() const { return !m_problem.isEmpty(); }
    QString problem() const { return m_problem; }
    void fail(const QString &problem)
    {
        if (m_problem.isEmpty())
            m_problem = problem;
    }

    // The members of an object, each key handed to member(key), which reads the value.
    template<typename Member> bool object(Member &&member)
    {
        if (!expect('{'))
            return false;
        if (skipSpace() == '}') {
            m_in.get();
            return true;
        }
        for (;;) {
            QByteArray key;
            if (skipSpace() != '"' || !string(&key, kMaxKey))
                return fail(QStringLiteral("a key is missing")), false;
            if (!expect(':') || !member(key))
                return false;
            const int c = skipSpace();
            m_in.get();
            if (c == '}')
                return true;
            if (c != ',')
                return fail(QStringLiteral("a ',' or '}' is missing")), false;
        }
    }

    // A value, skipped, or kept as text when `capture` is given (at most the run file's JSON
    // limit).
    bool value(QByteArray *capture = nullptr)
    {
        if (!capture)
            return skipValue();
        std::vector<char> open; // the containers the value is inside of, '{' or '['
        for (;;) {
            const int c = skipSpace();
            if (c == '{' || c == '[') {
                keep(capture, static_cast<char>(m_in.get()));
                if (skipSpace() == (c == '{' ? '}' : ']')) {
                    keep(capture, static_cast<char>(m_in.get()));
                } else {
                    if (open.size() >= kMaxDepth)
                        return fail(QStringLiteral("values are nested too deeply")), false;
                    open.push_back(static_cast<char>(c));
                    if (c == '{' && !memberKey(capture))
                        return false;
                    continue;
                }
            } else if (c == '"') {
                if (!string(capture, capture ? runfile::kMaxJsonBytes : -1))
                    return false;
            } else if (!scalar(capture)) {
                return false;
            }
            // A value is done: the next one in its container, or the container's end.
            for (;;) {
                if (open.empty())
                    return true;
                const int next = skipSpace();
                if (next == ',') {
                    keep(capture, static_cast<char>(m_in.get()));
                    if (open.back() == '{' && !memberKey(capture))
                        return false;
                    break;
                }
                if (next != (open.back() == '{' ? '}' : ']'))
                    return fail(QStringLiteral("a ',' or the end of a list is missing")), false;
                keep(capture, static_cast<char>(m_in.get()));
                open.pop_back();
                reportProgress();
                if (failed())
                    return false;
            }
        }
    }

    // A string's characters, handed to chunk() a slice at a time, unescaped as far as base64
    // needs ("\/"); any other escape is a problem.
    template<typename Chunk> bool plainString(Chunk &&chunk)
    {
        if (!expect('"'))
            return false;
        QByteArray slice;
        for (;;) {
            const std::string_view bytes = m_in.ahead();
            if (bytes.empty())
                return fail(QStringLiteral("a string is cut short")), false;
            std::size_t n = 0;
            while (n < bytes.size() && bytes[n] != '"' && bytes[n] != '\\')
                ++n;
            slice.append(bytes.data(), static_cast<qsizetype>(n));
            m_in.skip(n);
            if (n < bytes.size()) {
                const char stop = bytes[n];
                m_in.get();
                if (stop == '"')
                    return chunk(slice, true);
                if (m_in.get() != '/')
                    return fail(QStringLiteral("a string holds an escape")), false;
                slice.append('/');
            }
            if (slice.size() >= kChunk) {
                const qsizetype whole = slice.size() / 4 * 4; // whole base64 groups
                if (!chunk(slice.first(whole), false))
                    return false;
                slice.remove(0, whole);
                reportProgress();
                if (failed())
                    return false;
            }
        }
    }

    int skipSpace()
    {
        int c = m_in.peek();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            m_in.get();
            c = m_in.peek();
        }
        return c;
    }
    bool cancelled() const { return m_cancelled; }

private:
    static constexpr qsizetype kMaxKey = 256;
    static constexpr std::size_t kMaxDepth = 512;
    static constexpr qsizetype kChunk
        = qsizetype {4} * 65536; // a multiple of 4: whole base64 groups

    static void keep(QByteArray *capture, char c)
    {
        if (capture)
            capture->append(c);
    }
    bool expect(char wanted)
    {
        if (skipSpace() != wanted)
            return fail(QStringLiteral("'%1' is missing").arg(QLatin1Char(wanted))), false;
        m_in.get();
        return true;
    }
    // A value skipped at the speed of a scan: strings and brackets are followed, not checked
    // further (what is skipped is not read).
    bool skipValue()
    {
        const int first = skipSpace();
        if (first != '{' && first != '[' && first != '"')
            return scalar(nullptr);
        std::size_t depth = 0;
        bool inString = false, escaped = false;
        for (;;) {
            const std::string_view bytes = m_in.ahead();
            if (bytes.empty())
                return fail(QStringLiteral("the document ends inside a value")), false;
            for (std::size_t i = 0; i < bytes.size(); ++i) {
                const char c = bytes[i];
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                        if (depth == 0) {
                            m_in.skip(i + 1);
                            return true;
                        }
                    } else if (static_cast<unsigned char>(c) < 0x20) {
                        return fail(QStringLiteral("a string holds a control character")), false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    if (++depth > kMaxDepth)
                        return fail(QStringLiteral("values are nested too deeply")), false;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        m_in.skip(i + 1);
                        return true;
                    }
                }
            }
            m_in.skip(bytes.size());
            reportProgress();
            if (failed())
                return false;
        }
    }

    // A member's key and its ':', inside an object being skipped or kept.
    bool memberKey(QByteArray *capture)
    {
        if (skipSpace() != '"' || !string(capture, capture ? runfile::kMaxJsonBytes : -1))
            return fail(QStringLiteral("a key is missing")), false;
        if (skipSpace() != ':')
            return fail(QStringLiteral("a ':' is missing")), false;
        keep(capture, static_cast<char>(m_in.get()));
        return true;
    }
    // A string, kept with its quotes when `out` is given; limit: the most kept (-1: any).
    bool string(QByteArray *out, qsizetype limit)
    {
        m_in.get();
        keep(out, '"');
        for (;;) {
            const int c = m_in.get();
            if (c < 0)
                return fail(QStringLiteral("a string is cut short")), false;
            if (c < 0x20)
                return fail(QStringLiteral("a string holds a control character")), false;
            keep(out, static_cast<char>(c));
            if (c == '"')
                return true;
            if (c == '\\') {
                const int e = m_in.get();
                if (e < 0 || !std::strchr("\"\\/bfnrtu", e))
                    return fail(QStringLiteral("a string holds a bad escape")), false;
                keep(out, static_cast<char>(e));
            }
            if (out && limit >= 0 && out->size() > limit)
                return fail(QStringLiteral("a value is longer than %1 bytes").arg(limit)), false;
        }
    }
    // A number, true, false or null.
    bool scalar(QByteArray *capture)
    {
        int c = m_in.peek();
        if (c < 0)
            return fail(QStringLiteral("the document ends inside a value")), false;
        qsizetype n = 0;
        while (c >= 0 && (std::isalnum(c) || c == '-' || c == '+' || c == '.')) {
            keep(capture, static_cast<char>(m_in.get()));
            c = m_in.peek();
            if (++n > 64)
                return fail(QStringLiteral("a value is too long to be a number")), false;
        }
        if (n == 0)
            return fail(QStringLiteral("a value is missing")), false;
        return true;
    }
    void reportProgress()
    {
        if (!m_progress || m_total < 0 || m_cancelled)
            return;
        const qint64 done = m_total - m_in.left();
        if (done - m_reported < InputBuffer::kSlice)
            return;
        m_reported = done;
        if (!m_progress(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(m_total))) {
            m_cancelled = true;
            fail(QStringLiteral("cancelled"));
        }
    }

    InputBuffer &m_in;
    const Progress &m_progress;
    qint64 m_total = -1;
    qint64 m_reported = 0;
    bool m_cancelled = false;
    QString m_problem;
};

} // namespace

std::optional<RunRecording> readRunFile(QIODevice &device, QString *error, const Progress &progress)
{
    InputBuffer in(device);
    char magic[sizeof runfile::kMagic];
    if (!in.read(magic, sizeof magic) || std::memcmp(magic, runfile::kMagic, sizeof magic) != 0) {
        *error = QStringLiteral(
            "not a Poolscope run file (it does not start with the run file signature)");
        return std::nullopt;
    }
    std::uint32_t version = 0;
    if (!in.little(&version)) {
        *error = QStringLiteral("the file is truncated: it ends inside its header");
        return std::nullopt;
    }
    if (version != runfile::kVersion) {
        *error = QStringLiteral(
                     "run file version %1 is not supported (this Poolscope reads version %2)")
                     .arg(version)
                     .arg(runfile::kVersion);
        return std::nullopt;
    }
    const auto headerJson = readJsonBlock(
        in, QStringLiteral("run file header"),
        QStringLiteral("the file is truncated or corrupt: its header does not fit in it"), error);
    if (!headerJson)
        return std::nullopt;
    RunRecording recording;
    const auto config
        = configFromJson(headerJson->value(QStringLiteral("config")).toObject(), error);
    if (!config)
        return std::nullopt;
    recording.config = *config;
    recording.seed = headerJson->value(QStringLiteral("seed")).toString().toULongLong();
    std::uint64_t count = 0;
    if (!in.little(&count)) {
        *error
            = QStringLiteral("the file is truncated: it holds fewer events than its header says");
        return std::nullopt;
    }
    if (!readEvents(in, count, &recording.events, progress, error))
        return std::nullopt;
    const auto trailerJson = readJsonBlock(
        in, QStringLiteral("run file trailer"),
        QStringLiteral("the file is truncated: it ends before its failure messages"), error);
    if (!trailerJson)
        return std::nullopt;
    recording.failures
        = runfile::failuresFromJson(trailerJson->value(QStringLiteral("failures")).toArray());
    if (const qint64 extra = in.drain(); extra != 0) {
        *error = QStringLiteral("the file has %1 unexpected bytes after its end").arg(extra);
        return std::nullopt;
    }
    return recording;
}

std::optional<RunRecording> readRunFile(const QByteArray &bytes, QString *error)
{
    return fromBytes(bytes, error, [](QIODevice &in, QString *e) { return readRunFile(in, e); });
}

namespace {

// A value kept as text, as QJsonDocument reads it.
std::optional<QJsonValue> parsed(const QByteArray &text)
{
    const QJsonDocument document = QJsonDocument::fromJson('[' + text + ']');
    if (!document.isArray() || document.array().size() != 1)
        return std::nullopt;
    return document.array().at(0);
}

// The events of a trace's Poolscope run: base64 of the run file's layout, decoded as it streams.
class Base64Events
{
public:
    explicit Base64Events(std::vector<PoolEvent> *events)
        : m_events(events)
    { }
    bool add(const QByteArray &text, bool last, QString *error)
    {
        const auto decoded
            = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
        if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok
            || (!last && text.size() % 4 != 0)) {
            *error = corrupt();
            return false;
        }
        m_pending += decoded.decoded;
        const auto whole = static_cast<std::uint64_t>(m_pending.size()) / kEventBytes;
        if (!runfile::appendEvents(m_pending.constData(), whole, m_events->size(), m_events, error))
            return false;
        m_pending.remove(0, static_cast<qsizetype>(whole) * qsizetype {kEventBytes});
        if (last && !m_pending.isEmpty()) {
            *error = corrupt();
            return false;
        }
        return true;
    }
    static QString corrupt()
    {
        return QStringLiteral("the trace's Poolscope run is corrupt (its events are not valid "
                              "base64 of whole events)");
    }

private:
    std::vector<PoolEvent> *m_events;
    QByteArray m_pending;
};

// What otherData says of the run, as the trace's reader collects it.
struct TraceRun
{
    bool sawEvents = false, sawRun = false;
    std::optional<QJsonValue> config, seed, format, failures;
    RunRecording recording;
    QString error; // a problem found in the run's own values
};

bool readPoolscopeRun(JsonScanner &json, TraceRun &run)
{
    run.sawRun = true;
    Base64Events events(&run.recording.events);
    return json.object([&](const QByteArray &key) {
        QByteArray text;
        if (key == "\"events_base64\"")
            return json.plainString([&](const QByteArray &chunk, bool last) {
                if (events.add(chunk, last, &run.error))
                    return true;
                json.fail(run.error);
                return false;
            });
        if (key != "\"format\"" && key != "\"failures\"")
            return json.value();
        if (!json.value(&text))
            return false;
        (key == "\"format\"" ? run.format : run.failures) = parsed(text);
        return true;
    });
}

bool readOtherData(JsonScanner &json, TraceRun &run)
{
    return json.object([&](const QByteArray &key) {
        if (key == "\"poolscope_run\"")
            return readPoolscopeRun(json, run);
        if (key != "\"config\"" && key != "\"seed\"")
            return json.value();
        QByteArray text;
        if (!json.value(&text))
            return false;
        (key == "\"config\"" ? run.config : run.seed) = parsed(text);
        return true;
    });
}

} // namespace

std::optional<RunRecording> readChromeTrace(QIODevice &device, QString *error,
                                            const Progress &progress)
{
    InputBuffer in(device);
    JsonScanner json(in, progress);
    TraceRun run;
    const bool whole = json.object([&](const QByteArray &key) {
        if (key == "\"otherData\"")
            return readOtherData(json, run);
        run.sawEvents = run.sawEvents || key == "\"traceEvents\"";
        return json.value();
    });
    if (!run.error.isEmpty()) {
        *error = run.error;
        return std::nullopt;
    }
    if (json.cancelled()) {
        *error = QStringLiteral("cancelled");
        return std::nullopt;
    }
    if (!whole || json.skipSpace() >= 0) {
        *error = QStringLiteral("the trace is not a whole JSON object (%1)")
                     .arg(json.failed() ? json.problem() : QStringLiteral("more follows its end"));
        return std::nullopt;
    }
    if (!run.sawEvents || !run.sawRun) {
        *error = QStringLiteral(
            "this trace was not written by Poolscope (it has no Poolscope run in otherData)");
        return std::nullopt;
    }
    const int format = run.format ? run.format->toInt() : 0;
    if (format != static_cast<int>(runfile::kVersion)) {
        *error
            = QStringLiteral(
                  "the trace's Poolscope run format %1 is not supported (this Poolscope reads %2)")
                  .arg(format)
                  .arg(runfile::kVersion);
        return std::nullopt;
    }
    const auto config = configFromJson(run.config ? run.config->toObject() : QJsonObject {}, error);
    if (!config)
        return std::nullopt;
    run.recording.config = *config;
    run.recording.seed = run.seed ? run.seed->toString().toULongLong() : 0;
    if (run.failures)
        run.recording.failures = runfile::failuresFromJson(run.failures->toArray());
    return std::move(run.recording);
}

std::optional<RunRecording> readChromeTrace(const QByteArray &bytes, QString *error)
{
    return fromBytes(bytes, error,
                     [](QIODevice &in, QString *e) { return readChromeTrace(in, e); });
}

std::optional<RunRecording> readRecording(QIODevice &device, QString *error,
                                          const Progress &progress)
{
    const QByteArray start = device.peek(64);
    if (start.startsWith(QByteArray(runfile::kMagic, 5)))
        return readRunFile(device, error, progress);
    if (start.trimmed().startsWith('{'))
        return readChromeTrace(device, error, progress);
    if (start.isEmpty())
        *error = QStringLiteral("the file is empty");
    else
        *error = QStringLiteral("not a Poolscope run file or Chrome trace (it starts with neither "
                                "the run file signature nor '{')");
    return std::nullopt;
}

std::optional<RunRecording> readRecording(const QByteArray &bytes, QString *error)
{
    return fromBytes(bytes, error, [](QIODevice &in, QString *e) { return readRecording(in, e); });
}

} // namespace engine
