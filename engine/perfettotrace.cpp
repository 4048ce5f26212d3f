#include "engine/perfettotrace.h"

#include "engine/outputbuffer.h"
#include "engine/referencelog.h"
#include "engine/runfileformat.h"

#include <QBuffer>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace engine {

namespace {

// The protobuf wire format, as far as the trace needs it.
class Message
{
public:
    void varint(std::uint32_t field, std::uint64_t v)
    {
        tag(field, 0);
        raw(v);
    }
    void sint(std::uint32_t field, std::int64_t v) { varint(field, static_cast<std::uint64_t>(v)); }
    void fixed64(std::uint32_t field, std::uint64_t v)
    {
        tag(field, 1);
        char bytes[8];
        for (int i = 0; i < 8; ++i)
            bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
        m_bytes.append(bytes, 8);
    }
    void bytes(std::uint32_t field, std::string_view b)
    {
        tag(field, 2);
        raw(b.size());
        m_bytes.append(b);
    }
    void message(std::uint32_t field, const Message &inner) { bytes(field, inner.m_bytes); }
    void clear() { m_bytes.clear(); }
    std::string_view view() const { return m_bytes; }

private:
    void tag(std::uint32_t field, std::uint32_t wireType) { raw((field << 3) | wireType); }
    void raw(std::uint64_t v)
    {
        while (v >= 0x80) {
            m_bytes.push_back(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        m_bytes.push_back(static_cast<char>(v));
    }

    std::string m_bytes;
};

// Field numbers of perfetto.protos (protos/perfetto/trace/…), the ones written here.
namespace field {
constexpr std::uint32_t kTracePacket = 1; // Trace.packet
// TracePacket
constexpr std::uint32_t kClockSnapshot = 6, kTimestamp = 8, kSequenceId = 10, kTrackEvent = 11,
                        kInternedData = 12, kSequenceFlags = 13, kDefaults = 59,
                        kTrackDescriptor = 60;
// ClockSnapshot: clocks 1 {clock_id 1, timestamp 2, is_incremental 3}, primary_trace_clock 2
constexpr std::uint32_t kClocks = 1, kClockId = 1, kClockTimestamp = 2, kIncremental = 3,
                        kPrimaryClock = 2;
// TrackEvent
constexpr std::uint32_t kDebugAnnotation = 4, kType = 9, kNameIid = 10, kExtraCounterValue = 12,
                        kTrackUuid = 11, kName = 23, kCounterValue = 30, kFlowId = 47,
                        kTerminatingFlowId = 48;
// TrackDescriptor
constexpr std::uint32_t kUuid = 1, kTrackName = 2, kProcess = 3, kThread = 4, kParentUuid = 5,
                        kCounter = 8;
// ProcessDescriptor: pid 1, process_name 6; ThreadDescriptor: pid 1, tid 2, thread_name 5
constexpr std::uint32_t kPid = 1, kTid = 2, kProcessName = 6, kThreadName = 5;
// CounterDescriptor.unit 3 (UNIT_COUNT 2)
constexpr std::uint32_t kUnit = 3;
// InternedData: event_names 2, debug_annotation_names 3; each {iid 1, name 2}
constexpr std::uint32_t kEventNames = 2, kAnnotationNames = 3, kIid = 1, kInternedName = 2;
// DebugAnnotation: name_iid 1, int_value 4, string_value 6
constexpr std::uint32_t kAnnotationNameIid = 1, kIntValue = 4, kStringValue = 6;
// TracePacketDefaults: timestamp_clock_id 58, track_event_defaults 11;
// TrackEventDefaults: track_uuid 11, extra_counter_track_uuids 31
constexpr std::uint32_t kDefaultClock = 58, kTrackEventDefaults = 11, kDefaultTrack = 11,
                        kExtraCounterTracks = 31;
} // namespace field

enum Type : std::uint64_t { SliceBegin = 1, SliceEnd = 2, Instant = 3, Counter = 4 };
enum Flags : std::uint64_t { StateCleared = 1, NeedsState = 2 };
constexpr std::uint32_t kSequence = 1;
constexpr std::uint64_t kUnitCount = 2;
constexpr std::uint64_t kBootTime = 6; // BUILTIN_CLOCK_BOOTTIME: the trace's clock
// A clock of the sequence's own whose timestamps are deltas from the packet before (the
// first sequence-scoped id, as Perfetto's own SDK uses it).
constexpr std::uint64_t kIncrementalClock = 64;

// Track uuids: the process, the producer, the two counters, then a worker's.
enum Track : std::uint64_t { ProcessTrack = 1, ProducerTrack, DepthTrack, InFlightTrack };
constexpr std::uint64_t workerTrack(int worker)
{
    return 16 + static_cast<std::uint64_t>(worker);
}
constexpr int kProducerTid = 1000;

// Interned names.
enum Name : std::uint64_t { SendJob = 1, QueueFull, ResultsFull };
enum Annotation : std::uint64_t { WaitNs = 1, Status };

class PacketWriter
{
public:
    explicit PacketWriter(OutputBuffer &out)
        : m_out(out)
    { }
    // A packet's own fields; its track event's in event().
    Message &packet() { return m_packet; }
    Message &event() { return m_event; }
    Message &scratch() { return m_scratch; }
    // The packet, stamped t when it has a track event (t never goes back: the events are in
    // time order).
    void emit(std::int64_t t = -1)
    {
        if (!m_event.view().empty()) {
            m_packet.varint(field::kTimestamp, static_cast<std::uint64_t>(t - m_last));
            m_last = t;
            m_packet.message(field::kTrackEvent, m_event);
            m_packet.varint(field::kSequenceFlags, NeedsState);
        }
        m_packet.varint(field::kSequenceId, kSequence);
        m_frame.clear();
        m_frame.message(field::kTracePacket, m_packet);
        m_out.raw(m_frame.view());
        m_out.spill();
        m_packet.clear();
        m_event.clear();
    }

private:
    OutputBuffer &m_out;
    Message m_packet, m_event, m_scratch, m_frame;
    std::int64_t m_last = 0;
};

void describeThread(PacketWriter &w, std::uint64_t uuid, int tid, const QString &name)
{
    Message &thread = w.scratch();
    thread.clear();
    thread.varint(field::kPid, 1);
    thread.varint(field::kTid, static_cast<std::uint64_t>(tid));
    thread.bytes(field::kThreadName, name.toStdString());
    Message track;
    track.varint(field::kUuid, uuid);
    track.varint(field::kParentUuid, ProcessTrack);
    track.message(field::kThread, thread);
    w.packet().message(field::kTrackDescriptor, track);
    w.emit();
}

void describeCounter(PacketWriter &w, std::uint64_t uuid, const char *name)
{
    Message counter;
    counter.varint(field::kUnit, kUnitCount);
    Message track;
    track.varint(field::kUuid, uuid);
    track.varint(field::kParentUuid, ProcessTrack);
    track.bytes(field::kTrackName, name);
    track.message(field::kCounter, counter);
    w.packet().message(field::kTrackDescriptor, track);
    w.emit();
}

// The first packet: the sequence's clock (run time 0 is the trace's time 0), interned names and
// its events' defaults; then the tracks every run has.
void beginSequence(PacketWriter &w)
{
    Message interned, entry;
    const auto intern = [&](std::uint32_t list, std::uint64_t iid, const char *name) {
        entry.clear();
        entry.varint(field::kIid, iid);
        entry.bytes(field::kInternedName, name);
        interned.message(list, entry);
    };
    intern(field::kEventNames, SendJob, "Send job");
    intern(field::kEventNames, QueueFull, "Blocked (queue full)");
    intern(field::kEventNames, ResultsFull, "Blocked (results full)");
    intern(field::kAnnotationNames, WaitNs, "wait_ns");
    intern(field::kAnnotationNames, Status, "status");
    Message eventDefaults, defaults;
    eventDefaults.varint(field::kDefaultTrack, ProducerTrack);
    // An event's extra counter values: the jobs in flight, then the queue depth.
    eventDefaults.varint(field::kExtraCounterTracks, InFlightTrack);
    eventDefaults.varint(field::kExtraCounterTracks, DepthTrack);
    defaults.varint(field::kDefaultClock, kIncrementalClock);
    defaults.message(field::kTrackEventDefaults, eventDefaults);
    Message snapshot, clock;
    clock.varint(field::kClockId, kBootTime);
    clock.varint(field::kClockTimestamp, 0);
    snapshot.message(field::kClocks, clock);
    clock.clear();
    clock.varint(field::kClockId, kIncrementalClock);
    clock.varint(field::kClockTimestamp, 0);
    clock.varint(field::kIncremental, 1);
    snapshot.message(field::kClocks, clock);
    snapshot.varint(field::kPrimaryClock, kBootTime);
    Message &p = w.packet();
    p.varint(field::kSequenceFlags, StateCleared);
    p.message(field::kInternedData, interned);
    p.message(field::kDefaults, defaults);
    p.message(field::kClockSnapshot, snapshot);
    w.emit();

    Message process, track;
    process.varint(field::kPid, 1);
    process.bytes(field::kProcessName, "Poolscope run");
    track.varint(field::kUuid, ProcessTrack);
    track.message(field::kProcess, process);
    w.packet().message(field::kTrackDescriptor, track);
    w.emit();
    describeThread(w, ProducerTrack, kProducerTid, QStringLiteral("Producer"));
    describeCounter(w, DepthTrack, "Queue depth");
    describeCounter(w, InFlightTrack, "Jobs in flight");
}

// One pass over the events in time order, a packet or so per event.
class TraceWriter
{
public:
    explicit TraceWriter(PacketWriter &w)
        : m_w(w)
    { }

    void take(const PoolEvent &e)
    {
        // A send's instant waits for its enqueue: sent at once (the same instant), the queue's
        // new depth goes on the send itself.
        if (!m_sends.empty()
            && !(e.kind == EventKind::JobSubmitted
                 || (e.kind == EventKind::JobEnqueued && e.job == m_sends.front().job
                     && e.t == m_sends.front().t)))
            flushSends();
        describe(e);
        switch (e.kind) {
        case EventKind::JobSubmitted:
            m_submittedAt[e.job] = e.t;
            m_sends.push_back({e.job, e.t});
            break;
        case EventKind::JobEnqueued:
            if (!m_sends.empty()) { // the front send, at the same instant
                send(m_sends.front(), e.extra);
                m_sends.pop_front();
            } else {
                counter(e);
            }
            break;
        case EventKind::JobDiscarded:
            counter(e);
            break;
        case EventKind::ProducerBlocked:
            slice(SliceBegin, ProducerTrack);
            m_w.event().varint(field::kNameIid, QueueFull);
            m_w.emit(e.t);
            break;
        case EventKind::ProducerUnblocked:
            slice(SliceEnd, ProducerTrack);
            m_w.emit(e.t);
            break;
        case EventKind::JobStarted:
            started(e);
            break;
        case EventKind::JobFinished:
            finished(e);
            break;
        case EventKind::ResultBlocked:
            m_blocked[e.worker] = true;
            slice(SliceBegin, workerTrack(e.worker));
            m_w.event().varint(field::kNameIid, ResultsFull);
            m_w.emit(e.t);
            break;
        case EventKind::ResultDelivered:
            if (m_blocked[e.worker]) {
                m_blocked[e.worker] = false;
                slice(SliceEnd, workerTrack(e.worker));
                m_w.emit(e.t);
            }
            break;
        case EventKind::ResultCollected:
            m_submittedAt.erase(e.job); // a job cancelled before it started
            break;
        case EventKind::ConfigChanged:
        case EventKind::StopRequested:
        case EventKind::CancelRequested:
            slice(Instant, ProducerTrack);
            m_w.event().bytes(field::kName, referenceLine(e).toStdString());
            m_w.emit(e.t);
            break;
        default:
            break;
        }
    }
    void finish() { flushSends(); }

private:
    struct Send
    {
        std::int64_t job = 0, t = 0;
    };

    // A worker's track, described before its first event (a recording from a feed may not have
    // its worker's start).
    void describe(const PoolEvent &e)
    {
        if (e.worker >= m_described.size()) {
            m_described.resize(e.worker + std::size_t {1});
            m_blocked.resize(e.worker + std::size_t {1});
        }
        const bool onWorker = e.kind == EventKind::WorkerStarted || e.kind == EventKind::JobStarted
            || e.kind == EventKind::JobFinished || e.kind == EventKind::ResultBlocked;
        if (onWorker && e.worker > 0 && !m_described[e.worker]) {
            m_described[e.worker] = true;
            describeThread(m_w, workerTrack(e.worker), e.worker,
                           QStringLiteral("Worker %1").arg(e.worker));
        }
    }
    void slice(Type type, std::uint64_t track)
    {
        m_w.event().varint(field::kType, type);
        if (track != ProducerTrack) // the default
            m_w.event().varint(field::kTrackUuid, track);
    }
    // A send's instant on the producer's track, where its job's flow begins; depth < 0: it did
    // not go into the queue at once.
    void send(const Send &s, std::int64_t depth)
    {
        slice(Instant, ProducerTrack);
        Message &ev = m_w.event();
        ev.varint(field::kNameIid, SendJob);
        ev.fixed64(field::kFlowId, static_cast<std::uint64_t>(s.job));
        if (depth >= 0) {
            ev.sint(field::kExtraCounterValue, m_inFlight);
            ev.sint(field::kExtraCounterValue, depth);
        }
        m_w.emit(s.t);
    }
    void flushSends()
    {
        for (const Send &s : m_sends)
            send(s, -1);
        m_sends.clear();
    }
    void counter(const PoolEvent &e)
    {
        slice(Counter, DepthTrack);
        m_w.event().sint(field::kCounterValue, e.extra);
        m_w.emit(e.t);
    }
    void started(const PoolEvent &e)
    {
        ++m_inFlight;
        slice(SliceBegin, workerTrack(e.worker));
        Message &ev = m_w.event();
        ev.bytes(field::kName, "Job " + std::to_string(e.job));
        if (const auto at = m_submittedAt.find(e.job); at != m_submittedAt.end()) {
            Message &wait = m_w.scratch();
            wait.clear();
            wait.varint(field::kAnnotationNameIid, WaitNs);
            wait.sint(field::kIntValue, e.t - at->second);
            ev.message(field::kDebugAnnotation, wait);
            m_submittedAt.erase(at);
        }
        ev.fixed64(field::kTerminatingFlowId, static_cast<std::uint64_t>(e.job));
        ev.sint(field::kExtraCounterValue, m_inFlight);
        ev.sint(field::kExtraCounterValue, e.extra);
        m_w.emit(e.t);
    }
    void finished(const PoolEvent &e)
    {
        m_inFlight = std::max<std::int64_t>(0, m_inFlight - 1);
        slice(SliceEnd, workerTrack(e.worker));
        if (e.status() != JobStatus::Completed) {
            Message &status = m_w.scratch();
            status.clear();
            status.varint(field::kAnnotationNameIid, Status);
            status.bytes(field::kStringValue, nameOf(e.status()));
            m_w.event().message(field::kDebugAnnotation, status);
        }
        m_w.event().sint(field::kExtraCounterValue, m_inFlight);
        m_w.emit(e.t);
    }

    PacketWriter &m_w;
    std::deque<Send> m_sends; // sent, not yet in the queue, at one instant
    std::unordered_map<std::int64_t, std::int64_t> m_submittedAt; // of jobs not yet started
    std::vector<bool> m_described, m_blocked;
    std::int64_t m_inFlight = 0;
};

} // namespace

QByteArray writePerfettoTrace(const RunRecording &recording)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    writePerfettoTrace(recording, buffer, nullptr);
    return bytes;
}

bool writePerfettoTrace(const RunRecording &recording, QIODevice &device, QString *error,
                        const Progress &progress)
{
    OutputBuffer out(device, progress, recording.events.size());
    PacketWriter packets(out);
    beginSequence(packets);
    TraceWriter trace(packets);
    forEachInTimeOrder(recording.events, out, [&](const PoolEvent &e) { trace.take(e); });
    trace.finish();
    out.at(recording.events.size());
    return out.finish(error);
}

} // namespace engine
