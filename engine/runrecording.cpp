#include "engine/runrecording.h"

#include "engine/eventfold.h"
#include "engine/knob.h"
#include "engine/outputbuffer.h"
#include "engine/referencelog.h"
#include "engine/runfileformat.h"

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

namespace runfile {

void encodeEvent(const PoolEvent &e, char out[kEventBytes])
{
    qToLittleEndian<std::uint64_t>(static_cast<std::uint64_t>(e.t), out);
    qToLittleEndian<std::uint64_t>(static_cast<std::uint64_t>(e.job), out + 8);
    qToLittleEndian<std::uint64_t>(static_cast<std::uint64_t>(e.value), out + 16);
    qToLittleEndian<std::uint32_t>(e.extra, out + 24);
    qToLittleEndian<std::uint16_t>(e.worker, out + 28);
    out[30] = static_cast<char>(e.kind);
    out[31] = static_cast<char>(e.aux);
}

bool appendEvents(const char *data, std::uint64_t count, std::uint64_t firstIndex,
                  std::vector<PoolEvent> *events, QString *error)
{
    for (std::uint64_t n = 0; n < count; ++n) {
        const char *p = data + n * kEventBytes;
        PoolEvent &e = events->emplace_back();
        const std::uint64_t i = firstIndex + n;
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

TimeOrder::TimeOrder(std::span<const PoolEvent> events)
    : m_events(events)
{
    for (std::size_t i = 0; i < events.size();) {
        std::size_t end = i + 1;
        while (end < events.size() && events[end - 1].t <= events[end].t)
            ++end;
        m_runs.push_back({i, end});
        i = end;
    }
    for (std::uint32_t r = 0; r < m_runs.size(); ++r)
        m_heap.push_back(r);
    std::make_heap(m_heap.begin(), m_heap.end(),
                   [this](std::uint32_t a, std::uint32_t b) { return later(a, b); });
}

bool TimeOrder::later(std::uint32_t a, std::uint32_t b) const
{
    const std::int64_t ta = m_events[m_runs[a].at].t, tb = m_events[m_runs[b].at].t;
    return ta > tb || (ta == tb && a > b);
}

const PoolEvent *TimeOrder::next()
{
    if (m_heap.empty())
        return nullptr;
    const auto cmp = [this](std::uint32_t a, std::uint32_t b) {
        return later(a, b);
    };
    if (m_heap.size() > 1)
        std::pop_heap(m_heap.begin(), m_heap.end(), cmp);
    Run &run = m_runs[m_heap.back()];
    const PoolEvent *e = &m_events[run.at++];
    if (run.at == run.end)
        m_heap.pop_back();
    else if (m_heap.size() > 1)
        std::push_heap(m_heap.begin(), m_heap.end(), cmp);
    return e;
}

} // namespace runfile

namespace {

using runfile::kEventBytes;

QByteArray encodeEventsImpl(std::span<const PoolEvent> events)
{
    QByteArray out(static_cast<qsizetype>(events.size() * kEventBytes), Qt::Uninitialized);
    char *at = out.data();
    for (const PoolEvent &e : events) {
        runfile::encodeEvent(e, at);
        at += kEventBytes;
    }
    return out;
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
    events->clear();
    return runfile::appendEvents(bytes.constData(),
                                 static_cast<std::uint64_t>(bytes.size()) / kEventBytes, 0, events,
                                 error);
}

namespace {

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

bool writeRunFile(const RunRecording &recording, QIODevice &device, QString *error,
                  const Progress &progress)
{
    const std::span<const PoolEvent> events(recording.events);
    OutputBuffer out(device, progress, events.size());
    const auto put = [&out](auto v) {
        char bytes[sizeof v];
        qToLittleEndian(v, bytes);
        out.raw(std::string_view(bytes, sizeof v));
    };
    const auto json = [&out, &put](const QJsonObject &object) {
        const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
        put(static_cast<std::uint32_t>(text.size()));
        out.raw(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    };
    out.raw(std::string_view(runfile::kMagic, sizeof runfile::kMagic));
    put(runfile::kVersion);
    json(QJsonObject {{QStringLiteral("poolscope"), QStringLiteral(POOLSCOPE_VERSION)},
                      {QStringLiteral("config"), configToJson(recording.config)},
                      {QStringLiteral("seed"), QString::number(recording.seed)}});
    put(static_cast<std::uint64_t>(events.size()));
    for (std::size_t i = 0; i < events.size() && out.ok(); ++i) {
        char bytes[kEventBytes];
        runfile::encodeEvent(events[i], bytes);
        out.raw(std::string_view(bytes, kEventBytes));
        out.at(i + 1);
        out.spill();
    }
    json(QJsonObject {{QStringLiteral("failures"), runfile::failuresJson(recording.failures)}});
    return out.finish(error);
}

QByteArray writeChromeTrace(const RunRecording &recording)
{
    return toBytes(recording, [](const RunRecording &r, QIODevice &out, QString *error) {
        return writeChromeTrace(r, out, error);
    });
}

// Long: one pass over the events, a few lines per kind of trace event.
// NOLINTNEXTLINE(readability-function-size)
bool writeChromeTrace(const RunRecording &recording, QIODevice &device, QString *error,
                      const Progress &progress)
{
    constexpr int producerTid = 1000;
    // Progress in events: each is read twice, once for the trace and once for the run's copy.
    const std::uint64_t eventCount = recording.events.size();
    OutputBuffer out(device, progress, 2 * eventCount);
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
        OutputBuffer &out;
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
    QHash<int, bool> namedWorkers;
    int busy = 0;
    forEachInTimeOrder(recording.events, out, [&](const PoolEvent &e) {
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
    });
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
    out.raw(QJsonDocument(runfile::failuresJson(recording.failures))
                .toJson(QJsonDocument::Compact)
                .toStdString());
    out.raw(R"(,"events_base64":")");
    constexpr std::size_t kSlice
        = std::size_t {3} * 8192; // events: 32 bytes each, so a multiple of 3 bytes
    const std::span<const PoolEvent> all(recording.events);
    for (std::size_t at = 0; at < all.size() && out.ok(); at += kSlice) {
        out.at(eventCount + at);
        const QByteArray base64
            = encodeEventsImpl(all.subspan(at, std::min(kSlice, all.size() - at))).toBase64();
        out.raw(std::string_view(base64.constData(), static_cast<std::size_t>(base64.size())));
        out.spill();
    }
    out.raw("\"}}}");
    out.at(2 * eventCount);
    return out.finish(error);
}

QByteArray writeResultsCsv(const RunRecording &recording)
{
    return toBytes(recording, [](const RunRecording &r, QIODevice &out, QString *error) {
        return writeResultsCsv(r, out, error);
    });
}

bool writeResultsCsv(const RunRecording &recording, QIODevice &device, QString *error,
                     const Progress &progress)
{
    // Rows as the jobs' records complete, which in time order is when their results are collected.
    struct Sink
    {
        OutputBuffer &out;
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
    OutputBuffer out(device, progress, recording.events.size());
    out.raw(kCsvHeader);
    out.raw('\n');
    Sink sink {out};
    EventFold fold;
    forEachInTimeOrder(recording.events, out, [&](const PoolEvent &e) { fold.apply(e, sink); });
    if (out.ok())
        fold.finish(sink);
    return out.finish(error);
}

} // namespace engine
