/** Placement charts: where a plan's step time goes, memory per device against capacity, and how good the model is. */
import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationRow, PlacementMemoryRow, PlacementTimeRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, PROVENANCE_DOMAIN, PROVENANCE_TITLE, distinct } from '../theme.ts';
import { categoryColour, guideMark, quantity, tip, topLevel } from './common.ts';

const COMPONENTS = ['compute', 'memory', 'transfer'];
const COMPONENT_COLOURS = ['#4c78a8', '#f58518', '#e45756'];

/** Bars: solid for measured, lighter for modeled, faint for assumed (hollow bars would vanish when stacked). */
function barOpacity(): Record<string, unknown> {
  return {
    field: 'provenance',
    type: 'ordinal',
    title: PROVENANCE_TITLE,
    scale: { type: 'ordinal', domain: [...PROVENANCE_DOMAIN], range: [1, 0.7, 0.35] },
    legend: { symbolType: 'square', symbolFillColor: '#4c78a8' },
  };
}

/** Height of a horizontal bar chart with `n` bars: 26 px each, at least 120. */
function barsHeight(n: number): number {
  return Math.max(120, 26 * n);
}

/**
 * One horizontal stacked bar per plan: seconds per training step spent computing, moving
 * data through device memory, and transferring over the host link (roofline model).
 */
export function placementTimeChart(rows: readonly PlacementTimeRow[]): TopLevelSpec {
  // Planner order (best first), not alphabetical.
  const plans = [...new Set(rows.map((r) => r.plan))];
  return topLevel(
    {
      title: 'Where does a step’s time go?',
      subtitle: 'Step time of each placement plan (strategy · devices used, best first), split into compute, memory traffic and host-link transfer.',
    },
    {
      width: CHART_WIDTH_PX,
      height: barsHeight(plans.length),
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'plan', type: 'nominal', title: null, sort: plans, axis: { labelLimit: 520 } },
        x: quantity('seconds', 'seconds per training step', { stack: 'zero' }),
        color: { field: 'component', type: 'nominal', title: 'time spent on', scale: { domain: COMPONENTS, range: COMPONENT_COLOURS } },
        order: { field: 'component', type: 'nominal', sort: 'ascending' },
        opacity: barOpacity(),
        tooltip: [tip('plan', 'plan'), tip('component', 'component'), tip('seconds', 'seconds', ',.4~g'), tip('provenance', 'figure is')],
      },
    },
  );
}

/**
 * Memory each plan puts on each device (bars, red when over capacity) with the device's
 * capacity as a black tick. A plan whose bar passes its tick does not fit.
 */
export function placementMemoryChart(rows: readonly PlacementMemoryRow[]): TopLevelSpec {
  const withKey = rows.map((r) => ({ ...r, key: `${r.plan} → ${r.device}`, status: r.overCapacity ? 'over capacity' : 'fits' }));
  const keys = withKey.map((r) => r.key);
  const y = { field: 'key', type: 'nominal', title: null, sort: keys, axis: { labelLimit: 520 } };
  return topLevel(
    {
      title: 'Does it fit?',
      subtitle: 'Memory each plan (strategy · devices used) places on each device, after the arrow (bar), against that device’s capacity (black tick).',
    },
    {
      width: CHART_WIDTH_PX,
      height: barsHeight(keys.length),
      data: { values: withKey },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y,
            x: quantity('usedGiB', 'memory (GiB)'),
            color: { field: 'status', type: 'nominal', title: 'memory', scale: { domain: ['fits', 'over capacity'], range: ['#4c78a8', '#e45756'] } },
            opacity: barOpacity(),
            tooltip: [
              tip('plan', 'plan'),
              tip('device', 'device'),
              tip('usedGiB', 'used (GiB)', ',.3f'),
              tip('capacityGiB', 'capacity (GiB)', ',.1f'),
              tip('provenance', 'figure is'),
            ],
          },
        },
        {
          mark: { type: 'tick', color: 'black', thickness: 2, size: 20 },
          encoding: { y, x: { field: 'capacityGiB', type: 'quantitative' }, tooltip: [tip('device', 'device'), tip('capacityGiB', 'capacity (GiB)', ',.1f')] },
        },
      ],
    },
  );
}

/**
 * Predicted (placement model) against measured step time on log–log axes, with the y = x
 * line: points above it ran slower than predicted.
 */
export function calibrationChart(rows: readonly CalibrationRow[]): TopLevelSpec {
  const all = rows.flatMap((r) => [r.predictedSeconds, r.measuredSeconds]).filter((v) => v > 0);
  const lo = Math.min(...all) / 1.5;
  const hi = Math.max(...all) * 1.5;
  const axis = (field: string, title: string) => quantity(field, title, { scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { format: '.1~s' } });
  return topLevel(
    {
      title: 'How good is the placement model?',
      subtitle:
        'Predicted (modeled) against measured seconds per step on this machine’s tfjs backends; on the grey line the model is exact. Triangles: mixed-backend plans predicted again after fitting one factor per backend.',
    },
    {
      width: CHART_HEIGHT_PX + 60,
      height: CHART_HEIGHT_PX,
      layer: [
        {
          data: {
            values: [
              { predictedSeconds: lo, measuredSeconds: lo },
              { predictedSeconds: hi, measuredSeconds: hi },
            ],
          },
          mark: guideMark('line'),
          encoding: {
            x: axis('predictedSeconds', 'predicted seconds per step (modeled, log)'),
            y: axis('measuredSeconds', 'measured seconds per step (log)'),
            tooltip: { value: 'predicted = measured' },
          },
        },
        {
          data: { values: rows.map((r) => ({ ...r, prediction: r.prediction ?? 'roofline' })) },
          mark: { type: 'point', filled: true, size: 80 },
          encoding: {
            x: { field: 'predictedSeconds', type: 'quantitative' },
            y: { field: 'measuredSeconds', type: 'quantitative' },
            color: categoryColour(
              'label',
              'configuration',
              distinct(rows, (r) => r.label),
            ),
            shape: {
              field: 'prediction',
              type: 'nominal',
              title: 'prediction',
              scale: { domain: ['roofline', 'calibrated'], range: ['circle', 'triangle-up'] },
            },
            tooltip: [
              tip('prediction', 'prediction'),
              tip('label', 'configuration'),
              tip('predictedSeconds', 'predicted (s, modeled)', ',.4~g'),
              tip('measuredSeconds', 'measured (s)', ',.4~g'),
            ],
          },
        },
      ],
    },
  );
}
