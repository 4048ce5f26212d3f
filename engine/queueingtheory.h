#pragma once

#include "engine/poolconfig.h"

#include <limits>

namespace engine {

// What queueing theory predicts for a pool in its steady state: jobs arriving at a rate λ with
// inter-arrival times of squared coefficient of variation ca², each taking E[S] on one of c
// workers with durations of squared coefficient of variation cs², waiting in a queue of K slots.
//
// With Poisson arrivals and exponential durations (ca² = cs² = 1) the pool is an M/M/c queue and
// Erlang C is exact; otherwise the Allen–Cunneen approximation scales Erlang C's mean wait by
// (ca² + cs²) / 2 (exact for M/G/1 by Pollaczek–Khinchine, good for moderate variability, poor
// for bursts and heavy tails). A finite queue adds the M/M/c/K share of time it is full, when the
// producer blocks. None of it describes a run's start (the pool fills from empty) or a run too
// short to reach a steady state.
struct QueueInputs
{
    static constexpr double kInfinite = std::numeric_limits<double>::infinity();
    double arrivalRatePerS = 0.0; // λ; infinite: as fast as the producer can send
    double serviceMeanS = 0.0; // E[S]
    double ca2 = 1.0;
    double cs2 = 1.0;
    int servers = 1; // c
    int queueCapacity = -1; // K waiting places; -1: unbounded
};

enum class QueueModel : std::uint8_t { ErlangC, AllenCunneen };
const char *modelName(QueueModel model); // "erlang_c", "allen_cunneen"

struct QueuePrediction
{
    QueueModel model = QueueModel::ErlangC;
    double offeredLoad = 0.0; // a = λ·E[S], in workers' worth of work
    double utilization = 0.0; // ρ = a / c
    bool stable = true; // ρ < 1: the queue has a steady state
    // Stable pools only (infinite otherwise):
    double pWait = 0.0; // the probability that a job waits for a worker
    double waitMeanS = 0.0; // Wq
    double latencyMeanS = 0.0; // W = Wq + E[S]
    double queueLenMean = 0.0; // Lq = λ·Wq
    double inSystemMean = 0.0; // L = λ·W
    // Unstable pools: how fast the queue grows (jobs a second) and when a finite one fills.
    double growthPerS = 0.0;
    double secondsToFill = QueueInputs::kInfinite;
    // A finite queue: the share of time it is full (M/M/c/K), when the producer is blocked.
    double pFull = 0.0;
};

// Erlang B (all c busy, no queue) and C (an arrival waits) for c servers and offered load a
// (Erlang C needs a < c).
double erlangB(int servers, double offeredLoad);
double erlangC(int servers, double offeredLoad);
// The M/M/c/K probability that all c workers are busy and all K queue slots taken.
double fullProbability(int servers, int queueCapacity, double offeredLoad);

QueuePrediction predict(const QueueInputs &in);

// The wait that a share q of jobs does not exceed. A job waits with probability P(wait), and a
// waiting job's wait is exponential with mean Wq / P(wait): exact for M/M/c (where that mean is
// 1 / (cμ − λ)), the usual approximation otherwise. 0 when P(wait) ≤ 1 − q; infinite for an
// unstable pool.
double waitQuantileS(const QueuePrediction &p, double q);

// The inputs a configuration plans, in wall-clock time (after its speed): the arrival pattern's
// rate and ca² (fixed 0, Poisson 1, bursts of B sent together B − 1), the duration
// distribution's mean and cs² (uniform from its whole-millisecond steps, fixed 0, exponential 1,
// log-normal with σ = 1: e − 1), the workers and the queue's capacity. CPU work is served by
// cores: with more workers than cores, c is the cores and the extra workers' jobs count as queued.
QueueInputs plannedInputs(const PoolConfig &config);

} // namespace engine
