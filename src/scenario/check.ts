/**
 * Cross-field checks the schema cannot express: references between sections (a provider's
 * bench id, a device id), unique names, the fields a market needs together. Returns problems
 * with document paths so `parse.ts` can point at the line.
 */
import { deviceIds, findDevice } from '../devices/catalog.ts';
import { checkUsdPerHour, measuredPricingProblem } from '../devices/pricing.ts';
import { checkGridOptions } from '../devices/carbon.ts';
import type { RawScenario } from './schema.ts';
import { simulationSizeProblem } from './limits.ts';
import { DEFAULTS, normalizeStrategy, type Strategy } from './normalize.ts';
import type { Num } from './distribution.ts';
import { resolveModelOptions } from '../bench/zoo/options.ts';
import { UsageError } from '../errors.ts';
import { isTransformerShape, parseTransformerShape } from '../placement/index.ts';
import { stripControl } from '../util/text.ts';
import { blendedUsdPerM, TOKEN_UNIT } from '../market/tokens.ts';
import { MAX_QLEARNING_AGENTS, MAX_QLEARNING_CELLS, qLearningCells } from '../market/qlearning.ts';
import { checkServingCost, checkServingSections } from './check-serving.ts';

/** One cross-field problem: where (document path) and what, with what is allowed. */
export interface Problem {
  path: Array<string | number>;
  message: string;
}

/** Allowed values for a message: the first 20, then how many more. */
function list(values: readonly string[]): string {
  if (values.length === 0) return 'none defined';
  const shown = values.slice(0, 20).join(', ');
  return values.length > 20 ? `${shown} and ${values.length - 20} more` : shown;
}

/** The problem a flag check (devices/) found, as the scenario field's: its message without the flag, and how to fix it. */
function flagProblem(run: () => unknown, fieldOf: (flag: string) => Array<string | number>, fix: (flag: string) => string): Problem[] {
  try {
    run();
    return [];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return [{ path: fieldOf(error.flag), message: `${error.message.slice(error.flag.length + 2)}; ${fix(error.flag)}` }];
  }
}

/**
 * The energy section and the bench entries' own rates, checked by the checks of the flags they
 * mirror (`--grid-region`, `--pue`, `--usd-per-hour`). A model's pruning entries are one study,
 * priced once: they must agree on the device and the rate.
 */
function pricingProblems(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  const e = s.energy;
  if (e)
    problems.push(
      ...flagProblem(
        () => checkGridOptions({ ...(e.gridRegion !== undefined ? { region: e.gridRegion } : {}), ...(e.pue !== undefined ? { pue: e.pue } : {}) }),
        (flag) => ['energy', flag === '--pue' ? 'pue' : 'gridRegion'],
        (flag) => (flag === '--pue' ? "or remove energy.pue for 1 (CodeCarbon's default)" : 'or remove energy.gridRegion for the world average'),
      ),
    );
  const bench = s.bench ?? [];
  bench.forEach((b, i) => {
    const rate = b.usdPerHour;
    if (rate === undefined) return;
    problems.push(
      ...flagProblem(
        () => checkUsdPerHour(rate),
        () => ['bench', i, 'usdPerHour'],
        () => `give this machine's own hourly rate (e.g. 0.0765), or remove usdPerHour to price the entry as its device "${b.device}" (catalogue rate)`,
      ),
    );
  });
  bench.forEach((b, i) => {
    const first = bench.find((o) => o.pruning && o.model === b.model);
    if (!b.pruning || !first || first === b) return;
    const at = `bench[${bench.indexOf(first)}]`;
    if (b.device !== first.device)
      problems.push({
        path: ['bench', i, 'device'],
        message: `the ${b.model} pruning entries are one study priced as one device: use "${first.device}", as ${at} does`,
      });
    if (b.usdPerHour !== first.usdPerHour)
      problems.push({
        path: ['bench', i, 'usdPerHour'],
        message: `the ${b.model} pruning entries are one study priced at one rate: ${first.usdPerHour === undefined ? 'remove it, as ' + at + ' has none' : `use ${first.usdPerHour}, as ${at} does`}`,
      });
  });
  return problems;
}

/** All cross-field problems of a schema-valid scenario, in document order. */
export function checkScenario(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  const benchIds = (s.bench ?? []).map((b) => b.id);
  const devices = deviceIds(s.devices ?? []);
  const seen = new Set<string>();
  (s.bench ?? []).forEach((b, i) => {
    if (seen.has(b.id)) problems.push({ path: ['bench', i, 'id'], message: `bench id "${b.id}" is used twice; ids must be unique` });
    seen.add(b.id);
    if (!devices.includes(b.device)) problems.push({ path: ['bench', i, 'device'], message: `unknown device "${b.device}" (allowed: ${list(devices)})` });
    else {
      // A bench entry trains here: its seconds are priced only as this machine (a CPU instance), never a GPU.
      const notHere = measuredPricingProblem(findDevice(b.device, s.devices ?? [])!);
      if (notHere)
        problems.push({ path: ['bench', i, 'device'], message: `${notHere}; in a scenario, a placement or serving entry gives that modeled figure` });
    }
    if (b.steps === undefined && b.targetAccuracy === undefined) problems.push({ path: ['bench', i], message: 'give steps or targetAccuracy (or both)' });
    // Model options are checked now, not when this entry's turn to train comes after the others.
    try {
      resolveModelOptions(b.model, b.modelOptions ?? {});
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      const key = /^model option "([^"]+)"/.exec(error.flag)?.[1];
      problems.push({ path: ['bench', i, 'modelOptions', ...(key ? [key] : [])], message: error.message.replace(/^model option "[^"]+": /, '') });
    }
  });
  problems.push(...pricingProblems(s));
  (s.placement ?? []).forEach((p, i) => {
    p.devices.forEach((d, j) => {
      if (!devices.includes(d)) problems.push({ path: ['placement', i, 'devices', j], message: `unknown device "${d}" (allowed: ${list(devices)})` });
    });
    // The shape and the caps are checked now, with the line, not when the planner reaches them.
    if (isTransformerShape(p.model)) {
      try {
        parseTransformerShape(p.model, 'model');
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        problems.push({ path: ['placement', i, 'model'], message: error.message.replace(/^model: /, '') });
      }
    }
    for (const id of Object.keys(p.maxMemory ?? {})) {
      if (!p.devices.includes(id))
        problems.push({ path: ['placement', i, 'maxMemory', id], message: `"${id}" is not one of this entry's devices (${list(p.devices)})` });
    }
  });
  if (s.tokenMix && s.unit !== undefined && s.unit !== TOKEN_UNIT)
    problems.push({
      path: ['unit'],
      message: `with tokenMix the unit is "${TOKEN_UNIT}" (prices and costs are USD per 1M tokens blended at the mix); remove unit`,
    });
  if (s.providers && !s.demand) problems.push({ path: ['providers'], message: 'providers need a demand section (demand: { type: logit, mu: ... })' });
  if (s.demand && !s.providers) problems.push({ path: ['demand'], message: 'demand needs a providers list' });
  // Names are compared as shown: control characters are stripped in normalize.ts.
  const names = (s.providers ?? []).map((p) => stripControl(p.name));
  const firstIndex = new Map<string, number>();
  names.forEach((n, i) => firstIndex.set(n, firstIndex.get(n) ?? i));
  (s.providers ?? []).forEach((p, i) => {
    const shown = names[i] as string;
    if (shown === '') problems.push({ path: ['providers', i, 'name'], message: 'a provider name needs at least one printable character' });
    if (firstIndex.get(shown) !== i)
      problems.push({ path: ['providers', i, 'name'], message: `provider name ${JSON.stringify(shown)} is used twice; names must be unique` });
    if ((p.marginalCost === undefined) === (p.cost === undefined))
      problems.push({ path: ['providers', i], message: 'give exactly one of marginalCost (USD per unit) or cost (derived from a bench record)' });
    if (p.learningCurve && p.cost?.learningCurve)
      problems.push({ path: ['providers', i, 'learningCurve'], message: 'give learningCurve once: here or in cost.learningCurve, not both' });
    if (p.cost?.tokens !== undefined) problems.push(...checkTokenCost(s, i));
    else if (p.cost?.serving !== undefined) problems.push(...checkServingCost(s, i));
    else if (p.cost?.placement !== undefined) problems.push(...checkPlannedCost(s, i));
    else if (p.cost) {
      if (p.cost.device === undefined)
        problems.push({ path: ['providers', i, 'cost'], message: 'cost needs device (a device id), placement (a placement id) or serving (a serving id)' });
      else if (!devices.includes(p.cost.device))
        problems.push({ path: ['providers', i, 'cost', 'device'], message: `unknown device "${p.cost.device}" (allowed: ${list(devices)})` });
      if (p.cost.tokensPerUnit !== undefined)
        problems.push({
          path: ['providers', i, 'cost', 'tokensPerUnit'],
          message: 'tokensPerUnit goes with placement; with a device use flopsPerUnit or samplesPerUnit',
        });
      if (p.cost.bench !== undefined && !benchIds.includes(p.cost.bench))
        problems.push({ path: ['providers', i, 'cost', 'bench'], message: `unknown bench id "${p.cost.bench}" (allowed: ${list(benchIds)})` });
      if (p.cost.bench === undefined && p.cost.flopsPerUnit === undefined)
        problems.push({ path: ['providers', i, 'cost'], message: 'cost needs bench (a bench id) or flopsPerUnit' });
      if (p.cost.bench === undefined && p.cost.utilisation === undefined)
        problems.push({ path: ['providers', i, 'cost'], message: 'without a bench record, cost needs utilisation (achieved ÷ peak FLOP/s, 0–1)' });
    }
    if (typeof p.quality === 'object' && 'fromAccuracy' in p.quality && !benchIds.includes(p.quality.fromAccuracy))
      problems.push({
        path: ['providers', i, 'quality', 'fromAccuracy'],
        message: `unknown bench id "${p.quality.fromAccuracy}" (allowed: ${list(benchIds)})`,
      });
  });
  problems.push(
    ...checkPriceStructure(s),
    ...checkEvents(s),
    ...checkQLearning(s),
    ...checkMarketScale(s),
    ...checkNests(s, names),
    ...checkObservations(s, names),
  );
  problems.push(...checkServingSections(s));
  (s.references ?? []).forEach((r, i) => {
    if (!firstIndex.has(stripControl(r.provider)))
      problems.push({ path: ['references', i, 'provider'], message: `unknown provider ${JSON.stringify(stripControl(r.provider))} (allowed: ${list(names)})` });
    if (r.period === undefined && !s.calendar)
      problems.push({ path: ['references', i], message: 'give period, or a top-level calendar: { start, periodDays } so the date maps to a period' });
  });
  return problems;
}

/**
 * A market whose table would not fit in memory: too many runs × periods × providers. (Numbers
 * that overflow in the solver are caught on the result, src/market/finite.ts, which names them.)
 */
function checkMarketScale(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  const providers = s.providers ?? [];
  if (providers.length > 0) {
    const size = simulationSizeProblem(
      s.monteCarlo?.runs ?? DEFAULTS.runs,
      s.periods ?? DEFAULTS.periods,
      providers.length,
      'monteCarlo.runs × periods × providers',
    );
    if (size)
      problems.push({ path: s.monteCarlo?.runs !== undefined ? ['monteCarlo', 'runs'] : s.periods !== undefined ? ['periods'] : ['providers'], message: size });
  }
  return problems;
}

/** Milliseconds of an ISO date (a month means its first day), for ordering dates. */
const dayOf = (d: string) => Date.parse(d.length === 7 ? `${d}-01T00:00:00Z` : `${d}T00:00:00Z`);

/** Dated releases and funding rounds: one date each (a period or a calendar date), something to change, cash to add to. */
function checkEvents(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  (s.providers ?? []).forEach((p, i) => {
    (p.releases ?? []).forEach((r, k) => {
      const at = ['providers', i, 'releases', k];
      if ((r.atPeriod === undefined) === (r.date === undefined)) problems.push({ path: at, message: 'give a release atPeriod or date (one of them)' });
      if (r.date !== undefined && !s.calendar)
        problems.push({ path: [...at, 'date'], message: 'a date needs a top-level calendar: { start, periodDays }; or give atPeriod' });
      if (r.date !== undefined && s.calendar && dayOf(r.date) < dayOf(s.calendar.start))
        problems.push({ path: [...at, 'date'], message: `release date ${r.date} is before the calendar start ${s.calendar.start}` });
      if (r.quality === undefined && r.costFactor === undefined)
        problems.push({ path: at, message: 'a release changes quality, costFactor or both: give at least one' });
    });
    (p.funding ?? []).forEach((f, k) => {
      const at = ['providers', i, 'funding', k];
      const triggers = [f.atPeriod, f.date, f.runwayBelowPeriods].filter((x) => x !== undefined).length;
      if (triggers !== 1) problems.push({ path: at, message: 'a funding round needs exactly one of atPeriod, date or runwayBelowPeriods' });
      if (f.date !== undefined && !s.calendar)
        problems.push({ path: [...at, 'date'], message: 'a date needs a top-level calendar: { start, periodDays }; or give atPeriod' });
      if (f.date !== undefined && s.calendar && dayOf(f.date) < dayOf(s.calendar.start))
        problems.push({ path: [...at, 'date'], message: `funding date ${f.date} is before the calendar start ${s.calendar.start}` });
    });
    if (p.funding && p.cash === undefined)
      problems.push({ path: ['providers', i, 'funding'], message: 'funding adds to cash: give the provider a cash balance (cash is unlimited without one)' });
  });
  const d = s.demand;
  if (d?.type === 'logit' && (s.providers ?? []).some((p) => p.strategy.type === 'qlearning'))
    for (const key of ['inertia', 'outsideQualityPerPeriod', 'growthPerPeriod'] as const)
      if (d[key] !== undefined)
        problems.push({
          path: ['demand', key],
          message: `qlearning agents learn a static market (Calvano et al. 2020): ${key} is not supported with qlearning`,
        });
  return problems;
}

/** Token prices, free quotas and volume tiers: they need a token market, and a quota or tier needs the customers' volume. */
function checkPriceStructure(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  if (s.tokensPerCustomer !== undefined && !s.tokenMix)
    problems.push({ path: ['tokensPerCustomer'], message: 'tokensPerCustomer goes with a tokenMix (a token market)' });
  (s.providers ?? []).forEach((p, i) => {
    const at = (key: string) => ['providers', i, key];
    for (const key of ['prices', 'freeTokensPerCustomer', 'volumeTiers'] as const)
      if (p[key] !== undefined && !s.tokenMix)
        problems.push({ path: at(key), message: `${key} needs a top-level tokenMix: { inputPerOutput, cacheHitShare } (prices per 1M tokens of each class)` });
    if (p.prices && p.initialPrice !== undefined)
      problems.push({
        path: at('initialPrice'),
        message: 'give prices (per token class) or initialPrice (blended), not both: the blended price of prices is the initial price',
      });
    if (p.prices && s.tokenMix && !(blendedUsdPerM({ ...p.prices, cachedInput: p.prices.cachedInput ?? p.prices.input }, s.tokenMix) > 0))
      problems.push({
        path: at('prices'),
        message: 'prices blend to 0 at the token mix: the class ratios a strategy moves them by are undefined; give a price above 0',
      });
    if ((p.freeTokensPerCustomer !== undefined || p.volumeTiers) && s.tokensPerCustomer === undefined)
      problems.push({
        path: at(p.freeTokensPerCustomer !== undefined ? 'freeTokensPerCustomer' : 'volumeTiers'),
        message: 'a free quota or volume tiers need a top-level tokensPerCustomer (blended tokens each customer uses per period)',
      });
    if (p.freeTokensPerCustomer !== undefined && s.tokensPerCustomer !== undefined && p.freeTokensPerCustomer >= s.tokensPerCustomer)
      problems.push({
        path: at('freeTokensPerCustomer'),
        message: `the free quota (${p.freeTokensPerCustomer}) covers every token a customer uses (tokensPerCustomer ${s.tokensPerCustomer}): the provider never bills and its price does nothing`,
      });
    const froms = (p.volumeTiers ?? []).map((t) => t.fromTokens);
    if (new Set(froms).size !== froms.length) problems.push({ path: at('volumeTiers'), message: 'two volume tiers start at the same fromTokens' });
  });
  return problems;
}

/** Per-class token costs: they need the market's token mix to become a cost per unit, and no other cost keys. */
function checkTokenCost(s: RawScenario, i: number): Problem[] {
  const cost = s.providers?.[i]?.cost;
  const problems: Problem[] = [];
  if (!cost?.tokens) return problems;
  if (!s.tokenMix)
    problems.push({
      path: ['providers', i, 'cost', 'tokens'],
      message: 'cost.tokens needs a top-level tokenMix: { inputPerOutput, cacheHitShare } to blend the classes into a cost per 1M tokens',
    });
  for (const key of ['bench', 'placement', 'tokensPerUnit', 'device', 'dtype', 'utilisation', 'flopsPerUnit', 'samplesPerUnit', 'flops'] as const)
    if (cost[key] !== undefined)
      problems.push({ path: ['providers', i, 'cost', key], message: `${key} does not go with cost.tokens (the per-class costs are the cost); remove it` });
  return problems;
}

/** A cost from a placement plan: the id exists, names an inference plan of a transformer shape, and no device-cost keys are mixed in. */
function checkPlannedCost(s: RawScenario, i: number): Problem[] {
  const cost = s.providers?.[i]?.cost;
  const problems: Problem[] = [];
  if (!cost?.placement) return problems;
  const ids = (s.placement ?? []).flatMap((p) => (p.id ? [p.id] : []));
  const plan = (s.placement ?? []).find((p) => p.id === cost.placement);
  if (!plan) problems.push({ path: ['providers', i, 'cost', 'placement'], message: `unknown placement id "${cost.placement}" (allowed: ${list(ids)})` });
  else if (!/^transformer:/.test(plan.model) || !/(^|[:,])mode=infer(,|$)/.test(plan.model))
    problems.push({
      path: ['providers', i, 'cost', 'placement'],
      message: `placement "${cost.placement}" must be an inference plan of a transformer shape (transformer:...,mode=infer) to price tokens served`,
    });
  for (const key of ['bench', 'device', 'dtype', 'utilisation', 'flopsPerUnit', 'samplesPerUnit', 'flops'] as const)
    if (cost[key] !== undefined)
      problems.push({ path: ['providers', i, 'cost', key], message: `${key} does not go with placement (the plan gives the cost); remove it` });
  return problems;
}

/** True when `value` (a number or a distribution clamped at its max) can be exactly `x`, the top of its range. */
function canReachTop(value: Num | undefined, x: number): boolean {
  if (value === undefined) return false;
  if (typeof value === 'number') return value === x;
  return value.dist !== 'uniform' && value.max === x;
}

/** True when `value` can be exactly 0, the bottom of its range. */
function canBeZero(value: Num | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'number') return value === 0;
  return value.min === 0;
}

/**
 * Q-learning agents train against each other in a fast kernel (Calvano et al. 2020): only that
 * market is supported. Each agent's own α, β, δ, m, ξ are checked where they are written; the
 * session's stopping rule and size are checked across agents.
 */
function checkQLearning(s: RawScenario): Problem[] {
  const providers = s.providers ?? [];
  const learners = providers.filter((p) => p.strategy.type === 'qlearning');
  if (learners.length === 0) return [];
  const problems: Problem[] = [];
  const why = 'qlearning agents learn against each other (Calvano et al. 2020)';
  if (s.demand?.type !== 'logit') problems.push({ path: ['demand', 'type'], message: `${why}: demand must be logit` });
  else if (s.demand.nestedLogit)
    problems.push({ path: ['demand', 'nestedLogit'], message: `${why}: the learning kernel has plain logit demand only; remove nestedLogit` });
  const defaults = normalizeStrategy({ type: 'qlearning' }) as Extract<Strategy, { type: 'qlearning' }>;
  const first = providers[0]?.strategy.type === 'qlearning' ? providers[0].strategy : undefined;
  providers.forEach((p, i) => {
    if (p.strategy.type !== 'qlearning') {
      problems.push({ path: ['providers', i, 'strategy', 'type'], message: `${why}: when one provider uses qlearning all must` });
      return;
    }
    for (const key of [
      'capacity',
      'cash',
      'fixedCostPerPeriod',
      'entersAt',
      'reviewEvery',
      'costShocks',
      'cost',
      'learningCurve',
      'freeTokensPerCustomer',
      'volumeTiers',
      'releases',
      'funding',
    ] as const)
      if (p[key] !== undefined) problems.push({ path: ['providers', i, key], message: `${why}: ${key} is not supported with qlearning; remove it` });
    const q = p.strategy;
    const at = (key: string) => ['providers', i, 'strategy', key];
    if (canReachTop(q.delta, 1))
      problems.push({ path: at('delta'), message: 'delta must be below 1: Q-values start at the discounted payoff π/(1 − δ), infinite at δ = 1' });
    if (canBeZero(q.beta))
      problems.push({
        path: at('beta'),
        message: 'beta must be above 0: ε = e^(−βt) stays 1 at β = 0, so the agent never stops exploring and the session cannot converge',
      });
    const convergence = q.convergencePeriods ?? defaults.convergencePeriods;
    const max = q.maxPeriods ?? defaults.maxPeriods;
    if (convergence > max)
      problems.push({
        path: at('convergencePeriods'),
        message: `convergencePeriods (${convergence}) must not exceed maxPeriods (${max}): the session could never count as converged`,
      });
    // One session, one stopping rule: every agent states the first agent's.
    if (i > 0 && first) {
      for (const key of ['convergencePeriods', 'maxPeriods'] as const) {
        const own = q[key] ?? defaults[key];
        const theirs = first[key] ?? defaults[key];
        if (own !== theirs)
          problems.push({
            path: at(key),
            message: `${key} is the session's stopping rule and must be the same for every agent (providers[0] has ${theirs}, this one ${own})`,
          });
      }
    }
  });
  if (learners.length > MAX_QLEARNING_AGENTS)
    problems.push({ path: ['providers'], message: `${why}: at most ${MAX_QLEARNING_AGENTS} agents (the state space grows as Π m_i; got ${learners.length})` });
  else {
    const m = learners.map((p) => (p.strategy.type === 'qlearning' ? (p.strategy.m ?? defaults.m) : 0));
    const cells = qLearningCells(m);
    if (cells > MAX_QLEARNING_CELLS)
      problems.push({
        path: ['providers'],
        message: `${why}: grids of sizes ${m.join(' × ')} need ${cells.toLocaleString('en-US')} Q-values (Σ m_i · Π m_j), more than ${MAX_QLEARNING_CELLS.toLocaleString('en-US')} (128 MiB); lower m or the number of agents`,
      });
  }
  return problems;
}

/** Nests name known providers, each provider in at most one nest. */
function checkNests(s: RawScenario, names: readonly string[]): Problem[] {
  if (s.demand?.type !== 'logit' || !s.demand.nestedLogit) return [];
  const problems: Problem[] = [];
  const nestOf = new Map<string, string>();
  for (const [nest, members] of Object.entries(s.demand.nestedLogit.nests))
    members.forEach((m, j) => {
      const shown = stripControl(m);
      const path = ['demand', 'nestedLogit', 'nests', nest, j];
      if (!names.includes(shown)) problems.push({ path, message: `unknown provider ${JSON.stringify(shown)} (allowed: ${list(names)})` });
      else if (nestOf.has(shown))
        problems.push({
          path,
          message: `provider ${JSON.stringify(shown)} is already in nest ${JSON.stringify(nestOf.get(shown))}; a provider belongs to one nest`,
        });
      else nestOf.set(shown, nest);
    });
  return problems;
}

/**
 * Observations for calibration: known providers, one per provider and period, inside shares of a
 * period summing to < 1 (the outside good needs a positive share for the Berry inversion), and
 * under nested logit every member of an observed provider's nest observed in that period (its
 * within-nest share needs them all).
 */
function checkObservations(s: RawScenario, names: readonly string[]): Problem[] {
  const obs = s.observations ?? [];
  if (obs.length === 0) return [];
  const problems: Problem[] = [];
  if (s.demand?.type !== 'logit')
    problems.push({ path: ['observations'], message: 'observations calibrate logit demand (Berry 1994 inversion): set demand.type to logit' });
  const seen = new Set<string>();
  const sum = new Map<number, { total: number; first: number }>();
  obs.forEach((o, i) => {
    const shown = stripControl(o.provider);
    if (!names.includes(shown))
      problems.push({ path: ['observations', i, 'provider'], message: `unknown provider ${JSON.stringify(shown)} (allowed: ${list(names)})` });
    const key = `${o.period}|${shown}`;
    if (seen.has(key))
      problems.push({ path: ['observations', i], message: `provider ${JSON.stringify(shown)} is observed twice in period ${o.period}; keep one` });
    seen.add(key);
    if (o.marginalCostUsd !== undefined && o.margin !== undefined)
      problems.push({ path: ['observations', i, 'margin'], message: 'give marginalCostUsd or margin, not both' });
    if (o.marginalCostUsd !== undefined && o.marginalCostUsd > o.priceUsd)
      problems.push({
        path: ['observations', i, 'marginalCostUsd'],
        message: `a marginal cost above the price (${o.marginalCostUsd} > ${o.priceUsd}) cannot satisfy the pricing first-order condition`,
      });
    const p = sum.get(o.period) ?? { total: 0, first: i };
    p.total += o.share;
    sum.set(o.period, p);
  });
  for (const [period, { total, first }] of sum)
    if (total >= 1)
      problems.push({
        path: ['observations', first, 'share'],
        message: `the shares observed in period ${period} sum to ${total.toPrecision(6)}; they are shares of all consumers, so they must sum to less than 1 (the outside good takes the rest)`,
      });
  const nested = s.demand?.type === 'logit' ? s.demand.nestedLogit : undefined;
  if (nested) {
    const nestOf = (n: string) => Object.entries(nested.nests).find(([, m]) => m.some((x) => stripControl(x) === n))?.[0];
    obs.forEach((o, i) => {
      const g = nestOf(stripControl(o.provider));
      if (g === undefined) return;
      for (const m of nested.nests[g] ?? [])
        if (!seen.has(`${o.period}|${stripControl(m)}`))
          problems.push({
            path: ['observations', i],
            message: `nested logit: ${JSON.stringify(stripControl(m))} (nest ${JSON.stringify(g)}) has no observation in period ${o.period}; the within-nest share of ${JSON.stringify(stripControl(o.provider))} needs every member of its nest`,
          });
    });
  }
  return problems;
}
