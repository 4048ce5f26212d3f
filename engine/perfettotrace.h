#pragma once

#include "engine/runrecording.h"

#include <QByteArray>
#include <QString>

class QIODevice;

namespace engine {

// Perfetto's own trace format: protobuf TracePacket messages, as ui.perfetto.dev and
// trace_processor load fastest. Written directly in the protobuf wire format (the few messages it
// needs take a page of code; libprotobuf and Perfetto's .proto files would be a dependency for
// that page). About a tenth of the Chrome JSON of the same run:
//   - a process "Poolscope run"; a thread track for the producer and one per worker;
//   - a slice per job on its worker's track ("Job N", with its job id and wait in ms, and its
//     status when it did not complete), a slice for each stretch a worker or the producer was
//     blocked, an instant per send on the producer's track with a flow arrow to the job's slice;
//   - counter tracks for the queue depth and the jobs in flight, their values carried on the
//     jobs' own slice events (extra counter values) or, for an enqueue, as a counter event;
//   - config changes, Stop and Cancel as instants on the producer's track.
// Names are interned and the event defaults set once (incremental state on one sequence).
// Timestamps are ns since the run started. It is an export only: Poolscope replays a run file
// or its own Chrome trace.
QByteArray writePerfettoTrace(const RunRecording &recording);
bool writePerfettoTrace(const RunRecording &recording, QIODevice &out, QString *error,
                        const Progress &progress = {});

} // namespace engine
