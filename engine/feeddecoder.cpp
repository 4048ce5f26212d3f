#include "engine/feeddecoder.h"

#include "engine/echo.h"
#include "engine/flatjson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace engine {

namespace {

constexpr int kMaxWorkerId = 65535;

// A JSON value as an id: an integer keeps its number, anything else is a name.
struct Id
{
    QString key;
    std::int64_t number = -1; // ≥ 0 for an integer id
    bool present = false;
};

Id idOf(const QJsonValue &v)
{
    Id id;
    if (v.isDouble()) {
        const double d = v.toDouble();
        id.present = true;
        if (d >= 0 && d == std::floor(d) && d < 9e15)
            id.number = v.toInteger();
        else // only a number that is not an id's is a name (formatting costs: not for the rest)
            id.key = QString::number(d, 'g', 17);
    } else if (v.isString()) {
        id.present = true;
        id.key = v.toString();
        bool ok = false;
        const qlonglong n = id.key.toLongLong(&ok);
        if (ok && n >= 0)
            id.number = n;
    }
    return id;
}

} // namespace

FeedDecoder::FeedDecoder(Format format)
    : m_format(format)
{ }

std::int64_t FeedDecoder::parseGoDuration(QStringView text)
{
    // Go's Duration.String: "1h2m3.5s", "237ms", "1.5µs", "800ns", "0s".
    static const std::pair<QStringView, double> kUnits[]
        = {{u"ns", 1.0}, {u"us", 1e3}, {u"µs", 1e3}, {u"μs", 1e3},
           {u"ms", 1e6}, {u"s", 1e9},  {u"m", 60e9}, {u"h", 3600e9}};
    text = text.trimmed();
    if (text.isEmpty())
        return -1;
    double total = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        qsizetype j = i;
        while (j < text.size() && (text[j].isDigit() || text[j] == u'.'))
            ++j;
        if (j == i)
            return -1;
        bool ok = false;
        const double value = text.mid(i, j - i).toDouble(&ok);
        if (!ok)
            return -1;
        qsizetype k = j;
        while (k < text.size() && !text[k].isDigit() && text[k] != u'.')
            ++k;
        const QStringView unit = text.mid(j, k - j);
        double scale = -1;
        for (const auto &[name, ns] : kUnits) {
            if (unit == name)
                scale = ns;
        }
        if (scale < 0)
            return -1;
        total += value * scale;
        i = k;
    }
    if (!std::isfinite(total) || total > 9e18)
        return -1;
    return std::llround(total);
}

void FeedDecoder::addLine(QByteArrayView line, std::int64_t arrivalNs)
{
    if (m_finished)
        return;
    ++m_lines;
    while (!line.isEmpty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return;
    if (m_format == Format::Auto) {
        const QByteArrayView first = line.trimmed();
        // Chrome's trace events: a JSON array's first line, or an object with a phase.
        m_format = first.startsWith('[') || (first.startsWith('{') && first.contains("\"ph\""))
            ? Format::Chrome
            : first.startsWith('{') ? Format::Jsonl
                                    : Format::SeedLog;
    }
    if (!m_started) {
        m_started = true;
        record(0, EventKind::RunStarted);
    }
    if (m_format == Format::Jsonl)
        addJsonLine(line, arrivalNs);
    else if (m_format == Format::Chrome)
        addChromeLine(line, arrivalNs);
    else
        addSeedLine(line, arrivalNs);
}

void FeedDecoder::problem(const QString &text)
{
    ++m_problemCount;
    if (static_cast<int>(m_problems.size()) < kKeptProblems)
        m_problems.push_back({m_lines, text});
}

std::int64_t FeedDecoder::timeOf(std::int64_t t)
{
    if (t < m_lastT) {
        problem(QStringLiteral("time goes backwards (%1 ns before the line above); taken as the "
                               "same time")
                    .arg(m_lastT - t));
        return m_lastT;
    }
    m_lastT = t;
    return t;
}

void FeedDecoder::record(std::int64_t t, EventKind kind, std::int64_t job, std::uint16_t worker,
                         std::uint32_t extra, std::int64_t value, std::uint8_t aux)
{
    m_events.push_back({.t = t,
                        .job = job,
                        .value = value,
                        .extra = extra,
                        .worker = worker,
                        .kind = kind,
                        .aux = aux});
}

std::int64_t FeedDecoder::jobId(const QString &key, std::int64_t number)
{
    // Numbered 1, 2, 3… in the order first heard of (the statistics keep jobs by number, so the
    // numbers stay dense whatever the program calls them); a program that numbers its jobs so
    // keeps its numbers.
    // A job's name is kept while it is open: the maps hold what is in flight, not every job a
    // long feed ever had (a line about a job long done is then a job never sent: a problem).
    if (number >= 0) {
        if (const auto it = m_jobNumbers.constFind(number); it != m_jobNumbers.constEnd())
            return *it;
    } else if (const auto it = m_jobNames.constFind(key); it != m_jobNames.constEnd()) {
        return *it;
    }
    const std::int64_t id = ++m_jobCount;
    if (number >= 0)
        m_jobNumbers.insert(number, id);
    else
        m_jobNames.insert(key, id);
    m_nameOf.insert(id, {number, number >= 0 ? QString() : key});
    return id;
}

bool FeedDecoder::knowsJob(const QString &key, std::int64_t number) const
{
    return number >= 0 ? m_jobNumbers.contains(number) : m_jobNames.contains(key);
}

void FeedDecoder::forgetName(std::int64_t job)
{
    const auto it = m_nameOf.constFind(job);
    if (it == m_nameOf.constEnd())
        return;
    if (it->first >= 0)
        m_jobNumbers.remove(it->first);
    else
        m_jobNames.remove(it->second);
    m_nameOf.erase(it);
}

std::uint16_t FeedDecoder::workerId(const QString &key, std::int64_t number)
{
    if (number >= 1 && number <= kMaxWorkerId) {
        m_maxWorker = std::max(m_maxWorker, static_cast<int>(number));
        return static_cast<std::uint16_t>(number);
    }
    if (const auto it = m_workerNames.constFind(key); it != m_workerNames.constEnd())
        return *it;
    // A name (or an id out of range): the next number after the highest seen.
    const auto id = static_cast<std::uint16_t>(std::min(m_maxWorker + 1, kMaxWorkerId));
    m_maxWorker = id;
    m_workerNames.insert(key, id);
    return id;
}

void FeedDecoder::workerStarted(std::int64_t t, std::uint16_t worker)
{
    if (m_liveWorkers.value(worker))
        return;
    m_liveWorkers.insert(worker, true);
    record(t, EventKind::WorkerStarted, 0, worker);
}

void FeedDecoder::finishRunning(std::int64_t t, std::uint16_t worker)
{
    // A worker does one job at a time: when it takes the next or stops, it has handed the last
    // one's result on, though the line that collects it may come later (the reference prints
    // "Worker 2 processing job 5" and "Worker 2 finished" before the "Result" of its job before).
    // (Only the job the worker took last can be running on it: each start finishes the one
    // before. Looked up, not searched for: a deep queue must not make every start slow.)
    const auto running = m_runningOf.constFind(worker);
    if (running == m_runningOf.constEnd())
        return;
    const std::int64_t job = *running;
    m_runningOf.erase(running);
    const auto open = m_open.find(job);
    if (open == m_open.end())
        return;
    Job &j = open.value();
    if (j.worker != worker || j.startedAt < 0 || j.finishedAt >= 0)
        return;
    j.finishedAt = t;
    record(t, EventKind::JobFinished, j.id, worker, 0, t - j.startedAt,
           static_cast<std::uint8_t>(JobStatus::Completed));
    record(t, EventKind::ResultDelivered, j.id, worker);
}

void FeedDecoder::workerStopped(std::int64_t t, std::uint16_t worker)
{
    if (!m_liveWorkers.value(worker)) {
        problem(QStringLiteral("worker %1 stops but was not started").arg(worker));
        return;
    }
    finishRunning(t, worker);
    m_liveWorkers.insert(worker, false);
    record(t, EventKind::WorkerRetired, 0, worker);
}

void FeedDecoder::submit(std::int64_t t, std::int64_t job)
{
    if (m_open.contains(job)) {
        problem(QStringLiteral("job %1 is sent a second time; the first stands").arg(job));
        return;
    }
    m_open.insert(job, Job {.id = job, .queued = true});
    ++m_submitted;
    m_depth = m_lineDepth >= 0 ? m_lineDepth : m_depth + 1;
    record(t, EventKind::JobSubmitted, job);
    record(t, EventKind::JobEnqueued, job, 0, static_cast<std::uint32_t>(m_depth));
}

void FeedDecoder::start(std::int64_t t, std::int64_t job, std::uint16_t worker,
                        std::int64_t plannedNs)
{
    if (!m_open.contains(job))
        submit(t, job); // first heard of when a worker takes it: sent then
    Job &j = m_open[job];
    if (j.startedAt >= 0) {
        problem(QStringLiteral("job %1 starts a second time; the first start stands").arg(job));
        return;
    }
    workerStarted(t, worker);
    finishRunning(t, worker);
    m_runningOf.insert(worker, job);
    j.startedAt = t;
    j.worker = worker;
    j.queued = false;
    m_depth = m_lineDepth >= 0 ? m_lineDepth : std::max(0, m_depth - 1);
    record(t, EventKind::JobStarted, job, worker, static_cast<std::uint32_t>(m_depth),
           std::max<std::int64_t>(plannedNs, 0));
}

void FeedDecoder::end(std::int64_t t, std::int64_t job, std::uint16_t worker, JobStatus status,
                      const QString &error)
{
    const auto open = m_open.constFind(job);
    if (open == m_open.constEnd()) {
        problem(QStringLiteral("a result for job %1, which was never sent or already has one")
                    .arg(job));
        return;
    }
    if (open->startedAt < 0 && status != JobStatus::Cancelled) {
        // Done but never seen starting: counted, and recorded as started when it ended (by a
        // worker of its own when the line names none).
        problem(QStringLiteral("job %1 finishes without a start").arg(job));
        start(t, job, worker != 0 ? worker : workerId(QStringLiteral("?"), -1), 0);
    }
    const Job j = m_open.take(job);
    forgetName(job);
    if (const auto running = m_runningOf.constFind(j.worker);
        running != m_runningOf.constEnd() && *running == job)
        m_runningOf.erase(running);
    const auto aux = static_cast<std::uint8_t>(status);
    if (j.startedAt < 0) { // cancelled on the queue
        m_depth = m_lineDepth >= 0 ? m_lineDepth : std::max(0, m_depth - 1);
        record(t, EventKind::JobDiscarded, job, 0, static_cast<std::uint32_t>(m_depth));
        record(t, EventKind::ResultCollected, job, 0, 0, 0, aux);
        return;
    }
    const std::int64_t processing = (j.finishedAt >= 0 ? j.finishedAt : t) - j.startedAt;
    if (j.finishedAt < 0) {
        record(t, EventKind::JobFinished, job, j.worker, 0, processing, aux);
        record(t, EventKind::ResultDelivered, job, j.worker);
    }
    record(t, EventKind::ResultCollected, job, j.worker, 0, processing, aux);
    if (status == JobStatus::Failed)
        m_failures.push_back({job, error.isEmpty() ? std::string("failed") : error.toStdString()});
}

void FeedDecoder::readHeader(const FlatJson &o)
{
    const QString unit = o.value("unit").toString(QStringLiteral("ms"));
    if (unit == QLatin1String("ns"))
        m_unitNs = 1;
    else if (unit == QLatin1String("us") || unit == QStringLiteral("µs"))
        m_unitNs = 1000;
    else if (unit == QLatin1String("ms"))
        m_unitNs = 1'000'000;
    else
        problem(QStringLiteral("unit '%1' is not ns, us or ms; ms is used").arg(echoed(unit)));
    m_process = o.value("process").toString().left(kMaxNameLength);
    m_host = o.value("host").toString().left(kMaxNameLength);
    if (const int capacity = countField(o, "capacity"); capacity >= 0)
        m_capacity = capacity;
}

int FeedDecoder::countField(const FlatJson &line, const char *key)
{
    const QJsonValue v = line.value(key);
    if (v.isUndefined())
        return -1;
    const double n = v.toDouble(-1);
    if (!(n >= 0 && n <= std::numeric_limits<int>::max()) || n != std::floor(n)) {
        problem(QStringLiteral("\"%1\" is not a count from 0 to %2; it is left out")
                    .arg(QLatin1String(key))
                    .arg(std::numeric_limits<int>::max()));
        return -1;
    }
    return static_cast<int>(n);
}

QString FeedDecoder::sourceName() const
{
    if (m_process.isEmpty() || m_host.isEmpty())
        return echoed(QString(m_process + m_host));
    return QStringLiteral("%1 on %2").arg(echoed(m_process), echoed(m_host));
}

bool FeedDecoder::poolClosed() const
{
    if (!m_open.isEmpty() || m_liveWorkers.isEmpty())
        return false;
    return std::none_of(m_liveWorkers.cbegin(), m_liveWorkers.cend(),
                        [](bool live) { return live; });
}

void FeedDecoder::noteDropped(const QJsonValue &value)
{
    // The sender's running count: the highest seen stands (lines may be reordered by nothing
    // here, but a count that goes down is the sender's mistake, not events found again).
    const double count = value.toDouble(-1);
    if (!(count >= 0 && count < 9e15) || count != std::floor(count)) {
        problem(QStringLiteral("\"dropped\" is not a count"));
        return;
    }
    m_dropped = std::max(m_dropped, static_cast<std::int64_t>(count));
}

std::int64_t FeedDecoder::stampOf(const FlatJson &o, std::int64_t arrivalNs, const char *key)
{
    // A line without a time is stamped on arrival, on the run's clock: once a stamped line has
    // set time 0, that is the arrival less when time 0 arrived.
    std::int64_t t = arrivalNs - m_zeroArrivalNs;
    if (const QJsonValue tv = o.value(key); tv.isDouble()) {
        // Integers exactly (ns since 1970 need 61 bits); fractions of the unit too; within
        // ±4·10¹⁸ ns (126 years either way), so that differences cannot overflow.
        const double raw = tv.toDouble();
        const long double ns = raw == std::floor(raw) && std::abs(raw) < 9e15
            ? static_cast<long double>(tv.toInteger()) * m_unitNs
            : static_cast<long double>(raw) * m_unitNs;
        if (!(std::abs(ns) < 4e18L)) {
            problem(QStringLiteral("\"t\" is out of range; the line's arrival is used"));
        } else {
            const auto stamped = static_cast<std::int64_t>(ns);
            if (!m_haveFirstT) {
                m_firstT = stamped;
                m_haveFirstT = true;
                m_zeroArrivalNs = arrivalNs;
            }
            t = stamped - m_firstT;
        }
    } else if (!tv.isUndefined()) {
        problem(QStringLiteral("\"t\" is not a number; the line's arrival is used"));
    }
    return t;
}

void FeedDecoder::addJsonLine(QByteArrayView line, std::int64_t arrivalNs)
{
    FlatJson &o = m_line;
    if (QString error; !o.parse(line, &error)) {
        problem(QStringLiteral("not a JSON object: %1").arg(error));
        return;
    }
    if (o.contains("feed")) { // the header
        readHeader(o);
        return;
    }
    if (const QJsonValue dropped = o.value("dropped"); !dropped.isUndefined())
        noteDropped(dropped);
    if (const int capacity = countField(o, "capacity"); capacity >= 0)
        m_capacity = capacity;
    // The program's own count of its queue, where it gives one, over Poolscope's count of the
    // jobs sent and not taken (which misses what the program queued without saying).
    m_lineDepth = countField(o, "depth");
    const auto lineDone = qScopeGuard([this] { m_lineDepth = -1; });
    const QString ev = o.value("ev").toString();
    if (ev == QLatin1String("dropped"))
        return; // only the count
    if (ev == QLatin1String("end")) {
        m_endSeen = true; // the sender closed its feed
        return;
    }
    std::int64_t t = stampOf(o, arrivalNs);
    t = timeOf(t);
    const Id job = idOf(o.value("job"));
    const Id worker = idOf(o.value("worker"));
    const bool needsJob = ev != QLatin1String("worker_start") && ev != QLatin1String("worker_stop");
    if (needsJob && !job.present) {
        problem(QStringLiteral("\"%1\" without a \"job\"").arg(ev));
        return;
    }
    const bool needsWorker = ev == QLatin1String("start") || ev == QLatin1String("worker_start")
        || ev == QLatin1String("worker_stop");
    if (needsWorker && !worker.present) {
        problem(QStringLiteral("\"%1\" without a \"worker\"").arg(ev));
        return;
    }
    const bool isResult = ev == QLatin1String("finish") || ev == QLatin1String("result")
        || ev == QLatin1String("fail") || ev == QLatin1String("cancel");
    if (isResult && !knowsJob(job.key, job.number)) {
        // Said in the program's own words: its id, not a number of Poolscope's.
        if (ev != QLatin1String("result")) // a result after its finish is the collector's echo
            problem(QStringLiteral("a result for job %1, which was never sent or already has one")
                        .arg(job.number >= 0 ? QString::number(job.number) : echoed(job.key)));
        return;
    }
    const std::int64_t jobNumber = needsJob ? jobId(job.key, job.number) : 0;
    const std::uint16_t workerNumber = worker.present ? workerId(worker.key, worker.number) : 0;
    const double duration = o.value("duration").toDouble(0);
    if (ev == QLatin1String("submit") || ev == QLatin1String("enqueue")) {
        if (ev == QLatin1String("enqueue") && m_open.contains(jobNumber))
            return; // a submit already put it on the queue
        submit(t, jobNumber);
    } else if (ev == QLatin1String("start")) {
        const double plannedNs = duration * static_cast<double>(m_unitNs);
        if (!(plannedNs >= 0 && plannedNs < 1e18))
            problem(QStringLiteral("\"duration\" is out of range; none is taken"));
        start(t, jobNumber, workerNumber,
              plannedNs >= 0 && plannedNs < 1e18 ? std::llround(plannedNs) : 0);
    } else if (ev == QLatin1String("finish") || ev == QLatin1String("result")) {
        if (ev == QLatin1String("result") && !m_open.contains(jobNumber))
            return; // its finish already recorded the result
        end(t, jobNumber, workerNumber, JobStatus::Completed, {});
    } else if (ev == QLatin1String("fail")) {
        end(t, jobNumber, workerNumber, JobStatus::Failed, o.value("error").toString());
    } else if (ev == QLatin1String("cancel")) {
        end(t, jobNumber, workerNumber, JobStatus::Cancelled, {});
    } else if (ev == QLatin1String("worker_start")) {
        workerStarted(t, workerNumber);
    } else if (ev == QLatin1String("worker_stop")) {
        workerStopped(t, workerNumber);
    } else {
        problem(QStringLiteral("unknown event \"%1\"").arg(echoed(ev)));
    }
}

// A Chrome trace event a line (the JSON array's brackets and commas around them allowed): a
// thread is a worker and its outermost spans are its jobs — "B" to "E", or "X" with its "dur" —
// named by args.job when the tracer gives one; args.error fails a job; an instant named "submit"
// with args.job sends one. Times are in µs, as the format has them. Other events (metadata,
// counters, spans inside a job) are skipped and counted as other lines.
// A complete span is written when it ends, so spans inside a job come before it and were taken
// as jobs: one that encloses its thread's last job is theirs. Else it is the thread's last.
bool FeedDecoder::enclosesLastSpan(std::uint16_t worker, std::int64_t from, std::int64_t to)
{
    if (const auto last = m_lastComplete.constFind(worker);
        last != m_lastComplete.constEnd() && from <= last->first && to >= last->second)
        return true;
    m_lastComplete.insert(worker, {from, to});
    return false;
}

void FeedDecoder::addChromeLine(QByteArrayView line, std::int64_t arrivalNs)
{
    line = line.trimmed();
    if (line.startsWith('['))
        line = line.sliced(1).trimmed();
    while (line.endsWith(',') || line.endsWith(']'))
        line = line.chopped(1).trimmed();
    if (line.isEmpty())
        return;
    FlatJson &o = m_line;
    if (QString error; !o.parse(line, &error)) {
        problem(QStringLiteral("not a JSON object: %1").arg(error));
        return;
    }
    const QString ph = o.value("ph").toString();
    const QJsonValue ts = o.value("ts");
    if (ph.isEmpty() || !ts.isDouble()) {
        ++m_otherLines;
        return;
    }
    m_unitNs = 1000; // Chrome's times are µs
    std::int64_t t = stampOf(o, arrivalNs, "ts");
    const QString thread = o.value("pid").toVariant().toString() + QLatin1Char(':')
        + o.value("tid").toVariant().toString();
    const QJsonObject args = o.value("args").toObject();
    const auto jobOf = [&] {
        const Id named = idOf(args.value(QLatin1String("job")));
        return named.present ? jobId(named.key, named.number)
                             : jobId(QStringLiteral("%1#%2").arg(thread).arg(++m_chromeSpans), -1);
    };
    const auto finishJob = [&](std::int64_t at, std::int64_t job, std::uint16_t worker) {
        const QString error = args.value(QLatin1String("error")).toString();
        end(at, job, worker, error.isEmpty() ? JobStatus::Completed : JobStatus::Failed, error);
    };
    m_lastT = std::max(m_lastT, t); // a span is written when it ends: its start may be earlier
    if ((ph == QLatin1String("i") || ph == QLatin1String("I"))
        && o.value("name").toString() == QLatin1String("submit")
        && args.contains(QLatin1String("job"))) {
        submit(t, jobOf()); // the sending thread is not a worker
        return;
    }
    if (ph != QLatin1String("B") && ph != QLatin1String("E") && ph != QLatin1String("X")) {
        ++m_otherLines;
        return;
    }
    const std::uint16_t worker = workerId(thread, -1);
    std::vector<std::int64_t> &stack = m_chromeStacks[worker];
    if (ph == QLatin1String("B")) {
        stack.push_back(stack.empty() ? jobOf() : 0); // a span inside a job is part of it
        if (stack.back() != 0)
            start(t, stack.back(), worker, 0);
    } else if (ph == QLatin1String("E")) {
        if (stack.empty()) {
            problem(QStringLiteral("an end (\"E\") without its begin on thread %1").arg(thread));
            return;
        }
        const std::int64_t job = stack.back();
        stack.pop_back();
        if (job != 0)
            finishJob(t, job, worker);
    } else if (ph == QLatin1String("X") && stack.empty()) {
        const double dur = o.value("dur").toDouble(-1);
        if (!(dur >= 0 && dur < 1e15)) {
            problem(QStringLiteral("a complete span (\"X\") without a \"dur\""));
            return;
        }
        const std::int64_t until = t + std::llround(dur * 1000);
        if (enclosesLastSpan(worker, t, until)) {
            ++m_otherLines;
            return;
        }
        const std::int64_t job = jobOf();
        start(t, job, worker, 0);
        m_lastT = std::max(m_lastT, until);
        finishJob(until, job, worker);
    } else {
        ++m_otherLines; // an X inside a job's B and E: part of that job
    }
}

void FeedDecoder::addSeedLine(QByteArrayView line, std::int64_t arrivalNs)
{
    static const QRegularExpression sending(QStringLiteral("^Sending job (\\d+) to pool$"));
    static const QRegularExpression started(QStringLiteral("^Worker (\\d+) started$"));
    static const QRegularExpression finished(QStringLiteral("^Worker (\\d+) finished$"));
    static const QRegularExpression processing(
        QStringLiteral("^Worker (\\d+) processing job (\\d+) \\(will take (.+)\\)$"));
    static const QRegularExpression completed(
        QStringLiteral("^Result: Job (\\d+) completed by worker (\\d+) in (.+)$"));
    static const QRegularExpression failed(
        QStringLiteral("^Result: Job (\\d+) failed on worker (\\d+) after ([^:]+)(?:: (.*))?$"));
    static const QRegularExpression cancelled(QStringLiteral("^Result: Job (\\d+) cancelled"));
    const QString text = QString::fromUtf8(line).trimmed();
    const std::int64_t t = timeOf(arrivalNs);
    const auto number = [](const QRegularExpressionMatch &m, int i) {
        return m.captured(i).toLongLong();
    };
    const auto job = [&](const QRegularExpressionMatch &m, int i) {
        return jobId(m.captured(i), number(m, i));
    };
    const auto worker = [&](const QRegularExpressionMatch &m, int i) {
        return workerId(m.captured(i), number(m, i));
    };
    // A result names a job in flight; one for a job never sent (or done) is a problem, and is not
    // given a number of its own.
    const auto resultFor = [&](const QRegularExpressionMatch &m) -> std::int64_t {
        if (knowsJob(m.captured(1), number(m, 1)))
            return job(m, 1);
        problem(QStringLiteral("a result for job %1, which was never sent or already has one")
                    .arg(number(m, 1)));
        return 0;
    };
    // Each of the reference's lines and what it means; the first that matches.
    using Handler = std::function<void(const QRegularExpressionMatch &)>;
    const std::pair<const QRegularExpression *, Handler> lines[] = {
        {&sending,
         [&](const auto &m) {
             submit(t, job(m, 1));
         }},
        {&started,
         [&](const auto &m) {
             workerStarted(t, worker(m, 1));
         }},
        {&finished,
         [&](const auto &m) {
             workerStopped(t, worker(m, 1));
         }},
        {&processing,
         [&](const auto &m) {
             const std::int64_t planned = parseGoDuration(m.capturedView(3));
             if (planned < 0)
                 problem(QStringLiteral("'%1' is not a duration").arg(echoed(m.capturedView(3))));
             start(t, job(m, 2), worker(m, 1), planned);
         }},
        {&completed,
         [&](const auto &m) {
             if (const std::int64_t j = resultFor(m))
                 end(t, j, worker(m, 2), JobStatus::Completed, {});
         }},
        {&failed,
         [&](const auto &m) {
             if (const std::int64_t j = resultFor(m))
                 end(t, j, worker(m, 2), JobStatus::Failed, m.captured(4));
         }},
        {&cancelled,
         [&](const auto &m) {
             if (const std::int64_t j = resultFor(m))
                 end(t, j, 0, JobStatus::Cancelled, {});
         }},
    };
    for (const auto &[pattern, handle] : lines) {
        if (const QRegularExpressionMatch m = pattern->match(text); m.hasMatch()) {
            handle(m);
            return;
        }
    }
    ++m_otherLines; // the program's other output
}

void FeedDecoder::finish(std::int64_t atNs)
{
    if (m_finished)
        return;
    const std::int64_t t = std::max(atNs, m_lastT);
    m_lastT = t;
    if (!m_started) {
        m_started = true;
        record(0, EventKind::RunStarted);
    }
    // Every job still open gets its one result: it was cut off.
    std::vector<std::int64_t> open;
    for (auto it = m_open.cbegin(); it != m_open.cend(); ++it)
        open.push_back(it.key());
    std::sort(open.begin(), open.end());
    for (const std::int64_t job : open)
        end(t, job, 0, JobStatus::Cancelled, {});
    std::vector<std::uint16_t> live;
    for (auto it = m_liveWorkers.cbegin(); it != m_liveWorkers.cend(); ++it) {
        if (it.value())
            live.push_back(it.key());
    }
    std::sort(live.begin(), live.end());
    for (const std::uint16_t worker : live)
        workerStopped(t, worker);
    record(t, EventKind::ProducerDone);
    record(t, EventKind::RunFinished);
    m_finished = true;
}

std::vector<PoolEvent> FeedDecoder::takeEvents()
{
    return std::exchange(m_events, {});
}

std::vector<FailureMessage> FeedDecoder::takeFailures()
{
    return std::exchange(m_failures, {});
}

} // namespace engine
