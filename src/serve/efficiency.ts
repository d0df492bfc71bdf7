/**
 * Named efficiencies of the serving model, each a fraction of a catalogue peak, with where the
 * default comes from. Users override any of them; local-cpu is calibrated by measurement.
 */

export interface ServingEfficiencies {
  /** Fraction of peak FLOP/s a prefill reaches (model FLOPs utilisation). */
  prefillCompute: number;
  /** Fraction of peak FLOP/s a decode step reaches when compute binds. */
  decodeCompute: number;
  /** Fraction of peak memory bandwidth decode kernels reach. */
  memoryBandwidth: number;
  /** Fraction of the device / network / host link bandwidth collectives and offload streams reach. */
  link: number;
  /** Fraction of device memory usable for weights + KV cache (the rest: activations, runtime). */
  memoryUsable: number;
  /** Fixed latency of one collective (all-reduce / all-to-all), seconds. */
  collectiveLatencySeconds: number;
  /** Fixed time per layer per forward pass (kernel launch / op dispatch), seconds. */
  layerOverheadSeconds: number;
  /** Prompt tokens prefilled together when pricing input tokens (weights read once per such batch). */
  prefillBatchTokens: number;
  /**
   * When set, the KV cache is read in a pass of its own after the weight stream (added, not
   * overlapped with it) at this fraction of the memory bandwidth. Unset on GPUs; fitted on
   * local-cpu, where the tfjs decoder copies its cache (concat) and attends in separate ops.
   */
  kvPass?: number;
}

/** Defaults and their sources. */
export const DEFAULT_SERVING_EFFICIENCIES: Readonly<ServingEfficiencies> = {
  prefillCompute: 0.5,
  decodeCompute: 0.5,
  memoryBandwidth: 0.8,
  link: 0.8,
  memoryUsable: 0.9,
  collectiveLatencySeconds: 10e-6,
  layerOverheadSeconds: 0,
  prefillBatchTokens: 8192,
};

export const SERVING_EFFICIENCY_SOURCES: Readonly<Record<keyof ServingEfficiencies, string>> = {
  prefillCompute: 'assumed 0.5: PaLM 540B reached 46.2% MFU (Chowdhery et al. 2022, Table 3); prefill runs the same large matmuls',
  decodeCompute: 'assumed 0.5, as prefill (decode only becomes compute-bound at large batch, where matmuls are large)',
  memoryBandwidth:
    'assumed 0.8: the share of peak DRAM/HBM bandwidth streaming kernels reach (STREAM-style); local-cpu uses its measured triad bandwidth instead of a datasheet peak',
  link: 'assumed 0.8 of the quoted link rate (NCCL bus bandwidth is below the wire rate)',
  memoryUsable: "0.9: vLLM's default gpu_memory_utilization (vLLM engine arguments, 2024)",
  collectiveLatencySeconds: 'assumed 10 µs per small all-reduce inside a node (order of the NCCL tests latency for small messages)',
  prefillBatchTokens: 'assumed 8192 prompt tokens per prefill batch (the order of the chunked-prefill token budgets serving engines such as vLLM use)',
  kvPass:
    'unset on GPUs (the cache is read with the weights, overlapped); on local-cpu fitted to the measured decode steps with the compute and bandwidth efficiencies (src/serve/measure/calibrate.ts)',
  layerOverheadSeconds:
    '0 on GPUs (not modeled: serving engines hide kernel launches with CUDA graphs); on local-cpu measured: one decode step of a 1-layer width-8 decoder on the backend',
};
