#pragma once

#include "engine/poolevent.h"

#include <QColor>
#include <QPalette>

namespace gui {

// Every colour the views paint with, derived from the palette so light and dark themes both read.
struct Theme
{
    QColor background;
    QColor laneAlternate;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor running; // a job being processed
    QColor completed;
    QColor failed;
    QColor cancelled;
    QColor blocked; // blocked on a full queue (drawn hatched)
    QColor paused;
    QColor marker; // config changes, pause, stop
    QColor depth; // queue depth line
    QColor capacity; // queue capacity line
    QColor inFlight; // busy workers line
    QColor throughput; // cumulative completed line
    QColor selection;
    QColor summarized; // detail older than the history cap, summarized per column
    bool dark = false;

    QColor forStatus(engine::JobStatus status) const
    {
        switch (status) {
        case engine::JobStatus::Completed:
            return completed;
        case engine::JobStatus::Failed:
            return failed;
        case engine::JobStatus::Cancelled:
            return cancelled;
        }
        return completed;
    }

    static Theme fromPalette(const QPalette &palette);
};

} // namespace gui
