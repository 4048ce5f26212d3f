#include "ui/pipelineview.h"

#include "engine/durationformat.h"
#include "ui/runmodel.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QResizeEvent>
#include <algorithm>
#include <climits>
#include <cmath>

namespace gui {

using engine::JobStatus;
using engine::ProducerState;
using engine::WorkerState;

namespace {

constexpr double kMoveMs = 180.0; // one hop of a token
constexpr double kFadeMs = 180.0; // a token appearing where it is
constexpr double kLingerMs = 250.0; // a finished job between its worker and the collector
constexpr int kMaxSlots = 40; // queues up to this capacity draw every slot
constexpr int kMaxSlotRows = 4;
constexpr int kMaxHeadSlots = 12; // compact queues show at most this many next-out jobs
constexpr int kMaxWorkerRows = 32; // more workers draw as a grid of cells
constexpr int kMaxArrivingResults = 2; // more new results in one update appear in place
constexpr int kMaxFlyingWorkers = 6; // more workers: tokens appear where they go, not fly
constexpr int kMaxFanLines = 12; // more rows than this get evenly spaced fan lines
constexpr double kMinRowColumnW = 140.0;
constexpr double kColumnGap = 8.0;
constexpr double kMargin = 8.0;
constexpr double kArrowGap = 28.0;
constexpr double kGap = 2.0;

int ceilDiv(int a, int b)
{
    return b > 0 ? (a + b - 1) / b : 0;
}

int digitCount(std::int64_t value)
{
    int digits = 1;
    for (; value >= 10; value /= 10)
        ++digits;
    return digits;
}

// t is the weight of b.
QColor mix(const QColor &a, const QColor &b, double t)
{
    const auto blend = [t](float x, float y) {
        return static_cast<float>(x * (1.0 - t) + y * t);
    };
    return QColor::fromRgbF(blend(a.redF(), b.redF()), blend(a.greenF(), b.greenF()),
                            blend(a.blueF(), b.blueF()), blend(a.alphaF(), b.alphaF()));
}

QColor withAlpha(QColor c, float alpha)
{
    c.setAlphaF(alpha);
    return c;
}

double easeOut(double t)
{
    const double u = 1.0 - t;
    return 1.0 - u * u * u;
}

QRectF crisp(const QRectF &r)
{
    return r.adjusted(0.5, 0.5, -0.5, -0.5);
}

QRectF centeredAt(const QPointF &centre, const QSizeF &size)
{
    return {centre.x() - size.width() / 2, centre.y() - size.height() / 2, size.width(),
            size.height()};
}

void drawHead(QPainter &p, const QPointF &from, const QPointF &to, double size, const QBrush &brush)
{
    const QPointF d = to - from;
    const double length = std::hypot(d.x(), d.y());
    if (length < 1e-6)
        return;
    const QPointF u = d / length;
    const QPointF n(-u.y(), u.x());
    const QPointF tip[3] = {to, to - u * size * 1.6 + n * size, to - u * size * 1.6 - n * size};
    const QPen pen = p.pen();
    p.setPen(Qt::NoPen);
    p.setBrush(brush);
    p.drawPolygon(tip, 3);
    p.setPen(pen);
}

void drawArrow(QPainter &p, const QPointF &from, const QPointF &to, const QBrush &head)
{
    if (to.x() - from.x() < 4)
        return;
    p.drawLine(from, QPointF(to.x() - 5, to.y()));
    drawHead(p, from, to, 3.5, head);
}

enum class QueueMode : std::uint8_t { Gate, Slots, Compact };

} // namespace

// Pure geometry for one size, font and model shape; recomputed per sync and per paint (cheap).
struct PipelineView::Layout
{
    double lineH = 0;
    QSizeF token;
    double headingY = 0;
    QRectF band;
    QRectF producerCol;
    QRectF queueCol;
    QRectF workersCol;
    QRectF resultsCol;
    QRectF producerBox;
    QRectF producerToken;

    QueueMode queueMode = QueueMode::Slots;
    int capacity = 0;
    QRectF queueBox; // the outline, or the gate itself
    int slots = 0; // every slot, or the next-out slots of a compact queue
    int slotCols = 1;
    QSizeF slot;
    QPointF slotOrigin; // top-right corner of slot 0, the output end
    QRectF bar; // compact: depth / capacity

    int workers = 0;
    bool grid = false;
    int workerCols = 1; // columns of rows, or of grid cells
    int workerRows = 0; // rows per column, or of grid cells
    QSizeF cell;
    double gapX = 0;
    double gapY = kGap;
    QPointF workersOrigin;
    bool workerText = false;
    bool fullLabel = false;
    double labelW = 0; // 0: no label
    // Tokens fly from the queue to a worker and from a worker to the results: only while the
    // rows are few and tall enough that a flight crosses no other worker's text.
    bool flights = false;

    int results = 0;
    double resultRowH = 0;
};

PipelineView::PipelineView(const RunModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_theme(Theme::fromPalette(palette()))
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAccessibleName(tr("Pipeline"));
    setAccessibleDescription(tr("Pipeline: producer, queue, workers, results"));
    rebuildPaints();
    connect(m_model, &RunModel::modelReset, this, [this] {
        m_tokens.clear();
        m_changedSinceAdvance = true;
    });
    // Targets follow every batch at once; a hidden view places its tokens without animating.
    connect(m_model, &RunModel::changed, this, [this] {
        syncTargets(!isVisible());
        m_changedSinceAdvance = true;
    });
    syncTargets(true);
}

PipelineView::~PipelineView() = default;

void PipelineView::setTheme(const Theme &theme)
{
    m_theme = theme;
    rebuildPaints();
    update();
}

bool PipelineView::advance(double elapsedMs)
{
    const double dt = std::max(0.0, elapsedMs);
    bool moving = false;
    for (auto it = m_tokens.begin(); it != m_tokens.end();) {
        TokenState &t = it.value();
        if (!t.visible) {
            t.lingerMs += dt;
            if (t.lingerMs >= kLingerMs)
                it = m_tokens.erase(it);
            else
                ++it;
            continue;
        }
        if (t.progress < 1.0) {
            t.progress = std::min(1.0, t.progress + dt / kMoveMs);
            const double e = easeOut(t.progress);
            t.pos = t.from + (t.target - t.from) * e;
            t.size = t.fromSize + (t.targetSize - t.fromSize) * e;
            moving = true;
        }
        if (t.opacity < 1.0) {
            t.opacity = std::min(1.0, t.opacity + dt / kFadeMs);
            moving = true;
        }
        ++it;
    }
    const bool repaint = moving || m_changedSinceAdvance;
    m_changedSinceAdvance = false;
    return repaint;
}

std::vector<std::int64_t> PipelineView::legibleResults() const
{
    std::vector<std::pair<double, std::int64_t>> shown; // by height
    for (auto it = m_tokens.cbegin(); it != m_tokens.cend(); ++it) {
        const TokenState &t = it.value();
        if (t.visible && t.stage == Stage::Result && t.opacity >= 0.6 && t.progress >= 0.8)
            shown.emplace_back(t.pos.y(), it.key());
    }
    std::sort(shown.begin(), shown.end());
    std::vector<std::int64_t> jobs;
    for (const auto &[y, job] : shown)
        jobs.push_back(job);
    return jobs;
}

int PipelineView::movingTokens() const
{
    return static_cast<int>(
        std::count_if(m_tokens.cbegin(), m_tokens.cend(),
                      [](const TokenState &t) { return t.visible && t.progress < 1.0; }));
}

int PipelineView::workerTokens() const
{
    return static_cast<int>(
        std::count_if(m_tokens.cbegin(), m_tokens.cend(), [](const TokenState &t) {
            return t.visible && (t.stage == Stage::Busy || t.stage == Stage::Blocked);
        }));
}

void PipelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    syncTargets(true);
}

void PipelineView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        refreshLabelWidths();
        syncTargets(true);
        update();
    }
}

int PipelineView::jobDigits() const
{
    const engine::PoolConfig &config = m_model->config();
    // Fixed for a run of a set number of jobs, so the layout does not move as ids grow. A
    // continuous run starts at 5 digits and widens when its ids outgrow them (once at each power
    // of ten): a flat-out run reaches 7 digits in seconds, and tokens too narrow for their ids
    // would show none.
    const std::int64_t widest = config.continuous
        ? std::max<std::int64_t>(99'999, m_model->submittedCount())
        : config.jobs;
    return std::clamp(digitCount(widest), 2, 8);
}

// Long: every stage's box in one pass: their sizes depend on each other.
// NOLINTNEXTLINE(readability-function-size)
PipelineView::Layout PipelineView::computeLayout(int workerCount, int lastWorkerId) const
{
    Layout l;
    const QFontMetricsF fm(font());
    l.lineH = std::ceil(fm.height());
    const QString widest(jobDigits(), QLatin1Char('0'));
    l.token = QSizeF(std::ceil(fm.horizontalAdvance(widest)) + 8, l.lineH + 2);

    const QRectF content
        = QRectF(0, 0, width(), height()).adjusted(kMargin, kMargin / 2, -kMargin, -kMargin / 2);
    l.headingY = content.top();
    l.band = content.adjusted(0, l.lineH + 6, 0, 0);
    if (l.band.height() < 1)
        l.band.setHeight(1);
    const double top = l.band.top();
    const double bandH = l.band.height();
    const double cy = std::round(l.band.center().y());

    // Columns, left to right.
    l.capacity = m_model->queueCapacity();
    // A capacity that is not known (a feed that does not say) is drawn as a long queue is, its
    // bar against the deepest it has been.
    l.queueMode = l.capacity == 0                   ? QueueMode::Gate
        : l.capacity > 0 && l.capacity <= kMaxSlots ? QueueMode::Slots
                                                    : QueueMode::Compact;
    const double w = l.band.width();
    const double producerW = std::round(std::clamp(w * 0.16, 96.0, 160.0));
    const double resultsW = std::round(std::clamp(w * 0.15, 90.0, 160.0));
    const double rest = std::max(0.0, w - producerW - resultsW - 3 * kArrowGap);
    double queueW = std::round(rest * 0.45);
    if (l.queueMode == QueueMode::Gate)
        queueW = std::min(queueW,
                          std::max(48.0, fm.horizontalAdvance(QStringLiteral("hand-off")) + 8));
    const double workersW = rest - queueW;
    double x = l.band.left();
    l.producerCol = QRectF(x, top, producerW, bandH);
    x += producerW + kArrowGap;
    l.queueCol = QRectF(x, top, queueW, bandH);
    x += queueW + kArrowGap;
    l.workersCol = QRectF(x, top, workersW, bandH);
    x += workersW + kArrowGap;
    l.resultsCol = QRectF(x, top, resultsW, bandH);

    // Producer: state line, token row, job line, submitted line.
    const double boxH = std::min(bandH, 3 * l.lineH + l.token.height() + 18);
    l.producerBox = QRectF(l.producerCol.left(), std::round(cy - boxH / 2), producerW, boxH);
    l.producerToken
        = QRectF(std::round(l.producerBox.center().x() - l.token.width() / 2),
                 l.producerBox.top() + 6 + l.lineH + 3, l.token.width(), l.token.height());
    if (l.producerToken.bottom() > l.producerBox.bottom() - 2)
        l.producerToken.moveCenter(l.producerBox.center());

    // Queue.
    const QRectF qInner = l.queueCol.adjusted(4, 4, -4, -4);
    const double innerW = std::max(1.0, qInner.width());
    const double innerH = std::max(1.0, qInner.height());
    const double idealW = l.token.width() + 3;
    const double idealH = l.token.height() + 4;
    switch (l.queueMode) {
    case QueueMode::Gate: {
        const double gateH = std::round(std::min(innerH, std::max(40.0, bandH * 0.5)));
        l.queueBox = QRectF(std::round(qInner.center().x()) - 5, cy - gateH / 2, 10, gateH);
        break;
    }
    case QueueMode::Slots: {
        const int maxRows = std::clamp(static_cast<int>(innerH / idealH), 1, kMaxSlotRows);
        int rows = maxRows;
        for (int r = 1; r <= maxRows; ++r) {
            if (innerW / ceilDiv(l.capacity, r) >= idealW) {
                rows = r;
                break;
            }
        }
        rows = std::min(rows, l.capacity);
        l.slots = l.capacity;
        l.slotCols = ceilDiv(l.capacity, rows);
        l.slot = QSizeF(std::max(3.0, std::floor(std::min(innerW / l.slotCols, idealW + 6))),
                        std::max(3.0, std::floor(std::min(innerH / rows, idealH))));
        const double gridW = l.slotCols * l.slot.width();
        const double gridH = rows * l.slot.height();
        l.slotOrigin
            = QPointF(std::round(qInner.center().x() + gridW / 2), std::round(cy - gridH / 2));
        l.queueBox = QRectF(l.slotOrigin.x() - gridW, l.slotOrigin.y(), gridW, gridH)
                         .adjusted(-4, -4, 4, 4);
        break;
    }
    case QueueMode::Compact: {
        l.slots = std::clamp(static_cast<int>(innerW / idealW), 1, kMaxHeadSlots);
        l.slotCols = l.slots;
        const double barH = l.lineH + 6;
        l.slot = QSizeF(std::max(3.0, std::floor(std::min(idealW, innerW / l.slots))),
                        std::floor(std::clamp(innerH - barH - 4, 4.0, idealH)));
        const double groupH = l.slot.height() + 4 + barH;
        const double groupTop = std::round(cy - groupH / 2);
        l.slotOrigin = QPointF(std::round(qInner.right()), groupTop);
        l.bar = QRectF(std::round(qInner.left()), groupTop + l.slot.height() + 4,
                       std::round(innerW), barH);
        l.queueBox = QRectF(l.bar.left(), groupTop, l.bar.width(), groupH).adjusted(-4, -4, 4, 4);
        break;
    }
    }

    // Workers: rows (one or two columns) up to kMaxWorkerRows, a grid of cells beyond.
    l.workers = workerCount;
    const QRectF wCol = l.workersCol;
    // Rows while a row is a line of text tall (in one column or two), cells beyond.
    const bool rowsFit = [&] {
        const int rows = workerCount <= 0                     ? 0
            : wCol.width() >= 2 * kMinRowColumnW + kColumnGap ? ceilDiv(workerCount, 2)
                                                              : workerCount;
        const double gap = rows > 16 ? 1.0 : kGap;
        return rows > 0 && (bandH - (rows - 1) * gap) / rows >= l.lineH;
    }();
    l.flights = rowsFit && workerCount <= kMaxFlyingWorkers;
    if (workerCount > 0 && workerCount <= kMaxWorkerRows && rowsFit) {
        const double rowMinH = l.lineH + 4;
        l.workerCols = 1;
        if (workerCount * (rowMinH + kGap) - kGap > bandH
            && wCol.width() >= 2 * kMinRowColumnW + kColumnGap)
            l.workerCols = 2;
        l.workerRows = ceilDiv(workerCount, l.workerCols);
        l.gapY = l.workerRows > 16 ? 1.0 : kGap;
        l.gapX = kColumnGap;
        const double rowH
            = std::min(l.token.height() + 8, (bandH - (l.workerRows - 1) * l.gapY) / l.workerRows);
        l.cell = QSizeF(std::floor((wCol.width() - (l.workerCols - 1) * l.gapX) / l.workerCols),
                        std::max(1.0, std::floor(rowH)));
        const double blockH = l.workerRows * l.cell.height() + (l.workerRows - 1) * l.gapY;
        l.workersOrigin = QPointF(wCol.left(), std::round(cy - blockH / 2));
        l.workerText = l.cell.height() >= l.lineH;
        if (l.workerText) {
            const QString digits(digitCount(std::max(1, lastWorkerId)), QLatin1Char('0'));
            const double fullW = std::ceil(fm.horizontalAdvance(tr("Worker %1").arg(digits)));
            const double shortW = std::ceil(fm.horizontalAdvance(QLatin1Char('W') + digits));
            const double room = l.cell.width() - l.token.width() - 16;
            if (room - fullW >= 60) {
                l.fullLabel = true;
                l.labelW = fullW;
            } else if (room - shortW >= 36) {
                l.labelW = shortW;
            }
        }
    } else if (workerCount > 0) {
        l.grid = true;
        l.gapX = l.gapY = kGap;
        double best = -1;
        for (int c = 1; c <= workerCount; ++c) {
            const int r = ceilDiv(workerCount, c);
            const double cw = std::min((wCol.width() - (c - 1) * kGap) / c, 2 * l.token.width());
            const double ch = std::min((bandH - (r - 1) * kGap) / r, l.token.height() + 8);
            const double score = std::min(cw / 2, ch);
            if (score > best) {
                best = score;
                l.workerCols = c;
                l.workerRows = r;
                l.cell = QSizeF(std::max(2.0, std::floor(cw)), std::max(2.0, std::floor(ch)));
            }
        }
        const double blockW = l.workerCols * l.cell.width() + (l.workerCols - 1) * kGap;
        const double blockH = l.workerRows * l.cell.height() + (l.workerRows - 1) * kGap;
        l.workersOrigin
            = QPointF(std::round(wCol.center().x() - blockW / 2), std::round(cy - blockH / 2));
        l.workerText = l.cell.height() >= l.lineH;
    }

    // Results: newest on top.
    l.resultRowH = l.token.height() + 4;
    l.results = std::clamp(static_cast<int>((bandH + kGap) / (l.resultRowH + kGap)), 0,
                           RunModel::kRecentResults);
    return l;
}

QRectF PipelineView::slotRect(const Layout &l, int index) const
{
    const int row = index / l.slotCols;
    const int col = index % l.slotCols;
    return {l.slotOrigin.x() - (col + 1) * l.slot.width(), l.slotOrigin.y() + row * l.slot.height(),
            l.slot.width(), l.slot.height()};
}

PipelineView::WorkerParts PipelineView::workerParts(const Layout &l, int index) const
{
    WorkerParts parts;
    const int row = l.grid ? index / l.workerCols : index % std::max(1, l.workerRows);
    const int col = l.grid ? index % l.workerCols : index / std::max(1, l.workerRows);
    parts.cell = QRectF(l.workersOrigin.x() + col * (l.cell.width() + l.gapX),
                        l.workersOrigin.y() + row * (l.cell.height() + l.gapY), l.cell.width(),
                        l.cell.height());
    const QRectF &c = parts.cell;
    if (l.grid) {
        const double pad = c.height() >= 14 ? 2 : 1;
        const double strip = c.height() >= 12 ? 3 : 0;
        parts.token = QRectF(c.left() + pad, c.top() + pad, c.width() - 2 * pad,
                             std::max(1.0, c.height() - 2 * pad - strip));
        parts.area = QRectF(c.left() + pad, c.bottom() - pad - strip, c.width() - 2 * pad, strip);
        return parts;
    }
    const double pad = 4;
    double x = c.left() + pad;
    if (l.labelW > 0) {
        parts.label = QRectF(x, c.top(), l.labelW, c.height());
        x += l.labelW + 6;
    }
    const double th = std::max(1.0, std::min(l.token.height(), c.height() - 2));
    const double tw = std::max(4.0, std::min(l.token.width(), c.right() - pad - x));
    parts.token = QRectF(x, c.center().y() - th / 2, tw, th);
    x += tw + 6;
    const double ah = std::max(1.0, std::min(l.lineH + 2, c.height() - 4));
    parts.area = QRectF(x, c.center().y() - ah / 2, std::max(0.0, c.right() - pad - x), ah);
    return parts;
}

QRectF PipelineView::resultRect(const Layout &l, int row) const
{
    return {l.resultsCol.left(), l.band.top() + row * (l.resultRowH + kGap), l.resultsCol.width(),
            l.resultRowH};
}

QRectF PipelineView::resultTokenRect(const Layout &l, int row) const
{
    const QRectF r = resultRect(l, row);
    return {r.left() + 2, r.center().y() - l.token.height() / 2,
            std::min(l.token.width(), r.width() - 4), l.token.height()};
}

void PipelineView::syncTargets(bool snap)
{
    const std::vector<WorkerNow> workers = shownWorkers();
    const Layout l
        = computeLayout(static_cast<int>(workers.size()), workers.empty() ? 1 : workers.back().id);
    ++m_generation;
    const double cy = std::round(l.band.center().y());

    if (producerHolds())
        placeToken(m_model->producerJob(), l.producerToken, Stage::Producer, JobStatus::Completed,
                   nullptr, true, snap);

    // Only the slots drawn get tokens, however long the queue is.
    const std::deque<std::int64_t> &queued = m_model->queued();
    if (l.queueMode == QueueMode::Gate) {
        if (!queued.empty())
            placeToken(queued.front(), centeredAt(l.queueBox.center(), l.token), Stage::Queue,
                       JobStatus::Completed, &l.producerToken, false, snap);
    } else {
        const int shown = static_cast<int>(
            std::min<std::size_t>(queued.size(), static_cast<std::size_t>(l.slots)));
        for (int i = 0; i < shown; ++i) {
            const QRectF at = slotRect(l, i).adjusted(2, 2, -2, -2);
            // Into a full slot view from the producer; into the next-out strip from the backlog.
            const QRectF from = l.queueMode == QueueMode::Slots ? l.producerToken
                                                                : at.translated(-l.slot.width(), 0);
            placeToken(queued[static_cast<std::size_t>(i)], at, Stage::Queue, JobStatus::Completed,
                       &from, l.queueMode == QueueMode::Compact, snap);
        }
    }

    // The compact grid shows each worker's state as its cell's colour, without tokens.
    const QRectF fromQueue = centeredAt(QPointF(l.queueBox.right(), cy), l.token);
    for (std::size_t i = 0; i < workers.size() && !l.grid; ++i) {
        const WorkerNow &w = workers[i];
        if (w.job == 0 || (w.state != WorkerState::Busy && w.state != WorkerState::Blocked))
            continue;
        if (!l.flights)
            forgetIfMoved(w.job, Stage::Busy);
        // Without flights a job appears at its worker at once: at many workers, each row's job
        // changes often, and a fade would keep the ids faint.
        placeToken(w.job, workerParts(l, static_cast<int>(i)).token,
                   w.state == WorkerState::Blocked ? Stage::Blocked : Stage::Busy,
                   JobStatus::Completed, l.flights ? &fromQueue : nullptr, true,
                   snap || !l.flights);
    }

    const std::vector<std::int64_t> recent = m_model->recentResults(l.results);
    // More than a few results at once cannot be followed one by one: they appear in place with
    // their ids, rather than fly in or fade in (which, renewed every frame at thousands of
    // results a second, would leave the pills empty).
    const auto arriving = std::count_if(recent.begin(), recent.end(), [this](std::int64_t job) {
        const auto it = m_tokens.constFind(job);
        return it == m_tokens.cend() || it->stage != Stage::Result || !it->visible;
    });
    const bool crowd = arriving > kMaxArrivingResults;
    for (std::size_t row = 0; row < recent.size(); ++row) {
        const std::int64_t job = recent[recent.size() - 1 - row];
        const std::optional<JobRecord> record = m_model->job(job);
        if (!l.flights)
            forgetIfMoved(job, Stage::Result);
        placeToken(job, resultTokenRect(l, static_cast<int>(row)), Stage::Result,
                   record ? record->status : JobStatus::Completed, nullptr, true, snap || crowd);
    }

    // A job that left its worker is briefly in the results queue: keep its token (hidden) so it
    // can slide on to the results; anything else off every stage is gone.
    for (auto it = m_tokens.begin(); it != m_tokens.end();) {
        TokenState &t = it.value();
        const bool current = t.generation == m_generation;
        if (!current && !snap && l.flights && t.visible
            && (t.stage == Stage::Busy || t.stage == Stage::Blocked)) {
            t.visible = false;
            t.lingerMs = 0;
        }
        if (current || (!snap && !t.visible)) // a hidden one: advance() expires it
            ++it;
        else
            it = m_tokens.erase(it);
    }
}

// A token that was somewhere else than `stage` (the queue, a worker) is dropped, so that it
// appears where it goes rather than fly there across other workers' rows.
void PipelineView::forgetIfMoved(std::int64_t job, Stage stage)
{
    const auto it = m_tokens.find(job);
    const bool sameStage = it != m_tokens.end()
        && (it->stage == stage || (stage == Stage::Busy && it->stage == Stage::Blocked)
            || (stage == Stage::Blocked && it->stage == Stage::Busy));
    if (it != m_tokens.end() && !sameStage)
        m_tokens.erase(it);
}

void PipelineView::placeToken(std::int64_t job, const QRectF &at, Stage stage, JobStatus status,
                              const QRectF *from, bool fade, bool snap)
{
    auto it = m_tokens.find(job);
    if (it == m_tokens.end()) {
        TokenState t;
        t.label = QString::number(job);
        t.labelWidth = QFontMetricsF(font()).horizontalAdvance(t.label);
        t.pos = t.target = at.center();
        t.size = t.targetSize = at.size();
        if (!snap) {
            if (from) {
                t.pos = t.from = from->center();
                t.size = t.fromSize = from->size();
                t.progress = 0.0;
            }
            if (fade)
                t.opacity = 0.0;
        }
        it = m_tokens.insert(job, t);
    } else {
        TokenState &t = it.value();
        t.visible = true;
        t.lingerMs = 0;
        if (t.target != at.center() || t.targetSize != at.size()) {
            t.target = at.center();
            t.targetSize = at.size();
            t.from = t.pos;
            t.fromSize = t.size;
            t.progress = 0.0;
        }
        if (snap) {
            t.pos = t.target;
            t.size = t.targetSize;
            t.progress = 1.0;
            t.opacity = 1.0;
        }
    }
    it->generation = m_generation;
    it->stage = stage;
    it->status = status;
}

void PipelineView::refreshLabelWidths()
{
    const QFontMetricsF fm(font());
    for (TokenState &t : m_tokens)
        t.labelWidth = fm.horizontalAdvance(t.label);
}

void PipelineView::rebuildPaints()
{
    const Theme &t = m_theme;
    Paints p;
    p.boxPen = QPen(mix(t.background, t.mutedText, 0.45), 1.0);
    p.arrowPen = QPen(t.mutedText, 1.2);
    p.fanPen = QPen(withAlpha(t.mutedText, 0.45f), 1.0);
    p.blockedPen = QPen(t.blocked, 1.5);
    p.capacityPen = QPen(t.capacity, 1.5);
    p.runningPen = QPen(t.running, 1.0);
    p.arrowBrush = QBrush(t.mutedText);
    p.laneBrush = QBrush(t.laneAlternate);
    p.slotFilled = QBrush(mix(t.background, t.depth, 0.18));
    p.blockedTint = QBrush(mix(t.background, t.blocked, 0.14));
    p.hatch = QBrush(withAlpha(t.blocked, 0.6f), Qt::BDiagPattern);
    p.pausedTint = QBrush(mix(t.background, t.paused, 0.4));
    p.runningTint = QBrush(mix(t.background, t.running, 0.2));
    p.busyCell = QBrush(mix(t.background, t.running, 0.75));
    p.progressStrip = QBrush(mix(t.running, t.text, 0.45));
    p.progressFill = QBrush(mix(t.background, t.running, 0.55));
    p.barFill = QBrush(mix(t.background, t.depth, 0.45));
    const auto style = [&t](const QColor &c) {
        return Style {QBrush(mix(t.background, c, 0.35)), QPen(c, 1.2)};
    };
    p.tokens[static_cast<int>(Stage::Producer)] = style(t.blocked);
    p.tokens[static_cast<int>(Stage::Queue)] = style(t.depth);
    p.tokens[static_cast<int>(Stage::Busy)] = style(t.running);
    p.tokens[static_cast<int>(Stage::Blocked)] = style(t.blocked);
    for (int s = 0; s < engine::kJobStatusCount; ++s)
        p.tokens[static_cast<int>(Stage::Result) + s]
            = style(t.forStatus(static_cast<JobStatus>(s)));
    m_paints = p;
}

const PipelineView::Style &PipelineView::styleFor(const TokenState &token) const
{
    if (token.stage == Stage::Result)
        return m_paints.tokens[static_cast<int>(Stage::Result) + static_cast<int>(token.status)];
    return m_paints.tokens[static_cast<int>(token.stage)];
}

void PipelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    p.setRenderHint(QPainter::Antialiasing);
    const std::vector<WorkerNow> workers = shownWorkers();
    const Layout l
        = computeLayout(static_cast<int>(workers.size()), workers.empty() ? 1 : workers.back().id);
    drawHeadings(p, l, workers);
    drawArrows(p, l);
    drawProducer(p, l);
    drawQueue(p, l);
    drawWorkers(p, l, workers);
    drawResults(p, l);
    drawTokens(p);
}

void PipelineView::drawHeadings(QPainter &p, const Layout &l,
                                const std::vector<WorkerNow> &workers) const
{
    const QFontMetricsF fm(font());
    const QLocale loc = locale();
    p.setPen(m_theme.mutedText);
    const auto heading = [&](const QRectF &col, const QString &text) {
        const QRectF r(col.left(), l.headingY, col.width(), l.lineH);
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(text, Qt::ElideRight, r.width()));
    };
    heading(l.producerCol, tr("Producer"));
    if (l.queueMode == QueueMode::Gate)
        heading(l.queueCol, tr("Queue"));
    else if (l.capacity < 0)
        heading(l.queueCol,
                tr("Queue  %1").arg(loc.toString(static_cast<qint64>(m_model->queued().size()))));
    else
        heading(l.queueCol,
                tr("Queue  %1 / %2")
                    .arg(loc.toString(static_cast<qint64>(m_model->queued().size())),
                         loc.toString(l.capacity)));
    if (l.grid) {
        // The cells' colours, counted.
        int busy = 0, blocked = 0;
        for (const WorkerNow &w : workers) {
            busy += w.state == WorkerState::Busy && w.job != 0;
            blocked += w.state == WorkerState::Blocked;
        }
        const int idle = static_cast<int>(workers.size()) - busy - blocked;
        QString counts = tr("Workers  %1: %2 busy · %3 %4")
                             .arg(static_cast<qint64>(workers.size()))
                             .arg(busy)
                             .arg(idle)
                             .arg(m_model->paused() ? tr("paused") : tr("idle"));
        if (blocked > 0)
            counts += tr(" · %1 blocked").arg(blocked);
        heading(l.workersCol, counts);
    } else {
        heading(l.workersCol,
                tr("Workers  %1 busy / %2")
                    .arg(m_model->busyWorkers())
                    .arg(static_cast<qint64>(workers.size())));
    }
    heading(l.resultsCol,
            tr("Results  %1").arg(loc.toString(static_cast<qint64>(m_model->stats().results()))));
}

void PipelineView::drawArrows(QPainter &p, const Layout &l) const
{
    const double cy = std::round(l.band.center().y());
    p.setPen(m_paints.arrowPen);
    drawArrow(p, QPointF(l.producerBox.right() + 2, cy), QPointF(l.queueBox.left() - 2, cy),
              m_paints.arrowBrush);
    const double resultsY = l.results > 0 ? resultRect(l, 0).center().y() : cy;
    const QPointF resultsIn(l.resultsCol.left() - 2, resultsY);
    const QPointF queueOut(l.queueBox.right() + 2, cy);
    if (l.workers == 0) {
        drawArrow(p, queueOut, QPointF(l.workersCol.left() - 2, cy), m_paints.arrowBrush);
        return;
    }
    if (l.grid) {
        // One way into the block of cells and one out: a line per row would be a comb.
        const double blockRight
            = l.workersOrigin.x() + l.workerCols * l.cell.width() + (l.workerCols - 1) * l.gapX;
        drawArrow(p, queueOut, QPointF(l.workersOrigin.x() - 2, cy), m_paints.arrowBrush);
        p.setPen(m_paints.arrowPen);
        drawArrow(p, QPointF(blockRight + 2, cy), QPointF(resultsIn.x(), cy), m_paints.arrowBrush);
        return;
    }
    // Fan out to the first column, fan in from the last; many rows get evenly spaced lines.
    const int rows = l.grid ? l.workerRows : std::min(l.workers, l.workerRows);
    const int lines = std::min(rows, kMaxFanLines);
    const auto fanRow = [&](int k) {
        return lines <= 1 ? 0 : static_cast<int>(std::lround(double(k) * (rows - 1) / (lines - 1)));
    };
    const bool heads = lines == rows && l.cell.height() >= 8;
    const double blockRight
        = l.workersOrigin.x() + l.workerCols * l.cell.width() + (l.workerCols - 1) * l.gapX;
    p.setPen(m_paints.fanPen);
    for (int k = 0; k < lines; ++k) {
        const int r = fanRow(k);
        const QRectF first = workerParts(l, l.grid ? r * l.workerCols : r).cell;
        const QPointF end(first.left() - 2, first.center().y());
        if (end.x() - queueOut.x() >= 6) {
            p.drawLine(queueOut, heads ? end - QPointF(5, 0) : end);
            if (heads)
                drawHead(p, queueOut, end, 3.0, m_paints.arrowBrush);
        }
        double startX = blockRight;
        if (!l.grid) {
            int c = l.workerCols - 1;
            while (c > 0 && c * l.workerRows + r >= l.workers)
                --c;
            startX = workerParts(l, c * l.workerRows + r).cell.right();
        }
        const QPointF start(startX + 2, first.center().y());
        if (resultsIn.x() - start.x() >= 6)
            p.drawLine(start, resultsIn - QPointF(5, 0));
    }
    drawHead(p, resultsIn - QPointF(12, 0), resultsIn, 3.5, m_paints.arrowBrush);
}

// The live workers; before a run starts, the configured ones, idle.
std::vector<WorkerNow> PipelineView::shownWorkers() const
{
    if (m_model->started())
        return m_model->workers();
    std::vector<WorkerNow> idle;
    for (int id = 1; id <= m_model->config().workers; ++id)
        idle.push_back({.id = id});
    return idle;
}

// Whether the producer holds a job it could not put in the queue yet (blocked on it, or paused
// while blocked).
bool PipelineView::producerHolds() const
{
    const ProducerState state = m_model->producerState();
    const std::int64_t job = m_model->producerJob();
    if (job == 0 || (state != ProducerState::Blocked && state != ProducerState::Paused))
        return false;
    const std::optional<JobRecord> record = m_model->job(job);
    return !(record && record->enqueued >= 0);
}

void PipelineView::drawProducer(QPainter &p, const Layout &l) const
{
    const QRectF box = crisp(l.producerBox);
    const ProducerState state = m_model->producerState();
    const std::int64_t job = m_model->producerJob();
    p.setPen(state == ProducerState::Blocked ? m_paints.blockedPen : m_paints.boxPen);
    switch (state) {
    case ProducerState::Blocked:
        p.setBrush(m_paints.blockedTint);
        break;
    case ProducerState::Paused:
        p.setBrush(m_paints.pausedTint);
        break;
    case ProducerState::Producing:
        p.setBrush(m_paints.laneBrush);
        break;
    case ProducerState::Idle:
    case ProducerState::Done:
        p.setBrush(Qt::NoBrush);
        break;
    }
    p.drawRoundedRect(box, 6, 6);
    if (state == ProducerState::Blocked) {
        p.setPen(Qt::NoPen);
        p.setBrush(m_paints.hatch);
        p.drawRoundedRect(box, 6, 6);
    }

    QString stateText;
    switch (state) {
    case ProducerState::Idle:
        stateText = tr("idle");
        break;
    case ProducerState::Producing:
        stateText = tr("producing");
        break;
    case ProducerState::Blocked:
        stateText = l.capacity == 0 ? tr("blocked (no taker)") : tr("blocked (queue full)");
        break;
    case ProducerState::Paused:
        stateText = tr("paused");
        break;
    case ProducerState::Done:
        stateText = tr("done");
        break;
    }
    QString jobText;
    if (producerHolds()) {
        jobText = tr("holding #%1").arg(job);
    } else if (job != 0 && state != ProducerState::Done) {
        const std::optional<JobRecord> record = m_model->job(job);
        const bool sent = record && record->enqueued >= 0;
        jobText = sent ? tr("sent #%1").arg(job) : tr("sending #%1").arg(job);
    }
    const QString countText = tr("%1 submitted").arg(locale().toString(m_model->submittedCount()));

    const QFontMetricsF fm(font());
    const QRectF inner = box.adjusted(6, 4, -6, -4);
    const auto line = [&](double y, const QString &text, const QColor &color) {
        const QRectF r(inner.left(), y, inner.width(), l.lineH);
        if (text.isEmpty() || r.bottom() > inner.bottom() + 1)
            return;
        p.setPen(color);
        p.drawText(r, Qt::AlignHCenter | Qt::AlignVCenter,
                   fm.elidedText(text, Qt::ElideRight, r.width()));
    };
    line(inner.top() + 2, stateText, m_theme.text);
    line(l.producerToken.bottom() + 3, jobText, m_theme.text);
    line(l.producerToken.bottom() + 3 + l.lineH, countText, m_theme.mutedText);
}

void PipelineView::drawQueue(QPainter &p, const Layout &l) const
{
    const std::deque<std::int64_t> &queued = m_model->queued();
    const int depth = static_cast<int>(std::min<std::size_t>(queued.size(), INT_MAX));
    const QFontMetricsF fm(font());
    if (l.queueMode == QueueMode::Gate) {
        p.setPen(m_paints.boxPen);
        p.setBrush(m_paints.laneBrush);
        p.drawRoundedRect(crisp(l.queueBox), 3, 3);
        const QRectF label(l.queueCol.left(), l.queueBox.bottom() + 4, l.queueCol.width(), l.lineH);
        if (label.bottom() <= l.band.bottom() + 1) {
            p.setPen(m_theme.mutedText);
            p.drawText(label, Qt::AlignHCenter | Qt::AlignVCenter,
                       fm.elidedText(tr("hand-off"), Qt::ElideRight, label.width()));
        }
        return;
    }

    const bool full = l.capacity >= 0 && depth >= l.capacity;
    p.setPen(full ? m_paints.capacityPen : m_paints.boxPen);
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(crisp(l.queueBox), 5, 5);
    p.setPen(m_paints.fanPen);
    const QBrush empty(Qt::NoBrush);
    for (int i = 0; i < l.slots; ++i) {
        p.setBrush(i < depth ? m_paints.slotFilled : empty);
        p.drawRoundedRect(slotRect(l, i).adjusted(1.5, 1.5, -1.5, -1.5), 3, 3);
    }
    if (l.queueMode != QueueMode::Compact)
        return;

    const double stripLeft = l.slotOrigin.x() - l.slots * l.slot.width();
    const QRectF next(l.bar.left(), l.slotOrigin.y(), stripLeft - l.bar.left() - 4,
                      l.slot.height());
    const QString nextText = tr("next out");
    if (next.width() >= fm.horizontalAdvance(nextText)) {
        p.setPen(m_theme.mutedText);
        p.drawText(next, Qt::AlignRight | Qt::AlignVCenter, nextText);
    }
    // The backlog as a bar filling from the output end.
    const QRectF bar = crisp(l.bar);
    const int scale = l.capacity >= 0 ? l.capacity : std::max(1, m_model->stats().maxQueueDepth());
    const double fraction = scale > 0 ? std::min(1.0, double(depth) / scale) : 0.0;
    double filled = bar.width() * fraction;
    if (depth > 0)
        filled = std::max(filled, 2.0);
    p.fillRect(QRectF(bar.right() - filled, bar.top(), filled, bar.height()), m_paints.barFill);
    p.setPen(full ? m_paints.capacityPen : m_paints.boxPen);
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(bar, 2, 2);
    const QLocale loc = locale();
    const QString text = l.capacity >= 0
        ? tr("%1 / %2").arg(loc.toString(depth), loc.toString(l.capacity))
        : tr("%1 (most %2)").arg(loc.toString(depth), loc.toString(scale));
    p.setPen(m_theme.text);
    p.drawText(bar, Qt::AlignCenter, fm.elidedText(text, Qt::ElideRight, bar.width() - 4));
}

// Long: a worker row's box, label, progress and state, for each row.
// NOLINTNEXTLINE(readability-function-size)
void PipelineView::drawWorkers(QPainter &p, const Layout &l,
                               const std::vector<WorkerNow> &workers) const
{
    const QFontMetricsF fm(font());
    if (workers.empty()) {
        p.setPen(m_theme.mutedText);
        p.drawText(l.workersCol, Qt::AlignCenter,
                   fm.elidedText(tr("no workers"), Qt::ElideRight, l.workersCol.width()));
        return;
    }
    const std::int64_t now = m_model->endT();
    const QString blockedText = tr("blocked: results full");
    const QString blockedShort = tr("blocked");
    for (std::size_t i = 0; i < workers.size(); ++i) {
        const WorkerNow &w = workers[i];
        const WorkerParts parts = workerParts(l, static_cast<int>(i));
        const bool busy = w.state == WorkerState::Busy && w.job != 0;
        const bool blocked = w.state == WorkerState::Blocked;
        const double progress = !busy ? 0.0
            : w.plannedNs > 0 ? std::clamp(double(now - w.since) / double(w.plannedNs), 0.0, 1.0)
                              : 1.0;

        if (l.grid) {
            const QRectF cell = crisp(parts.cell);
            p.setPen(blocked ? m_paints.blockedPen : Qt::NoPen);
            p.setBrush(busy          ? m_paints.busyCell
                           : blocked ? m_paints.blockedTint
                                     : m_paints.laneBrush);
            p.drawRoundedRect(cell, 3, 3);
            if (blocked) {
                p.setPen(Qt::NoPen);
                p.setBrush(m_paints.hatch);
                p.drawRoundedRect(cell, 3, 3);
            }
            if (busy && parts.area.height() > 0)
                p.fillRect(QRectF(parts.area.topLeft(),
                                  QSizeF(parts.area.width() * progress, parts.area.height())),
                           m_paints.progressStrip);
            if (!busy && !blocked && l.workerText) {
                const QString id = QString::number(w.id);
                if (fm.horizontalAdvance(id) <= parts.cell.width() - 4) {
                    p.setPen(m_theme.mutedText);
                    p.drawText(parts.cell, Qt::AlignCenter, id);
                }
            }
            continue;
        }

        p.setPen(Qt::NoPen);
        p.setBrush(m_paints.laneBrush);
        p.drawRoundedRect(parts.cell, 3, 3);
        if (!parts.label.isEmpty()) {
            p.setPen(m_theme.text);
            const auto named = m_laneNames.find(w.id);
            const QString label = named != m_laneNames.end()
                ? p.fontMetrics().elidedText(named->second, Qt::ElideMiddle,
                                             static_cast<int>(parts.label.width()))
                : l.fullLabel ? tr("Worker %1").arg(w.id)
                              : QStringLiteral("W%1").arg(w.id);
            p.drawText(parts.label, Qt::AlignLeft | Qt::AlignVCenter, label);
        }
        const QRectF area = parts.area;
        if (area.width() < 2)
            continue;
        if (busy) {
            p.fillRect(QRectF(area.topLeft(), QSizeF(area.width() * progress, area.height())),
                       m_paints.progressFill);
            p.setPen(m_paints.runningPen);
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(crisp(area), 2, 2);
            if (l.workerText) {
                // Elapsed of planned; elapsed alone when the plan is unknown (a watched queue).
                QString text = engine::displayDuration(std::max<std::int64_t>(0, now - w.since));
                if (w.plannedNs > 0)
                    text += QLatin1String(" / ") + engine::displayDuration(w.plannedNs);
                if (fm.horizontalAdvance(text) > area.width() - 8 && w.plannedNs > 0)
                    text = QStringLiteral("%1%").arg(static_cast<int>(progress * 100));
                if (fm.horizontalAdvance(text) <= area.width() - 4) {
                    p.setPen(m_theme.text);
                    p.drawText(area, Qt::AlignCenter, text);
                }
            }
        } else if (blocked) {
            p.setPen(m_paints.blockedPen);
            p.setBrush(m_paints.blockedTint);
            p.drawRoundedRect(crisp(area), 2, 2);
            p.setPen(Qt::NoPen);
            p.setBrush(m_paints.hatch);
            p.drawRoundedRect(crisp(area), 2, 2);
            if (l.workerText) {
                p.setPen(m_theme.text);
                const QRectF textRect = area.adjusted(4, 0, -4, 0);
                const QString &text = fm.horizontalAdvance(blockedText) <= textRect.width()
                    ? blockedText
                    : blockedShort;
                p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                           fm.elidedText(text, Qt::ElideRight, textRect.width()));
            }
        } else if (l.workerText) {
            p.setPen(m_theme.mutedText);
            const QRectF textRect = area.adjusted(4, 0, -4, 0);
            // A pause holds idle workers: they wait for the resume, not for jobs.
            p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(m_model->paused() ? tr("paused") : tr("idle"), Qt::ElideRight,
                                     textRect.width()));
        }
    }
}

void PipelineView::drawResults(QPainter &p, const Layout &l) const
{
    if (l.results <= 0)
        return;
    const QFontMetricsF fm(font());
    const std::vector<std::int64_t> recent = m_model->recentResults(l.results);
    const double minStatusW = fm.horizontalAdvance(QStringLiteral("fail…"));
    const QRectF column(l.resultsCol.left(), l.band.top(), l.resultsCol.width(),
                        l.results * (l.resultRowH + kGap) - kGap);
    p.setPen(m_paints.boxPen);
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(crisp(column.adjusted(-2, -2, 2, 2)), 4, 4);
    for (std::size_t row = 0; row < recent.size(); ++row) {
        const std::int64_t job = recent[recent.size() - 1 - row];
        const QRectF r = resultRect(l, static_cast<int>(row));
        p.setPen(Qt::NoPen);
        p.setBrush(m_paints.laneBrush);
        p.drawRoundedRect(r, 3, 3);
        const std::optional<JobRecord> record = m_model->job(job);
        if (!record)
            continue;
        const QRectF token = resultTokenRect(l, static_cast<int>(row));
        const QRectF textRect(token.right() + 6, r.top(), r.right() - token.right() - 8,
                              r.height());
        if (textRect.width() < minStatusW)
            continue;
        const QString status = QLatin1String(engine::nameOf(record->status));
        QString text = status;
        if (record->processing() >= 0) {
            const QString withTime
                = status + QLatin1String("  ") + engine::displayDuration(record->processing());
            if (fm.horizontalAdvance(withTime) <= textRect.width())
                text = withTime;
        }
        p.setPen(m_theme.mutedText);
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(text, Qt::ElideRight, textRect.width()));
    }
}

void PipelineView::drawTokens(QPainter &p) const
{
    const double textH = QFontMetricsF(font()).height() - 2;
    // Settled tokens first, so the ones in flight pass over them.
    for (const TokenState &t : m_tokens) {
        if (t.visible && t.progress >= 1.0)
            drawToken(p, t, textH);
    }
    for (const TokenState &t : m_tokens) {
        if (t.visible && t.progress < 1.0)
            drawToken(p, t, textH);
    }
    p.setOpacity(1.0);
}

void PipelineView::drawToken(QPainter &p, const TokenState &token, double textH) const
{
    const QRectF r = centeredAt(token.pos, token.size);
    if (r.width() < 1 || r.height() < 1 || token.opacity <= 0.0)
        return;
    const Style &style = styleFor(token);
    const double radius = std::min(4.0, r.height() / 2);
    p.setOpacity(token.opacity);
    p.setPen(style.outline);
    p.setBrush(style.fill);
    p.drawRoundedRect(crisp(r), radius, radius);
    if (token.stage == Stage::Blocked || token.stage == Stage::Producer) {
        p.setPen(Qt::NoPen);
        p.setBrush(m_paints.hatch);
        p.drawRoundedRect(crisp(r), radius, radius);
    }
    if (r.width() >= token.labelWidth + 4 && r.height() >= textH) {
        p.setPen(m_theme.text);
        p.drawText(r, Qt::AlignCenter, token.label);
    }
}

} // namespace gui
