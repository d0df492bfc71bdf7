/**
 * UnsortedSegmentSum for the wasm backend (it is the gradient of Gather, so Embedding
 * layers cannot train on wasm without it). out[s, ...] = Σ over i with ids[i] = s of x[i, ...];
 * ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
import type { KernelConfig, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs-core';
import { type BackendWasm, heapView, zeroOutput } from './heap.ts';

function unsortedSegmentSum(args: { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = zeroOutput(backend, [numSegments, ...innerShape], x.dtype);
  const xs = heapView(backend, x);
  const ids = heapView(backend, segmentIds);
  const sums = heapView(backend, out);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const src = i * inner;
    const dst = segment * inner;
    for (let j = 0; j < inner; j++) sums[dst + j] = (sums[dst + j] as number) + (xs[src + j] as number);
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as KernelConfig['kernelFunc'],
};
