/**
 * The layer cost graph: what one training step of a model asks of memory and compute, layer by
 * layer, independent of where it runs. Built from a transformer shape (./transformer.ts) or a
 * tfjs model (./from-model.ts); consumed by the pure planner.
 *
 * Byte rules per parameter (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC20, §3.1):
 * mixed-precision Adam keeps 2 (fp16/bf16 weights) + 2 (grads) + 12 (fp32 master, m, v) = 16 B;
 * fp32 Adam keeps 4 + 4 + 8 = 16 B. ZeRO-Offload (Ren et al. 2021) leaves only the
 * low-precision weights on the GPU and keeps fp32 master weights, fp32 grads and Adam m, v on
 * the CPU (16 B), which also runs the optimizer step.
 */

/** Dtype of weights, activations and gradients in the forward/backward pass. */
export type WeightDtype = 'fp32' | 'fp16' | 'bf16';
/** Optimizer whose state the graph accounts for. */
export type OptimizerName = 'adam' | 'sgd';

/** One layer's demands for one micro-batch (the whole batch without accumulation). All counts ≥ 0. */
export interface LayerCost {
  name: string;
  className: string;
  /** Trainable parameters (count). */
  params: number;
  /** Forward FLOPs for the whole batch (1 multiply-add = 2 FLOPs). */
  forwardFlops: number;
  /** Backward FLOPs for the whole batch (≈ 2× forward; includes recomputation when checkpointing). */
  backwardFlops: number;
  /** Bytes of the layer's output: what crosses a device boundary forward (its gradient crosses back). */
  outputBytes: number;
  /** Activation bytes kept from forward for backward (the whole batch). */
  activationBytes: number;
}

/** A model as the planner sees it: layers in execution order plus training settings. */
export interface CostGraph {
  /** Human-readable model description (shape string or zoo name). */
  name: string;
  layers: LayerCost[];
  dtype: WeightDtype;
  optimizer: OptimizerName;
  /** Tokens (or samples, see tokenUnit) processed per optimizer step (all micro-batches). */
  tokensPerStep: number;
  /**
   * Micro-batches per optimizer step (gradient accumulation, default 1). Layer FLOPs,
   * activations, outputs and inputBytes describe ONE micro-batch; the optimizer steps once.
   */
  microBatches?: number;
  tokenUnit: 'tokens' | 'samples';
  /** Bytes of one micro-batch's input, fed from host memory to the first layer's device. */
  inputBytes: number;
  /** How the figures were obtained (formula and reference, or counter used). */
  derivation: string;
  /**
   * 'train' (default): forward + backward + optimizer step, full training state resident.
   * 'infer': forward only; weights and the current output resident, no grads or optimizer.
   */
  mode?: 'train' | 'infer';
}

/** Whether a graph describes inference (forward only). */
export function isInference(graph: Pick<CostGraph, 'mode'>): boolean {
  return graph.mode === 'infer';
}

/** A copy of `graph` that runs forward only. */
export function inferenceGraph(graph: CostGraph): CostGraph {
  return { ...graph, mode: 'infer', name: `${graph.name} (forward only)` };
}

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<WeightDtype, number> = { fp32: 4, fp16: 2, bf16: 2 };

/** Per-parameter byte budget of one layer's training state, by where each part lives. */
export interface StateBytesPerParam {
  /** Weights + grads + optimizer state on the layer's own device (no offload). */
  resident: number;
  /** Bytes left on the compute device when the optimizer is offloaded (low-precision weights). */
  offloadDevice: number;
  /** Bytes on the host when offloaded (fp32 master + fp32 grads + optimizer moments). */
  offloadHost: number;
}

/** Byte rules of the module comment, for a graph's dtype and optimizer. */
export function stateBytesPerParam(graph: Pick<CostGraph, 'dtype' | 'optimizer'>): StateBytesPerParam {
  const w = DTYPE_BYTES[graph.dtype];
  const mixed = graph.dtype !== 'fp32';
  const moments = graph.optimizer === 'adam' ? 8 : 0;
  const master = mixed ? 4 : 0;
  return {
    resident: w + w + master + moments,
    offloadDevice: w,
    offloadHost: 4 + 4 + moments,
  };
}

/** One layer's resident bytes by kind, when nothing is offloaded. */
export interface LayerBytes {
  weightBytes: number;
  gradientBytes: number;
  /** Optimizer moments plus fp32 master weights under mixed precision. */
  optimizerStateBytes: number;
  activationBytes: number;
}

/** Parameter, gradient, optimizer-state and activation bytes of one layer (training). */
export function layerBytes(graph: Pick<CostGraph, 'dtype' | 'optimizer'>, layer: LayerCost): LayerBytes {
  const w = DTYPE_BYTES[graph.dtype];
  const resident = stateBytesPerParam(graph).resident;
  return {
    weightBytes: layer.params * w,
    gradientBytes: layer.params * w,
    optimizerStateBytes: layer.params * (resident - 2 * w),
    activationBytes: layer.activationBytes,
  };
}

/** What one optimizer step costs per parameter: FLOPs and bytes of memory traffic. */
export interface OptimizerStepCost {
  flopsPerParam: number;
  bytesPerParam: number;
}

/**
 * Optimizer step per parameter. Adam ≈ 12 FLOPs (two moment updates, bias corrections, sqrt,
 * divide, update; an assumption); traffic = read grad + read/write master + read/write moments
 * (+ write the low-precision copy when mixed). SGD: 2 FLOPs, grad + master read/write.
 */
export function optimizerStepCost(graph: Pick<CostGraph, 'dtype' | 'optimizer'>, offloaded: boolean): OptimizerStepCost {
  const w = DTYPE_BYTES[graph.dtype];
  const mixed = graph.dtype !== 'fp32';
  const gradBytes = offloaded ? 4 : w;
  const lowPrecisionWrite = mixed || offloaded ? w : 0;
  const moments = graph.optimizer === 'adam' ? 2 * 8 : 0;
  return {
    flopsPerParam: graph.optimizer === 'adam' ? 12 : 2,
    bytesPerParam: gradBytes + 2 * 4 + moments + lowPrecisionWrite,
  };
}

/** Total parameters of a graph. */
export function totalParams(graph: CostGraph): number {
  return graph.layers.reduce((sum, l) => sum + l.params, 0);
}

/**
 * Bytes of device-memory traffic of one layer's forward + backward (roofline memory term):
 * forward reads weights and writes its saved activations and output; backward reads weights,
 * writes weight grads, reads saved activations and writes input grads. A model, stated as such.
 * Inference reads weights and writes the output.
 */
export function layerTrafficBytes(layer: LayerCost, dtype: WeightDtype, inference = false): number {
  const weightBytes = layer.params * DTYPE_BYTES[dtype];
  if (inference) return weightBytes + layer.outputBytes;
  return 3 * weightBytes + 2 * layer.activationBytes + 2 * layer.outputBytes;
}
