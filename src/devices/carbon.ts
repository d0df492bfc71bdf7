/**
 * Carbon from energy, as CodeCarbon computes it (methodology, CodeCarbon 2.x docs,
 * mlco2.github.io/codecarbon/methodology.html): emissions = energy (kWh) × PUE × carbon
 * intensity of the electricity grid where the job ran (g CO₂e per kWh). PUE defaults to 1.0
 * (CodeCarbon's default: no data-centre overhead counted unless the user says so).
 *
 * Grid intensities are yearly averages of generation (life-cycle factors excluded), each with
 * its source and date. They change every year and by hour: `costsim bench --grid-region <id> --pue <x>` (or a scenario's
 * `energy: { gridRegion, pue }`) chooses the region and PUE (recorded in the record's environment.grid and its cache key).
 */
import { UsageError } from '../errors.ts';
import type { Sourced } from './types.ts';

/** Grid carbon intensity, g CO₂e per kWh, by region id. */
export const GRID_INTENSITY: Readonly<Record<string, Sourced>> = {
  world: { value: 480, source: 'Ember, Global Electricity Review 2024: world power sector, 2023 average (480 gCO2/kWh)', date: '2024-05' },
  us: { value: 369, source: 'Ember, Yearly electricity data: United States, 2023 average', date: '2024-05', unverified: true },
  eu: { value: 244, source: 'Ember, European Electricity Review 2024: EU-27, 2023 average', date: '2024-02', unverified: true },
  china: { value: 582, source: 'Ember, Yearly electricity data: China, 2023 average', date: '2024-05', unverified: true },
  france: { value: 56, source: 'Ember, Yearly electricity data: France, 2023 average', date: '2024-05', unverified: true },
};

/** The region used when none is given: stated in every record that uses it. */
export const DEFAULT_GRID_REGION = 'world';

/** Memory power per byte of RAM: CodeCarbon 2.x, 3 W per 8 GB (0.375 W/GB), machine mode. */
export const RAM_WATTS_PER_BYTE = 3 / 8e9;
/** Where RAM_WATTS_PER_BYTE comes from, for provenance strings. */
export const RAM_POWER_SOURCE = 'CodeCarbon 2.x RAM model: 3 W per 8 GB of RAM (0.375 W/GB)';

/** Carbon of `energyJoules` on a grid of `gramsPerKwh`, with a PUE ≥ 1. */
export function carbonGrams(energyJoules: number, gramsPerKwh: number, pue = 1): number {
  return (energyJoules / 3.6e6) * pue * gramsPerKwh;
}

/** Ids of the regions in the table, for messages. */
export function gridRegions(): string[] {
  return Object.keys(GRID_INTENSITY);
}

/**
 * Largest PUE accepted. Uptime Institute's industry average has stayed at 1.55–1.59 since 2020
 * (1.58 in 2023: Uptime Intelligence Update 221, "Large data centers are mostly more efficient,
 * analysis confirms", 2023-11-23); a PUE of 3 already spends two thirds of the site's power
 * outside the IT equipment, so a larger value is taken for a typo (assumed bound).
 */
export const MAX_PUE = 3;

/**
 * The grid options with both fields filled (region default world, PUE default 1), or undefined
 * when none was given. The one check of a region and a PUE, for the `--grid-region`/`--pue` flags
 * and a scenario's `energy:` alike: a bad one is a UsageError naming its flag (a scenario maps it
 * to its field).
 */
export function checkGridOptions(grid: { region?: string; pue?: number } | undefined): { region: string; pue: number } | undefined {
  if (!grid || (grid.region === undefined && grid.pue === undefined)) return undefined;
  const region = grid.region ?? DEFAULT_GRID_REGION;
  if (!Object.hasOwn(GRID_INTENSITY, region)) throw new UsageError('--grid-region', `unknown grid region "${region}"`, gridRegions().join(', '));
  const pue = grid.pue ?? 1;
  if (!(Number.isFinite(pue) && pue >= 1 && pue <= MAX_PUE))
    throw new UsageError(
      '--pue',
      `must be a number from 1 to ${MAX_PUE} (got ${pue}): power usage effectiveness is facility energy ÷ IT energy, 1.58 on average in 2023 (Uptime Institute)`,
    );
  return { region, pue };
}
