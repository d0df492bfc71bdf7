/** Cost-to-accuracy: every trained configuration as dollars vs accuracy, the Pareto frontier drawn through the best. */
import type { TopLevelSpec } from 'vega-lite';
import type { ParetoRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, guideMark, provenanceShape, quantity, tip, topLevel } from './common.ts';

/**
 * Points: one per configuration (x = training cost in USD on a log scale, y = test accuracy),
 * coloured by model, filled when the cost was measured. A step line joins the frontier: the
 * configurations no other one beats on both cost and accuracy.
 */
export function paretoChart(rows: readonly ParetoRow[]): TopLevelSpec {
  const models = distinct(rows, (r) => r.model);
  const accuracies = rows.map((r) => r.testAccuracy);
  // Accuracy is a fraction: keep the axis inside [0, 1] with a little room around the points.
  const yDomain = [Math.max(0, Math.min(...accuracies) - 0.02), Math.min(1, Math.max(...accuracies) + 0.02)];
  const x = quantity('trainCostUsd', 'training cost (USD = measured seconds × device $/hour; log scale)', { scale: { type: 'log', nice: false, padding: 12 } });
  const y = quantity('testAccuracy', 'test accuracy (%)', { axis: { format: '.0%' }, scale: { domain: yDomain, nice: false } });
  return topLevel(
    {
      title: 'What does accuracy cost?',
      subtitle: 'Each point is one trained configuration; grey halos, joined by a step line, mark the Pareto frontier (cheapest way to each accuracy).',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      layer: [
        {
          transform: [{ filter: 'datum.onFrontier' }],
          mark: guideMark('line', { interpolate: 'step-after', strokeWidth: 1.5 }),
          encoding: { x, y, order: { field: 'trainCostUsd', type: 'quantitative' }, tooltip: [tip('label', 'on the Pareto frontier')] },
        },
        {
          // A frontier of one configuration has no line to draw: the halo keeps it visible.
          transform: [{ filter: 'datum.onFrontier' }],
          mark: { type: 'point', filled: false, size: 380, color: '#999', strokeWidth: 2 },
          encoding: {
            x,
            y,
            tooltip: [tip('label', 'on the Pareto frontier'), tip('trainCostUsd', 'training cost (USD)', '$.4f'), tip('testAccuracy', 'test accuracy', '.2%')],
          },
        },
        {
          mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            x,
            y,
            color: categoryColour('model', 'model', models),
            shape: provenanceShape(),
            tooltip: [
              tip('label', 'configuration'),
              tip('trainCostUsd', 'training cost (USD)', '$.4f'),
              tip('testAccuracy', 'test accuracy', '.2%'),
              tip('energyJoules', 'energy (J, CodeCarbon method)', '.4~s'),
              tip('carbonGrams', 'carbon (g CO2e, grid average)', '.4~s'),
              tip('provenance', 'cost is'),
              tip('onFrontier', 'on frontier'),
            ],
          },
        },
      ],
    },
  );
}
