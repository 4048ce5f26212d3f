#pragma once

#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/poolstate.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

class QIODevice;

namespace engine {

// A finished (or interrupted) run, as a file keeps it: the config, the seed, every event and the
// failure messages. Everything downstream of the event log reads a recording like a live run.
struct RunRecording
{
    PoolConfig config;
    std::uint64_t seed = 0;
    std::vector<PoolEvent> events;
    std::vector<FailureMessage> failures;
};

// The run file format, version 1 (all integers little-endian):
//   magic    8 bytes  "PSRUN\r\n\x1a"
//   version  u32      1
//   header   u32 length, then that many bytes of UTF-8 JSON:
//            {"poolscope": "<version>", "config": {...}, "seed": "<decimal>"}
//   events   u64 count, then count × 32 bytes, each
//            t i64 · job i64 · value i64 · extra u32 · worker u16 · kind u8 · aux u8
//   trailer  u32 length, then UTF-8 JSON {"failures": [[job, "message"], ...]}
// Readers reject anything else with a message saying what is wrong; nothing is trusted before it
// is checked (lengths against the file size, kinds and statuses against their ranges).
namespace runfile {
inline constexpr char kMagic[8] = {'P', 'S', 'R', 'U', 'N', '\r', '\n', '\x1a'};
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::uint32_t kMaxJsonBytes = 64u * 1024 * 1024;
} // namespace runfile

// Hears how far a long read or write is, every few MB: the work done and the whole, in the
// reader's or writer's own units. Returning false cancels it: the reader or writer stops and fails
// with the error "cancelled". Called on the reading or writing thread.
using Progress = std::function<bool(std::uint64_t done, std::uint64_t total)>;

// Events in the run file's 32-byte little-endian layout, and back (checked as readRunFile does).
QByteArray encodeEvents(std::span<const PoolEvent> events);
bool decodeEvents(const QByteArray &bytes, std::vector<PoolEvent> *events, QString *error);

// Each writer streams to a device (a few MB held, whatever the run's size; false with *error,
// if given, the device's error, when a write fails), or returns the bytes.
QByteArray writeRunFile(const RunRecording &recording);
bool writeRunFile(const RunRecording &recording, QIODevice &out, QString *error,
                  const Progress &progress = {});
// The recording, or std::nullopt with *error saying what is wrong with the bytes. Readers stream
// from their device too: beside the recording they make, they hold a few MB.
std::optional<RunRecording> readRunFile(const QByteArray &bytes, QString *error);
std::optional<RunRecording> readRunFile(QIODevice &in, QString *error,
                                        const Progress &progress = {});

// Chrome Trace Event JSON (opens in Perfetto and chrome://tracing): a thread per worker with a
// complete event per job, the producer's sends and blocked stretches, queue depth and jobs in
// flight as counters, flow arrows from enqueue to start, config changes as instant events, and the
// run's config, seed and version in otherData. otherData also carries the exact event stream, so
// Poolscope can replay its own export.
QByteArray writeChromeTrace(const RunRecording &recording);
bool writeChromeTrace(const RunRecording &recording, QIODevice &out, QString *error,
                      const Progress &progress = {});
// Reads the run back from otherData; the trace events themselves are skipped, not parsed.
std::optional<RunRecording> readChromeTrace(const QByteArray &bytes, QString *error);
std::optional<RunRecording> readChromeTrace(QIODevice &in, QString *error,
                                            const Progress &progress = {});

// One row per job that has a result, in completion order, with a header.
QByteArray writeResultsCsv(const RunRecording &recording);
bool writeResultsCsv(const RunRecording &recording, QIODevice &out, QString *error,
                     const Progress &progress = {});
inline constexpr const char *kCsvHeader
    = "job,worker,status,submitted_ms,enqueued_ms,started_ms,finished_ms,collected_ms,wait_ms,"
      "processing_ms,latency_ms";

// Whichever format the bytes are in (run file or Chrome trace); *error names the problem.
std::optional<RunRecording> readRecording(const QByteArray &bytes, QString *error);
std::optional<RunRecording> readRecording(QIODevice &in, QString *error,
                                          const Progress &progress = {});

} // namespace engine
