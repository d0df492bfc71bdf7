/**
 * Layer cost graph from per-layer FLOP rows, as the harness's analytic counter
 * (`countFlops` in src/bench/flops/analytic.ts) produces them for any tf.LayersModel, so the
 * placement and benchmark layers agree on FLOPs. Pure: rows in, graph out.
 *
 * Layers run in the rows' (topological) order; a model with skip connections is treated as a
 * chain, so only the previous layer's output crosses a device boundary (an approximation,
 * stated in the graph's derivation).
 */
import { DTYPE_BYTES, type CostGraph, type LayerCost, type OptimizerName, type WeightDtype } from './graph.ts';

/** The fields of one analytic FLOP row the planner needs (a subset of bench/flops LayerFlops). */
export interface FlopRow {
  name: string;
  className: string;
  /** Output shape with the batch filled in. */
  outputShape: number[];
  params: number;
  forwardFlops: number;
  backwardFlops: number;
  /** Elements of the output activation (kept for backward). */
  activationElements: number;
}

/** How the rows were produced and how the model trains. */
export interface FromRowsOptions {
  name: string;
  batchSize: number;
  /** Elements of one input sample (the batch's input crosses from host memory). */
  inputElementsPerSample: number;
  dtype: WeightDtype;
  optimizer: OptimizerName;
  /** Tokens per sample for sequence models; omit to count samples. */
  tokensPerSample?: number;
  derivation: string;
}

function product(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Build the graph; layers without parameters or FLOPs (e.g. InputLayer) are kept for order. */
export function graphFromFlopRows(rows: readonly FlopRow[], options: FromRowsOptions): CostGraph {
  const w = DTYPE_BYTES[options.dtype];
  const layers: LayerCost[] = rows
    .filter((r) => r.className !== 'InputLayer')
    .map((r) => ({
      name: r.name,
      className: r.className,
      params: r.params,
      forwardFlops: r.forwardFlops,
      backwardFlops: r.backwardFlops,
      outputBytes: product(r.outputShape) * w,
      activationBytes: r.activationElements * w,
    }));
  const tokens = options.tokensPerSample;
  return {
    name: options.name,
    layers,
    dtype: options.dtype,
    optimizer: options.optimizer,
    tokensPerStep: options.batchSize * (tokens ?? 1),
    tokenUnit: tokens === undefined ? 'samples' : 'tokens',
    inputBytes: options.batchSize * options.inputElementsPerSample * 4,
    derivation: `${options.derivation}; layers treated as a chain in topological order`,
  };
}
