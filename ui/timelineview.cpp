#include "ui/timelineview.h"

#include "engine/durationformat.h"

#include <QHelpEvent>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
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
    // In the label gutter, so that the plot keeps the width of the queue chart's below it.
    m_scrollBar = new QScrollBar(Qt::Vertical, this);
    m_scrollBar->setObjectName(QStringLiteral("laneScrollBar"));
    m_scrollBar->setAccessibleName(tr("Scroll the worker lanes"));
    m_scrollBar->hide();
    connect(m_scrollBar, &QScrollBar::valueChanged, this, [this](int value) {
        m_layout.setScroll(value);
        update();
    });
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
        const auto named = m_laneNames.find(worker);
        QStaticText text(worker == 0                      ? tr("Producer")
                             : named != m_laneNames.end() ? QFontMetrics(font()).elidedText(
                                   named->second, Qt::ElideMiddle, kGutter - 10)
                                                          : tr("Worker %1").arg(worker));
        text.setTextFormat(Qt::PlainText);
        text.prepare(QTransform(), font());
        it = m_laneLabels.emplace(worker, std::move(text)).first;
    }
    return it->second;
}

void TimelineView::setLaneNames(std::unordered_map<int, QString> names)
{
    m_laneNames = std::move(names);
    m_laneLabels.clear();
    update();
}

void TimelineView::setLaneGroups(std::vector<engine::LaneGroup> groups)
{
    m_laneGroups = std::move(groups);
    updateLayout();
    update();
}

const Lane *TimelineView::laneAt(int position) const
{
    const auto &lanes = m_model->lanes();
    if (position < 0 || position >= laneCount())
        return nullptr;
    const int index = m_layout.lane(position);
    return index >= 0 && static_cast<std::size_t>(index) < lanes.size()
        ? &lanes[static_cast<std::size_t>(index)]
        : nullptr;
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

TimelineView::LaneGeometry TimelineView::producerGeometry() const
{
    return {2, kProducerLaneHeight};
}

int TimelineView::lanesTop() const
{
    return kProducerLaneHeight + 6;
}

int TimelineView::lanesBottom() const
{
    return std::max(lanesTop(), height() - kAxisHeight);
}

void TimelineView::updateLayout()
{
    // A listener's lanes, by sender: each group the lanes of its workers that have come.
    std::vector<std::vector<int>> groups;
    if (!m_laneGroups.empty()) {
        const auto &lanes = m_model->lanes();
        for (const engine::LaneGroup &group : m_laneGroups) {
            std::vector<int> &indices = groups.emplace_back();
            for (const int worker : group.workers) {
                if (const Lane *lane = m_model->lane(worker))
                    indices.push_back(static_cast<int>(lane - lanes.data()));
            }
        }
    }
    m_layout.update({.lanes = laneCount(),
                     .height = lanesBottom() - lanesTop(),
                     .lineHeight = fontMetrics().height() - 2,
                     .maxLaneHeight = kMaxLaneHeight,
                     .groups = std::move(groups)});
    const bool scrolls = m_layout.maxScroll() > 0;
    if (scrolls) {
        const QSignalBlocker blocker(m_scrollBar);
        m_scrollBar->setRange(0, m_layout.maxScroll());
        m_scrollBar->setPageStep(lanesBottom() - lanesTop());
        m_scrollBar->setSingleStep(fontMetrics().height());
        m_scrollBar->setValue(m_layout.scroll());
        m_scrollBar->setGeometry(0, lanesTop(), m_scrollBar->sizeHint().width(),
                                 lanesBottom() - lanesTop());
    }
    if (m_scrollBar->isVisibleTo(this) != scrolls)
        m_scrollBar->setVisible(scrolls);
}

TimelineScene::Band TimelineView::band(const LaneLayout::Row &row) const
{
    return {lanesTop() + row.top - m_layout.scroll(), row.height};
}

int TimelineView::rowAt(int y) const
{
    // The layout is brought up to date when painting; until then (a new run's model was just
    // reset) a row may stand for lanes that are gone.
    const int row = m_layout.rowAt(y - lanesTop());
    if (row < 0)
        return -1;
    const LaneLayout::Row &r = m_layout.rows()[static_cast<std::size_t>(row)];
    return r.first + r.lanes <= laneCount() ? row : -1;
}

void TimelineView::revealLane(int index)
{
    updateLayout();
    m_layout.reveal(index);
    updateLayout();
    update();
}

void TimelineView::toggleGroup(int group)
{
    m_layout.setExpanded(group, !m_layout.expanded(group));
    updateLayout();
    update();
}

std::int64_t TimelineView::timeAtX(int x) const
{
    const coords::Range r = m_window->range();
    return coords::timeForX(x - kGutter, r.start, r.end, plotWidth());
}

std::int64_t TimelineView::jobAt(QPoint pos) const
{
    const int row = rowAt(pos.y());
    if (row < 0 || pos.x() < kGutter || m_layout.rows()[static_cast<std::size_t>(row)].isGroup())
        return 0;
    const Lane *found = laneAt(m_layout.rows()[static_cast<std::size_t>(row)].first);
    if (found == nullptr)
        return 0;
    const Lane &lane = *found;
    const std::int64_t t = timeAtX(pos.x());
    // A couple of pixels of slack so thin bars can be hit.
    const coords::Range r = m_window->range();
    const auto slack
        = static_cast<std::int64_t>(2.0 * static_cast<double>(r.length()) / plotWidth());
    const std::int64_t now = m_model->endT();
    for (auto it = firstVisibleSpan(lane.spans, t - slack); it != lane.spans.end(); ++it) {
        const Span span = *it;
        if (span.start > t + slack)
            break;
        const std::int64_t end = span.end < 0 ? now : span.end;
        if (span.kind == Span::Busy && span.start - slack <= t && t <= end + slack)
            return span.job;
    }
    return 0;
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    const coords::Range r = m_window->range();
    const TimelineScene scene(*m_model, r, plotWidth(), kGutter);
    m_barsPainted = 0;
    updateLayout();
    paintLaneLabels(p);
    const QRect plot(kGutter, 0, width() - kGutter, height() - kAxisHeight);
    p.setClipRect(plot);
    QVector<QRectF> hatched; // blocked stretches of every lane and the producer, drawn at once
    p.setClipRect(plot.intersected(
        QRect(kGutter, lanesTop(), width() - kGutter, lanesBottom() - lanesTop())));
    paintLanes(p, scene, hatched);
    paintSummary(p, scene, plot);
    p.setClipRect(plot);
    const LaneGeometry pg = producerGeometry();
    const TimelineScene::ProducerRow producer = scene.producer({pg.top, pg.height});
    for (const QRectF &box : producer.paused)
        p.fillRect(box, m_theme.paused);
    p.setPen(Qt::NoPen);
    p.setBrush(m_theme.text);
    p.drawRects(producer.ticks);
    p.setBrush(Qt::NoBrush);
    hatched << producer.blocked;
    if (!hatched.isEmpty()) {
        p.setPen(Qt::NoPen);
        p.setBrush(
            QColor(m_theme.blocked.red(), m_theme.blocked.green(), m_theme.blocked.blue(), 70));
        p.drawRects(hatched);
        p.setBrush(QBrush(m_theme.blocked, Qt::BDiagPattern));
        p.drawRects(hatched);
    }
    paintMarkers(p, scene);
    p.setClipping(false);
    drawTimeAxis(p, QRect(kGutter, height() - kAxisHeight, width() - kGutter, kAxisHeight), r,
                 m_theme);
    if (!m_model->started()) {
        p.setPen(m_theme.mutedText);
        p.drawText(rect().adjusted(kGutter, 0, 0, -kAxisHeight), Qt::AlignCenter,
                   m_emptyHint.isEmpty() ? tr("Press Start (Space) to run the pool") : m_emptyHint);
    }
}

// Row backgrounds, alternating, and labels where a row is a line of text tall: a lane's worker, a
// group's range of workers with a triangle that says whether it is open.
void TimelineView::paintLaneLabels(QPainter &p)
{
    const QFontMetrics metrics = fontMetrics();
    const LaneGeometry pg = producerGeometry();
    p.setPen(m_theme.text);
    p.drawStaticText(QPointF(6, pg.top + (pg.height - metrics.height()) / 2.0), laneLabel(0));
    p.save();
    p.setClipRect(QRect(0, lanesTop(), width(), lanesBottom() - lanesTop()));
    const int textLeft = m_scrollBar->isVisible() ? m_scrollBar->width() + 4 : 6;
    const auto [first, last] = m_layout.rowsInView();
    for (std::size_t i = first; i < last; ++i) {
        const LaneLayout::Row &row = m_layout.rows()[i];
        const TimelineScene::Band g = band(row);
        if (i % 2 == 0)
            p.fillRect(QRect(0, g.top, width(), g.height), m_theme.laneAlternate);
        if (g.height < metrics.height() - 4)
            continue;
        const Lane *firstLane = laneAt(row.first);
        const Lane *lastLane = laneAt(row.first + row.lanes - 1);
        if (firstLane == nullptr || lastLane == nullptr)
            continue;
        const Lane &lane = *firstLane;
        const double y = g.top + (g.height - metrics.height()) / 2.0;
        if (row.isGroup()) {
            const int lastWorker = lastLane->worker;
            const bool open = m_layout.expanded(row.group);
            p.setPen(m_theme.text);
            const QString mark = open ? QStringLiteral("▾") : QStringLiteral("▸");
            QString text;
            if (m_layout.ownGroups() && static_cast<std::size_t>(row.group) < m_laneGroups.size()) {
                text = metrics.elidedText(
                    QStringLiteral("%1 %2").arg(
                        mark, m_laneGroups[static_cast<std::size_t>(row.group)].name),
                    Qt::ElideRight, kGutter - textLeft - 2);
            } else {
                text = QStringLiteral("%1 W%2–%3").arg(mark).arg(lane.worker).arg(lastWorker);
                // Three-digit ids beside the scroll bar: without the W.
                if (metrics.horizontalAdvance(text) > kGutter - textLeft - 2)
                    text = QStringLiteral("%1 %2–%3").arg(mark).arg(lane.worker).arg(lastWorker);
            }
            p.drawText(QRectF(textLeft, y, kGutter - textLeft, metrics.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, text);
            continue;
        }
        p.setPen(lane.live() ? m_theme.text : m_theme.mutedText);
        p.drawStaticText(QPointF(textLeft + (m_layout.grouped() ? 10 : 0), y),
                         laneLabel(lane.worker));
    }
    p.restore();
}

// Worker lanes: a faint wash where a lane was not live, then its bars, a batch per colour; job
// ids where they fit and the selected job's outline over all lanes.
void TimelineView::paintLanes(QPainter &p, const TimelineScene &scene, QVector<QRectF> &hatched)
{
    const QFontMetrics metrics = fontMetrics();
    // A bar gets its id only when the widest id of the run fits.
    const double labelWidth = metrics.horizontalAdvance(QString::number(
                                  std::max<std::int64_t>(m_model->submittedCount(), 9)))
        + 6.0;
    std::vector<std::pair<QRectF, std::int64_t>> labels;
    QRectF selectedRect;
    const auto [first, last] = m_layout.rowsInView();
    for (std::size_t i = first; i < last; ++i) {
        const LaneLayout::Row &row = m_layout.rows()[i];
        if (row.isGroup()) {
            paintGroup(p, scene, row);
            continue;
        }
        const Lane *shown = laneAt(row.first);
        if (shown == nullptr)
            continue;
        TimelineScene::LaneBars lane
            = scene.laneBars(*shown, band(row), m_selected, labelWidth, metrics.height() - 2);
        for (const QRectF &box : lane.notLive)
            p.fillRect(box, m_theme.paused);
        hatched << lane.blocked;
        p.setPen(Qt::NoPen);
        for (int b = 0; b < TimelineScene::kBatches; ++b) {
            const QVector<QRectF> &bars = lane.bars[static_cast<std::size_t>(b)];
            if (bars.isEmpty())
                continue;
            p.setBrush(b == TimelineScene::kRunningBatch
                           ? m_theme.running
                           : m_theme.forStatus(static_cast<JobStatus>(b)));
            p.drawRects(bars);
            m_barsPainted += static_cast<int>(bars.size());
        }
        if (!lane.dense.isEmpty()) {
            p.setBrush(m_theme.forStatus(JobStatus::Completed));
            p.drawRects(lane.dense);
            m_barsPainted += static_cast<int>(lane.dense.size());
        }
        labels.insert(labels.end(), lane.labels.begin(), lane.labels.end());
        if (!lane.selected.isNull())
            selectedRect = lane.selected;
    }
    p.setPen(m_theme.background);
    for (const auto &[box, job] : labels)
        p.drawText(box, Qt::AlignCenter, QString::number(job));
    if (!selectedRect.isNull()) {
        p.setPen(QPen(m_theme.selection, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(selectedRect);
    }
}

// A group row: per pixel column, how many of its lanes were busy (bars count whole, a dense run
// as much as it was busy), as one row of shades from the background to the completed colour. A
// sender's group is titled with its name across the plot; open, its lanes below say what the
// shades would, so the title stands alone.
void TimelineView::paintGroup(QPainter &p, const TimelineScene &scene, const LaneLayout::Row &row)
{
    const bool titled
        = m_layout.ownGroups() && static_cast<std::size_t>(row.group) < m_laneGroups.size();
    if (!titled || !m_layout.expanded(row.group))
        paintHeat(p, scene, row);
    if (!titled)
        return;
    const TimelineScene::Band g = band(row);
    const QFontMetrics metrics = fontMetrics();
    if (g.height < metrics.height() - 4)
        return;
    const QString title = metrics.elidedText(
        tr("%1 · %2").arg(m_laneGroups[static_cast<std::size_t>(row.group)].name,
                          row.lanes == 1 ? tr("1 worker") : tr("%1 workers").arg(row.lanes)),
        Qt::ElideMiddle, std::max(0, width() - kGutter - 12));
    const QRect box(kGutter + 2, g.top + (g.height - metrics.height()) / 2,
                    metrics.horizontalAdvance(title) + 8, metrics.height());
    if (!m_layout.expanded(row.group)) // over the shades: on a plate of the background
        p.fillRect(box, m_theme.background);
    p.setPen(m_theme.text);
    p.drawText(box.adjusted(4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, title);
}

void TimelineView::paintHeat(QPainter &p, const TimelineScene &scene, const LaneLayout::Row &row)
{
    const TimelineScene::Band g = band(row);
    const int plotW = width() - kGutter;
    if (plotW <= 0)
        return;
    std::vector<float> busy(static_cast<std::size_t>(plotW), 0.0F);
    const auto add = [&](const QRectF &box, double share) {
        const double from = std::max(0.0, box.left() - kGutter);
        const double to = std::min<double>(plotW, box.right() - kGutter);
        for (auto x = static_cast<int>(from); x < to; ++x) {
            const double covered = std::min<double>(x + 1, to) - std::max<double>(x, from);
            busy[static_cast<std::size_t>(x)] += static_cast<float>(covered * share);
        }
    };
    const TimelineScene::Band full {0, 30};
    for (int k = row.first; k < row.first + row.lanes; ++k) {
        const Lane *lane = laneAt(k);
        if (lane == nullptr)
            continue;
        const TimelineScene::LaneBars bars = scene.laneBars(*lane, full, 0, 1e9, 1000);
        for (const auto &batch : bars.bars) {
            for (const QRectF &box : batch)
                add(box.adjusted(-1, 0, 0, 0), 1.0); // the gap before a bar is its job's too
        }
        for (const QRectF &box : bars.dense)
            add(box, box.height() / 26.0); // 26: a full bar's height in a 30-pixel band
    }
    // As tall as the row, so that it is drawn unscaled (a scaled image costs several times more).
    const int rowH = std::max(1, g.height - 2);
    if (m_heatImage.width() != plotW || m_heatImage.height() != rowH)
        m_heatImage = QImage(plotW, rowH, QImage::Format_ARGB32_Premultiplied);
    auto *line = reinterpret_cast<QRgb *>(m_heatImage.scanLine(0));
    const QColor base = m_theme.forStatus(JobStatus::Completed);
    for (int x = 0; x < plotW; ++x) {
        const double share = std::clamp(busy[static_cast<std::size_t>(x)] / row.lanes, 0.0F, 1.0F);
        // Any work at all shows; all lanes busy is the full colour.
        const double alpha = share > 0.0 ? 0.15 + 0.85 * share : 0.0;
        line[x] = qPremultiply(qRgba(base.red(), base.green(), base.blue(),
                                     static_cast<int>(std::lround(alpha * 255))));
    }
    for (int y = 1; y < rowH; ++y)
        std::copy_n(line, plotW, reinterpret_cast<QRgb *>(m_heatImage.scanLine(y)));
    p.drawImage(QPoint(kGutter, g.top + 1), m_heatImage);
    ++m_barsPainted;
}

// Detail older than the history cap: per pixel column, how busy each lane was (bar height), how
// blocked the producer was, and a band on the axis saying so.
void TimelineView::paintSummary(QPainter &p, const TimelineScene &scene, const QRect &plot)
{
    const TimelineScene::SummaryShares shares = scene.summaryShares(width());
    if (!shares.active)
        return;
    const Summary &summary = m_model->summary();
    const int xFrom = shares.xFrom, xTo = shares.xTo;
    const int busyColumns = paintSummaryBusy(p, shares);
    QVector<QRectF> blockedRects;
    const LaneGeometry pg = producerGeometry();
    for (int x = xFrom; x < xTo; ++x) {
        const double blocked = shares.fraction(summary.producer, x, &SummaryColumn::blockedNs);
        if (blocked > 0.0)
            blockedRects << QRectF(x, pg.top + 2, 1, std::max(1.0, blocked * (pg.height - 4)));
    }
    p.setPen(Qt::NoPen);
    p.setBrush(m_theme.blocked);
    p.drawRects(blockedRects);
    m_barsPainted += busyColumns;
    // The band that says where detail was summarized.
    p.setClipping(false);
    const QRect bandRect(xFrom, height() - kAxisHeight - 3, xTo - xFrom, 3);
    p.fillRect(bandRect, QBrush(m_theme.marker, Qt::Dense4Pattern));
    if (xTo - xFrom > 120) {
        const QFontMetrics metrics = fontMetrics();
        p.setPen(m_theme.mutedText);
        p.drawText(QRect(xFrom + 4, height() - kAxisHeight - metrics.height() - 4, xTo - xFrom - 8,
                         metrics.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   tr("summarized before %1 (%2 jobs)")
                       .arg(goDuration(roundForDisplay(summary.until)))
                       .arg(summary.jobs));
    }
    p.setClipRect(plot);
}

// The busy bars of every lane go into one image, a pixel column at a time, and are drawn with one
// call: up to a bar per pixel column per lane would be ~100,000 rectangles. Returns the columns
// that had a bar.
int TimelineView::paintSummaryBusy(QPainter &p, const TimelineScene::SummaryShares &shares)
{
    const Summary &summary = m_model->summary();
    const int xFrom = shares.xFrom, xTo = shares.xTo;
    const int bandTop = lanesTop();
    const int bandBottom = lanesBottom();
    if (xTo <= xFrom || bandBottom <= bandTop)
        return 0;
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
    // Per lane: each pixel column's bar top (in device rows), then the lane's rows are filled left
    // to right, so the image is written in memory order.
    uchar *const bits = busyImage.bits();
    const qsizetype stride = busyImage.bytesPerLine();
    std::vector<int> barTop(static_cast<std::size_t>(imageWidth));
    int busyColumns = 0;
    const auto [first, last] = m_layout.rowsInView();
    for (std::size_t i = first; i < last; ++i) {
        const LaneLayout::Row &row = m_layout.rows()[i];
        if (static_cast<std::size_t>(row.first) + static_cast<std::size_t>(row.lanes)
            > summary.lanes.size())
            break;
        const TimelineScene::Band g = band(row);
        const int laneBottom
            = std::min(imageHeight, static_cast<int>((g.top + g.height - 1 - bandTop) * dpr));
        if (laneBottom <= 0)
            continue;
        int highest = laneBottom;
        for (int x = xFrom; x < xTo; ++x) {
            // A group row: its lanes' mean.
            double busy = 0.0;
            for (int k = row.first; k < row.first + row.lanes; ++k) {
                const auto index = static_cast<std::size_t>(m_layout.lane(k));
                if (index < summary.lanes.size())
                    busy += shares.fraction(summary.lanes[index], x, &SummaryColumn::busyNs);
            }
            busy /= row.lanes;
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
    return busyColumns;
}

// Markers for config changes, pause, stop and cancel, and the edge of now while the run goes on.
void TimelineView::paintMarkers(QPainter &p, const TimelineScene &scene)
{
    const coords::Range r = m_window->range();
    const QFontMetrics metrics = fontMetrics();
    p.setBrush(Qt::NoBrush);
    int lastLabelRight = -1000;
    for (const Marker &m : m_model->markers()) {
        if (m.t < r.start || m.t > r.end)
            continue;
        const int x = static_cast<int>(scene.xOf(m.t));
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
    const std::int64_t now = m_model->endT();
    if (m_model->started() && !m_model->finished() && now >= r.start && now <= r.end) {
        p.setPen(QPen(m_theme.text, 1));
        const int x = static_cast<int>(scene.xOf(now));
        p.drawLine(x, 0, x, height() - kAxisHeight);
    }
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    // Shift+wheel (or a sideways wheel, which some systems make of it) scrolls the lanes; the
    // wheel over the label gutter too.
    const QPoint delta = event->angleDelta();
    const bool overLabels = event->position().x() < kGutter;
    const bool scrolls = m_layout.maxScroll() > 0;
    if (event->modifiers().testFlag(Qt::ShiftModifier) || (overLabels && scrolls)) {
        const int d = delta.y() != 0 ? delta.y() : delta.x();
        if (scrolls && d != 0) {
            m_scrollBar->setValue(m_scrollBar->value() - d * 3 * fontMetrics().height() / 120);
            event->accept();
        }
        return;
    }
    const double steps = delta.y() / 120.0;
    if (steps == 0.0)
        return;
    m_window->zoomAround(timeAtX(static_cast<int>(event->position().x())), std::pow(1.25, steps));
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    // A group row opens or closes where it is clicked.
    if (const int row = rowAt(event->position().toPoint().y());
        row >= 0 && m_layout.rows()[static_cast<std::size_t>(row)].isGroup()) {
        toggleGroup(m_layout.rows()[static_cast<std::size_t>(row)].group);
        return;
    }
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

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const int page = lanesBottom() - lanesTop();
    switch (event->key()) {
    case Qt::Key_PageUp:
        m_scrollBar->setValue(m_scrollBar->value() - page);
        break;
    case Qt::Key_PageDown:
        m_scrollBar->setValue(m_scrollBar->value() + page);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateLayout();
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
        if (const int row = rowAt(help->pos().y());
            row >= 0 && m_layout.rows()[static_cast<std::size_t>(row)].isGroup()) {
            const LaneLayout::Row &r = m_layout.rows()[static_cast<std::size_t>(row)];
            const Lane *first = laneAt(r.first);
            const Lane *last = laneAt(r.first + r.lanes - 1);
            if (first == nullptr || last == nullptr)
                return QWidget::event(event);
            const QString action = m_layout.expanded(r.group) ? tr("close") : tr("open");
            const QString text
                = m_layout.ownGroups() && static_cast<std::size_t>(r.group) < m_laneGroups.size()
                ? tr("%1: %2 workers; the shade says how many of them were busy (the full "
                     "colour: all). Click to %3 the group.")
                      .arg(m_laneGroups[static_cast<std::size_t>(r.group)].name,
                           QString::number(r.lanes), action)
                : tr("Workers %1 to %2: the shade says how many of them were busy (the full "
                     "colour: all). Click to %3 the group.")
                      .arg(first->worker)
                      .arg(last->worker)
                      .arg(action);
            QToolTip::showText(help->globalPos(), text, this);
            return true;
        }
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
