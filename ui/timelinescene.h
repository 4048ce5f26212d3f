#pragma once

#include "ui/runmodel.h"
#include "ui/timecoords.h"

#include <QRect>
#include <QRectF>
#include <QVector>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace gui {

// What the timeline shows for one time range at one pixel width, worked out from RunModel without
// a QPainter: which job bars are in view and how those under two pixels merge, blocked, paused and
// not-live stretches, the producer's sends as tick columns, and how busy the summarized history
// was per pixel column. It knows the history's shortcuts (key searches, span-block summaries); the
// view only fills what it is handed.
class TimelineScene
{
public:
    // Bar batches: one per job status (JobStatus order), then the running jobs.
    static constexpr int kRunningBatch = engine::kJobStatusCount;
    static constexpr int kBatches = engine::kJobStatusCount + 1;

    // A lane's band: rows [top, top + height).
    struct Band
    {
        int top = 0;
        int height = 0;
    };

    // Bars at least this wide (in whole pixels) leave their first pixel column empty, so that jobs
    // back to back stay apart; narrower ones merge into dense runs.
    static constexpr int kGapFrom = 2;
    // A dense run is cut into pieces about this wide, each as tall as its stretch was busy.
    static constexpr double kDensePiecePx = 6.0;

    struct LaneBars
    {
        std::array<QVector<QRectF>, kBatches> bars; // by batch, on whole pixels
        // Runs of bars under kGapFrom pixels, bottom-aligned, as tall as the share of the piece's
        // time the lane was busy (drawn in the completed colour).
        QVector<QRectF> dense;
        QVector<QRectF> blocked; // a worker blocked on a full results queue
        QVector<QRectF> notLive; // where the lane had no worker, while the run goes on
        std::vector<std::pair<QRectF, std::int64_t>> labels; // job ids where they fit
        QRectF selected; // the selected job's outline, or null
    };

    struct ProducerRow
    {
        QVector<QRectF> blocked;
        QVector<QRectF> paused;
        QVector<QRect> ticks; // sends: neighbouring columns joined
    };

    // The summarized history over pixel columns [xFrom, xTo): per column, the fraction of it that a
    // summary series covers. Not active when nothing before the range's end is summarized.
    class SummaryShares
    {
    public:
        bool active = false;
        int xFrom = 0;
        int xTo = 0;
        // Fraction of pixel column x covered by field in columns (a lane's or the producer's).
        double fraction(const std::vector<SummaryColumn> &columns, int x,
                        float SummaryColumn::*field) const;

    private:
        friend class TimelineScene;
        struct Share
        {
            int column;
            float weight; // per ns of the pixel column
        };
        std::vector<Share> m_shares;
        std::vector<int> m_sharesFrom; // by x − xFrom, into m_shares; one more at the end
    };

    // left: the x of the range's start; width: the plot's width in pixels (> 0).
    TimelineScene(const RunModel &model, coords::Range range, double width, int left);

    double xOf(std::int64_t t) const
    {
        return m_left + coords::xForTime(t, m_r.start, m_r.end, m_w);
    }
    std::int64_t timeAtX(int x) const
    {
        return coords::timeForX(x - m_left, m_r.start, m_r.end, m_w);
    }

    // The bars of a worker lane in band. Bars of at least labelWidth get their job id when the
    // band is at least labelHeight tall; the selected job is never merged away.
    LaneBars laneBars(const Lane &lane, Band band, std::int64_t selected, double labelWidth,
                      int labelHeight) const;
    ProducerRow producer(Band band) const;
    // Pixel columns up to maxX that hold summarized history.
    SummaryShares summaryShares(int maxX) const;

private:
    // A dense run being gathered: its extent and the busy time inside it.
    struct DenseRun
    {
        QRectF box;
        std::int64_t busyNs = 0;
        double top = 0; // of a full piece
        double height = 0;
        bool empty() const { return box.isNull(); }
        bool keepsHeight(const SpanBlock &b, double nsPerPixel) const;
    };
    QVector<QRectF> notLive(const Lane &lane, Band g) const;
    void finishDense(DenseRun &dense, QVector<QRectF> &pieces) const;
    double nsPerPixel() const { return static_cast<double>(m_r.length()) / std::max(1.0, m_w); }
    static std::size_t index(const Lane &lane, History<Span>::const_iterator it)
    {
        return static_cast<std::size_t>(it - lane.spans.begin());
    }
    const SpanBlock *wholeBlockAt(const Lane &lane, std::size_t at, std::int64_t selected,
                                  std::size_t *end) const;
    bool continuesEvenly(const Lane &lane, History<Span>::const_iterator it, const DenseRun &dense,
                         std::int64_t selected) const;
    void mergeDense(const Lane &lane, History<Span>::const_iterator &it, double x1, DenseRun &dense,
                    std::int64_t selected, std::int64_t selectedStart) const;
    std::int64_t skippedBusy(const Lane &lane, std::size_t from, std::size_t to) const;

    const RunModel &m_model;
    coords::Range m_r;
    double m_w;
    int m_left;
    std::int64_t m_now;
};

// The pixel columns (from `left`, `width` wide for the range) that hold a send time, each once,
// in order: where the producer row draws its ticks.
std::vector<int> sendTickColumns(const History<SendRun> &sends, coords::Range range, double width,
                                 int left);

// The producer's spans that may show in the range: [first, stop) of them, a few of which may
// still end before it. Blocked stretches follow one another, and so do pauses; no blocked stretch
// starts during a pause (the producer sends nothing then), so only pauses start inside a blocked
// stretch. Found by key searches and a step back over the pauses before the range, not by
// visiting every span.
std::pair<std::size_t, std::size_t> producerSpansIn(const History<Span> &spans,
                                                    coords::Range range);

// The first span of a lane that may be visible at or after t.
History<Span>::const_iterator firstVisibleSpan(const History<Span> &spans, std::int64_t t);

} // namespace gui
