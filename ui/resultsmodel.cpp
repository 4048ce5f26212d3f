#include "ui/resultsmodel.h"

#include <QColor>

namespace gui {

using namespace engine;

ResultsModel::ResultsModel(const RunModel *model, QObject *parent)
    : QAbstractTableModel(parent)
    , m_model(model)
{
    connect(model, &RunModel::resultsAppended, this, &ResultsModel::append);
    connect(model, &RunModel::modelReset, this, &ResultsModel::resetRows);
    connect(model, &RunModel::resultsAboutToBeSummarized, this, [this](int count) {
        m_removing = std::min(count, m_rows);
        if (m_removing > 0)
            beginRemoveRows({}, 0, m_removing - 1);
    });
    connect(model, &RunModel::resultsSummarized, this, [this] {
        if (m_removing <= 0)
            return;
        m_rows -= m_removing;
        m_removing = 0;
        endRemoveRows();
    });
}

int ResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void ResultsModel::append(int first, int last)
{
    if (first != m_rows || last < first) {
        resetRows();
        return;
    }
    beginInsertRows({}, first, last);
    m_rows = last + 1;
    endInsertRows();
}

void ResultsModel::resetRows()
{
    beginResetModel();
    m_rows = static_cast<int>(m_model->completionOrder().size());
    endResetModel();
}

void ResultsModel::setLaneNames(std::unordered_map<int, QString> names)
{
    m_laneNames = std::move(names);
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, WorkerColumn), index(m_rows - 1, WorkerColumn),
                           {Qt::DisplayRole});
}

int ResultsModel::rowOfJob(std::int64_t job) const
{
    const auto &order = m_model->completionOrder();
    for (int row = m_rows - 1; row >= 0; --row) {
        if (order[static_cast<std::size_t>(row)] == job)
            return row;
    }
    return -1;
}

QVariant ResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows || index.column() >= ColumnCount)
        return {};
    const std::int64_t id = m_model->completionOrder()[static_cast<std::size_t>(index.row())];
    const std::optional<JobRecord> r = m_model->job(id);
    if (!r)
        return {};
    if (role == kJobRole)
        return QVariant::fromValue<qint64>(id);
    auto ns = [&]() -> std::int64_t {
        switch (index.column()) {
        case QueuedColumn:
            return r->enqueued >= 0 ? r->enqueued : r->submitted;
        case WaitColumn:
            return r->wait();
        case ProcessingColumn:
            return r->processing();
        case LatencyColumn:
            return r->latency();
        default:
            return -1;
        }
    };
    if (role == kSortRole) {
        switch (index.column()) {
        case JobColumn:
            return QVariant::fromValue<qint64>(r->job);
        case WorkerColumn:
            return r->worker;
        case StatusColumn:
            return static_cast<int>(r->status);
        default:
            return QVariant::fromValue<qint64>(ns());
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case JobColumn:
            return QString::number(r->job);
        case WorkerColumn: {
            if (r->worker <= 0)
                return QStringLiteral("—");
            const auto named = m_laneNames.find(r->worker);
            return named != m_laneNames.end() ? named->second : QString::number(r->worker);
        }
        case StatusColumn:
            return QLatin1String(nameOf(r->status));
        default: {
            // One format per column, the unit in the header: milliseconds to the microsecond,
            // so that a column's numbers line up and compare at a glance (and match the CSV).
            const std::int64_t value = ns();
            return value >= 0 ? QString::number(static_cast<double>(value) / 1e6, 'f', 3)
                              : QStringLiteral("—");
        }
        }
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == StatusColumn ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                              : int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case JobColumn:
        return tr("Job");
    case WorkerColumn:
        return tr("Worker");
    case StatusColumn:
        return tr("Status");
    case QueuedColumn:
        return tr("Queued at (ms)");
    case WaitColumn:
        return tr("Wait (ms)");
    case ProcessingColumn:
        return tr("Processing (ms)");
    case LatencyColumn:
        return tr("Latency (ms)");
    default:
        return {};
    }
}

} // namespace gui
