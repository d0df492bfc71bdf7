/** Pruning charts: accuracy vs sparsity, compute and latency vs sparsity, and the volume where pruning pays off. */
import type { TopLevelSpec } from 'vega-lite';
import type { PruningAccuracyRow, PruningComputeRow, PruningPayoffRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, guideMark, provenanceShape, provenanceStrokeDash, quantity, tip, topLevel } from './common.ts';

/**
 * Mean test accuracy per method (line), the min–max spread over seeds (band) and every seed
 * (points, filled when measured). Magnitude pruning should stay above the random baseline.
 */
export function pruningAccuracyChart(rows: readonly PruningAccuracyRow[]): TopLevelSpec {
  const methods = distinct(rows, (r) => r.method);
  const x = quantity('sparsity', 'sparsity (fraction of weights removed)', { axis: { format: '.0%' } });
  const colour = categoryColour('method', 'pruning method', methods);
  return topLevel(
    {
      title: 'Does accuracy survive pruning?',
      subtitle: 'Test accuracy against sparsity: line = mean over seeds, band = min–max over seeds, points = single runs.',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            x,
            y: { aggregate: 'min', field: 'testAccuracy', type: 'quantitative', title: 'test accuracy (%)' },
            y2: { aggregate: 'max', field: 'testAccuracy' },
            color: categoryColour('method', 'pruning method', methods),
            tooltip: [tip('method', 'method'), tip('sparsity', 'sparsity', '.0%')],
          },
        },
        {
          mark: { type: 'line', point: false },
          encoding: {
            x,
            y: { aggregate: 'mean', field: 'testAccuracy', type: 'quantitative', title: 'test accuracy (%)', axis: { format: '.0%' }, scale: { zero: false } },
            color: colour,
            tooltip: [
              tip('method', 'method'),
              tip('sparsity', 'sparsity', '.0%'),
              { aggregate: 'mean', field: 'testAccuracy', type: 'quantitative', title: 'mean test accuracy', format: '.2%' },
            ],
          },
        },
        {
          mark: { type: 'point', filled: true, size: 40 },
          encoding: {
            x,
            y: { field: 'testAccuracy', type: 'quantitative' },
            color: categoryColour('method', 'pruning method', methods),
            shape: provenanceShape(),
            tooltip: [
              tip('method', 'method'),
              tip('sparsity', 'sparsity', '.0%'),
              tip('seed', 'seed'),
              tip('testAccuracy', 'test accuracy', '.2%'),
              tip('provenance', 'figure is'),
            ],
          },
        },
      ],
    },
  );
}

/**
 * The compute subtitle's note naming the timed series and sparsities not timed alone, grouped by
 * series ("training step at 50%, 90%"); empty when every timed row was timed alone or says nothing.
 */
function notTimedAloneNote(rows: readonly PruningComputeRow[]): string {
  const bySeries = new Map<string, string[]>();
  for (const r of rows.filter((row) => row.timedAlone === false))
    bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), `${Math.round(100 * r.sparsity)}%`]);
  if (bySeries.size === 0) return '';
  const named = [...bySeries].map(([series, at]) => `${series} at ${at.join(', ')}`).join('; ');
  return ` Not timed alone: ${named} (timed beside other costsim workers, in a queue worker, or not recorded; the tooltip's "timed alone" says which rows).`;
}

/**
 * Dense FLOPs, effective (non-zero) FLOPs, measured latency and training-step time, each
 * relative to the dense model. Unstructured sparsity cuts effective FLOPs; whether latency
 * follows is the question. Timed rows say whether they were timed alone; the subtitle names
 * the series and sparsities that were not.
 */
export function pruningComputeChart(rows: readonly PruningComputeRow[]): TopLevelSpec {
  const series = distinct(rows, (r) => r.series);
  const x = quantity('sparsity', 'sparsity (fraction of weights removed)', { axis: { format: '.0%' } });
  const y = quantity('relativeToDense', 'relative to the dense model (dense = 1)', { scale: { zero: true } });
  return topLevel(
    {
      title: 'Fewer FLOPs, but is it faster?',
      subtitle: `Counted FLOPs, measured latency per sample and measured time per training step, each divided by the dense model’s figure.${notTimedAloneNote(rows)}`,
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      layer: [
        { mark: guideMark('rule'), encoding: { y: { datum: 1, type: 'quantitative' }, tooltip: { value: 'dense model = 1' } } },
        {
          mark: { type: 'line', point: { filled: true, size: 50 } },
          encoding: {
            x,
            y,
            color: categoryColour('series', 'series', series),
            strokeDash: provenanceStrokeDash(),
            tooltip: [
              tip('series', 'series'),
              tip('sparsity', 'sparsity', '.0%'),
              tip('value', 'value', '.4~s'),
              tip('unit', 'unit'),
              tip('relativeToDense', 'relative to dense', '.3f'),
              tip('timedAlone', 'timed alone (no other costsim worker)'),
              tip('provenance', 'figure is'),
            ],
          },
        },
      ],
    },
  );
}

/**
 * Net savings against inference volume, one line per pruned configuration, with a point where
 * each crosses zero (the break-even volume). Below it the pruning run costs more than it saves.
 */
export function pruningPayoffChart(rows: readonly PruningPayoffRow[]): TopLevelSpec {
  const labels = distinct(rows, (r) => r.label);
  const x = quantity('requests', 'inference requests served (log scale)', { scale: { type: 'log' }, axis: { format: '.1~s' } });
  const breakEven = rows.filter((r, i) => r.breakEvenRequests !== null && rows.findIndex((o) => o.label === r.label && o.savingFrom === r.savingFrom) === i);
  const contended = rows.some((r) => r.latencyTimedAlone === false)
    ? ' Not every latency these dollars come from was timed alone (some were timed beside other costsim workers, in a queue worker, or not recorded): the savings carry that contention.'
    : '';
  return topLevel(
    {
      title: 'When does pruning pay for itself?',
      subtitle: `Net savings = requests × saving per request − one-off pruning cost, in dollars modeled from seconds × $/hour. Thick: saving from the measured latency ratio; thin: from the FLOPs ratio (an ideal sparse kernel). Dots mark break-even volumes.${contended}`,
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      layer: [
        { mark: guideMark('rule'), encoding: { y: { datum: 0, type: 'quantitative' }, tooltip: { value: 'break-even: zero net savings' } } },
        // One width per layer (Vega-Lite draws one width per line mark, whatever strokeWidth encodes).
        ...(['measured latency', 'FLOPs ratio'] as const).map((from) => ({
          data: { values: rows.filter((r) => r.savingFrom === from) },
          mark: { type: 'line', strokeWidth: from === 'measured latency' ? 3 : 1 },
          encoding: {
            x,
            y: quantity('netSavingsUsd', 'net savings (USD)'),
            color: categoryColour('label', 'pruned configuration', labels),
            strokeDash: provenanceStrokeDash(),
            tooltip: [
              tip('label', 'configuration'),
              tip('savingFrom', 'saving from'),
              tip('provenance', 'dollars are'),
              tip('requests', 'requests', ',.0f'),
              tip('netSavingsUsd', 'net savings (USD)', '$,.4f'),
              tip('breakEvenRequests', 'break-even (requests)', ',.0f'),
              tip('latencyTimedAlone', 'latency timed alone (no other costsim worker)'),
            ],
          },
        })),
        {
          data: {
            values: breakEven.map((r) => ({
              label: r.label,
              requests: r.breakEvenRequests,
              netSavingsUsd: 0,
              savingFrom: r.savingFrom,
              provenance: r.provenance,
            })),
          },
          mark: { type: 'point', filled: true, size: 80, stroke: 'black', strokeWidth: 1 },
          encoding: {
            x: { field: 'requests', type: 'quantitative' },
            y: { field: 'netSavingsUsd', type: 'quantitative' },
            color: categoryColour('label', 'pruned configuration', labels),
            tooltip: [
              tip('label', 'configuration'),
              tip('savingFrom', 'saving from'),
              tip('provenance', 'dollars are'),
              tip('requests', 'break-even (requests)', ',.0f'),
            ],
          },
        },
      ],
    },
  );
}
