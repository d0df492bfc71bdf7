/**
 * CPU (cloud instance) entries of the device catalogue. Each figure carries its source and
 * date; per-vCPU shares of a socket are pro-rated and marked `unverified`.
 */
import type { Device } from './types.ts';

const GB = 1e9;

/**
 * Built-in CPU instances: first those that price the runs measured on 2-vCPU machines (an AMD
 * EPYC, an Intel Xeon twin, a GCP AMD one), then a large-memory host for optimizer offload.
 */
export const CPU_CATALOG: readonly Device[] = [
  {
    id: 'aws-c6a.large',
    name: 'AWS c6a.large (2 vCPU AMD EPYC 7R13, 4 GiB)',
    kind: 'cpu',
    peakFlops: {
      fp32: {
        value: 2 * 32 * 3.6e9,
        source: '2 vCPUs × 32 fp32 FLOP/cycle (Zen 3: 2×256-bit FMA) × 3.6 GHz all-core turbo (AWS c6a product page)',
        date: '2024-01',
      },
    },
    vcpus: { value: 2, source: 'AWS EC2 c6a instance types table', date: '2024-01' },
    cpuVendor: 'AMD',
    memoryBytes: { value: 4 * 1024 ** 3, source: 'AWS EC2 c6a instance types table', date: '2024-01' },
    memoryBandwidthBytesPerSecond: {
      value: 204.8 * GB * (2 / 96),
      source: 'EPYC 7R13 8×DDR4-3200 = 204.8 GB/s per socket, pro-rated to 2 of 96 vCPUs',
      date: '2024-01',
      unverified: true,
    },
    powerWatts: {
      value: 280 * (2 / 96),
      source: 'EPYC 7R13-class 280 W TDP pro-rated to 2 of 96 vCPUs (CodeCarbon-style TDP share)',
      date: '2024-01',
      unverified: true,
    },
    usdPerHour: { value: 0.0765, source: 'AWS EC2 on-demand price, us-east-1, Linux', date: '2024-06' },
  },
  {
    // The Intel twin of c6a.large: what a 2-vCPU Intel machine is priced as by default (catalog.ts defaultLocalInstance).
    id: 'aws-c6i.large',
    name: 'AWS c6i.large (2 vCPU Intel Xeon Platinum 8375C, 3rd gen Ice Lake, 4 GiB)',
    kind: 'cpu',
    peakFlops: {
      fp32: {
        value: 2 * 64 * 3.5e9,
        source: '2 vCPUs × 64 fp32 FLOP/cycle (Ice Lake-SP: 2×512-bit FMA) × 3.5 GHz all-core turbo (AWS c6i product page), counted per vCPU as c6a.large is',
        date: '2026-12-02',
        unverified: true,
      },
    },
    vcpus: { value: 2, source: 'AWS EC2 c6i instance types table', date: '2026-12-02', unverified: true },
    cpuVendor: 'Intel',
    memoryBytes: { value: 4 * 1024 ** 3, source: 'AWS EC2 c6i instance types table', date: '2026-12-02', unverified: true },
    memoryBandwidthBytesPerSecond: {
      value: 204.8 * GB * (2 / 64),
      source: 'Xeon Platinum 8375C 8×DDR4-3200 = 204.8 GB/s per socket, pro-rated to 2 of 64 vCPUs',
      date: '2026-12-02',
      unverified: true,
    },
    powerWatts: {
      value: 300 * (2 / 64),
      source: 'Xeon Platinum 8375C-class 300 W TDP pro-rated to 2 of 64 vCPUs (CodeCarbon-style TDP share)',
      date: '2026-12-02',
      unverified: true,
    },
    usdPerHour: {
      value: 0.085,
      source:
        "AWS EC2 on-demand price, us-east-1, Linux (AWS EC2 on-demand pricing page, not read here: $0.085 is Infracost's c6i.large on-demand line, 730 h = $62.05, and c6a.large's 0.0765 = 0.9 × it, AWS listing c6a 10% below c6i)",
      date: '2026-12-02',
      unverified: true,
    },
  },
  {
    id: 'gcp-n2d-standard-2',
    name: 'Google Cloud n2d-standard-2 (2 vCPU AMD EPYC Milan, 8 GB)',
    kind: 'cpu',
    peakFlops: {
      fp32: { value: 2 * 32 * 3.5e9, source: '2 vCPUs × 32 fp32 FLOP/cycle (Zen 3) × 3.5 GHz max boost (GCP CPU platforms page)', date: '2024-01' },
    },
    vcpus: { value: 2, source: 'GCP machine types table', date: '2024-01' },
    cpuVendor: 'AMD',
    memoryBytes: { value: 8 * GB, source: 'GCP machine types table', date: '2024-01' },
    memoryBandwidthBytesPerSecond: {
      value: 204.8 * GB * (2 / 64),
      source: 'EPYC Milan 8×DDR4-3200 = 204.8 GB/s per socket, pro-rated to 2 of 64 vCPUs',
      date: '2024-01',
      unverified: true,
    },
    powerWatts: { value: 240 * (2 / 64), source: 'EPYC 7B13 240 W TDP pro-rated to 2 of 64 vCPUs', date: '2024-01', unverified: true },
    usdPerHour: { value: 0.0845, source: 'GCP on-demand price, us-central1', date: '2024-06', unverified: true },
  },
  {
    // A memory-optimised host big enough for ZeRO-Offload of a 7B model (16 B/param ≈ 108 GB).
    // Priced on its own: a plan adds it to the GPU's price (AWS sells the pair as gr6.4xlarge, 1 L4 + 16 vCPU + 128 GiB).
    id: 'aws-r6a.4xlarge',
    name: 'AWS r6a.4xlarge (16 vCPU AMD EPYC 7R13, 128 GiB)',
    kind: 'cpu',
    peakFlops: {
      fp32: {
        value: 16 * 32 * 3.6e9,
        source: '16 vCPUs × 32 fp32 FLOP/cycle (Zen 3: 2×256-bit FMA) × 3.6 GHz all-core turbo (AWS r6a product page)',
        date: '2024-01',
      },
    },
    vcpus: { value: 16, source: 'AWS EC2 r6a instance types table', date: '2024-01' },
    cpuVendor: 'AMD',
    memoryBytes: { value: 128 * 1024 ** 3, source: 'AWS EC2 r6a instance types table', date: '2024-01' },
    memoryBandwidthBytesPerSecond: {
      value: 204.8 * GB * (16 / 96),
      source: 'EPYC 7R13 8×DDR4-3200 = 204.8 GB/s per socket, pro-rated to 16 of 96 vCPUs',
      date: '2024-01',
      unverified: true,
    },
    powerWatts: {
      value: 280 * (16 / 96),
      source: 'EPYC 7R13-class 280 W TDP pro-rated to 16 of 96 vCPUs (CodeCarbon-style TDP share)',
      date: '2024-01',
      unverified: true,
    },
    usdPerHour: { value: 0.9072, source: 'AWS EC2 on-demand price, us-east-1, Linux', date: '2024-06', unverified: true },
  },
];
