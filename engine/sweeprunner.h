#pragma once

#include "engine/runrecording.h"
#include "engine/runstats.h"
#include "engine/sweepspec.h"
#include "engine/workerpool.h"

#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

namespace engine {

// Runs a sweep: one normal run per point, one after another, each with the same seed (so the
// points differ only by the knob swept), and keeps each point's statistics. Lives on the thread
// that owns it; the runs' events are drained from it every few milliseconds.
class SweepRunner : public QObject
{
    Q_OBJECT

public:
    struct Point
    {
        double value = 0;
        PoolConfig config; // with the seed the point ran with
        RunStats stats;
        bool cancelled = false; // the sweep was cancelled while this point ran
        QString runFile; // its run file, when a directory for them was given and it was written
        QString runFileError; // why it was not written, if it was not
    };

    explicit SweepRunner(QObject *parent = nullptr);
    ~SweepRunner() override;

    // Starts the first point; false (with the problem in *error) on an invalid point or while a
    // sweep is still going. A base seed of 0 picks one seed for every point.
    bool start(const PoolConfig &base, const SweepSpec &spec, QString *error = nullptr);
    // Writes each point's run file (sweep-01.psrun, …) into `directory` as the point ends, so
    // that a point can be opened as the run it was; empty (the default): keeps none. Holds one
    // point's events at a time.
    void setRunFileDirectory(const QString &directory) { m_runFileDirectory = directory; }

    // Cancels the point that runs (its jobs end Cancelled and it is kept, marked) and starts no
    // other. Finished() follows once that point has ended.
    void cancel();
    bool isRunning() const { return m_running; }
    bool wasCancelled() const { return m_cancelled; }

    const SweepSpec &spec() const { return m_spec; }
    // The points run so far, the one running last (its statistics growing).
    const std::vector<Point> &points() const { return m_points; }

Q_SIGNALS:
    void pointStarted(int index);
    void pointFinished(int index);
    void finished();

private:
    void startPoint(std::size_t index);
    void drain();
    void pointEnded();
    void writeRunFile(Point &point, std::size_t index);

    SweepSpec m_spec;
    PoolConfig m_base;
    std::vector<Point> m_points;
    std::unique_ptr<WorkerPool> m_pool;
    QTimer m_drain;
    QString m_runFileDirectory;
    RunRecording m_recording; // of the point that runs, when run files are kept
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace engine
