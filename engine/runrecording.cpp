#include "engine/runrecording.h"

#include "engine/eventfold.h"
#include "engine/knob.h"
#include "engine/referencelog.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>
#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

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

double us(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e3;
}

QString msText(std::int64_t ns)
{
    return ns < 0 ? QString() : QString::number(static_cast<double>(ns) / 1e6, 'f', 3);
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

QByteArray writeRunFile(const RunRecording &recording)
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
    out.append(encodeEventsImpl(recording.events));
    const QByteArray trailer = QJsonDocument(QJsonObject {{QStringLiteral("failures"),
                                                           failuresJson(recording.failures)}})
                                   .toJson(QJsonDocument::Compact);
    put32(out, static_cast<std::uint32_t>(trailer.size()));
    out.append(trailer);
    return out;
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

// Long: one pass over the events, a few lines per kind of trace event.
// NOLINTNEXTLINE(readability-function-size)
QByteArray writeChromeTrace(const RunRecording &recording)
{
    constexpr int pid = 1;
    constexpr int producerTid = 1000;
    QJsonArray trace;
    auto meta = [&](const char *name, int tid, const QString &value) {
        trace.append(
            QJsonObject {{QStringLiteral("ph"), QStringLiteral("M")},
                         {QStringLiteral("pid"), pid},
                         {QStringLiteral("tid"), tid},
                         {QStringLiteral("name"), QLatin1String(name)},
                         {QStringLiteral("args"), QJsonObject {{QStringLiteral("name"), value}}}});
    };
    meta("process_name", 0, QStringLiteral("Poolscope run"));
    meta("thread_name", producerTid, QStringLiteral("Producer"));
    trace.append(
        QJsonObject {{QStringLiteral("ph"), QStringLiteral("M")},
                     {QStringLiteral("pid"), pid},
                     {QStringLiteral("tid"), producerTid},
                     {QStringLiteral("name"), QStringLiteral("thread_sort_index")},
                     {QStringLiteral("args"), QJsonObject {{QStringLiteral("sort_index"), -1}}}});
    QHash<int, bool> namedWorkers;
    auto complete = [&](int tid, std::int64_t start, std::int64_t end, const QString &name,
                        const QJsonObject &args) {
        trace.append(
            QJsonObject {{QStringLiteral("ph"), QStringLiteral("X")},
                         {QStringLiteral("pid"), pid},
                         {QStringLiteral("tid"), tid},
                         {QStringLiteral("ts"), us(start)},
                         {QStringLiteral("dur"), us(std::max<std::int64_t>(0, end - start))},
                         {QStringLiteral("name"), name},
                         {QStringLiteral("args"), args}});
    };
    // A job's bar once its times are all in; the stretches a row was blocked once they end.
    struct Sink
    {
        decltype(complete) &bar;
        void jobDone(const JobTimes &j)
        {
            if (j.started < 0 || j.finished < 0)
                return;
            bar(j.worker, j.started, j.finished, QStringLiteral("Job %1").arg(j.job),
                QJsonObject {{QStringLiteral("job"), static_cast<qint64>(j.job)},
                             {QStringLiteral("wait_ms"), static_cast<double>(j.wait()) / 1e6},
                             {QStringLiteral("status"), QLatin1String(nameOf(j.status))}});
        }
        void spanClosed(const WorkerSpan &span)
        {
            if (span.kind == SpanKind::Blocked)
                bar(span.worker, span.start, span.end, QStringLiteral("Blocked (results full)"),
                    QJsonObject {{QStringLiteral("job"), static_cast<qint64>(span.job)}});
            else if (span.kind == SpanKind::ProducerBlocked)
                bar(producerTid, span.start, span.end, QStringLiteral("Blocked (queue full)"),
                    QJsonObject {{QStringLiteral("job"), static_cast<qint64>(span.job)}});
        }
    } sink {complete};
    EventFold fold;
    std::vector<PoolEvent> sorted;
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
            trace.append(
                QJsonObject {{QStringLiteral("ph"), QStringLiteral("i")},
                             {QStringLiteral("s"), QStringLiteral("t")},
                             {QStringLiteral("pid"), pid},
                             {QStringLiteral("tid"), producerTid},
                             {QStringLiteral("ts"), us(e.t)},
                             {QStringLiteral("name"), QStringLiteral("Send job %1").arg(e.job)}});
            break;
        case EventKind::JobEnqueued:
        case EventKind::JobStarted:
        case EventKind::JobDiscarded:
            if (e.kind == EventKind::JobEnqueued) {
                trace.append(QJsonObject {{QStringLiteral("ph"), QStringLiteral("s")},
                                          {QStringLiteral("id"), static_cast<qint64>(e.job)},
                                          {QStringLiteral("pid"), pid},
                                          {QStringLiteral("tid"), producerTid},
                                          {QStringLiteral("ts"), us(e.t)},
                                          {QStringLiteral("cat"), QStringLiteral("queue")},
                                          {QStringLiteral("name"), QStringLiteral("queued")}});
            } else if (e.kind == EventKind::JobStarted) {
                ++busy;
                trace.append(QJsonObject {{QStringLiteral("ph"), QStringLiteral("f")},
                                          {QStringLiteral("bp"), QStringLiteral("e")},
                                          {QStringLiteral("id"), static_cast<qint64>(e.job)},
                                          {QStringLiteral("pid"), pid},
                                          {QStringLiteral("tid"), e.worker},
                                          {QStringLiteral("ts"), us(e.t)},
                                          {QStringLiteral("cat"), QStringLiteral("queue")},
                                          {QStringLiteral("name"), QStringLiteral("queued")}});
            }
            trace.append(
                QJsonObject {{QStringLiteral("ph"), QStringLiteral("C")},
                             {QStringLiteral("pid"), pid},
                             {QStringLiteral("ts"), us(e.t)},
                             {QStringLiteral("name"), QStringLiteral("Queue depth")},
                             {QStringLiteral("args"),
                              QJsonObject {{QStringLiteral("depth"), static_cast<int>(e.extra)}}}});
            if (e.kind == EventKind::JobStarted)
                trace.append(QJsonObject {
                    {QStringLiteral("ph"), QStringLiteral("C")},
                    {QStringLiteral("pid"), pid},
                    {QStringLiteral("ts"), us(e.t)},
                    {QStringLiteral("name"), QStringLiteral("Jobs in flight")},
                    {QStringLiteral("args"), QJsonObject {{QStringLiteral("jobs"), busy}}}});
            break;
        case EventKind::JobFinished:
            --busy;
            trace.append(QJsonObject {{QStringLiteral("ph"), QStringLiteral("C")},
                                      {QStringLiteral("pid"), pid},
                                      {QStringLiteral("ts"), us(e.t)},
                                      {QStringLiteral("name"), QStringLiteral("Jobs in flight")},
                                      {QStringLiteral("args"),
                                       QJsonObject {{QStringLiteral("jobs"), std::max(0, busy)}}}});
            break;
        case EventKind::ConfigChanged:
        case EventKind::StopRequested:
        case EventKind::CancelRequested:
            trace.append(QJsonObject {{QStringLiteral("ph"), QStringLiteral("i")},
                                      {QStringLiteral("s"), QStringLiteral("g")},
                                      {QStringLiteral("pid"), pid},
                                      {QStringLiteral("tid"), producerTid},
                                      {QStringLiteral("ts"), us(e.t)},
                                      {QStringLiteral("name"), referenceLine(e)}});
            break;
        default:
            break;
        }
    }
    fold.finish(sink);
    const QJsonObject other {
        {QStringLiteral("poolscope_version"), QStringLiteral(POOLSCOPE_VERSION)},
        {QStringLiteral("config"), configToJson(recording.config)},
        {QStringLiteral("seed"), QString::number(recording.seed)},
        {QStringLiteral("poolscope_run"),
         QJsonObject {{QStringLiteral("format"), static_cast<int>(runfile::kVersion)},
                      {QStringLiteral("events_base64"),
                       QString::fromLatin1(encodeEventsImpl(recording.events).toBase64())},
                      {QStringLiteral("failures"), failuresJson(recording.failures)}}},
    };
    return QJsonDocument(QJsonObject {{QStringLiteral("traceEvents"), trace},
                                      {QStringLiteral("displayTimeUnit"), QStringLiteral("ms")},
                                      {QStringLiteral("otherData"), other}})
        .toJson(QJsonDocument::Compact);
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
    // Rows as the jobs' records complete, which in time order is when their results are collected.
    struct Sink
    {
        QByteArray &out;
        void jobDone(const JobTimes &j)
        {
            const QStringList row = {QString::number(j.job),
                                     j.worker > 0 ? QString::number(j.worker) : QString(),
                                     QLatin1String(nameOf(j.status)),
                                     msText(j.submitted),
                                     msText(j.enqueued),
                                     msText(j.started),
                                     msText(j.finished),
                                     msText(j.collected),
                                     msText(j.wait()),
                                     msText(j.processing()),
                                     msText(j.latency())};
            out.append(row.join(QLatin1Char(',')).toUtf8());
            out.append('\n');
        }
    };
    QByteArray out(kCsvHeader);
    out.append('\n');
    Sink sink {out};
    EventFold fold;
    std::vector<PoolEvent> sorted;
    for (const PoolEvent &e : inTimeOrder(recording.events, &sorted))
        fold.apply(e, sink);
    fold.finish(sink);
    return out;
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
