#pragma once

// A finished run of no-op jobs sent flat out, taken into a RunModel: thousands of jobs to a pixel,
// for checking the views' shortcuts against the long way.

#include "engine/workerpool.h"
#include "ui/runmodel.h"

namespace harness {

inline engine::PoolConfig flatOutConfig(int workers, std::int64_t jobs, int queueCapacity)
{
    engine::PoolConfig config;
    config.workers = workers;
    config.jobs = jobs;
    config.intervalMs = 0;
    config.distribution = engine::Distribution::Fixed;
    config.meanMs = 0;
    config.queueCapacity = queueCapacity;
    config.seed = 3;
    return config;
}

// Runs config to its end and has model take in every event; false if the pool would not start.
inline bool runInto(gui::RunModel &model, const engine::PoolConfig &config)
{
    engine::WorkerPool pool;
    if (!pool.start(config))
        return false;
    pool.waitForFinished();
    model.reset(config);
    model.ingest(pool.takeEvents(), pool.takeFailureMessages());
    return model.finished();
}

} // namespace harness
