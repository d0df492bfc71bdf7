/** Gradient accumulation: what k micro-batches per update do to peak memory and step time. */
import type { TopLevelSpec } from 'vega-lite';
import type { AccumulationRow } from '../rows.ts';
import { PANEL_HEIGHT_PX, PANEL_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, provenanceStrokeDash, quantity, tip, topLevel } from './common.ts';

/**
 * Panels sharing the k axis (log₂): physical peak memory (MiB: the wasm heap's high-water mark,
 * or the process's peak RSS; both process-lifetime) where the records have it, tfjs peak tensor
 * memory (logical bytes), and seconds per optimizer step. With a fixed micro-batch, memory
 * should stay flat while step time grows with k.
 */
export function accumulationChart(rows: readonly AccumulationRow[]): TopLevelSpec {
  const models = distinct(rows, (r) => r.model);
  const physical = rows.length > 0 && rows.every((r) => r.physicalPeakMiB !== undefined);
  const physicalWhat = [...new Set(rows.map((r) => r.physicalMemory))].join(' / ');
  const x = quantity('accumulationSteps', 'k (micro-batches per update, log₂ scale)', {
    scale: { type: 'log', base: 2 },
    axis: { values: [...new Set(rows.map((r) => r.accumulationSteps))].sort((a, b) => a - b), format: 'd' },
  });
  const tooltip = [
    tip('model', 'model'),
    tip('accumulationSteps', 'k'),
    tip('microBatchSize', 'micro-batch (samples)'),
    tip('peakMiB', 'peak tensor memory, tfjs logical (MiB)', ',.2f'),
    ...(physical ? [tip('physicalPeakMiB', 'physical peak (MiB)', ',.1f'), tip('physicalMemory', 'physical figure')] : []),
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
      subtitle: physical
        ? `k micro-batches per optimizer step: physical peak (${physicalWhat}, process high-water), tfjs logical tensor peak, and seconds per step.`
        : 'k micro-batches per optimizer step: peak tensor memory (left, tfjs logical bytes) and seconds per step (right).',
    },
    {
      data: { values: rows },
      hconcat: [
        ...(physical ? [panel('physicalPeakMiB', `physical peak memory (MiB, ${physicalWhat})`, 'Physical peak memory')] : []),
        panel('peakMiB', 'peak tensor memory (MiB, tfjs logical)', 'Peak tensor memory'),
        panel('stepSeconds', 'step time (seconds per optimizer step)', 'Step time'),
      ],
      resolve: { scale: { y: 'independent' } },
    },
  );
}
