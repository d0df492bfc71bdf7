/**
 * Defaults of a serving request, shared by `costsim serve` flags and scenario `serving:` entries
 * (one table, so the two never disagree). A workload of 1,000 prompt and 300 output tokens is an
 * assumed chat-sized request; `local-cpu` runs fp32 because the measured tfjs decoder does.
 */
import type { ServeDtype } from './dtypes.ts';

/** The device id of this machine, measured on the spot (src/serve/measure/). */
export const LOCAL_DEVICE_ID = 'local-cpu';

export const SERVE_DEFAULTS = {
  count: 1,
  promptTokens: 1000,
  outputTokens: 300,
  cacheHitShare: 0,
  /** Weight and KV dtype on a catalogue device. */
  dtype: 'bf16' as ServeDtype,
  /** Weight and KV dtype on local-cpu (the measured decoder is fp32). */
  localDtype: 'fp32' as ServeDtype,
} as const;
