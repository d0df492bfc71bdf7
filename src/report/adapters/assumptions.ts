/**
 * The normalised Scenario → the report's assumptions table: every figure the scenario assumes
 * rather than measures, with where it was stated. Pure.
 *
 * What counts as assumed: every number (or distribution) of the market's demand and providers
 * (qualities, mapping coefficients, given costs, cash, fixed costs, capacities, strategy
 * parameters, entry periods, cost shocks...), the horizon (`periods`, the calendar's period
 * length) and a scenario device's figures whose source says "assumed". A quality taken from a
 * measured accuracy is not assumed, but its mapping's slope and intercept are. Values listed in
 * the scenario's `calibrated:` section (written by `costsim calibrate`) are calibrated, not assumed.
 */
import type { Num } from '../../scenario/distribution.ts';
import type { Scenario } from '../../scenario/normalize.ts';
import type { AssumptionRow } from '../rows.ts';
import { sig6 } from './market.ts';

/** Where a normalised field was written in the scenario document, when it differs from the normalised name. */
const RAW_NAMES: Readonly<Record<string, string>> = {
  cashUsd: 'cash',
  fixedCostUsdPerPeriod: 'fixedCostPerPeriod',
  capacityUnitsPerPeriod: 'capacity',
  initialPriceUsd: 'initialPrice',
  referencePriceUsd: 'referencePrice',
  listPricesUsdPerM: 'prices',
};

/** Plain-language names of the normalised fields, with their units. */
const LABELS: Readonly<Record<string, { label: string; unit: (unit: string) => string }>> = {
  mu: { label: 'logit horizontal differentiation μ', unit: (u) => `USD per ${u}` },
  outsideQuality: { label: 'quality of buying nothing (outside option a₀)', unit: (u) => `USD per ${u}` },
  marketSize: { label: 'market size at the reference price', unit: (u) => `${u} per period` },
  priceElasticity: { label: 'price elasticity of market size', unit: () => '' },
  referencePriceUsd: { label: 'reference price for market size', unit: (u) => `USD per ${u}` },
  slope: { label: 'slope', unit: () => '' },
  substitution: { label: 'substitution between providers', unit: () => '' },
  quality: { label: 'quality (logit a_i)', unit: (u) => `USD per ${u}` },
  intercept: { label: 'quality mapping intercept', unit: () => '' },
  scale: { label: 'quality mapping scale', unit: () => '' },
  marginalCostUsd: { label: 'marginal cost', unit: (u) => `USD per ${u}` },
  tokensPerUnit: { label: 'tokens per unit sold', unit: (u) => `tokens per ${u}` },
  samplesPerUnit: { label: 'samples per unit sold', unit: (u) => `samples per ${u}` },
  flopsPerUnit: { label: 'FLOPs per unit sold', unit: (u) => `FLOPs per ${u}` },
  utilisation: { label: 'device utilisation', unit: () => 'fraction of peak' },
  learningDeclinePerPeriod: { label: 'cost decline per period (learning curve)', unit: () => 'fraction per period' },
  capacityUnitsPerPeriod: { label: 'capacity', unit: (u) => `${u} per period` },
  fixedCostUsdPerPeriod: { label: 'fixed cost', unit: () => 'USD per period' },
  cashUsd: { label: 'starting cash', unit: () => 'USD' },
  entersAt: { label: 'enters the market at', unit: () => 'period' },
  reviewEvery: { label: 'reviews its price every', unit: () => 'periods' },
  initialPriceUsd: { label: 'initial price', unit: (u) => `USD per ${u}` },
  atPeriod: { label: 'cost shock at', unit: () => 'period' },
  factor: { label: 'cost shock factor', unit: () => '× marginal cost' },
  periods: { label: 'horizon', unit: () => 'periods' },
  periodDays: { label: 'period length', unit: () => 'days' },
  input: { label: 'list price of input tokens', unit: () => 'USD per 1M tokens' },
  cachedInput: { label: 'list price of cached input tokens', unit: () => 'USD per 1M tokens' },
  output: { label: 'list price of output tokens', unit: () => 'USD per 1M tokens' },
  tokensPerCustomer: { label: 'tokens each customer uses', unit: () => 'tokens per period' },
  inputPerOutput: { label: 'token mix: input tokens per output token', unit: () => 'tokens per token' },
  cacheHitShare: { label: 'token mix: share of input tokens served from cache', unit: () => 'fraction' },
};

/** Units of a device's catalogue figures. */
const DEVICE_UNITS: Readonly<Record<string, string>> = {
  usdPerHour: 'USD per hour',
  powerWatts: 'W',
  memoryBytes: 'bytes',
  memoryBandwidthBytesPerSecond: 'bytes per second',
  hostLinkBytesPerSecond: 'bytes per second',
  deviceLinkBytesPerSecond: 'bytes per second',
  networkBytesPerSecond: 'bytes per second',
  devicesPerNode: 'devices',
};

const isDistribution = (v: unknown): v is Exclude<Num, number> => typeof v === 'object' && v !== null && 'dist' in v;

/** A number as read: 6 significant digits, exponent notation from ten million up ("1.34e+17"). */
function plain(x: number): string {
  return Math.abs(x) >= 1e7 ? sig6(x).toExponential() : String(sig6(x));
}

/** A number or distribution as read in the table: "1.5", "unlimited", "lognormal(median 1.5, σ 0.2)". */
export function formatNum(value: Num): string {
  if (typeof value === 'number') return value === Infinity ? 'unlimited' : plain(value);
  const bounds = `${value.dist !== 'uniform' && value.min !== undefined ? `, min ${value.min}` : ''}${value.dist !== 'uniform' && value.max !== undefined ? `, max ${value.max}` : ''}`;
  if (value.dist === 'normal') return `normal(mean ${value.mean}, sd ${value.sd}${bounds})`;
  if (value.dist === 'lognormal') return `lognormal(median ${value.median}, σ ${value.sigma}${bounds})`;
  return `uniform(${value.min} to ${value.max})`;
}

interface Leaf {
  /** Path in the normalised scenario, e.g. ['market', 'providers', 0, 'cashUsd']. */
  path: Array<string | number>;
  /** Path in the scenario document (YAML), e.g. ['providers', 0, 'cash']. */
  documentPath: Array<string | number>;
  value: Num;
}

/** Every number or distribution under `node`, depth first in key order. */
function leaves(node: unknown, path: Array<string | number>, documentPath: Array<string | number>, out: Leaf[]): void {
  if (typeof node === 'number' || isDistribution(node)) {
    out.push({ path, documentPath, value: node as Num });
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => leaves(item, [...path, i], [...documentPath, i], out));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    // Nested logit's nest indices are structure (which nest each provider is in), not figures.
    if (key === 'nestOf') continue;
    leaves(value, [...path, key], [...documentPath, RAW_NAMES[key] ?? key], out);
  }
}

/** A provider's leaves: its cost and learning curve are spelt differently in the document. */
function providerLeaves(provider: NonNullable<Scenario['market']>['providers'][number], index: number): Leaf[] {
  const out: Leaf[] = [];
  const base: Array<string | number> = ['market', 'providers', index];
  const doc: Array<string | number> = ['providers', index];
  for (const [key, value] of Object.entries(provider)) {
    if (key === 'cost') {
      const { kind: _kind, ...numbers } = provider.cost;
      // A given cost is written `marginalCost:` at the provider's top level; the others under `cost:`.
      if (provider.cost.kind === 'given') leaves(provider.cost.marginalCostUsd, [...base, 'cost', 'marginalCostUsd'], [...doc, 'marginalCost'], out);
      else leaves(numbers, [...base, 'cost'], [...doc, 'cost'], out);
    } else if (key === 'learningDeclinePerPeriod') {
      leaves(value, [...base, key], [...doc, 'learningCurve', 'declinePerPeriod'], out);
    } else if (key !== 'name') {
      leaves(value, [...base, key], [...doc, RAW_NAMES[key] ?? key], out);
    }
  }
  return out;
}

function describe(leaf: Leaf, scenario: Scenario): { figure: string; unit: string } {
  const key = String(leaf.path[leaf.path.length - 1]);
  const parent = String(leaf.path[leaf.path.length - 2] ?? '');
  const unitName = scenario.unit;
  const known = LABELS[key];
  let label = known?.label ?? key;
  let unit = known?.unit(unitName) ?? '';
  if (leaf.path.includes('strategy')) {
    label = `strategy ${leaf.path.includes('market') ? scenarioStrategy(scenario, leaf.path) : ''} ${key}`.replace(/\s+/g, ' ');
    unit = /markup|step|tolerance|xi|alpha|beta|delta|damping/i.test(key) ? 'fraction' : /price|cash/i.test(key) ? 'USD' : '';
  } else if (parent === 'mapping') {
    label = `quality mapping ${key}`;
    unit = '';
  } else if (parent === 'demand' && key === 'slope') {
    label = 'linear demand slope';
  }
  const provider = leaf.path[1] === 'providers' && typeof leaf.path[2] === 'number' ? scenario.market?.providers[leaf.path[2]]?.name : undefined;
  if (leaf.path[0] === 'market' && leaf.path[1] === 'demand') label = `demand: ${label}`;
  return { figure: provider ? `${provider}: ${label}` : label, unit };
}

function scenarioStrategy(scenario: Scenario, path: ReadonlyArray<string | number>): string {
  const index = path[2];
  return typeof index === 'number' ? (scenario.market?.providers[index]?.strategy.type ?? '') : '';
}

/** Document path text, e.g. "providers[0].cash". */
export function documentPathText(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * The assumptions table of `scenario`. `lineOf` returns the 1-based line where a document path
 * is written (undefined when the value is costsim's default); `file` names the scenario in the
 * source column.
 */
export function assumptionRows(
  scenario: Scenario,
  lineOf: (documentPath: ReadonlyArray<string | number>) => number | undefined,
  file: string,
): AssumptionRow[] {
  const found: Leaf[] = [{ path: ['periods'], documentPath: ['periods'], value: scenario.periods }];
  if (scenario.calendar) found.push({ path: ['calendar', 'periodDays'], documentPath: ['calendar', 'periodDays'], value: scenario.calendar.periodDays });
  if (scenario.market) {
    leaves(scenario.market.demand, ['market', 'demand'], ['demand'], found);
    if (scenario.market.tokenMix) leaves(scenario.market.tokenMix, ['market', 'tokenMix'], ['tokenMix'], found);
    if (scenario.market.tokensPerCustomer !== undefined)
      found.push({ path: ['market', 'tokensPerCustomer'], documentPath: ['tokensPerCustomer'], value: scenario.market.tokensPerCustomer });
    scenario.market.providers.forEach((p, i) => found.push(...providerLeaves(p, i)));
  }
  // Values `costsim calibrate --write` fitted are calibrated, not assumed (the `calibrated:` section lists them).
  const calibrated = new Set((scenario.calibrated?.values ?? []).map((v) => v.path));
  const rows: AssumptionRow[] = found
    .filter((leaf) => !calibrated.has(documentPathText(leaf.documentPath)))
    .map((leaf) => {
      const { figure, unit } = describe(leaf, scenario);
      const line = lineOf(leaf.documentPath);
      // An initial price the scenario does not give, in a token market, is its list prices blended at the token mix.
      const derived =
        line === undefined && leaf.path[leaf.path.length - 1] === 'initialPriceUsd' ? 'computed: the list prices blended at the token mix' : undefined;
      return {
        figure,
        path: documentPathText(leaf.documentPath),
        value: formatNum(leaf.value),
        unit,
        source: line !== undefined ? `${file}, line ${line}` : (derived ?? 'costsim default'),
        provenance: 'assumed' as const,
      };
    });
  scenario.devices.forEach((device, i) => {
    for (const [key, value] of Object.entries(device)) {
      const entries =
        key === 'peakFlops'
          ? Object.entries(value as Record<string, { value: number; source: string }>).map(([dtype, s]) => [`peakFlops.${dtype}`, s] as const)
          : [[key, value] as const];
      for (const [name, sourced] of entries) {
        if (typeof sourced !== 'object' || sourced === null || !('source' in sourced) || !/^assumed/i.test(String(sourced.source))) continue;
        const documentPath = ['devices', i, ...name.split('.')];
        const line = lineOf(documentPath);
        rows.push({
          figure: `${device.id}: ${name}`,
          path: documentPathText(documentPath),
          value: plain(sourced.value),
          unit: name.startsWith('peakFlops') ? 'FLOP/s' : (DEVICE_UNITS[name] ?? ''),
          source: `${sourced.source}${line !== undefined ? ` (${file}, line ${line})` : ''}`,
          provenance: 'assumed',
        });
      }
    }
  });
  return rows;
}
