/** Gradient accumulation: what k micro-batches per update do to peak memory and step time. */
import type { TopLevelSpec } from 'vega-lite';
import type { AccumulationRow } from '../rows.ts';
import { PANEL_HEIGHT_PX, PANEL_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, provenanceStrokeDash, quantity, tip, topLevel } from './common.ts';

/**
 * Two panels sharing the k axis (log₂): peak tensor memory (MiB) and seconds per optimizer
 * step. With a fixed micro-batch, memory should stay flat while step time grows with k.
 */
export function accumulationChart(rows: readonly AccumulationRow[]): TopLevelSpec {
  const models = distinct(rows, (r) => r.model);
  const x = quantity('accumulationSteps', 'k (micro-batches per update, log₂ scale)', {
    scale: { type: 'log', base: 2 },
    axis: { values: [...new Set(rows.map((r) => r.accumulationSteps))].sort((a, b) => a - b), format: 'd' },
  });
  const tooltip = [
    tip('model', 'model'),
    tip('accumulationSteps', 'k'),
    tip('microBatchSize', 'micro-batch (samples)'),
    tip('peakMiB', 'peak memory (MiB)', ',.2f'),
    tip('stepSeconds', 'step time (s)', ',.4f'),
    tip('provenance', 'figure is'),
  ];
  const panel = (field: string, title: string, heading: string) => ({
    title: heading,
    width: PANEL_WIDTH_PX,
    height: PANEL_HEIGHT_PX,
    mark: { type: 'line', point: { filled: true, size: 50 } },
    encoding: {
      x,
      y: quantity(field, title, { scale: { zero: true } }),
      color: categoryColour('model', 'model', models),
      strokeDash: provenanceStrokeDash(),
      tooltip,
    },
  });
  return topLevel(
    {
      title: 'Gradient accumulation: memory against time',
      subtitle: 'k micro-batches per optimizer step: peak tensor memory (left) and seconds per step (right).',
    },
    {
      data: { values: rows },
      hconcat: [
        panel('peakMiB', 'peak tensor memory (MiB)', 'Peak memory'),
        panel('stepSeconds', 'step time (seconds per optimizer step)', 'Step time'),
      ],
      resolve: { scale: { y: 'independent' } },
    },
  );
}
