#include "ui/longtask.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QProgressDialog>
#include <QTimer>
#include <atomic>
#include <thread>

LongTaskOutcome runLongTask(QWidget *parent, const QString &label, int showAfterMs,
                            const LongTask &task)
{
    // The task's thread and this one share only atomics (and the outcome, read after the join).
    std::atomic<std::uint64_t> done {0}, total {0};
    std::atomic<bool> stop {false}, finished {false};
    bool ok = false;
    QString error;
    const engine::Progress progress = [&](std::uint64_t d, std::uint64_t t) {
        done.store(d, std::memory_order_relaxed);
        total.store(t, std::memory_order_relaxed);
        return !stop.load(std::memory_order_relaxed);
    };
    std::thread worker([&] {
        ok = task(progress, &error);
        finished.store(true, std::memory_order_release);
    });

    constexpr int kSteps = 1000;
    QProgressDialog dialog(label, QCoreApplication::translate("LongTask", "Cancel"), 0, kSteps,
                           parent);
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(showAfterMs);
    dialog.setAutoReset(false);
    dialog.setAutoClose(false);
    bool cancelled = false;
    QObject::connect(&dialog, &QProgressDialog::canceled, &dialog, [&] {
        cancelled = true;
        stop.store(true, std::memory_order_relaxed);
    });
    // The loop ends on a tick that finds the task finished, never sooner: whatever was asked of
    // the window before (a Cancel already on its way) is handled first.
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(20);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (finished.load(std::memory_order_acquire)) {
            loop.quit();
            return;
        }
        if (const std::uint64_t all = total.load(std::memory_order_relaxed); all > 0)
            dialog.setValue(
                static_cast<int>(kSteps * static_cast<double>(done.load(std::memory_order_relaxed))
                                 / static_cast<double>(all)));
    });
    tick.start();
    if (showAfterMs <= 0)
        dialog.show();
    dialog.setValue(0); // the dialog's clock for showAfterMs starts here
    loop.exec();
    worker.join();
    const bool wasCancelled = cancelled || dialog.wasCanceled(); // before close(): it cancels
    dialog.close();
    if (wasCancelled)
        return {LongTaskOutcome::Cancelled, {}};
    if (!ok)
        return {LongTaskOutcome::Failed, error};
    return {LongTaskOutcome::Done, {}};
}
