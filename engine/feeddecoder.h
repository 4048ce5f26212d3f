#pragma once

#include "engine/flatjson.h"
#include "engine/poolevent.h"
#include "engine/runrecording.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <vector>

namespace engine {

// Turns another program's account of its pool, a line at a time, into the events Poolscope's own
// engine records, so that every view, the statistics, the theory and the exports work on it
// unchanged. Two formats (docs/feed-protocol.md):
// - jsonl: one JSON object a line, {"t": …, "ev": "submit" | "enqueue" | "start" | "finish" |
//   "fail" | "cancel" | "result" | "worker_start" | "worker_stop", "job": …, "worker": …}, after
//   an optional header line {"feed": "poolscope", "unit": "ns" | "us" | "ms"};
// - seed-log: the reference program's own lines ("Sending job 3 to pool", "Worker 2 processing
//   job 3 (will take 237ms)", "Result: Job 3 completed by worker 2 in 237ms", …), stamped on
//   arrival.
// Auto picks one from the first line that is not blank ('{' starts JSON Lines).
//
// Whatever comes in, the accounting holds: a job first seen when a worker starts it is submitted
// then; a result for a job never started is counted as a problem and still recorded; finish()
// ends every job still open with a Cancelled result. Ill-formed lines, unknown events and time
// going backwards are counted (the first few kept with their line numbers), never fatal.
class FeedDecoder
{
public:
    enum class Format : std::uint8_t { Auto, Jsonl, SeedLog, Chrome };
    static constexpr int kKeptProblems = 10;

    struct Problem
    {
        std::int64_t line = 0; // 1-based
        QString text;
    };

    explicit FeedDecoder(Format format = Format::Auto);

    // A line without its end-of-line, and when it arrived (ns since the feed began): the time of
    // a line that carries none.
    void addLine(QByteArrayView line, std::int64_t arrivalNs);
    // The feed has ended at `atNs`: open jobs end Cancelled, live workers retire, the run ends.
    void finish(std::int64_t atNs);
    // A problem of the feed's source rather than of a line (a followed file cut short), counted
    // and shown with the others at the line count so far.
    void sourceProblem(const QString &text) { problem(text); }
    bool finished() const { return m_finished; }
    // The feed says it is over: a JSON Lines {"ev": "end"} line, or (either format) every worker
    // it saw has stopped and every job has its result, as when the reference program's pool has
    // closed. A file followed as it grows ends there; a stream ends at its own end regardless.
    bool ended() const { return m_endSeen || poolClosed(); }
    bool poolClosed() const;

    std::vector<PoolEvent> takeEvents();
    // The events decoded since the last clear, for a reader that copies them on and then
    // clears them: the buffer keeps its memory from turn to turn (a fresh one each turn costs
    // page faults in the millions at a million events a second).
    const std::vector<PoolEvent> &pendingEvents() const { return m_events; }
    void clearEvents() { m_events.clear(); }
    std::vector<FailureMessage> takeFailures();

    Format format() const { return m_format; }
    std::int64_t lines() const { return m_lines; }
    std::int64_t problemCount() const { return m_problemCount; }
    const std::vector<Problem> &firstProblems() const { return m_problems; }
    // Lines of a seed-log feed that are not the pool's (a program's other output): skipped.
    std::int64_t otherLines() const { return m_otherLines; }
    int workers() const { return m_maxWorker; } // the highest worker id seen
    std::int64_t jobsSubmitted() const { return m_submitted; }
    std::int64_t lastT() const { return m_lastT; }
    // When (on the arrival clock) the feed's time 0 arrived: a stamped feed's run clock is the
    // arrival clock less this, so a live view's edge is arrival − zeroArrivalNs().
    std::int64_t zeroArrivalNs() const { return m_zeroArrivalNs; }
    // Events the sender dropped because it could not write them fast enough, as it last said
    // ("dropped" on any line of a JSON Lines feed).
    std::int64_t droppedEvents() const { return m_dropped; }
    // The pool's queue capacity as the sender last said ("capacity" on its header or any line of
    // a JSON Lines feed; 0: an unbuffered hand-off), or -1 when it has not said.
    int queueCapacity() const { return m_capacity; }
    // What the sender calls itself in its header line ("process", "host"); empty when unsaid.
    const QString &process() const { return m_process; }
    const QString &host() const { return m_host; }
    static constexpr qsizetype kMaxNameLength = 64;
    // "process on host", either alone, or empty: how the views name this sender.
    QString sourceName() const;

    // "1.5s", "237ms", "500µs", "1m30s": a Go duration as the reference prints it; −1 if not one.
    static std::int64_t parseGoDuration(QStringView text);

private:
    struct Job
    {
        std::int64_t id = 0;
        std::int64_t startedAt = -1;
        std::int64_t finishedAt = -1; // done by its worker, its result not yet collected
        std::uint16_t worker = 0;
        bool queued = false;
    };

    void addJsonLine(QByteArrayView line, std::int64_t arrivalNs);
    void readHeader(const FlatJson &header);
    void noteDropped(const QJsonValue &value);
    // A line's "capacity" or "depth": a count from 0 to 2^31 - 1, or -1 (a problem when it is
    // there and not such a count).
    int countField(const FlatJson &line, const char *key);
    // A line's time in ns from the first stamped time, or its arrival when it has none.
    std::int64_t stampOf(const FlatJson &line, std::int64_t arrivalNs, const char *key = "t");
    void addSeedLine(QByteArrayView line, std::int64_t arrivalNs);
    void addChromeLine(QByteArrayView line, std::int64_t arrivalNs);
    bool enclosesLastSpan(std::uint16_t worker, std::int64_t from, std::int64_t to);
    void problem(const QString &text);
    std::int64_t timeOf(std::int64_t t);
    std::int64_t jobId(const QString &key, std::int64_t number);
    void forgetName(std::int64_t job);
    bool knowsJob(const QString &key, std::int64_t number) const; // open, by the program's id
    std::uint16_t workerId(const QString &key, std::int64_t number);
    void record(std::int64_t t, EventKind kind, std::int64_t job = 0, std::uint16_t worker = 0,
                std::uint32_t extra = 0, std::int64_t value = 0, std::uint8_t aux = 0);

    void submit(std::int64_t t, std::int64_t job);
    void start(std::int64_t t, std::int64_t job, std::uint16_t worker, std::int64_t plannedNs);
    void end(std::int64_t t, std::int64_t job, std::uint16_t worker, JobStatus status,
             const QString &error);
    void workerStarted(std::int64_t t, std::uint16_t worker);
    void finishRunning(std::int64_t t, std::uint16_t worker);
    void workerStopped(std::int64_t t, std::uint16_t worker);

    Format m_format;
    bool m_finished = false;
    bool m_endSeen = false;
    bool m_started = false; // RunStarted sent
    std::int64_t m_lines = 0;
    std::int64_t m_otherLines = 0;
    std::int64_t m_problemCount = 0;
    std::vector<Problem> m_problems;
    std::int64_t m_unitNs = 1'000'000; // jsonl: of "t" and "duration"; ms unless the header says
    std::int64_t m_firstT = 0; // jsonl: the first stamped time, run time 0
    bool m_haveFirstT = false;
    std::int64_t m_zeroArrivalNs = 0;
    std::int64_t m_lastT = 0;
    std::int64_t m_submitted = 0;
    std::int64_t m_dropped = 0;
    QString m_process;
    QString m_host;
    int m_depth = 0;
    int m_lineDepth = -1; // the "depth" the line being read gives, if any: it sets m_depth
    int m_capacity = -1;
    int m_maxWorker = 0;
    std::int64_t m_jobCount = 0; // job numbers given out
    QHash<std::int64_t, Job> m_open; // jobs without their result yet
    QHash<QString, std::int64_t> m_jobNames; // open jobs' names → their numbers
    QHash<std::int64_t, std::int64_t> m_jobNumbers; // open jobs' integer ids → their numbers
    QHash<std::int64_t, std::pair<std::int64_t, QString>> m_nameOf; // number → id it came as
    QHash<QString, std::uint16_t> m_workerNames;
    QHash<std::uint16_t, bool> m_liveWorkers;
    QHash<std::uint16_t, std::int64_t> m_runningOf; // the job each worker took last, while open
    // Chrome: open "B" spans by thread (0: one inside a job), and each thread's last "X" job.
    QHash<std::uint16_t, std::vector<std::int64_t>> m_chromeStacks;
    QHash<std::uint16_t, std::pair<std::int64_t, std::int64_t>> m_lastComplete; // start, end
    std::int64_t m_chromeSpans = 0; // spans numbered when the tracer names no job
    FlatJson m_line; // the line being read (its fields' storage kept from line to line)
    std::vector<PoolEvent> m_events;
    std::vector<FailureMessage> m_failures;
};

} // namespace engine
