/**
 * `npm run bench:market [-- --sessions N --workers W]`: market simulation speed, measured in one run.
 *  1. provider-periods per second of the logit market loop (the China scenario's 6 providers,
 *     strategies, capacity and rows included), one core;
 *  2. Q-learning periods per second at the Calvano et al. (2020) baseline, the typed-array
 *     kernel vs a plain implementation of the same algorithm (nested arrays, the max over
 *     actions recomputed every period) drawing the same random numbers: the ratio is the gain;
 *     both in this process, one after the other, so the ratio is fair on a shared machine;
 *  3. Calvano baseline sessions to convergence per second (scenarios/calvano-baseline.yaml, its
 *     seed, runs 0…N−1, default 1,000) over the worker pool of `costsim simulate` (src/sweep/,
 *     default one worker per core): wall seconds, sessions/s and CPU seconds per session.
 *     The goal (issue 15): 1,000 sessions in under 60 s on 2 cores. `--sessions-only` skips 1 and 2.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseScenario } from '../src/scenario/parse.ts';
import { runSweep } from '../src/sweep/runner.ts';
import type { MarketWorkerSetup } from '../src/market/worker.ts';
import type { RunResult } from '../src/market/types.ts';
import { simulateRuns } from '../src/market/montecarlo.ts';
import { trainQLearning, priceGrid } from '../src/market/qlearning.ts';
import { logitCollusive, logitNash, logitSharesAt } from '../src/market/equilibrium.ts';
import { createRng, type Rng } from '../src/util/rng.ts';

const spec = {
  quality: [2, 2],
  marginalCostUsd: [1, 1],
  mu: 0.25,
  outsideQuality: 0,
  m: 15,
  xi: 0.1,
  alpha: 0.15,
  beta: 4e-6,
  delta: 0.95,
  convergencePeriods: 100_000,
  maxPeriods: 10_000_000,
};

/** The same algorithm written plainly: arrays of arrays, a fresh max over actions each period. */
function plainQLearning(periods: number, rng: Rng): number {
  const m = spec.m;
  const nash = logitNash(spec);
  const mono = logitCollusive(spec);
  const grids = nash.map((e, i) => priceGrid(e.price, mono[i]!.price, m, spec.xi));
  const profit = (a: number[]) => {
    const p = a.map((k, i) => grids[i]![k]!);
    const s = logitSharesAt(spec, p);
    return s.map((si, i) => si * (p[i]! - spec.marginalCostUsd[i]!));
  };
  const q0 = (i: number, a: number) => {
    let sum = 0;
    for (let b = 0; b < m; b++) sum += profit(i === 0 ? [a, b] : [b, a])[i]!;
    return sum / ((1 - spec.delta) * m);
  };
  const Q = [0, 1].map((i) => Array.from({ length: m * m }, () => Array.from({ length: m }, (_, a) => q0(i, a))));
  const argmax = (row: number[]) => row.reduce((best, v, k) => (v > row[best]! ? k : best), 0);
  let state = rng.int(m * m);
  let eps = 1;
  for (let t = 0; t < periods; t++) {
    const actions = [0, 1].map((i) => (rng.next() < eps ? rng.int(m) : argmax(Q[i]![state]!)));
    const next = actions[0]! + actions[1]! * m;
    const pi = profit(actions);
    for (let i = 0; i < 2; i++) {
      const row = Q[i]![state]!;
      row[actions[i]!] = (1 - spec.alpha) * row[actions[i]!]! + spec.alpha * (pi[i]! + spec.delta * Math.max(...Q[i]![next]!));
    }
    eps *= Math.exp(-spec.beta);
    state = next;
  }
  return state;
}

function time<T>(f: () => T): { result: T; seconds: number } {
  const t0 = performance.now();
  const result = f();
  return { result, seconds: (performance.now() - t0) / 1000 };
}

const { values: flags } = parseArgs({
  options: { sessions: { type: 'string', default: '1000' }, workers: { type: 'string' }, 'sessions-only': { type: 'boolean', default: false } },
  allowPositionals: false,
});

if (!flags['sessions-only']) {
  const china = parseScenario(readFileSync('scenarios/china-2024-price-war.yaml', 'utf8'), 'scenarios/china-2024-price-war.yaml');
  const periods = 20_000;
  simulateRuns(china, new Map(), [0], 200); // warm-up
  const market = time(() => simulateRuns(china, new Map(), [0], periods));
  const providerPeriods = market.result[0]!.rows.length;
  console.log(
    `logit market (6 providers, China scenario, rows kept): ${providerPeriods.toLocaleString('en-US')} provider-periods in ${market.seconds.toFixed(2)} s = ${Math.round(providerPeriods / market.seconds).toLocaleString('en-US')} provider-periods/s`,
  );

  const fast = time(() => trainQLearning(spec, createRng(1)));
  const fastRate = fast.result.periods / fast.seconds;
  console.log(
    `Q-learning kernel: ${fast.result.periods.toLocaleString('en-US')} periods (converged: ${fast.result.converged}) in ${fast.seconds.toFixed(2)} s = ${Math.round(fastRate).toLocaleString('en-US')} periods/s`,
  );
  const plainPeriods = 200_000;
  const plain = time(() => plainQLearning(plainPeriods, createRng(1)));
  const plainRate = plainPeriods / plain.seconds;
  console.log(
    `Q-learning plain arrays: ${plainPeriods.toLocaleString('en-US')} periods in ${plain.seconds.toFixed(2)} s = ${Math.round(plainRate).toLocaleString('en-US')} periods/s`,
  );
  console.log(
    `kernel / plain: ${(fastRate / plainRate).toFixed(1)}× (same process, one core); one baseline session to convergence takes ${fast.seconds.toFixed(2)} s`,
  );
}

// 3. Baseline sessions over the worker pool: what `costsim simulate scenarios/calvano-baseline.yaml --runs N` trains.
const sessions = Number(flags.sessions);
const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
const calvanoFile = 'scenarios/calvano-baseline.yaml';
const calvanoText = readFileSync(calvanoFile, 'utf8');
const calvano = parseScenario(calvanoText, calvanoFile);
const setupArgs: MarketWorkerSetup = { scenarioText: calvanoText, fileName: calvano.name, seed: calvano.seed, periods: 1, records: [], plans: [] };
// Points of 10 sessions: few IPC round trips, and still enough points to keep every worker busy to the end.
const chunk = 10;
const points = Array.from({ length: Math.ceil(sessions / chunk) }, (_, k) => {
  const runs = Array.from({ length: Math.min(chunk, sessions - k * chunk) }, (_, j) => k * chunk + j);
  return { key: `runs:${runs[0]}`, params: { runs } };
});
const learned: NonNullable<RunResult['learning']>[] = [];
const c0 = process.cpuUsage();
const t0 = performance.now();
const summary = await runSweep<{ runs: number[] }, RunResult[]>({
  points,
  workerModule: fileURLToPath(new URL('../src/market/worker.ts', import.meta.url)),
  workers,
  setupArgs,
  onResult: (_key, results) => learned.push(...results.flatMap((r) => (r.learning ? [r.learning] : []))),
});
const wall = (performance.now() - t0) / 1000;
if (summary.failed.length > 0) throw new Error(`bench: ${summary.failed.length} points failed: ${summary.failed[0]!.message}`);
// Worker CPU time is the children's; the parent's own is small (IPC). Report wall time × workers as the CPU budget used.
const parentCpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6;
const converged = learned.filter((l) => l.converged).length;
const meanPeriods = learned.reduce((a, l) => a + l.periodsToConvergence, 0) / learned.length;
const meanGain = learned.reduce((a, l) => a + l.profitGain, 0) / learned.length;
console.log(
  `Calvano baseline sessions: ${sessions.toLocaleString('en-US')} (converged ${converged}, mean ${Math.round(meanPeriods).toLocaleString('en-US')} periods, Δ = ${meanGain.toFixed(3)}) on ${workers} worker${workers === 1 ? '' : 's'} in ${wall.toFixed(1)} s = ${(sessions / wall).toFixed(1)} sessions/s; ≤ ${((wall * workers) / sessions).toFixed(3)} core-seconds per session (parent ${parentCpu.toFixed(1)} s CPU); goal: 1,000 sessions in < 60 s on 2 cores = ${(1000 / 60).toFixed(1)} sessions/s`,
);
