#pragma once

#include "engine/runrecording.h"

#include <QString>
#include <functional>

class QWidget;

// A long read or write (an export, opening a large run) on a thread of its own, while the window
// keeps drawing. A progress dialog over `parent` shows once it has taken longer than
// `showAfterMs`; its Cancel tells the task to stop at its next progress report. The call returns
// when the task has ended and its thread is joined.
struct LongTaskOutcome
{
    enum Kind { Done, Cancelled, Failed };
    Kind kind = Done;
    QString error; // Failed: what the task said
};

using LongTask = std::function<bool(const engine::Progress &progress, QString *error)>;

// Cancelled whenever the user pressed Cancel, even if the task had just finished: the caller
// then keeps nothing of it (an export is not committed, a run not opened).
LongTaskOutcome runLongTask(QWidget *parent, const QString &label, int showAfterMs,
                            const LongTask &task);
