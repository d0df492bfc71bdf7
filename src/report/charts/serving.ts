/** Serving charts: the throughput-latency frontier, cost per token class by device and dtype, and measured vs predicted decode here. */
import type { TopLevelSpec } from 'vega-lite';
import type { ServingCostRow, ServingFrontierRow, ServingMeasuredRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, provenanceShape, provenanceStrokeDash, quantity, tip, topLevel } from './common.ts';

/**
 * USD per 1M output tokens against output tokens/s each user sees, one line per device and
 * dtype, one point per batch size: the frontier a provider chooses on (faster users, dearer tokens).
 */
export function servingFrontierChart(rows: readonly ServingFrontierRow[]): TopLevelSpec {
  return topLevel(
    {
      title: 'What does speed per user cost?',
      subtitle:
        'USD per 1M output tokens against output tokens/s per user, one line per device and weight dtype, one point per batch size (modeled: larger batches move right-to-left, cheaper and slower).',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: quantity('tokensPerSecondPerUser', 'output tokens/s per user (log)', { scale: { type: 'log' } }),
        y: quantity('usdPerMOutputTokens', 'USD per 1M output tokens (log)', { scale: { type: 'log' } }),
        color: categoryColour(
          'series',
          'device · dtype',
          distinct(rows, (r) => r.series),
        ),
        strokeDash: provenanceStrokeDash(),
        order: { field: 'batch', type: 'quantitative' },
        tooltip: [
          tip('series', 'device · dtype'),
          tip('batch', 'batch', ',d'),
          tip('tokensPerSecondPerUser', 'tokens/s per user', ',.3~g'),
          tip('usdPerMOutputTokens', 'USD per 1M output tokens', ',.4~g'),
          tip('provenance', 'figure is'),
        ],
      },
    },
  );
}

/** Grouped bars: USD per 1M input, cached input and output tokens for each device and dtype at its best batch. */
export function servingCostChart(rows: readonly ServingCostRow[]): TopLevelSpec {
  const withKey = rows.map((r) => ({ ...r, key: `${r.device} · ${r.dtype}` }));
  return topLevel(
    {
      title: 'What does a token cost to serve, by device and dtype?',
      subtitle:
        'USD per 1M tokens of each class at the best batch meeting the service target (modeled); output tokens cost most because decode re-reads the weights every step.',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: withKey },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'key', type: 'nominal', title: 'device · dtype', axis: { labelAngle: -30 } },
        xOffset: { field: 'tokenClass', type: 'nominal', sort: ['input', 'cached input', 'output'] },
        y: quantity('usdPerMTokens', 'USD per 1M tokens (log)', { scale: { type: 'log' } }),
        color: { field: 'tokenClass', type: 'nominal', title: 'token class', sort: ['input', 'cached input', 'output'] },
        tooltip: [
          tip('key', 'device · dtype'),
          tip('tokenClass', 'token class'),
          tip('usdPerMTokens', 'USD per 1M tokens', ',.4~g'),
          tip('provenance', 'figure is'),
        ],
      },
    },
  );
}

/** Decode tokens/s against batch on this machine: measured (filled), the model raw and calibrated (rings), per backend. */
export function servingMeasuredChart(rows: readonly ServingMeasuredRow[]): TopLevelSpec {
  const encoding = {
    x: quantity('batch', 'batch (sequences, log)', { scale: { type: 'log', base: 2 } }),
    y: quantity('decodeTokensPerSecond', 'decode tokens/s (log)', { scale: { type: 'log' } }),
    color: categoryColour(
      'backend',
      'backend',
      distinct(rows, (r) => r.backend),
    ),
    strokeDash: provenanceStrokeDash(),
    detail: { field: 'line', type: 'nominal' },
    shape: provenanceShape(),
    tooltip: [
      tip('backend', 'backend'),
      tip('figure', 'figure'),
      tip('batch', 'batch', ',d'),
      tip('contextTokens', 'context tokens', ',d'),
      tip('decodeTokensPerSecond', 'decode tokens/s', ',.3~g'),
      tip('provenance', 'figure is'),
    ],
  };
  // Predicted and calibrated are both modeled (dashed): a thin line is the raw prediction. One
  // width per layer, since Vega-Lite draws one width per line mark.
  const layer = (test: string, strokeWidth: number) => ({
    transform: [{ filter: test }],
    mark: { type: 'line', strokeWidth, point: { filled: true, size: 60 } },
    encoding,
  });
  return topLevel(
    {
      title: 'Does the serving model predict this machine?',
      subtitle:
        'Decode tokens/s of the KV-cached tfjs decoder against batch, per backend: measured (solid), the model’s raw prediction from GEMM rate and bandwidth measured on the spot (thin dashed), and after one calibration factor per backend (thick dashed).',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows.map((r) => ({ ...r, line: `${r.backend} · ${r.figure} · ${r.contextTokens} ctx` })) },
      layer: [layer("datum.figure !== 'predicted'", 2.5), layer("datum.figure === 'predicted'", 1.2)],
    },
  );
}
