#include "engine/referencelog.h"

#include "engine/durationformat.h"

namespace engine {

QString referenceLine(const PoolEvent &e, const QString &failure)
{
    switch (e.kind) {
    case EventKind::WorkerStarted:
        return QStringLiteral("Worker %1 started").arg(e.worker);
    case EventKind::WorkerRetired:
        return QStringLiteral("Worker %1 finished").arg(e.worker);
    case EventKind::JobSubmitted:
        return QStringLiteral("Sending job %1 to pool").arg(e.job);
    case EventKind::JobStarted:
        return QStringLiteral("Worker %1 processing job %2 (will take %3)")
            .arg(QString::number(e.worker), QString::number(e.job), displayDuration(e.value));
    case EventKind::ResultCollected:
        switch (e.status()) {
        case JobStatus::Completed:
            return QStringLiteral("Result: Job %1 completed by worker %2 in %3")
                .arg(QString::number(e.job), QString::number(e.worker), displayDuration(e.value));
        case JobStatus::Failed:
            return QStringLiteral("Result: Job %1 failed on worker %2 after %3%4")
                .arg(QString::number(e.job), QString::number(e.worker), displayDuration(e.value),
                     failure.isEmpty() ? QString() : QLatin1String(": ") + failure);
        case JobStatus::Cancelled:
            if (e.worker == 0)
                return QStringLiteral("Result: Job %1 cancelled before it started").arg(e.job);
            return QStringLiteral("Result: Job %1 cancelled on worker %2 after %3")
                .arg(QString::number(e.job), QString::number(e.worker), displayDuration(e.value));
        }
        break;
    case EventKind::ConfigChanged:
        switch (e.setting()) {
        case LiveSetting::Workers:
            return QStringLiteral("Pool resized to %1 workers").arg(e.settingValue());
        case LiveSetting::Speed:
            return QStringLiteral("Speed set to %1×").arg(e.settingValue());
        case LiveSetting::IntervalMs:
            return QStringLiteral("Producer interval set to %1ms").arg(e.settingValue());
        case LiveSetting::Paused:
            return e.settingValue() != 0.0 ? QStringLiteral("Paused") : QStringLiteral("Resumed");
        }
        break;
    case EventKind::StopRequested:
        return QStringLiteral("Stop requested: no new jobs, draining the queue");
    case EventKind::CancelRequested:
        return QStringLiteral("Cancel requested: queued jobs are cancelled");
    default:
        break;
    }
    return {};
}

} // namespace engine
