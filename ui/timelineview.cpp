#include "ui/timelineview.h"

#include "engine/durationformat.h"

#include <QHelpEvent>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QStaticText>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace gui {

using namespace engine;

namespace {

constexpr int kProducerLaneHeight = 18;
constexpr int kMaxLaneHeight = 34;
constexpr int kMinLaneHeight = 3;

// The first span that may be visible at or after t (spans of a lane are in time order and do not
// overlap, so both their starts and their ends ascend): the one before the first to start at or
// after t, if it is still open or ends at or after t, else that first one.
History<Span>::const_iterator firstVisible(const History<Span> &spans, std::int64_t t)
{
    const std::size_t i = spans.gallopKey(0, spans.size(), t);
    const bool previousReaches = i > 0 && (spans[i - 1].end < 0 || spans[i - 1].end >= t);
    return spans.begin() + static_cast<std::ptrdiff_t>(previousReaches ? i - 1 : i);
}

QString timeText(std::int64_t ns)
{
    return ns < 0 ? QStringLiteral("—") : displayDuration(ns);
}

} // namespace

void drawTimeAxis(QPainter &painter, const QRect &rect, coords::Range range, const Theme &theme)
{
    // Lines as 1-pixel rectangles: a translucent pen's line costs far more (the chart's three
    // grid lines took half a millisecond a frame).
    painter.fillRect(QRect(rect.left(), rect.top(), rect.width(), 1), theme.grid);
    const std::int64_t step = coords::tickStep(range.length(), rect.width(), 90);
    painter.setPen(theme.mutedText);
    const QFontMetrics metrics = painter.fontMetrics();
    for (std::int64_t t : coords::ticks(range.start, range.end, step)) {
        const int x = rect.left()
            + static_cast<int>(coords::xForTime(t, range.start, range.end, rect.width()));
        painter.fillRect(QRect(x, rect.top(), 1, 5), theme.mutedText);
        const QString label = goDuration(t);
        const int w = metrics.horizontalAdvance(label);
        // Centred under its tick; at the edges, kept inside.
        const int left
            = std::clamp(x - w / 2, rect.left(), std::max(rect.left(), rect.right() - w));
        painter.drawText(QRect(left, rect.top() + 4, w + 1, rect.height() - 4), Qt::AlignCenter,
                         label);
    }
}

TimelineView::TimelineView(const RunModel *model, TimeWindow *window, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_window(window)
    , m_theme(Theme::fromPalette(palette()))
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Timeline"));
    setAccessibleDescription(tr("One lane per worker; each job a bar from start to finish"));
    connect(window, &TimeWindow::rangeChanged, this, qOverload<>(&QWidget::update));
}

// Lane labels are laid out once (per font) and drawn as static text: 65 labels laid out anew
// every frame cost about a millisecond.
const QStaticText &TimelineView::laneLabel(int worker) const
{
    if (m_labelFont != font()) {
        m_labelFont = font();
        m_laneLabels.clear();
    }
    auto it = m_laneLabels.find(worker);
    if (it == m_laneLabels.end()) {
        QStaticText text(worker == 0 ? tr("Producer") : tr("Worker %1").arg(worker));
        text.setTextFormat(Qt::PlainText);
        text.prepare(QTransform(), font());
        it = m_laneLabels.emplace(worker, std::move(text)).first;
    }
    return it->second;
}

void TimelineView::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void TimelineView::setSelectedJob(std::int64_t job)
{
    if (m_selected == job)
        return;
    m_selected = job;
    update();
}

int TimelineView::laneCount() const
{
    return static_cast<int>(m_model->lanes().size());
}

TimelineView::LaneGeometry TimelineView::laneGeometry(int row) const
{
    if (row == 0)
        return {2, kProducerLaneHeight};
    const int lanes = std::max(1, laneCount());
    const int available = height() - kAxisHeight - kProducerLaneHeight - 6;
    const int h = std::clamp(available / lanes, kMinLaneHeight, kMaxLaneHeight);
    return {kProducerLaneHeight + 6 + (row - 1) * h, h};
}

int TimelineView::rowAt(int y) const
{
    if (y < kProducerLaneHeight + 4)
        return 0;
    const LaneGeometry first = laneGeometry(1);
    const int row = 1 + (y - first.top) / std::max(1, first.height);
    return row <= laneCount() ? row : -1;
}

std::int64_t TimelineView::timeAtX(int x) const
{
    const coords::Range r = m_window->range();
    return coords::timeForX(x - kGutter, r.start, r.end, plotWidth());
}

std::int64_t TimelineView::jobAt(QPoint pos) const
{
    const int row = rowAt(pos.y());
    if (row <= 0 || pos.x() < kGutter)
        return 0;
    const Lane &lane = m_model->lanes()[static_cast<std::size_t>(row - 1)];
    const std::int64_t t = timeAtX(pos.x());
    // A couple of pixels of slack so thin bars can be hit.
    const coords::Range r = m_window->range();
    const auto slack
        = static_cast<std::int64_t>(2.0 * static_cast<double>(r.length()) / plotWidth());
    const std::int64_t now = m_model->endT();
    for (auto it = firstVisible(lane.spans, t - slack); it != lane.spans.end(); ++it) {
        const Span span = *it;
        if (span.start > t + slack)
            break;
        const std::int64_t end = span.end < 0 ? now : span.end;
        if (span.kind == Span::Busy && span.start - slack <= t && t <= end + slack)
            return span.job;
    }
    return 0;
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

// Long: still works out what is in view beside drawing it, until a scene does that.
// NOLINTNEXTLINE(readability-function-size)
void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    const coords::Range r = m_window->range();
    const double w = plotWidth();
    const std::int64_t now = m_model->endT();
    auto xOf = [&](std::int64_t t) {
        return kGutter + coords::xForTime(t, r.start, r.end, w);
    };
    const QFontMetrics metrics = fontMetrics();
    m_barsPainted = 0;

    // Lane backgrounds and labels.
    const int lanes = laneCount();
    for (int row = 0; row <= lanes; ++row) {
        const LaneGeometry g = laneGeometry(row);
        if (g.top > height() - kAxisHeight)
            break;
        if (row % 2 == 1)
            p.fillRect(QRect(0, g.top, width(), g.height), m_theme.laneAlternate);
        if (g.height >= metrics.height() - 4 || row == 0) {
            const int worker
                = row == 0 ? 0 : m_model->lanes()[static_cast<std::size_t>(row - 1)].worker;
            const bool live
                = row == 0 || m_model->lanes()[static_cast<std::size_t>(row - 1)].live();
            p.setPen(live ? m_theme.text : m_theme.mutedText);
            p.drawStaticText(QPointF(6, g.top + (g.height - metrics.height()) / 2.0),
                             laneLabel(worker));
        }
    }
    p.setClipRect(QRect(kGutter, 0, width() - kGutter, height() - kAxisHeight));

    // Worker lanes: where a lane was not live, a faint wash; bars merged below a pixel.
    QVector<QRectF> hatched;
    // Batches: one per job status (JobStatus order) and one for running jobs.
    constexpr int kCompletedBatch = static_cast<int>(JobStatus::Completed);
    constexpr int kRunningBatch = kJobStatusCount;
    constexpr int kBatches = kJobStatusCount + 1;
    std::array<QVector<QRectF>, kBatches> bars;
    std::vector<std::pair<QRectF, std::int64_t>> labels;
    QRectF selectedRect;
    // A bar gets its id only when the widest id of the run fits.
    const double labelWidth = metrics.horizontalAdvance(QString::number(
                                  std::max<std::int64_t>(m_model->submittedCount(), 9)))
        + 6.0;
    for (int row = 1; row <= lanes; ++row) {
        const Lane &lane = m_model->lanes()[static_cast<std::size_t>(row - 1)];
        const LaneGeometry g = laneGeometry(row);
        if (g.top > height() - kAxisHeight)
            break;
        const double top = g.top + (g.height > 6 ? 2 : 0);
        const double h = g.height - (g.height > 6 ? 4 : 1);
        // Not-live stretches.
        std::int64_t liveFrom = r.start;
        for (const auto &[from, to] : lane.lifetimes) {
            if (from > liveFrom)
                p.fillRect(QRectF(xOf(liveFrom), g.top, xOf(from) - xOf(liveFrom), g.height),
                           m_theme.paused);
            liveFrom = to < 0 ? INT64_MAX : to;
        }
        // Only while the run goes on: once it has ended, nothing is live and nothing needs saying.
        if (liveFrom < now && !m_model->finished())
            p.fillRect(QRectF(xOf(liveFrom), g.top, xOf(now) - xOf(liveFrom), g.height),
                       m_theme.paused);

        // Bars are batched per colour and drawn once per lane. Bars under two pixels merge into
        // dense runs (drawn in the completed colour); within one pixel column, the spans after the
        // first are skipped with a binary search, so a frame costs about one step per pixel.
        for (auto &batch : bars)
            batch.clear();
        QRectF dense;
        auto flushDense = [&] {
            if (!dense.isNull())
                bars[kCompletedBatch] << dense;
            dense = QRectF();
        };
        const auto spansEnd = lane.spans.end();
        const double nsPerPixel = static_cast<double>(r.length()) / std::max(1.0, w);
        for (auto it = firstVisible(lane.spans, r.start); it != spansEnd;) {
            const Span span = *it; // read out once (a packed history unpacks it on each read)
            if (span.start > r.end)
                break;
            const std::int64_t end = span.end < 0 ? now : span.end;
            const double x0 = xOf(span.start);
            const double x1 = std::max(xOf(end), x0 + 1.0);
            if (span.kind == Span::Blocked) {
                hatched << QRectF(x0, top, x1 - x0, h);
                ++it;
                continue;
            }
            if (x1 - x0 < 2.0 && span.job != m_selected) {
                if (!dense.isNull() && x0 <= dense.right() + 1.0)
                    dense.setRight(std::max(dense.right(), x1));
                else {
                    flushDense();
                    dense = QRectF(std::floor(x0), top, std::max(1.0, x1 - std::floor(x0)), h);
                }
                // A whole block of spans this short, this close together, all merges into the
                // run: take it in one step instead of visiting its columns; and the blocks after
                // it as well, from their summaries alone, while they start within a pixel of the
                // run and merge whole too.
                auto mergesWhole = [&](const SpanBlock *b) {
                    return b && b->onlyBusy && b->longest < nsPerPixel && b->widestGap < nsPerPixel
                        && (m_selected < b->firstJob || m_selected > b->lastJob);
                };
                std::size_t blockEnd = 0;
                if (const SpanBlock *b
                    = lane.blockAt(static_cast<std::size_t>(it - lane.spans.begin()), &blockEnd);
                    mergesWhole(b)) {
                    dense.setRight(std::max(dense.right(), xOf(b->lastEnd)));
                    std::size_t nextEnd = 0;
                    for (const SpanBlock *n = lane.blockAt(blockEnd, &nextEnd);
                         blockEnd < lane.spans.size() && mergesWhole(n) && n->firstStart <= r.end
                         && xOf(n->firstStart) <= dense.right() + 1.0;
                         n = lane.blockAt(blockEnd, &nextEnd)) {
                        dense.setRight(std::max(dense.right(), xOf(n->lastEnd)));
                        blockEnd = nextEnd;
                    }
                    it = lane.spans.begin() + static_cast<std::ptrdiff_t>(blockEnd);
                    continue;
                }
                // Skip whatever else starts inside this pixel column.
                const std::int64_t nextColumn = timeAtX(static_cast<int>(std::floor(x1)) + 1);
                const auto next = lane.spans.begin()
                    + static_cast<std::ptrdiff_t>(lane.spans.gallopKey(
                        static_cast<std::size_t>(std::next(it) - lane.spans.begin()),
                        lane.spans.size(), nextColumn));
                if (next != std::next(it) && next != lane.spans.begin()) {
                    // The skipped spans extend the run at least to where the last of them ends.
                    const Span last = *std::prev(next);
                    dense.setRight(std::max(dense.right(), xOf(last.end < 0 ? now : last.end)));
                }
                it = next;
                continue;
            }
            flushDense();
            const int batch = span.end < 0 ? kRunningBatch : static_cast<int>(span.status);
            bars[batch] << QRectF(x0, top, x1 - x0, h);
            if (x1 - x0 >= labelWidth && h >= metrics.height() - 2)
                labels.push_back({QRectF(std::max(x0, double(kGutter)), top,
                                         x1 - std::max(x0, double(kGutter)), h),
                                  span.job});
            if (span.job == m_selected)
                selectedRect = QRectF(x0 - 1, top - 1, x1 - x0 + 2, h + 2);
            ++it;
        }
        flushDense();
        p.setPen(Qt::NoPen);
        for (int b = 0; b < kBatches; ++b) {
            if (bars[b].isEmpty())
                continue;
            p.setBrush(b == kRunningBatch ? m_theme.running
                                          : m_theme.forStatus(static_cast<JobStatus>(b)));
            p.drawRects(bars[b]);
            m_barsPainted += static_cast<int>(bars[b].size());
        }
    }
    // Job ids where they fit, and the selected job's outline.
    p.setPen(m_theme.background);
    for (const auto &[box, job] : labels)
        p.drawText(box, Qt::AlignCenter, QString::number(job));
    if (!selectedRect.isNull()) {
        p.setPen(QPen(m_theme.selection, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(selectedRect);
    }

    // Detail older than the history cap: per pixel column, how busy each lane was (bar height),
    // how blocked the producer was, and a band on the axis saying so.
    const Summary &summary = m_model->summary();
    if (summary.columnNs > 0 && summary.until > r.start) {
        const int xFrom
            = std::max(kGutter, static_cast<int>(xOf(std::max<std::int64_t>(r.start, 0))));
        const int xTo
            = std::min(width(), static_cast<int>(std::ceil(xOf(std::min(summary.until, r.end)))));
        // Which summary columns each pixel column covers, and by how much: the same for every
        // lane and the producer, so worked out once.
        struct Share
        {
            int column;
            float weight; // per ns of the pixel column
        };
        std::vector<Share> shares;
        std::vector<int> sharesFrom(static_cast<std::size_t>(std::max(0, xTo - xFrom)) + 1);
        for (int x = xFrom; x < xTo; ++x) {
            sharesFrom[static_cast<std::size_t>(x - xFrom)] = static_cast<int>(shares.size());
            const std::int64_t t0 = timeAtX(x), t1 = timeAtX(x + 1);
            if (t1 <= t0)
                continue;
            for (int c = std::max(0, summary.columnOf(t0));
                 c <= std::min(summary.columnOf(t1 - 1), Summary::kColumns - 1); ++c) {
                const std::int64_t c0 = c * summary.columnNs, c1 = c0 + summary.columnNs;
                const auto overlap = static_cast<double>(std::min(c1, t1) - std::max(c0, t0));
                shares.push_back({c,
                                  static_cast<float>(overlap / static_cast<double>(summary.columnNs)
                                                     / static_cast<double>(t1 - t0))});
            }
        }
        sharesFrom.back() = static_cast<int>(shares.size());
        // Fraction of pixel column x covered by `field` in the summary columns.
        auto fraction = [&](const std::vector<SummaryColumn> &columns, int x,
                            float SummaryColumn::*field) {
            if (columns.empty())
                return 0.0;
            const auto i = static_cast<std::size_t>(x - xFrom);
            double covered = 0;
            for (int k = sharesFrom[i]; k < sharesFrom[i + 1]; ++k) {
                const Share &share = shares[static_cast<std::size_t>(k)];
                covered += columns[static_cast<std::size_t>(share.column)].*field * share.weight;
            }
            return std::min(covered, 1.0);
        };
        // The busy bars of every lane go into one image, a pixel column at a time, and are drawn
        // with one call: up to a bar per pixel column per lane would be ~100,000 rectangles.
        const int bandTop = laneGeometry(1).top;
        const int bandBottom = height() - kAxisHeight;
        QVector<QRectF> blockedRects;
        int busyColumns = 0;
        if (xTo > xFrom && bandBottom > bandTop) {
            const qreal dpr = devicePixelRatioF();
            // Kept between frames: a new 5 MB image each frame costs more than filling it.
            QImage &busyImage = m_summaryImage;
            const QSize imageSize = QSize(xTo - xFrom, bandBottom - bandTop) * dpr;
            if (busyImage.size() != imageSize || busyImage.devicePixelRatio() != dpr) {
                busyImage = QImage(imageSize, QImage::Format_ARGB32_Premultiplied);
                busyImage.setDevicePixelRatio(dpr);
            }
            busyImage.fill(Qt::transparent);
            const QRgb colour = qPremultiply(m_theme.summarized.rgba());
            const int imageWidth = busyImage.width();
            const int imageHeight = busyImage.height();
            // Per lane: each pixel column's bar top (in device rows), then the lane's rows are
            // filled left to right, so the image is written in memory order.
            uchar *const bits = busyImage.bits();
            const qsizetype stride = busyImage.bytesPerLine();
            std::vector<int> barTop(static_cast<std::size_t>(imageWidth));
            for (int row = 1;
                 row <= lanes && static_cast<std::size_t>(row - 1) < summary.lanes.size(); ++row) {
                const LaneGeometry g = laneGeometry(row);
                if (g.top > bandBottom)
                    break;
                const auto &columns = summary.lanes[static_cast<std::size_t>(row - 1)];
                const int laneBottom = std::min(
                    imageHeight, static_cast<int>((g.top + g.height - 1 - bandTop) * dpr));
                int highest = laneBottom;
                for (int x = xFrom; x < xTo; ++x) {
                    const double busy = fraction(columns, x, &SummaryColumn::busyNs);
                    int top = laneBottom; // nothing
                    if (busy > 0.0) {
                        ++busyColumns;
                        const double h = std::round(std::max(1.0, busy * (g.height - 2)));
                        top = std::max(0, static_cast<int>(laneBottom - h * dpr));
                    }
                    highest = std::min(highest, top);
                    const int x0 = static_cast<int>((x - xFrom) * dpr);
                    const int x1 = std::min(imageWidth, static_cast<int>((x + 1 - xFrom) * dpr));
                    for (int px = x0; px < x1; ++px)
                        barTop[static_cast<std::size_t>(px)] = top;
                }
                for (int y = highest; y < laneBottom; ++y) {
                    auto *line = reinterpret_cast<QRgb *>(bits + y * stride);
                    for (int px = 0; px < imageWidth; ++px) {
                        if (barTop[static_cast<std::size_t>(px)] <= y)
                            line[px] = colour;
                    }
                }
            }
            p.drawImage(QPointF(xFrom, bandTop), busyImage);
        }
        const LaneGeometry pg = laneGeometry(0);
        for (int x = xFrom; x < xTo; ++x) {
            const double blocked = fraction(summary.producer, x, &SummaryColumn::blockedNs);
            if (blocked > 0.0)
                blockedRects << QRectF(x, pg.top + 2, 1, std::max(1.0, blocked * (pg.height - 4)));
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_theme.blocked);
        p.drawRects(blockedRects);
        m_barsPainted += busyColumns;
        // The band that says where detail was summarized.
        p.setClipping(false);
        const QRect band(xFrom, height() - kAxisHeight - 3, xTo - xFrom, 3);
        p.fillRect(band, QBrush(m_theme.marker, Qt::Dense4Pattern));
        if (xTo - xFrom > 120) {
            p.setPen(m_theme.mutedText);
            p.drawText(QRect(xFrom + 4, height() - kAxisHeight - metrics.height() - 4,
                             xTo - xFrom - 8, metrics.height()),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       tr("summarized before %1 (%2 jobs)")
                           .arg(goDuration(roundForDisplay(summary.until)))
                           .arg(summary.jobs));
        }
        p.setClipRect(QRect(kGutter, 0, width() - kGutter, height() - kAxisHeight));
    }

    // Producer lane: sends as ticks (one per pixel column at most), blocked and paused stretches.
    {
        const LaneGeometry g = laneGeometry(0);
        const History<Span> &spans = m_model->producerSpans();
        const auto [first, stop] = producerSpansIn(spans, r);
        for (std::size_t k = first; k < stop; ++k) {
            const Span s = spans[k];
            const std::int64_t end = s.end < 0 ? now : s.end;
            if (end < r.start || s.start > r.end)
                continue;
            const QRectF box(xOf(s.start), g.top + 2, std::max(1.0, xOf(end) - xOf(s.start)),
                             g.height - 4);
            if (s.kind == Span::ProducerBlocked)
                hatched << box;
            else
                p.fillRect(box, m_theme.paused);
        }
        // Ticks in neighbouring columns join into one rectangle (sends in every column of a
        // busy stretch fill it), drawn as fills, not pen lines.
        QVector<QRect> ticks;
        for (const int x : sendTickColumns(m_model->sends(), r, w, kGutter)) {
            if (!ticks.isEmpty() && ticks.back().right() == x - 1)
                ticks.back().setRight(x);
            else
                ticks << QRect(x, g.top + 3, 1, g.height - 5);
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_theme.text);
        p.drawRects(ticks);
        p.setBrush(Qt::NoBrush);
    }

    if (!hatched.isEmpty()) {
        p.setPen(Qt::NoPen);
        p.setBrush(
            QColor(m_theme.blocked.red(), m_theme.blocked.green(), m_theme.blocked.blue(), 70));
        p.drawRects(hatched);
        p.setBrush(QBrush(m_theme.blocked, Qt::BDiagPattern));
        p.drawRects(hatched);
    }

    // Markers for config changes, pause, stop and cancel.
    p.setBrush(Qt::NoBrush);
    int lastLabelRight = -1000;
    for (const Marker &m : m_model->markers()) {
        if (m.t < r.start || m.t > r.end)
            continue;
        const int x = static_cast<int>(xOf(m.t));
        p.setPen(QPen(m_theme.marker, 1, Qt::DashLine));
        p.drawLine(x, 0, x, height() - kAxisHeight);
        const QString label = m.label();
        const int lw = metrics.horizontalAdvance(label) + 6;
        if (x + 3 > lastLabelRight) {
            p.fillRect(QRect(x + 2, 1, lw, metrics.height()), m_theme.background);
            p.setPen(m_theme.marker);
            p.drawText(QRect(x + 3, 1, lw, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       label);
            lastLabelRight = x + 3 + lw;
        }
    }

    // Now edge.
    if (m_model->started() && !m_model->finished() && now >= r.start && now <= r.end) {
        p.setPen(QPen(m_theme.text, 1));
        const int x = static_cast<int>(xOf(now));
        p.drawLine(x, 0, x, height() - kAxisHeight);
    }

    p.setClipping(false);
    drawTimeAxis(p, QRect(kGutter, height() - kAxisHeight, width() - kGutter, kAxisHeight), r,
                 m_theme);
    if (!m_model->started()) {
        p.setPen(m_theme.mutedText);
        p.drawText(rect().adjusted(kGutter, 0, 0, -kAxisHeight), Qt::AlignCenter,
                   tr("Press Start (Space) to run the pool"));
    }
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    m_window->zoomAround(timeAtX(static_cast<int>(event->position().x())), std::pow(1.25, steps));
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_dragging = true;
    m_dragFrom = event->position().toPoint();
    const std::int64_t job = jobAt(m_dragFrom);
    if (job != 0) {
        setSelectedJob(job);
        Q_EMIT jobSelected(job);
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    const QPoint pos = event->position().toPoint();
    const int dx = pos.x() - m_dragFrom.x();
    if (dx == 0)
        return;
    const coords::Range r = m_window->range();
    m_window->panBy(-static_cast<std::int64_t>(dx * static_cast<double>(r.length()) / plotWidth()));
    m_dragFrom = pos;
    setCursor(Qt::ClosedHandCursor);
}

void TimelineView::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
    unsetCursor();
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const std::int64_t job = jobAt(help->pos());
        const std::optional<JobRecord> r = m_model->job(job); // none for 0
        const Summary &summary = m_model->summary();
        const std::int64_t t = timeAtX(help->pos().x());
        if (!r && summary.columnNs > 0 && t >= 0 && t < summary.until
            && help->pos().x() >= kGutter) {
            QToolTip::showText(
                help->globalPos(),
                tr("Summarized: detail before %1 was folded into columns of %2 to keep the "
                   "history under its memory cap (%3 jobs).")
                    .arg(displayDuration(summary.until), displayDuration(summary.columnNs))
                    .arg(summary.jobs),
                this);
            return true;
        }
        if (!r) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const QString status = r->done ? QLatin1String(nameOf(r->status)) : tr("running");
        QToolTip::showText(
            help->globalPos(),
            tr("<b>Job %1</b> · worker %2 · %3<br>queued at %4, started %5, finished %6"
               "<br>wait %7 · processing %8 · latency %9")
                .arg(QString::number(r->job), QString::number(r->worker), status,
                     timeText(r->enqueued), timeText(r->started), timeText(r->finished),
                     timeText(r->wait()), timeText(r->processing()), timeText(r->latency())),
            this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace gui
