// libFuzzer target: the feed decoder, in each format. Whatever the lines, decoding never fails,
// and once the feed ends every job sent has exactly one result and every worker started stopped.

#include "engine/feeddecoder.h"
#include "engine/runstats.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void decode(engine::FeedDecoder::Format format, const QByteArray &bytes)
{
    engine::FeedDecoder feed(format);
    std::int64_t arrival = 0;
    for (const QByteArray &line : bytes.split('\n')) {
        feed.addLine(line, arrival);
        arrival += 1000;
    }
    feed.finish(arrival);
    const std::vector<engine::PoolEvent> events = feed.takeEvents();
    engine::RunStats stats;
    stats.ingest(events);
    std::int64_t started = 0, stopped = 0;
    for (const engine::PoolEvent &e : events) {
        started += e.kind == engine::EventKind::WorkerStarted;
        stopped += e.kind == engine::EventKind::WorkerRetired;
    }
    if (stats.results() != stats.submitted() || started != stopped
        || stats.submitted() != feed.jobsSubmitted()
        || static_cast<int>(feed.firstProblems().size()) > engine::FeedDecoder::kKeptProblems)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data),
                                                     static_cast<qsizetype>(size));
    decode(engine::FeedDecoder::Format::Auto, bytes);
    decode(engine::FeedDecoder::Format::Jsonl, bytes);
    decode(engine::FeedDecoder::Format::SeedLog, bytes);
    decode(engine::FeedDecoder::Format::Chrome, bytes);
    return 0;
}
