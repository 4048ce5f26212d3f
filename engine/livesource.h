#pragma once

#include "engine/feedlistener.h"
#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/poolstate.h"

#include <QObject>
#include <QString>
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace engine {

// A run the window shows that is not its own pool's: another program's feed, the Redis engine's
// workers, a watched Redis queue. The window takes its events in its turns, as it takes the pool's,
// and asks it what it knows of the pool it shows (its lanes' names and groups, its queue's
// capacity); the events go through the same fold as every other source's. Only values cross from
// the source's threads: the events, failure messages and shape are copies.
class LiveSource : public QObject
{
    Q_OBJECT

public:
    // What the source says of the pool it shows, beyond its events.
    struct Shape
    {
        int queueCapacity = -1; // -1: unsaid
        int workers = 0;
        std::int64_t submitted = 0;
        std::unordered_map<int, QString>
            laneNames; // by worker number; unnamed lanes are "Worker N"
        std::vector<LaneGroup> laneGroups; // lanes grouped (by sender, by host); empty: none
    };

    using QObject::QObject;

    // The events since the last take. A reader that keeps taking hands back the vector it took
    // last time (`spare`, emptied here) to be filled next: its memory is reused.
    std::vector<PoolEvent> takeEvents(std::vector<PoolEvent> spare = {})
    {
        spare.clear();
        appendEvents(spare);
        return spare;
    }
    virtual std::vector<FailureMessage> takeFailureMessages() = 0;
    virtual bool isRunning() const = 0;
    // Now on the run's clock: the live edge of the timeline.
    virtual std::int64_t nowNs() const = 0;
    // The person's Stop: an observed source stops observing, a controlled run stops sending jobs
    // and ends when those sent have their results. Every job seen ends with one result.
    virtual void stop() = 0;
    virtual Shape shape() const = 0;

Q_SIGNALS:
    void eventsAvailable(); // at most once until the events are taken
    void finished();

protected:
    // Moves the events since the last take to the end of `events`.
    virtual void appendEvents(std::vector<PoolEvent> &events) = 0;
};

// The queue capacity a source's run is recorded with: what it said (at most
// PoolConfig::kMaxCapacity), else PoolConfig::kAutoCapacity (as many as jobs: no bound it showed).
inline int recordedQueueCapacity(int said)
{
    return said >= 0 ? std::min(said, PoolConfig::kMaxCapacity) : PoolConfig::kAutoCapacity;
}

} // namespace engine
