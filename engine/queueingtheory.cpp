#include "engine/queueingtheory.h"

#include <QThread>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace engine {

const char *modelName(QueueModel model)
{
    return model == QueueModel::ErlangC ? "erlang_c" : "allen_cunneen";
}

double erlangB(int servers, double offeredLoad)
{
    // B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)): stable for any c, no factorials.
    double b = 1.0;
    for (int k = 1; k <= servers; ++k)
        b = offeredLoad * b / (k + offeredLoad * b);
    return b;
}

double erlangC(int servers, double offeredLoad)
{
    if (offeredLoad >= servers)
        return 1.0;
    const double b = erlangB(servers, offeredLoad);
    return servers * b / (servers - offeredLoad * (1.0 - b));
}

double fullProbability(int servers, int queueCapacity, double offeredLoad)
{
    // States n = 0 .. N = c + K with weights t(n) = t(n−1)·a / min(n, c). Relative to the last,
    // r(N) = 1 and r(n−1) = r(n)·min(n, c) / a, and P(N) = 1 / Σ r(n); walking down from N keeps
    // the numbers finite whatever c and K are.
    const int n = servers + std::max(0, queueCapacity);
    if (offeredLoad <= 0.0)
        return 0.0;
    double r = 1.0;
    double sum = 1.0;
    for (int k = n; k > 0; --k) {
        r *= std::min(k, servers) / offeredLoad;
        sum += r;
        if (sum > 1e300)
            return 0.0;
    }
    return 1.0 / sum;
}

QueuePrediction predict(const QueueInputs &in)
{
    QueuePrediction p;
    const bool markovian = std::abs(in.ca2 - 1.0) < 1e-9 && std::abs(in.cs2 - 1.0) < 1e-9;
    p.model = markovian ? QueueModel::ErlangC : QueueModel::AllenCunneen;
    const int c = std::max(1, in.servers);
    const double lambda = in.arrivalRatePerS;
    const double service = std::max(0.0, in.serviceMeanS);
    p.offeredLoad = lambda * service;
    p.utilization = p.offeredLoad / c;
    p.stable = std::isfinite(p.offeredLoad) && p.offeredLoad < c;
    constexpr double inf = QueueInputs::kInfinite;
    if (!p.stable) {
        p.pWait = 1.0;
        p.waitMeanS = p.latencyMeanS = p.queueLenMean = p.inSystemMean = inf;
        // Arrivals beyond what c workers finish.
        p.growthPerS = service > 0.0 ? lambda - c / service : inf;
        if (in.queueCapacity >= 0)
            p.secondsToFill = p.growthPerS > 0.0 ? in.queueCapacity / p.growthPerS : inf;
        if (in.queueCapacity >= 0)
            p.pFull = 1.0;
        return p;
    }
    p.pWait = erlangC(c, p.offeredLoad);
    const double waitMM = service > 0.0 ? p.pWait * service / (c - p.offeredLoad) : 0.0;
    p.waitMeanS = waitMM * (markovian ? 1.0 : (in.ca2 + in.cs2) / 2.0);
    p.latencyMeanS = p.waitMeanS + service;
    p.queueLenMean = lambda * p.waitMeanS;
    p.inSystemMean = lambda * p.latencyMeanS;
    if (in.queueCapacity >= 0)
        p.pFull = fullProbability(c, in.queueCapacity, p.offeredLoad);
    return p;
}

double waitQuantileS(const QueuePrediction &p, double q)
{
    if (!p.stable)
        return QueueInputs::kInfinite;
    if (p.pWait <= 1.0 - q || p.pWait <= 0.0 || p.waitMeanS <= 0.0)
        return 0.0;
    return p.waitMeanS / p.pWait * std::log(p.pWait / (1.0 - q));
}

QueueInputs plannedInputs(const PoolConfig &config)
{
    QueueInputs in;
    const double speed = config.speed > 0.0 ? config.speed : 1.0;
    in.arrivalRatePerS
        = config.intervalMs > 0.0 ? 1000.0 * speed / config.intervalMs : QueueInputs::kInfinite;
    switch (config.arrival) {
    case ArrivalPattern::Fixed:
        in.ca2 = 0.0;
        break;
    case ArrivalPattern::Poisson:
        in.ca2 = 1.0;
        break;
    case ArrivalPattern::Burst:
        // Gaps of 0 within a burst of B, then one of B intervals: mean 1, variance B − 1.
        in.ca2 = std::max(0, config.burstSize - 1);
        break;
    }
    double mean = 0.0, variance = 0.0;
    switch (config.distribution) {
    case Distribution::Uniform: {
        const double lo = config.minMs, hi = config.maxMs;
        if (lo == std::floor(lo) && hi == std::floor(hi) && hi > lo) {
            // Whole milliseconds lo .. hi − 1, as the plan draws them.
            const double steps = hi - lo;
            mean = lo + (steps - 1.0) / 2.0;
            variance = (steps * steps - 1.0) / 12.0;
        } else {
            mean = (lo + hi) / 2.0;
            variance = (hi - lo) * (hi - lo) / 12.0;
        }
        break;
    }
    case Distribution::Fixed:
        mean = config.meanMs;
        break;
    case Distribution::Exponential:
        mean = config.meanMs;
        variance = mean * mean;
        break;
    case Distribution::LogNormal:
        mean = config.meanMs;
        variance = mean * mean * (std::numbers::e - 1.0); // σ = 1
        break;
    }
    in.serviceMeanS = mean / 1000.0 / speed;
    in.cs2 = mean > 0.0 ? variance / (mean * mean) : 0.0;
    in.servers = config.workers;
    in.queueCapacity = config.effectiveQueueCapacity();
    if (config.workload == Workload::Cpu) {
        // Computation is served by cores, not by workers: workers beyond the cores only share
        // them, and the jobs they hold wait as if they were still queued.
        const int cores = std::max(1, QThread::idealThreadCount());
        if (config.workers > cores) {
            if (in.queueCapacity >= 0)
                in.queueCapacity += config.workers - cores;
            in.servers = cores;
        }
    }
    return in;
}

} // namespace engine
