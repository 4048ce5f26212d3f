#pragma once

#include "ui/runmodel.h"

#include <QAbstractTableModel>
#include <unordered_map>

namespace gui {

// The results in completion order, one row per job: job, worker, status, queued at, wait,
// processing, latency. Qt::DisplayRole gives text; kSortRole gives numbers for sorting.
class ResultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        JobColumn,
        WorkerColumn,
        StatusColumn,
        QueuedColumn,
        WaitColumn,
        ProcessingColumn,
        LatencyColumn,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kJobRole = Qt::UserRole + 2;

    explicit ResultsModel(const RunModel *model, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    int rowOfJob(std::int64_t job) const; // -1 when not (yet) a result
    // Names for workers (a feed's senders' lanes, the Redis engine's consumers), shown in the
    // Worker column in place of their numbers (which still sort it).
    void setLaneNames(std::unordered_map<int, QString> names);

private:
    void append(int first, int last);
    void resetRows();

    const RunModel *m_model;
    std::unordered_map<int, QString> m_laneNames;
    int m_rows = 0;
    int m_removing = 0; // rows between about-to-be-summarized and summarized
};

} // namespace gui
