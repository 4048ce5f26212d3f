#include "ui/jobtable.h"

#include <algorithm>

namespace gui {

JobTable::JobTable()
{
    m_jobs.setAutoPack(false);
}

JobRecord &JobTable::record(std::int64_t job)
{
    if (m_jobs.empty() && job >= m_floor)
        m_base = job;
    // Outside the window, the side table: below it, a job still in flight when the window moved
    // on, or one older than the first the window saw; far beyond every id seen (ids are dense,
    // so only a damaged recording gets there), one entry rather than millions of records in
    // between. A late event of a job already summarized is kept nowhere.
    const bool below = job < m_base;
    const auto index = static_cast<std::size_t>(job - m_base);
    if (below || index > m_jobs.size() + kFarAhead) {
        if (below && job < m_floor && !m_stragglers.contains(job)) {
            m_scratch = JobRecord {};
            return m_scratch;
        }
        JobRecord &r = m_stragglers[job];
        r.job = job;
        return r;
    }
    while (m_jobs.size() <= index) {
        JobRecord fresh;
        fresh.job = m_base + static_cast<std::int64_t>(m_jobs.size());
        m_jobs.push_back(fresh);
    }
    return m_jobs.edit(index);
}

// Packs the records of jobs done (and any far behind the newest, done or not: a job that takes
// minutes must not keep every record after it unpacked; its chunk is unpacked again for its
// late events).
void JobTable::settle()
{
    constexpr std::size_t kUnpackedAtMost = 65'536;
    while (m_settled < m_jobs.size() && m_jobs[m_settled].done)
        ++m_settled;
    const std::size_t farBehind
        = m_jobs.size() > kUnpackedAtMost ? m_jobs.size() - kUnpackedAtMost : 0;
    m_jobs.packBefore(std::max(m_settled, farBehind));
}

std::optional<JobRecord> JobTable::find(std::int64_t id) const
{
    if (id >= m_base && id - m_base < static_cast<std::int64_t>(m_jobs.size())) {
        const JobRecord r = m_jobs[static_cast<std::size_t>(id - m_base)];
        if (r.heardOf())
            return r;
    }
    const auto it = m_stragglers.find(id);
    return it != m_stragglers.end() ? std::optional<JobRecord>(it->second) : std::nullopt;
}

void JobTable::foldBefore(std::int64_t cut)
{
    // Records leave from the oldest id on, as far as they are done before the cut.
    // A job submitted before the cut but not collected before it (still in flight, or collected
    // since: a worker preempted for a while between taking and delivering it, say) moves to a side
    // table instead of holding the window, and with it the records of every job after it: with
    // results folded an eighth at a time, the cut lands close to the oldest detail, behind jobs
    // like that. It leaves the side table with the fold that passes its collection.
    std::size_t leaving = 0;
    for (; leaving < m_jobs.size(); ++leaving) {
        const JobRecord r = m_jobs[leaving];
        if (r.done && r.collected < cut)
            continue;
        if (r.submitted >= 0 && r.submitted < cut) {
            m_stragglers.emplace(r.job, r);
            continue;
        }
        if (!r.heardOf())
            continue; // an id nothing was heard of (as before: its late events are not kept)
        break;
    }
    if (leaving > 0) {
        m_jobs.erase(m_jobs.begin(), m_jobs.begin() + static_cast<std::ptrdiff_t>(leaving));
        m_base += static_cast<std::int64_t>(leaving);
        m_floor = m_base;
    }
    m_settled -= std::min(m_settled, leaving);
    std::erase_if(m_stragglers, [cut](const auto &entry) {
        return entry.second.done && entry.second.collected < cut;
    });
}

void JobTable::clear()
{
    m_jobs.clear();
    m_jobs.setAutoPack(false);
    m_base = 0;
    m_floor = INT64_MIN;
    m_settled = 0;
    m_stragglers.clear();
}

std::size_t JobTable::bytes() const
{
    // Stragglers sit in a hash table.
    return m_jobs.bytes() + m_stragglers.size() * (sizeof(JobRecord) + 32);
}

} // namespace gui
