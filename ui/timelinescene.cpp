#include "ui/timelinescene.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gui {

using engine::JobStatus;

History<Span>::const_iterator firstVisibleSpan(const History<Span> &spans, std::int64_t t)
{
    // Spans of a lane are in time order and do not overlap, so both their starts and their ends
    // ascend: the one before the first to start at or after t, if it is still open or ends at or
    // after t, else that first one.
    const std::size_t i = spans.gallopKey(0, spans.size(), t);
    const bool previousReaches = i > 0 && (spans[i - 1].end < 0 || spans[i - 1].end >= t);
    return spans.begin() + static_cast<std::ptrdiff_t>(previousReaches ? i - 1 : i);
}

// One tick per pixel column that holds a send. `at` is a send in a column after x's, and every send
// between x's column and it is in at's column. Where sends are dense, the history's table of its
// chunks' first times tells that the next column has one without reading a send; elsewhere the
// send's own time does.
std::vector<int> sendTickColumns(const History<SendRun> &sends, coords::Range r, double width,
                                 int left)
{
    auto xOf = [&](std::int64_t t) {
        return left + coords::xForTime(t, r.start, r.end, width);
    };
    auto timeAtX = [&](int x) {
        return coords::timeForX(x - left, r.start, r.end, width);
    };
    // Column x holds [timeAtX(x), timeAtX(x + 1)): x from the time, mended where rounding put
    // it a column off.
    auto columnOf = [&](std::int64_t t) {
        auto x = static_cast<int>(xOf(t));
        while (t >= timeAtX(x + 1))
            ++x;
        while (t < timeAtX(x))
            --x;
        return x;
    };
    std::vector<int> columns;
    if (r.end <= r.start || width <= 0)
        return columns;
    std::size_t at = sends.gallopKey(0, sends.size(), r.start);
    int x = std::numeric_limits<int>::min();
    const int lastX = static_cast<int>(xOf(r.end));
    while (at < sends.size()) {
        if (x >= left && x < lastX) {
            // Sends [at, lo) are in column x + 1, [lo, hi) in x + 1 or x + 2, and hi in x + 2.
            const auto [lo, hi] = sends.keyBounds(at, sends.size(), timeAtX(x + 2));
            if (lo > at && hi < sends.size() && sends.key(hi) < timeAtX(x + 3)) {
                columns.push_back(++x);
                at = hi;
                continue;
            }
        }
        const std::int64_t t = sends.key(at);
        if (t > r.end)
            break;
        x = columnOf(t);
        columns.push_back(x);
        // Jump to the first send of the next column.
        at = sends.gallopKey(at + 1, sends.size(), timeAtX(x + 1));
    }
    return columns;
}

std::pair<std::size_t, std::size_t> producerSpansIn(const History<Span> &spans, coords::Range r)
{
    const std::size_t i = spans.gallopKey(0, spans.size(), r.start);
    // Of the spans starting before the range, those that may reach into it: the last blocked one
    // and the pauses after it (an earlier span of either kind ends before that blocked one
    // starts, or the blocked one would have started during a pause).
    std::size_t first = i;
    for (std::size_t j = i; j-- > 0;) {
        const Span s = spans[j];
        if (s.end < 0 || s.end >= r.start)
            first = j;
        if (s.kind == Span::ProducerBlocked)
            break;
    }
    return {first, spans.gallopKey(i, spans.size(), r.end + 1)};
}

TimelineScene::TimelineScene(const RunModel &model, coords::Range range, double width, int left)
    : m_model(model)
    , m_r(range)
    , m_w(width)
    , m_left(left)
    , m_now(model.endT())
{ }

TimelineScene::LaneBars TimelineScene::laneBars(const Lane &lane, Band g, std::int64_t selected,
                                                double labelWidth, int labelHeight) const
{
    LaneBars out;
    // Where the selected job starts, when it ran in this lane: dense runs stop short of it.
    std::int64_t selectedStart = -1;
    if (const auto record = selected != 0 ? m_model.job(selected) : std::nullopt;
        record && record->worker == lane.worker)
        selectedStart = record->started;
    const double top = g.top + (g.height > 6 ? 2 : 0);
    const double h = g.height - (g.height > 6 ? 4 : 1);
    out.notLive = notLive(lane, g);

    // Bars under two pixels merge into dense runs; within one pixel column, the spans after the
    // first are skipped with a key search, so a frame costs about one step per pixel.
    DenseRun dense;
    dense.top = top;
    dense.height = h;
    const auto flushDense = [&] {
        finishDense(dense, out.dense);
    };
    for (auto it = firstVisibleSpan(lane.spans, m_r.start); it != lane.spans.end();) {
        const Span span = *it; // read out once (a packed history unpacks it on each read)
        if (span.start > m_r.end)
            break;
        const std::int64_t end = span.end < 0 ? m_now : span.end;
        const double x0 = xOf(span.start);
        const double x1 = std::max(xOf(end), x0 + 1.0);
        if (span.kind == Span::Blocked) {
            out.blocked << QRectF(x0, top, x1 - x0, h);
            ++it;
            continue;
        }
        if (x1 - x0 < 2.0 && span.job != selected) {
            if (!dense.empty() && x0 <= dense.box.right() + 1.0
                && (dense.box.width() < kDensePiecePx
                    || continuesEvenly(lane, it, dense, selected))) {
                dense.box.setRight(std::max(dense.box.right(), x1));
            } else {
                // A piece that goes on from the last one starts where it ended, so that no time
                // is in two pieces (the second would look less busy than it was).
                const bool goesOn = !dense.empty() && x0 <= dense.box.right() + 1.0;
                const double from = goesOn ? std::min(x0, dense.box.right()) : std::floor(x0);
                flushDense();
                dense.box = QRectF(from, top, std::max(1.0, x1 - from), h);
            }
            dense.busyNs += end - span.start;
            mergeDense(lane, it, x1, dense, selected, selectedStart);
            continue;
        }
        flushDense();
        const int batch = span.end < 0 ? kRunningBatch : static_cast<int>(span.status);
        // On whole pixels, the first one left empty: the gap that keeps it apart from a job just
        // before it.
        const double left = std::round(x0);
        const double right = std::max(left + 1.0, std::round(x1));
        const double barLeft = right - left >= kGapFrom ? left + 1.0 : left;
        const QRectF bar(barLeft, top, right - barLeft, h);
        out.bars[static_cast<std::size_t>(batch)] << bar;
        if (bar.width() >= labelWidth && h >= labelHeight) {
            const double labelLeft = std::max(bar.left(), double(m_left));
            out.labels.push_back({QRectF(labelLeft, top, bar.right() - labelLeft, h), span.job});
        }
        if (span.job == selected)
            out.selected = bar.adjusted(-1, -1, 1, 1);
        ++it;
    }
    flushDense();
    return out;
}

// The block that holds spans[at] when all of it merges into one dense run at this zoom (every
// span and every gap under a pixel, no blocked stretch, not the selected job), else nullptr.
const SpanBlock *TimelineScene::wholeBlockAt(const Lane &lane, std::size_t at,
                                             std::int64_t selected, std::size_t *end) const
{
    const SpanBlock *b = lane.blockAt(at, end);
    const double pixel = nsPerPixel();
    if (!b || !b->onlyBusy)
        return nullptr;
    if (static_cast<double>(b->longest) >= pixel || static_cast<double>(b->widestGap) >= pixel)
        return nullptr;
    return selected < b->firstJob || selected > b->lastJob ? b : nullptr;
}

// Whether taking the block in leaves the piece as tall as it is: then one piece can go on for as
// long as the lane is as busy, and a zoomed-out flat-out run stays one rectangle a lane.
bool TimelineScene::DenseRun::keepsHeight(const SpanBlock &b, double nsPerPixel) const
{
    const double pieceNs = std::max(1.0, box.width() * nsPerPixel);
    const double share = static_cast<double>(busyNs) / pieceNs;
    const double blockShare = static_cast<double>(b.busyNs)
        / static_cast<double>(std::max<std::int64_t>(1, b.lastEnd - b.firstStart));
    return std::abs(std::min(share, 1.0) - std::min(blockShare, 1.0)) * height < 0.5;
}

// Where the lane had no worker, while the run goes on: once it has ended, nothing is live and
// nothing needs saying.
QVector<QRectF> TimelineScene::notLive(const Lane &lane, Band g) const
{
    QVector<QRectF> out;
    std::int64_t liveFrom = m_r.start;
    for (const auto &[from, to] : lane.lifetimes) {
        if (from > liveFrom)
            out << QRectF(xOf(liveFrom), g.top, xOf(from) - xOf(liveFrom), g.height);
        liveFrom = to < 0 ? INT64_MAX : to;
    }
    if (liveFrom < m_now && !m_model.finished())
        out << QRectF(xOf(liveFrom), g.top, xOf(m_now) - xOf(liveFrom), g.height);
    return out;
}

// Hands on a gathered dense piece, as tall as it was busy (a share of the time its pixels stand
// for), and empties it; pieces side by side as tall as each other are drawn as one.
void TimelineScene::finishDense(DenseRun &dense, QVector<QRectF> &pieces) const
{
    if (dense.empty())
        return;
    const double spanNs = std::max(1.0, dense.box.width() * nsPerPixel());
    const double share = std::clamp(static_cast<double>(dense.busyNs) / spanNs, 0.0, 1.0);
    const double barHeight = std::max(1.0, std::round(share * dense.height));
    const QRectF piece(dense.box.left(), dense.top + dense.height - barHeight, dense.box.width(),
                       barHeight);
    if (!pieces.isEmpty() && pieces.back().height() == barHeight
        && piece.left() <= pieces.back().right() + 0.5)
        pieces.back().setRight(std::max(pieces.back().right(), piece.right()));
    else
        pieces << piece;
    dense.box = QRectF();
    dense.busyNs = 0;
}

// Extends the dense run that the span at it (ending at x1) joined, and moves it past every span
// the run takes in: a whole block of spans this short and this close together in one step (and
// the blocks after it, from their summaries alone, while they start within a pixel of the run and
// merge whole too); otherwise whatever else starts inside the span's pixel column.
void TimelineScene::mergeDense(const Lane &lane, History<Span>::const_iterator &it, double x1,
                               DenseRun &dense, std::int64_t selected,
                               std::int64_t selectedStart) const
{
    std::size_t blockEnd = 0;
    // The rest of the block holding the span at `it` (whose time is in dense already), when all
    // of the block merges, in one step: its time the block's mean for each span.
    if (const SpanBlock *b = wholeBlockAt(lane, index(lane, it), selected, &blockEnd)) {
        const auto rest = static_cast<std::int64_t>(blockEnd - index(lane, it)) - 1;
        dense.busyNs += b->busyNs * rest / static_cast<std::int64_t>(Lane::kBlock);
        dense.box.setRight(std::max(dense.box.right(), xOf(b->lastEnd)));
        std::size_t nextEnd = 0;
        for (const SpanBlock *n = wholeBlockAt(lane, blockEnd, selected, &nextEnd);
             n && n->firstStart <= m_r.end && xOf(n->firstStart) <= dense.box.right() + 1.0
             && (dense.box.width() < kDensePiecePx || dense.keepsHeight(*n, nsPerPixel()));
             n = wholeBlockAt(lane, blockEnd, selected, &nextEnd)) {
            dense.busyNs += n->busyNs;
            dense.box.setRight(std::max(dense.box.right(), xOf(n->lastEnd)));
            blockEnd = nextEnd;
        }
        it = lane.spans.begin() + static_cast<std::ptrdiff_t>(blockEnd);
        return;
    }
    std::int64_t nextColumn = timeAtX(static_cast<int>(std::floor(x1)) + 1);
    // Never past the selected job: it is drawn on its own, outlined.
    if (selectedStart >= 0 && selectedStart >= (*it).start)
        nextColumn = std::min(nextColumn, selectedStart);
    const auto next = lane.spans.begin()
        + static_cast<std::ptrdiff_t>(lane.spans.gallopKey(index(lane, std::next(it)),
                                                           lane.spans.size(), nextColumn));
    if (next != std::next(it) && next != lane.spans.begin()) {
        // The skipped spans extend the run at least to where the last of them ends.
        const Span last = *std::prev(next);
        dense.box.setRight(std::max(dense.box.right(), xOf(last.end < 0 ? m_now : last.end)));
        dense.busyNs += skippedBusy(lane, index(lane, std::next(it)), index(lane, next));
    }
    it = next;
}

// Whether the span at `it`, just after a dense piece of full width, is in a block that merges whole
// and keeps the piece's height.
bool TimelineScene::continuesEvenly(const Lane &lane, History<Span>::const_iterator it,
                                    const DenseRun &dense, std::int64_t selected) const
{
    std::size_t end = 0;
    const SpanBlock *b = wholeBlockAt(lane, index(lane, it), selected, &end);
    return b && dense.keepsHeight(*b, nsPerPixel());
}

// The busy time of spans [from, to), all of them inside one pixel column: read when they are a
// few; else their count times the mean length in their block (or in the first few of them, in a
// block still filling).
std::int64_t TimelineScene::skippedBusy(const Lane &lane, std::size_t from, std::size_t to) const
{
    constexpr std::size_t kRead = 4;
    const std::size_t count = to - from;
    std::size_t blockEnd = 0;
    if (const SpanBlock *b = count > kRead ? lane.blockAt(from, &blockEnd) : nullptr)
        return b->busyNs * static_cast<std::int64_t>(count)
            / static_cast<std::int64_t>(Lane::kBlock);
    std::int64_t busy = 0;
    const std::size_t read = std::min(count, 4 * kRead);
    for (std::size_t i = from; i < from + read; ++i) {
        const Span s = lane.spans[i];
        if (s.kind == Span::Busy)
            busy += (s.end < 0 ? m_now : s.end) - s.start;
    }
    return busy * static_cast<std::int64_t>(count) / static_cast<std::int64_t>(read);
}

TimelineScene::ProducerRow TimelineScene::producer(Band g) const
{
    ProducerRow out;
    const History<Span> &spans = m_model.producerSpans();
    const auto [first, stop] = producerSpansIn(spans, m_r);
    for (std::size_t k = first; k < stop; ++k) {
        const Span s = spans[k];
        const std::int64_t end = s.end < 0 ? m_now : s.end;
        if (end < m_r.start || s.start > m_r.end)
            continue;
        const QRectF box(xOf(s.start), g.top + 2, std::max(1.0, xOf(end) - xOf(s.start)),
                         g.height - 4);
        (s.kind == Span::ProducerBlocked ? out.blocked : out.paused) << box;
    }
    // Ticks in neighbouring columns join into one rectangle (sends in every column of a busy
    // stretch fill it).
    for (const int x : sendTickColumns(m_model.sends(), m_r, m_w, m_left)) {
        if (!out.ticks.isEmpty() && out.ticks.back().right() == x - 1)
            out.ticks.back().setRight(x);
        else
            out.ticks << QRect(x, g.top + 3, 1, g.height - 5);
    }
    return out;
}

TimelineScene::SummaryShares TimelineScene::summaryShares(int maxX) const
{
    SummaryShares out;
    const Summary &summary = m_model.summary();
    if (summary.columnNs <= 0 || summary.until <= m_r.start)
        return out;
    out.active = true;
    out.xFrom = std::max(m_left, static_cast<int>(xOf(std::max<std::int64_t>(m_r.start, 0))));
    out.xTo = std::min(maxX, static_cast<int>(std::ceil(xOf(std::min(summary.until, m_r.end)))));
    // Which summary columns each pixel column covers, and by how much: the same for every lane and
    // the producer, so worked out once.
    out.m_sharesFrom.resize(static_cast<std::size_t>(std::max(0, out.xTo - out.xFrom)) + 1);
    for (int x = out.xFrom; x < out.xTo; ++x) {
        out.m_sharesFrom[static_cast<std::size_t>(x - out.xFrom)]
            = static_cast<int>(out.m_shares.size());
        const std::int64_t t0 = timeAtX(x), t1 = timeAtX(x + 1);
        if (t1 <= t0)
            continue;
        for (int c = std::max(0, summary.columnOf(t0));
             c <= std::min(summary.columnOf(t1 - 1), Summary::kColumns - 1); ++c) {
            const std::int64_t c0 = c * summary.columnNs, c1 = c0 + summary.columnNs;
            const auto overlap = static_cast<double>(std::min(c1, t1) - std::max(c0, t0));
            out.m_shares.push_back(
                {c,
                 static_cast<float>(overlap / static_cast<double>(summary.columnNs)
                                    / static_cast<double>(t1 - t0))});
        }
    }
    out.m_sharesFrom.back() = static_cast<int>(out.m_shares.size());
    return out;
}

double TimelineScene::SummaryShares::fraction(const std::vector<SummaryColumn> &columns, int x,
                                              float SummaryColumn::*field) const
{
    if (columns.empty())
        return 0.0;
    const auto i = static_cast<std::size_t>(x - xFrom);
    double covered = 0;
    for (int k = m_sharesFrom[i]; k < m_sharesFrom[i + 1]; ++k) {
        const Share &share = m_shares[static_cast<std::size_t>(k)];
        covered += columns[static_cast<std::size_t>(share.column)].*field * share.weight;
    }
    return std::min(covered, 1.0);
}

} // namespace gui
