#include "engine/runrecording.h"

#include "engine/eventfold.h"
#include "engine/knob.h"
#include "engine/referencelog.h"

#include <QBuffer>
#include <QHash>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <string_view>

namespace engine {

namespace {

constexpr std::size_t kEventBytes = 32;

void put32(QByteArray &out, std::uint32_t v)
{
    char b[4];
    qToLittleEndian(v, b);
    out.append(b, 4);
}

void put64(QByteArray &out, std::uint64_t v)
{
    char b[8];
    qToLittleEndian(v, b);
    out.append(b, 8);
}

// A bounds-checked reader over the file's bytes.
class Cursor
{
public:
    explicit Cursor(const QByteArray &bytes)
        : m_bytes(bytes)
    { }
    std::size_t left() const { return static_cast<std::size_t>(m_bytes.size()) - m_at; }
    bool take(std::size_t n, const char **out)
    {
        if (left() < n)
            return false;
        *out = m_bytes.constData() + m_at;
        m_at += n;
        return true;
    }
    bool u32(std::uint32_t *v)
    {
        const char *p = nullptr;
        if (!take(4, &p))
            return false;
        *v = qFromLittleEndian<std::uint32_t>(p);
        return true;
    }
    bool u64(std::uint64_t *v)
    {
        const char *p = nullptr;
        if (!take(8, &p))
            return false;
        *v = qFromLittleEndian<std::uint64_t>(p);
        return true;
    }

private:
    const QByteArray &m_bytes;
    std::size_t m_at = 0;
};

QByteArray encodeEventsImpl(std::span<const PoolEvent> events)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(events.size()) * qsizetype {kEventBytes});
    for (const PoolEvent &e : events) {
        put64(out, static_cast<std::uint64_t>(e.t));
        put64(out, static_cast<std::uint64_t>(e.job));
        put64(out, static_cast<std::uint64_t>(e.value));
        put32(out, e.extra);
        char tail[4];
        qToLittleEndian<std::uint16_t>(e.worker, tail);
        tail[2] = static_cast<char>(e.kind);
        tail[3] = static_cast<char>(e.aux);
        out.append(tail, 4);
    }
    return out;
}

bool decodeEvents(const char *data, std::uint64_t count, std::vector<PoolEvent> *events,
                  QString *error)
{
    events->resize(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
        const char *p = data + i * kEventBytes;
        PoolEvent &e = (*events)[static_cast<std::size_t>(i)];
        e.t = static_cast<std::int64_t>(qFromLittleEndian<std::uint64_t>(p));
        e.job = static_cast<std::int64_t>(qFromLittleEndian<std::uint64_t>(p + 8));
        e.value = static_cast<std::int64_t>(qFromLittleEndian<std::uint64_t>(p + 16));
        e.extra = qFromLittleEndian<std::uint32_t>(p + 24);
        e.worker = qFromLittleEndian<std::uint16_t>(p + 28);
        const auto kind = static_cast<std::uint8_t>(p[30]);
        e.aux = static_cast<std::uint8_t>(p[31]);
        if (kind >= kEventKindCount) {
            *error = QStringLiteral("event %1 has an unknown kind (%2)").arg(i).arg(kind);
            return false;
        }
        e.kind = static_cast<EventKind>(kind);
        if ((e.kind == EventKind::JobFinished || e.kind == EventKind::ResultCollected)
            && e.aux >= kJobStatusCount) {
            *error = QStringLiteral("event %1 has an unknown job status (%2)").arg(i).arg(e.aux);
            return false;
        }
        if (e.kind == EventKind::ConfigChanged
            && e.aux > static_cast<std::uint8_t>(LiveSetting::Paused)) {
            *error = QStringLiteral("event %1 changes an unknown knob (%2)").arg(i).arg(e.aux);
            return false;
        }
        // Times and ids a run could reach (2^62 ns is 146 years), so that nothing downstream
        // adding to them can overflow.
        constexpr std::int64_t kFar = std::int64_t {1} << 62;
        if (e.t < 0 || e.t > kFar || e.job < 0 || e.job > kFar
            || e.worker > PoolConfig::kMaxWorkers) {
            *error = QStringLiteral("event %1 is out of range (time %2, job %3, worker %4)")
                         .arg(i)
                         .arg(e.t)
                         .arg(e.job)
                         .arg(e.worker);
            return false;
        }
    }
    return true;
}

std::optional<QJsonObject> parseObject(const QByteArray &json, const QString &what, QString *error)
{
    QJsonParseError parse;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("the %1 is not a JSON object (%2)").arg(what, parse.errorString());
        return std::nullopt;
    }
    return document.object();
}

QJsonArray failuresJson(const std::vector<FailureMessage> &failures)
{
    QJsonArray array;
    for (const FailureMessage &f : failures)
        array.append(
            QJsonArray {QJsonValue(static_cast<qint64>(f.job)), QString::fromStdString(f.message)});
    return array;
}

std::vector<FailureMessage> failuresFromJson(const QJsonArray &array)
{
    std::vector<FailureMessage> failures;
    for (const QJsonValue &v : array) {
        const QJsonArray pair = v.toArray();
        if (pair.size() == 2 && pair.at(0).isDouble() && pair.at(1).isString())
            failures.push_back({pair.at(0).toInteger(), pair.at(1).toString().toStdString()});
    }
    return failures;
}

// The events in time order: the recording's own when they are (as a recording made through an
// EventOrder is, but for events later than its window), else a sorted copy in `storage`.
std::span<const PoolEvent> inTimeOrder(const std::vector<PoolEvent> &events,
                                       std::vector<PoolEvent> *storage)
{
    const auto earlier = [](const PoolEvent &a, const PoolEvent &b) {
        return a.t < b.t;
    };
    if (std::is_sorted(events.begin(), events.end(), earlier))
        return events;
    *storage = events;
    sortByTime(*storage);
    return *storage;
}

} // namespace

QByteArray encodeEvents(std::span<const PoolEvent> events)
{
    return encodeEventsImpl(events);
}

bool decodeEvents(const QByteArray &bytes, std::vector<PoolEvent> *events, QString *error)
{
    if (bytes.size() % static_cast<qsizetype>(kEventBytes) != 0) {
        *error = QStringLiteral("the events are not whole (%1 bytes)").arg(bytes.size());
        return false;
    }
    return decodeEvents(bytes.constData(), static_cast<std::uint64_t>(bytes.size()) / kEventBytes,
                        events, error);
}

namespace {

// Text for a device, through a buffer of a few MB: an export holds no more than that whatever the
// run's size, and numbers are formatted without allocating.
class BufferedText
{
public:
    static constexpr std::size_t kBuffer = 4u << 20;

    explicit BufferedText(QIODevice &device)
        : m_device(device)
    {
        m_buffer.reserve(kBuffer + std::size_t {64} * 1024);
    }
    void raw(std::string_view text) { m_buffer.append(text); }
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
    void micros(std::int64_t ns)
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
                = {'.', static_cast<char>('0' + part / 100),
                   static_cast<char>('0' + part / 10 % 10), static_cast<char>('0' + part % 10)};
            std::size_t n = 4;
            while (decimals[n - 1] == '0')
                --n;
            m_buffer.append(decimals, n);
        }
    }
    // A JSON string, quoted and escaped.
    void string(std::string_view text)
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
    void string(const QString &text)
    {
        const QByteArray utf8 = text.toUtf8();
        string(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    }
    void string(const char *text) { string(std::string_view(text)); }
    // Called between items: hands the buffer on once it is full.
    void spill()
    {
        if (m_buffer.size() >= kBuffer)
            flush();
    }
    bool finish(QString *error)
    {
        flush();
        if (!m_ok && error)
            *error = m_device.errorString();
        return m_ok;
    }

private:
    void flush()
    {
        if (m_ok && !m_buffer.empty()
            && m_device.write(m_buffer.data(), static_cast<qint64>(m_buffer.size()))
                != static_cast<qint64>(m_buffer.size()))
            m_ok = false;
        m_buffer.clear();
    }

    QIODevice &m_device;
    std::string m_buffer;
    bool m_ok = true;
};

// Streams a writer meant for a device into bytes (the tests' and the fuzzer's round trips).
template<typename Write> QByteArray toBytes(const RunRecording &recording, Write &&write)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    write(recording, buffer, nullptr);
    return bytes;
}

} // namespace

QByteArray writeRunFile(const RunRecording &recording)
{
    return toBytes(recording, [](const RunRecording &r, QIODevice &out, QString *error) {
        return writeRunFile(r, out, error);
    });
}

bool writeRunFile(const RunRecording &recording, QIODevice &device, QString *error)
{
    QByteArray out;
    out.append(runfile::kMagic, sizeof runfile::kMagic);
    put32(out, runfile::kVersion);
    const QByteArray header
        = QJsonDocument(
              QJsonObject {{QStringLiteral("poolscope"), QStringLiteral(POOLSCOPE_VERSION)},
                           {QStringLiteral("config"), configToJson(recording.config)},
                           {QStringLiteral("seed"), QString::number(recording.seed)}})
              .toJson(QJsonDocument::Compact);
    put32(out, static_cast<std::uint32_t>(header.size()));
    out.append(header);
    put64(out, recording.events.size());
    bool ok = device.write(out) == out.size();
    // The events a slice at a time: a few MB held, whatever the run's size.
    constexpr std::size_t kSlice = std::size_t {128} * 1024;
    const std::span<const PoolEvent> all(recording.events);
    for (std::size_t at = 0; ok && at < all.size(); at += kSlice) {
        const QByteArray slice
            = encodeEventsImpl(all.subspan(at, std::min(kSlice, all.size() - at)));
        ok = device.write(slice) == slice.size();
    }
    const QByteArray trailer = QJsonDocument(QJsonObject {{QStringLiteral("failures"),
                                                           failuresJson(recording.failures)}})
                                   .toJson(QJsonDocument::Compact);
    out.clear();
    put32(out, static_cast<std::uint32_t>(trailer.size()));
    out.append(trailer);
    ok = ok && device.write(out) == out.size();
    if (!ok && error)
        *error = device.errorString();
    return ok;
}

namespace {

// A length-prefixed JSON object of the run file (its u32 size, then the object); `truncated`
// is the error when its bytes are not all there.
std::optional<QJsonObject> readJsonBlock(Cursor &in, const QString &what, const QString &truncated,
                                         QString *error)
{
    std::uint32_t size = 0;
    const char *json = nullptr;
    if (!in.u32(&size) || size > runfile::kMaxJsonBytes || !in.take(size, &json)) {
        *error = truncated;
        return std::nullopt;
    }
    return parseObject(QByteArray(json, size), what, error);
}

} // namespace

std::optional<RunRecording> readRunFile(const QByteArray &bytes, QString *error)
{
    Cursor in(bytes);
    const char *magic = nullptr;
    if (!in.take(sizeof runfile::kMagic, &magic)
        || std::memcmp(magic, runfile::kMagic, sizeof runfile::kMagic) != 0) {
        *error = QStringLiteral(
            "not a Poolscope run file (it does not start with the run file signature)");
        return std::nullopt;
    }
    std::uint32_t version = 0;
    if (!in.u32(&version)) {
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
    const char *events = nullptr;
    if (!in.u64(&count) || count > in.left() / kEventBytes
        || !in.take(count * kEventBytes, &events)) {
        *error
            = QStringLiteral("the file is truncated: it holds fewer events than its header says");
        return std::nullopt;
    }
    if (!decodeEvents(events, count, &recording.events, error))
        return std::nullopt;
    const auto trailerJson = readJsonBlock(
        in, QStringLiteral("run file trailer"),
        QStringLiteral("the file is truncated: it ends before its failure messages"), error);
    if (!trailerJson)
        return std::nullopt;
    recording.failures = failuresFromJson(trailerJson->value(QStringLiteral("failures")).toArray());
    if (in.left() != 0) {
        *error = QStringLiteral("the file has %1 unexpected bytes after its end").arg(in.left());
        return std::nullopt;
    }
    return recording;
}

QByteArray writeChromeTrace(const RunRecording &recording)
{
    return toBytes(recording, [](const RunRecording &r, QIODevice &out, QString *error) {
        return writeChromeTrace(r, out, error);
    });
}

// Long: one pass over the events, a few lines per kind of trace event.
// NOLINTNEXTLINE(readability-function-size)
bool writeChromeTrace(const RunRecording &recording, QIODevice &device, QString *error)
{
    constexpr int producerTid = 1000;
    BufferedText out(device);
    bool first = true;
    // An event's opening: its phase, the process and thread, its time.
    const auto begin = [&](char ph, int tid, std::int64_t ts) {
        out.raw(first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
        first = false;
        out.raw(ph);
        out.raw(R"(","pid":1)");
        if (tid >= 0) {
            out.raw(",\"tid\":");
            out.integer(tid);
        }
        if (ts >= 0) {
            out.raw(",\"ts\":");
            out.micros(ts);
        }
    };
    const auto end = [&] {
        out.raw('}');
        out.spill();
    };
    const auto meta = [&](const char *name, int tid, const QString &value) {
        begin('M', tid, -1);
        out.raw(",\"name\":");
        out.string(name);
        out.raw(R"(,"args":{"name":)");
        out.string(value);
        out.raw('}');
        end();
    };
    out.raw("{\"traceEvents\":[");
    meta("process_name", 0, QStringLiteral("Poolscope run"));
    meta("thread_name", producerTid, QStringLiteral("Producer"));
    begin('M', producerTid, -1);
    out.raw(R"(,"name":"thread_sort_index","args":{"sort_index":-1})");
    end();
    // A complete event: a bar from start to end, its name and a job in its args.
    const auto bar = [&](int tid, std::int64_t start, std::int64_t finish, std::string_view name,
                         std::int64_t number, std::int64_t job) {
        begin('X', tid, start);
        out.raw(",\"dur\":");
        out.micros(std::max<std::int64_t>(0, finish - start));
        out.raw(R"(,"name":")");
        out.raw(name);
        if (number >= 0) {
            out.raw(' ');
            out.integer(number);
        }
        out.raw(R"(","args":{"job":)");
        out.integer(job);
    };
    // A job's bar once its times are all in; the stretches a row was blocked once they end.
    struct Sink
    {
        BufferedText &out;
        decltype(bar) &openBar;
        decltype(end) &close;
        void jobDone(const JobTimes &j)
        {
            if (j.started < 0 || j.finished < 0)
                return;
            openBar(j.worker, j.started, j.finished, "Job", j.job, j.job);
            out.raw(",\"wait_ms\":");
            out.fixed(static_cast<double>(j.wait()) / 1e6, 6);
            out.raw(",\"status\":");
            out.string(nameOf(j.status));
            out.raw('}');
            close();
        }
        void spanClosed(const WorkerSpan &span)
        {
            if (span.kind != SpanKind::Blocked && span.kind != SpanKind::ProducerBlocked)
                return;
            const bool producer = span.kind == SpanKind::ProducerBlocked;
            openBar(producer ? producerTid : span.worker, span.start, span.end,
                    producer ? "Blocked (queue full)" : "Blocked (results full)", -1, span.job);
            out.raw('}');
            close();
        }
    } sink {out, bar, end};
    const auto counter = [&](std::int64_t t, const char *name, const char *key, std::int64_t v) {
        begin('C', -1, t);
        out.raw(",\"name\":");
        out.string(name);
        out.raw(",\"args\":{");
        out.string(key);
        out.raw(':');
        out.integer(v);
        out.raw('}');
        end();
    };
    const auto flow = [&](char ph, int tid, const PoolEvent &e) {
        begin(ph, tid, e.t);
        if (ph == 'f')
            out.raw(R"(,"bp":"e")");
        out.raw(",\"id\":");
        out.integer(e.job);
        out.raw(R"(,"cat":"queue","name":"queued")");
        end();
    };
    EventFold fold;
    std::vector<PoolEvent> sorted;
    QHash<int, bool> namedWorkers;
    int busy = 0;
    for (const PoolEvent &e : inTimeOrder(recording.events, &sorted)) {
        fold.apply(e, sink);
        switch (e.kind) {
        case EventKind::WorkerStarted:
            if (!namedWorkers.contains(e.worker)) {
                namedWorkers.insert(e.worker, true);
                meta("thread_name", e.worker, QStringLiteral("Worker %1").arg(e.worker));
            }
            break;
        case EventKind::JobSubmitted:
            begin('i', producerTid, e.t);
            out.raw(R"(,"s":"t","name":"Send job )");
            out.integer(e.job);
            out.raw('"');
            end();
            break;
        case EventKind::JobEnqueued:
        case EventKind::JobStarted:
        case EventKind::JobDiscarded:
            if (e.kind == EventKind::JobEnqueued) {
                flow('s', producerTid, e);
            } else if (e.kind == EventKind::JobStarted) {
                ++busy;
                flow('f', e.worker, e);
            }
            counter(e.t, "Queue depth", "depth", e.extra);
            if (e.kind == EventKind::JobStarted)
                counter(e.t, "Jobs in flight", "jobs", busy);
            break;
        case EventKind::JobFinished:
            --busy;
            counter(e.t, "Jobs in flight", "jobs", std::max(0, busy));
            break;
        case EventKind::ConfigChanged:
        case EventKind::StopRequested:
        case EventKind::CancelRequested:
            begin('i', producerTid, e.t);
            out.raw(R"(,"s":"g","name":)");
            out.string(referenceLine(e));
            end();
            break;
        default:
            break;
        }
    }
    fold.finish(sink);
    // otherData: the run itself, its events in the run file's layout as base64, a slice at a
    // time (a multiple of 3 bytes, so that the slices' base64 joins into the whole's).
    out.raw("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"poolscope_version\":");
    out.string(POOLSCOPE_VERSION);
    out.raw(",\"config\":");
    out.raw(
        QJsonDocument(configToJson(recording.config)).toJson(QJsonDocument::Compact).toStdString());
    out.raw(",\"seed\":");
    out.string(QString::number(recording.seed));
    out.raw(R"(,"poolscope_run":{"format":)");
    out.integer(runfile::kVersion);
    out.raw(",\"failures\":");
    out.raw(QJsonDocument(failuresJson(recording.failures))
                .toJson(QJsonDocument::Compact)
                .toStdString());
    out.raw(R"(,"events_base64":")");
    constexpr std::size_t kSlice
        = std::size_t {3} * 8192; // events: 32 bytes each, so a multiple of 3 bytes
    const std::span<const PoolEvent> all(recording.events);
    for (std::size_t at = 0; at < all.size(); at += kSlice) {
        const QByteArray base64
            = encodeEventsImpl(all.subspan(at, std::min(kSlice, all.size() - at))).toBase64();
        out.raw(std::string_view(base64.constData(), static_cast<std::size_t>(base64.size())));
        out.spill();
    }
    out.raw("\"}}}");
    return out.finish(error);
}

std::optional<RunRecording> readChromeTrace(const QByteArray &bytes, QString *error)
{
    const auto root = parseObject(bytes, QStringLiteral("trace"), error);
    if (!root)
        return std::nullopt;
    const QJsonObject other = root->value(QStringLiteral("otherData")).toObject();
    const QJsonObject run = other.value(QStringLiteral("poolscope_run")).toObject();
    if (!root->contains(QStringLiteral("traceEvents")) || run.isEmpty()) {
        *error = QStringLiteral(
            "this trace was not written by Poolscope (it has no Poolscope run in otherData)");
        return std::nullopt;
    }
    if (run.value(QStringLiteral("format")).toInt() != static_cast<int>(runfile::kVersion)) {
        *error
            = QStringLiteral(
                  "the trace's Poolscope run format %1 is not supported (this Poolscope reads %2)")
                  .arg(run.value(QStringLiteral("format")).toInt())
                  .arg(runfile::kVersion);
        return std::nullopt;
    }
    RunRecording recording;
    const auto config = configFromJson(other.value(QStringLiteral("config")).toObject(), error);
    if (!config)
        return std::nullopt;
    recording.config = *config;
    recording.seed = other.value(QStringLiteral("seed")).toString().toULongLong();
    const auto decoded = QByteArray::fromBase64Encoding(
        run.value(QStringLiteral("events_base64")).toString().toLatin1(),
        QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray &events = decoded.decoded;
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok
        || events.size() % static_cast<qsizetype>(kEventBytes) != 0) {
        *error = QStringLiteral("the trace's Poolscope run is corrupt (its events are not valid "
                                "base64 of whole events)");
        return std::nullopt;
    }
    if (!decodeEvents(events.constData(), static_cast<std::uint64_t>(events.size()) / kEventBytes,
                      &recording.events, error))
        return std::nullopt;
    recording.failures = failuresFromJson(run.value(QStringLiteral("failures")).toArray());
    return recording;
}

QByteArray writeResultsCsv(const RunRecording &recording)
{
    return toBytes(recording, [](const RunRecording &r, QIODevice &out, QString *error) {
        return writeResultsCsv(r, out, error);
    });
}

bool writeResultsCsv(const RunRecording &recording, QIODevice &device, QString *error)
{
    // Rows as the jobs' records complete, which in time order is when their results are collected.
    struct Sink
    {
        BufferedText &out;
        void ms(std::int64_t ns) // empty for a time the job never reached
        {
            out.raw(',');
            if (ns >= 0)
                out.fixed(static_cast<double>(ns) / 1e6, 3);
        }
        void jobDone(const JobTimes &j)
        {
            out.integer(j.job);
            out.raw(',');
            if (j.worker > 0)
                out.integer(j.worker);
            out.raw(',');
            out.raw(nameOf(j.status));
            ms(j.submitted);
            ms(j.enqueued);
            ms(j.started);
            ms(j.finished);
            ms(j.collected);
            ms(j.wait());
            ms(j.processing());
            ms(j.latency());
            out.raw('\n');
            out.spill();
        }
    };
    BufferedText out(device);
    out.raw(kCsvHeader);
    out.raw('\n');
    Sink sink {out};
    EventFold fold;
    std::vector<PoolEvent> sorted;
    for (const PoolEvent &e : inTimeOrder(recording.events, &sorted))
        fold.apply(e, sink);
    fold.finish(sink);
    return out.finish(error);
}

std::optional<RunRecording> readRecording(const QByteArray &bytes, QString *error)
{
    if (bytes.startsWith(QByteArray(runfile::kMagic, 5)))
        return readRunFile(bytes, error);
    const QByteArray start = bytes.left(64).trimmed();
    if (start.startsWith('{'))
        return readChromeTrace(bytes, error);
    if (bytes.isEmpty())
        *error = QStringLiteral("the file is empty");
    else
        *error = QStringLiteral("not a Poolscope run file or Chrome trace (it starts with neither "
                                "the run file signature nor '{')");
    return std::nullopt;
}

} // namespace engine
