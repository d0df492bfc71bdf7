/**
 * Device types: what the cost and placement models read from a device. Types only, no data,
 * so every catalogue part (./cpus.ts, ./gpus.ts, ./local.ts) and every reader imports them
 * without importing the catalogue itself.
 */

/** One catalogue number with where it came from. */
export interface Sourced {
  value: number;
  /** Publication or measurement the value comes from (vendor datasheet, price page...). */
  source: string;
  /** When the source was published or read, ISO date (YYYY-MM or YYYY-MM-DD). */
  date: string;
  /** True where the figure still needs a second source before tests may rely on it. */
  unverified?: boolean;
}

/** The x86 CPU vendors the catalogue's instances run on. */
export type CpuVendor = 'AMD' | 'Intel';

export type Dtype = 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8' | 'int8';

/** A compute device (a GPU, or a CPU/cloud instance) as the cost and placement models see it. */
export interface Device {
  id: string;
  name: string;
  kind: 'cpu' | 'gpu';
  /** Dense peak FLOP/s by dtype (sparse figures are not used). */
  peakFlops: Partial<Record<Dtype, Sourced>> & { fp32: Sourced };
  memoryBytes: Sourced;
  memoryBandwidthBytesPerSecond: Sourced;
  /** Host link (PCIe/NVLink-C2C) bandwidth per direction, for GPUs. */
  hostLinkBytesPerSecond?: Sourced;
  /** GPU-to-GPU link inside a node (NVLink) per direction per GPU; absent = peers talk over the host link (PCIe). */
  deviceLinkBytesPerSecond?: Sourced;
  /** GPUs one node holds (8 on an HGX board; 1 for a single-GPU cloud instance). Tensor parallelism stays inside it. */
  devicesPerNode?: Sourced;
  /** Network between nodes per GPU per direction (InfiniBand / Ethernet), used when a plan spans nodes. */
  networkBytesPerSecond?: Sourced;
  /** vCPUs of a CPU instance: a machine priced as this instance should have as many. */
  vcpus?: Sourced;
  /** CPU vendor of a CPU instance (its product page names the processor): a machine priced as it should have that vendor's cores. */
  cpuVendor?: CpuVendor;
  /** Board power (GPU) or the power attributable to this instance's share of the CPU package. */
  powerWatts: Sourced;
  usdPerHour: Sourced;
}
