#pragma once

#include "engine/eventfold.h"
#include "ui/history.h"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace gui {

// A job's record as the window keeps it: the fold's times.
using JobRecord = engine::JobTimes;

// Packed in a History as its id, its submission time, each later time as the step from the
// one before it (0 for a time not known yet), and worker, status and done together: a chunk of
// consecutive jobs then needs a few bytes per time instead of eight.
template<> struct Packing<engine::JobTimes>
{
    static constexpr int kColumns = 7;
    static std::int64_t step(std::int64_t t, std::int64_t *ref)
    {
        if (t == -1)
            return 0;
        const std::int64_t d = t - *ref;
        *ref = t >= 0 ? t : *ref;
        return d >= 0 ? d + 1 : d;
    }
    static std::int64_t unstep(std::int64_t c, std::int64_t *ref)
    {
        if (c == 0)
            return -1;
        const std::int64_t t = *ref + (c > 0 ? c - 1 : c);
        *ref = t >= 0 ? t : *ref;
        return t;
    }
    static void split(const engine::JobTimes &r, std::int64_t *c)
    {
        std::int64_t ref = std::max<std::int64_t>(r.submitted, 0);
        c[0] = r.job;
        c[1] = r.submitted;
        c[2] = step(r.enqueued, &ref);
        c[3] = step(r.started, &ref);
        c[4] = step(r.finished, &ref);
        c[5] = step(r.collected, &ref);
        c[6] = std::int64_t {r.worker} | std::int64_t {static_cast<std::uint8_t>(r.status)} << 16
            | std::int64_t {r.done} << 24 | std::int64_t {r.neverQueued} << 25;
    }
    static engine::JobTimes join(const std::int64_t *c)
    {
        engine::JobTimes r;
        std::int64_t ref = std::max<std::int64_t>(c[1], 0);
        r.job = c[0];
        r.submitted = c[1];
        r.enqueued = unstep(c[2], &ref);
        r.started = unstep(c[3], &ref);
        r.finished = unstep(c[4], &ref);
        r.collected = unstep(c[5], &ref);
        r.worker = static_cast<std::uint16_t>(c[6] & 0xffff);
        r.status = static_cast<engine::JobStatus>((c[6] >> 16) & 0xff);
        r.done = ((c[6] >> 24) & 1) != 0;
        r.neverQueued = ((c[6] >> 25) & 1) != 0;
        return r;
    }
};

// Job records by id, for the selection and the results table: those of jobs done packed, the rest
// as they are while they change. The oldest leave with the history's summary (foldBefore); a job
// still in flight then moves to a side table instead of holding the window open.
class JobTable
{
public:
    JobTable();

    // The record of `job`, made when new (as the fold's events need it). A late event of a job
    // already summarized gets a scratch record that is not kept (isScratch).
    JobRecord &record(std::int64_t job);
    bool isScratch(const JobRecord &r) const { return &r == &m_scratch; }
    std::optional<JobRecord> find(std::int64_t id) const;
    // Packs the records of jobs done, once a batch is in.
    void settle();
    // The records of jobs collected before `cut` leave; those submitted before it but still in
    // flight go to the side table.
    void foldBefore(std::int64_t cut);
    void clear();
    std::size_t bytes() const;

private:
    static constexpr std::size_t kFarAhead = std::size_t {1} << 20;
    History<JobRecord> m_jobs; // m_jobs[id − m_base]
    std::int64_t m_base = 0;
    std::int64_t m_floor = INT64_MIN; // ids below were folded away
    std::size_t m_settled = 0; // every record before this index is done
    std::unordered_map<std::int64_t, JobRecord> m_stragglers; // in flight, below the window
    JobRecord m_scratch; // late events of jobs already summarized land here
};

} // namespace gui
