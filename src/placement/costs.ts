/**
 * Additive step-time pieces shared by plan evaluation and the dynamic programme: the cost of
 * one layer under one placement option, and the cost of a device boundary between two layers.
 * Everything runs serially (no overlap of compute, transfers and the optimizer step): an
 * upper bound on step time, stated as such in every plan.
 */
import { DTYPE_BYTES, isInference, layerTrafficBytes, optimizerStepCost, stateBytesPerParam, type CostGraph, type LayerCost } from './graph.ts';
import { rooflineSeconds, transferSeconds, type PlannerDevice, type RooflineTime } from './roofline.ts';

/** Where one layer runs and where its optimizer state lives. */
export interface LayerPlacement {
  /** Index into the device list: the device running forward and backward. */
  device: number;
  /** True: optimizer state and step on the host CPU (ZeRO-Offload style). */
  offloadOptimizer: boolean;
}

/** One layer's costs under one placement. Seconds per training step; bytes resident. */
export interface LayerOptionCost {
  /** Forward + backward on the layer's device. */
  pass: RooflineTime;
  /** Optimizer step on the layer's device, or on the host when offloaded. */
  optimizer: RooflineTime;
  /** Gradients down to the host and updated weights back up, when offloaded. */
  offloadTransferSeconds: number;
  /** Bytes resident on the layer's device. */
  deviceBytes: number;
  /** Bytes resident on the host (only when offloaded). */
  hostBytes: number;
}

/** Cost of `layer` placed by `option`; `host` is the offload target (required when offloading). */
export function layerOptionCost(graph: CostGraph, layer: LayerCost, device: PlannerDevice, offloadOptimizer: boolean, host?: PlannerDevice): LayerOptionCost {
  if (isInference(graph)) {
    return {
      pass: rooflineSeconds(layer.forwardFlops, layerTrafficBytes(layer, graph.dtype, true), device),
      optimizer: rooflineSeconds(0, 0, device),
      offloadTransferSeconds: 0,
      deviceBytes: layer.params * DTYPE_BYTES[graph.dtype] + layer.outputBytes,
      hostBytes: 0,
    };
  }
  const k = graph.microBatches ?? 1;
  const bytes = stateBytesPerParam(graph);
  const pass = rooflineSeconds(k * (layer.forwardFlops + layer.backwardFlops), k * layerTrafficBytes(layer, graph.dtype), device);
  const step = optimizerStepCost(graph, offloadOptimizer);
  if (!offloadOptimizer) {
    return {
      pass,
      optimizer: rooflineSeconds(layer.params * step.flopsPerParam, layer.params * step.bytesPerParam, device),
      offloadTransferSeconds: 0,
      deviceBytes: layer.params * bytes.resident + layer.activationBytes,
      hostBytes: 0,
    };
  }
  if (!host) throw new Error('layerOptionCost: offloading needs a host device');
  const lowPrecisionBytes = layer.params * bytes.offloadDevice;
  return {
    pass,
    optimizer: rooflineSeconds(layer.params * step.flopsPerParam, layer.params * step.bytesPerParam, host),
    // grads go down after every micro-batch (accumulated in the host's fp32 buffer, no extra GPU
    // buffer) and updated weights come back once, both in the training dtype
    offloadTransferSeconds: k * transferSeconds(lowPrecisionBytes, device, host) + transferSeconds(lowPrecisionBytes, host, device),
    deviceBytes: lowPrecisionBytes + layer.activationBytes,
    hostBytes: layer.params * bytes.offloadHost,
  };
}

/**
 * Seconds spent at the boundary before layer `index`, per optimizer step: the previous layer's
 * output forward and (when training) its gradient backward when the devices differ, once per
 * micro-batch; for the first layer, each micro-batch's input from host memory when it runs on a GPU.
 */
export function boundarySeconds(graph: CostGraph, index: number, previous: PlannerDevice | undefined, current: PlannerDevice): number {
  const k = graph.microBatches ?? 1;
  if (index === 0 || !previous) {
    return current.kind === 'gpu' ? (k * graph.inputBytes) / (current.hostLinkBytesPerSecond ?? current.memoryBandwidthBytesPerSecond) : 0;
  }
  const prevLayer = graph.layers[index - 1];
  if (!prevLayer) return 0;
  const forward = transferSeconds(prevLayer.outputBytes, previous, current);
  return k * (isInference(graph) ? forward : forward + transferSeconds(prevLayer.outputBytes, current, previous));
}
