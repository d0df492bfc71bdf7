/**
 * Serving dtypes: bytes per stored element and which peak of a device the math runs at.
 * int4 is weight-only (AWQ/GPTQ style: weights dequantised to 16-bit inside the matmul), so it
 * halves bytes moved but computes at the 16-bit rate; fp8 and int8 use the device's fp8/int8
 * tensor-core peak where it has one (W8A8), else the 16-bit rate. Quantisation scales
 * (a few bytes per group of 64–128 weights) are not counted.
 */
import type { Device, Sourced } from '../devices/types.ts';

export const SERVE_DTYPES = ['fp32', 'bf16', 'fp8', 'int8', 'int4'] as const;
export type ServeDtype = (typeof SERVE_DTYPES)[number];

/** Bytes per element stored in that dtype. */
export const DTYPE_BYTES: Readonly<Record<ServeDtype, number>> = { fp32: 4, bf16: 2, fp8: 1, int8: 1, int4: 0.5 };

/** The dense peak the matmuls of `dtype` weights run at on `device`, and which catalogue figure it is. */
export function computePeak(device: Device, dtype: ServeDtype): { flops: Sourced; peakDtype: string } {
  const p = device.peakFlops;
  const sixteen = (): { flops: Sourced; peakDtype: string } =>
    p.bf16 ? { flops: p.bf16, peakDtype: 'bf16' } : p.fp16 ? { flops: p.fp16, peakDtype: 'fp16' } : { flops: p.fp32, peakDtype: 'fp32' };
  if (dtype === 'fp32') return { flops: p.fp32, peakDtype: 'fp32' };
  if (dtype === 'fp8' && p.fp8) return { flops: p.fp8, peakDtype: 'fp8' };
  if (dtype === 'int8' && p.int8) return { flops: p.int8, peakDtype: 'int8' };
  return sixteen();
}
