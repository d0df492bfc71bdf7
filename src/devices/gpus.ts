/**
 * GPU entries of the device catalogue. Peak FLOP/s are dense (sparse figures are 2× and
 * never used); memory is the datasheet capacity in decimal bytes; the host link is PCIe per
 * direction (datasheets quote both directions together, so half of their figure).
 *
 * Prices are per GPU-hour, on demand, and vary by provider and month: every price is marked
 * `unverified` until a second, independent price page agrees.
 */
import type { Device, Sourced } from './types.ts';

const T = 1e12;
const GB = 1e9;

const PCIE3: Sourced = {
  value: 15.75 * GB,
  source: 'PCIe 3.0 x16: 8 GT/s × 16 lanes × 128/130 encoding = 15.75 GB/s per direction (PCI-SIG base spec 3.0)',
  date: '2010-11',
};
const PCIE4: Sourced = {
  value: 31.5 * GB,
  source: 'PCIe 4.0 x16: 16 GT/s × 16 × 128/130 = 31.5 GB/s per direction (NVIDIA datasheets: "64 GB/s" bidirectional)',
  date: '2017-10',
};
const PCIE5: Sourced = {
  value: 63 * GB,
  source: 'PCIe 5.0 x16: 32 GT/s × 16 × 128/130 = 63 GB/s per direction (NVIDIA/AMD datasheets: "128 GB/s" bidirectional)',
  date: '2019-05',
};

function s(value: number, source: string, date: string, unverified?: boolean): Sourced {
  return unverified ? { value, source, date, unverified } : { value, source, date };
}

/** Built-in GPUs, smallest first. */
export const GPU_CATALOG: readonly Device[] = [
  {
    id: 't4',
    name: 'NVIDIA T4 16 GB (PCIe, Turing)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(8.1 * T, 'NVIDIA T4 datasheet: single precision 8.1 TFLOPS', '2019-03'),
      fp16: s(65 * T, 'NVIDIA T4 datasheet: mixed-precision (FP16/FP32) 65 TFLOPS', '2019-03'),
      int8: s(130 * T, 'NVIDIA T4 datasheet: INT8 130 TOPS', '2019-03'),
    },
    memoryBytes: s(16 * GB, 'NVIDIA T4 datasheet: 16 GB GDDR6', '2019-03'),
    memoryBandwidthBytesPerSecond: s(320 * GB, 'NVIDIA T4 datasheet: 320+ GB/s', '2019-03'),
    hostLinkBytesPerSecond: PCIE3,
    devicesPerNode: s(1, 'AWS g4dn.xlarge: 1 T4 per instance (EC2 G4 product page)', '2024-06'),
    networkBytesPerSecond: s(25e9 / 8, 'AWS g4dn.xlarge: up to 25 Gbps network (EC2 G4 product page)', '2024-06', true),
    powerWatts: s(70, 'NVIDIA T4 datasheet: 70 W', '2019-03'),
    usdPerHour: s(0.526, 'AWS g4dn.xlarge on-demand (1 T4, 4 vCPU, 16 GiB), us-east-1, Linux', '2024-06', true),
  },
  {
    id: 'l4',
    name: 'NVIDIA L4 24 GB (PCIe, Ada)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(30.3 * T, 'NVIDIA L4 datasheet: FP32 30.3 TFLOPS', '2023-03'),
      tf32: s(60 * T, 'NVIDIA L4 datasheet: TF32 120 TFLOPS with sparsity, so 60 dense', '2023-03'),
      bf16: s(121 * T, 'NVIDIA L4 datasheet: BF16 242 TFLOPS with sparsity, so 121 dense', '2023-03'),
      fp16: s(121 * T, 'NVIDIA L4 datasheet: FP16 242 TFLOPS with sparsity, so 121 dense', '2023-03'),
      fp8: s(242.5 * T, 'NVIDIA L4 datasheet: FP8 485 TFLOPS with sparsity, so 242.5 dense', '2023-03'),
      int8: s(242.5 * T, 'NVIDIA L4 datasheet: INT8 485 TOPS with sparsity, so 242.5 dense', '2023-03'),
    },
    memoryBytes: s(24 * GB, 'NVIDIA L4 datasheet: 24 GB GDDR6', '2023-03'),
    memoryBandwidthBytesPerSecond: s(300 * GB, 'NVIDIA L4 datasheet: 300 GB/s', '2023-03'),
    hostLinkBytesPerSecond: PCIE4,
    devicesPerNode: s(1, 'AWS g6.xlarge: 1 L4 per instance (EC2 G6 product page)', '2024-06'),
    networkBytesPerSecond: s(10e9 / 8, 'AWS g6.xlarge: up to 10 Gbps network (EC2 G6 product page)', '2024-06', true),
    powerWatts: s(72, 'NVIDIA L4 datasheet: 72 W max thermal design power', '2023-03'),
    usdPerHour: s(0.8048, 'AWS g6.xlarge on-demand (1 L4, 4 vCPU, 16 GiB), us-east-1, Linux (AWS EC2 on-demand pricing page)', '2024-06', true),
  },
  {
    id: 'a10g',
    name: 'NVIDIA A10G 24 GB (AWS G5, Ampere)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(31.52 * T, 'AWS EC2 G5 product page: A10G, 31.52 TFLOPS FP32', '2021-11', true),
      fp16: s(70 * T, 'Baseten "NVIDIA A10 vs A10G for ML model inference": A10G 70 TFLOPS FP16 tensor (dense)', '2023-09', true),
      bf16: s(70 * T, 'as fp16 (Ampere tensor cores run BF16 at the FP16 rate; NVIDIA A100 whitepaper)', '2023-09', true),
    },
    memoryBytes: s(24 * GB, 'Baseten A10 vs A10G: 24 GB GDDR6 (same as A10)', '2023-09'),
    memoryBandwidthBytesPerSecond: s(600 * GB, 'Baseten A10 vs A10G: 600 GB/s (same as A10)', '2023-09'),
    hostLinkBytesPerSecond: PCIE4,
    powerWatts: s(300, 'AWS G5 instances: A10G board power 300 W (third-party spec listings)', '2021-11', true),
    usdPerHour: s(1.006, 'AWS g5.xlarge on-demand (1 A10G, 4 vCPU, 16 GiB), us-east-1', '2024-06', true),
  },
  {
    id: 'a100-40gb',
    name: 'NVIDIA A100 40 GB (SXM4, Ampere)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(19.5 * T, 'NVIDIA A100 datasheet: FP32 19.5 TFLOPS', '2020-05'),
      tf32: s(156 * T, 'NVIDIA A100 datasheet: TF32 156 TFLOPS dense', '2020-05'),
      bf16: s(312 * T, 'NVIDIA A100 datasheet: BF16 312 TFLOPS dense', '2020-05'),
      fp16: s(312 * T, 'NVIDIA A100 datasheet: FP16 312 TFLOPS dense', '2020-05'),
      int8: s(624 * T, 'NVIDIA A100 datasheet: INT8 624 TOPS dense', '2020-05'),
    },
    memoryBytes: s(40 * GB, 'NVIDIA A100 datasheet: 40 GB HBM2', '2020-05'),
    memoryBandwidthBytesPerSecond: s(1555 * GB, 'NVIDIA A100 datasheet: 1,555 GB/s (40 GB)', '2020-05'),
    hostLinkBytesPerSecond: PCIE4,
    powerWatts: s(400, 'NVIDIA A100 datasheet: 400 W (SXM)', '2020-05'),
    usdPerHour: s(3.67, 'Google Cloud a2-highgpu-1g on-demand (1 A100 40 GB, 12 vCPU, 85 GB), us-central1', '2024-06', true),
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 80 GB (SXM4, Ampere)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(19.5 * T, 'NVIDIA A100 datasheet: FP32 19.5 TFLOPS', '2021-06'),
      tf32: s(156 * T, 'NVIDIA A100 datasheet: TF32 156 TFLOPS dense', '2021-06'),
      bf16: s(312 * T, 'NVIDIA A100 80GB datasheet: BF16 312 TFLOPS dense (SXM)', '2021-06'),
      fp16: s(312 * T, 'NVIDIA A100 datasheet: FP16 312 TFLOPS dense', '2021-06'),
      int8: s(624 * T, 'NVIDIA A100 datasheet: INT8 624 TOPS dense', '2021-06'),
    },
    memoryBytes: s(80 * GB, 'NVIDIA A100 80GB datasheet: 80 GB HBM2e', '2021-06'),
    memoryBandwidthBytesPerSecond: s(2.0e12, 'NVIDIA A100 80GB datasheet: 2,039 GB/s HBM2e (SXM), rounded down to 2.0 TB/s', '2021-06'),
    hostLinkBytesPerSecond: PCIE4,
    deviceLinkBytesPerSecond: s(300 * GB, 'NVIDIA A100 datasheet: NVLink 600 GB/s (both directions), so 300 GB/s per direction', '2021-06'),
    devicesPerNode: s(8, 'NVIDIA DGX A100 datasheet: 8 A100 GPUs per system', '2020-05'),
    networkBytesPerSecond: s(200e9 / 8, 'NVIDIA DGX A100 datasheet: 8 single-port 200 Gb/s HDR InfiniBand adapters (one per GPU)', '2020-05'),
    powerWatts: s(400, 'NVIDIA A100 80GB datasheet: 400 W TDP (SXM)', '2021-06'),
    usdPerHour: s(1.79, 'assumed: tier-2 cloud on-demand A100 SXM 80 GB per GPU-hour (provider price pages quote $0.80–3.00)', '2025-06', true),
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 80 GB PCIe (Hopper)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(51 * T, 'NVIDIA H100 datasheet: FP32 51 TFLOPS (PCIe)', '2022-09'),
      tf32: s(378 * T, 'NVIDIA H100 datasheet: TF32 756 TFLOPS with sparsity, so 378 dense (PCIe)', '2022-09'),
      bf16: s(756 * T, 'NVIDIA H100 datasheet: BF16 1,513 TFLOPS with sparsity, so 756 dense (PCIe)', '2022-09'),
      fp16: s(756 * T, 'NVIDIA H100 datasheet: FP16 1,513 TFLOPS with sparsity, so 756 dense (PCIe)', '2022-09'),
      fp8: s(1513 * T, 'NVIDIA H100 datasheet: FP8 3,026 TFLOPS with sparsity, so 1,513 dense (PCIe)', '2022-09'),
    },
    memoryBytes: s(80 * GB, 'NVIDIA H100 datasheet: 80 GB (PCIe)', '2022-09'),
    memoryBandwidthBytesPerSecond: s(2.0e12, 'NVIDIA H100 datasheet: 2 TB/s (PCIe)', '2022-09'),
    hostLinkBytesPerSecond: PCIE5,
    powerWatts: s(350, 'NVIDIA H100 datasheet: 300–350 W configurable TDP (PCIe)', '2022-09'),
    usdPerHour: s(2.0, 'assumed: tier-2 cloud on-demand H100 PCIe per GPU-hour (provider price pages quote about $2–3)', '2025-06', true),
  },
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 80 GB SXM5 (Hopper)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(67 * T, 'NVIDIA H100 datasheet: FP32 67 TFLOPS (SXM)', '2022-09'),
      tf32: s(494.5 * T, 'NVIDIA H100 datasheet: TF32 989 TFLOPS with sparsity, so 494.5 dense (SXM)', '2022-09'),
      bf16: s(989 * T, 'NVIDIA H100 datasheet: BF16 1,979 TFLOPS with sparsity, so 989 dense (SXM)', '2022-09'),
      fp16: s(989 * T, 'NVIDIA H100 datasheet: FP16 1,979 TFLOPS with sparsity, so 989 dense (SXM)', '2022-09'),
      fp8: s(1979 * T, 'NVIDIA H100 datasheet: FP8 3,958 TFLOPS with sparsity, so 1,979 dense (SXM)', '2022-09'),
      int8: s(1979 * T, 'NVIDIA H100 datasheet: INT8 3,958 TOPS with sparsity, so 1,979 dense (SXM)', '2022-09'),
    },
    memoryBytes: s(80 * GB, 'NVIDIA H100 datasheet: 80 GB HBM3 (SXM)', '2022-09'),
    memoryBandwidthBytesPerSecond: s(3.35e12, 'NVIDIA H100 datasheet: 3.35 TB/s (SXM)', '2022-09'),
    hostLinkBytesPerSecond: PCIE5,
    deviceLinkBytesPerSecond: s(450 * GB, 'NVIDIA H100 datasheet: NVLink 900 GB/s (both directions, SXM), so 450 GB/s per direction', '2022-09'),
    devicesPerNode: s(8, 'NVIDIA DGX H100 datasheet: 8 H100 GPUs per system', '2022-09'),
    networkBytesPerSecond: s(400e9 / 8, 'NVIDIA DGX H100 datasheet: 8 × 400 Gb/s ConnectX-7 network ports (one per GPU)', '2022-09'),
    powerWatts: s(700, 'NVIDIA H100 datasheet: up to 700 W configurable TDP (SXM)', '2022-09'),
    usdPerHour: s(
      2.5,
      'assumed: midpoint of tier-2 cloud on-demand H100 SXM rates ($2–3 per GPU-hour on provider price pages); AWS p5.48xlarge on-demand list $98.32/h for 8 GPUs before the June 2025 cut (AWS EC2 pricing page)',
      '2025-06',
      true,
    ),
  },
  {
    // The export variant DeepSeek trained and served V2/V3 on: H100 SXM compute and memory, NVLink cut to 400 GB/s.
    id: 'h800',
    name: 'NVIDIA H800 80 GB SXM5 (Hopper, export variant)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(67 * T, 'NVIDIA H800 SXM5 datasheet: FP32 67 TFLOPS (same GH100 compute as H100 SXM)', '2023-03', true),
      tf32: s(494.5 * T, 'NVIDIA H800 SXM5 datasheet: TF32 989 TFLOPS with sparsity, so 494.5 dense', '2023-03', true),
      bf16: s(989 * T, 'NVIDIA H800 SXM5 datasheet: BF16 1,979 TFLOPS with sparsity, so 989 dense', '2023-03', true),
      fp16: s(989 * T, 'NVIDIA H800 SXM5 datasheet: FP16 1,979 TFLOPS with sparsity, so 989 dense', '2023-03', true),
      fp8: s(1979 * T, 'NVIDIA H800 SXM5 datasheet: FP8 3,958 TFLOPS with sparsity, so 1,979 dense', '2023-03', true),
      int8: s(1979 * T, 'NVIDIA H800 SXM5 datasheet: INT8 3,958 TOPS with sparsity, so 1,979 dense', '2023-03', true),
    },
    memoryBytes: s(80 * GB, 'NVIDIA H800 SXM5 datasheet: 80 GB HBM3', '2023-03', true),
    memoryBandwidthBytesPerSecond: s(3.35e12, 'NVIDIA H800 SXM5 datasheet: 3.35 TB/s', '2023-03', true),
    hostLinkBytesPerSecond: PCIE5,
    deviceLinkBytesPerSecond: s(
      160 * GB,
      'DeepSeek-AI, "DeepSeek-V3 Technical Report" (arXiv:2412.19437) §3.2.2: NVLink 160 GB/s achievable on their H800 nodes (datasheet: 400 GB/s both directions)',
      '2024-12',
    ),
    devicesPerNode: s(8, 'DeepSeek-V3 Technical Report §3.1: 8 H800 GPUs per node', '2024-12'),
    networkBytesPerSecond: s(50 * GB, 'DeepSeek-V3 Technical Report §3.2.2: InfiniBand 50 GB/s per GPU', '2024-12'),
    powerWatts: s(700, 'NVIDIA H800 SXM5 datasheet: up to 700 W', '2023-03', true),
    usdPerHour: s(2.0, 'DeepSeek-V3 Technical Report §1: "assuming the rental price of the H800 GPU is $2 per GPU hour"', '2024-12', true),
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 141 GB SXM (Hopper)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(67 * T, 'NVIDIA H200 datasheet: FP32 67 TFLOPS (SXM; same GH100 compute as H100 SXM)', '2023-11'),
      tf32: s(494.5 * T, 'NVIDIA H200 datasheet: TF32 989 TFLOPS with sparsity, so 494.5 dense', '2023-11'),
      bf16: s(989 * T, 'NVIDIA H200 datasheet: BF16 1,979 TFLOPS with sparsity, so 989 dense', '2023-11'),
      fp16: s(989 * T, 'NVIDIA H200 datasheet: FP16 1,979 TFLOPS with sparsity, so 989 dense', '2023-11'),
      fp8: s(1979 * T, 'NVIDIA H200 datasheet: FP8 3,958 TFLOPS with sparsity, so 1,979 dense', '2023-11'),
    },
    memoryBytes: s(141 * GB, 'NVIDIA H200 datasheet: 141 GB HBM3e', '2023-11'),
    memoryBandwidthBytesPerSecond: s(4.8e12, 'NVIDIA H200 datasheet: 4.8 TB/s', '2023-11'),
    hostLinkBytesPerSecond: PCIE5,
    powerWatts: s(700, 'NVIDIA H200 datasheet: up to 700 W (SXM)', '2023-11'),
    usdPerHour: s(3.5, 'tier-2 cloud on-demand H200 per GPU-hour (provider price pages)', '2025-06', true),
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X 192 GB (OAM, CDNA 3)',
    kind: 'gpu',
    peakFlops: {
      fp32: s(163.4 * T, 'AMD Instinct MI300X datasheet: FP32 matrix 163.4 TFLOPS', '2023-12'),
      tf32: s(653.7 * T, 'AMD Instinct MI300X datasheet: TF32 653.7 TFLOPS dense', '2023-12'),
      bf16: s(1307.4 * T, 'AMD Instinct MI300X datasheet: BF16 1,307.4 TFLOPS dense', '2023-12'),
      fp16: s(1307.4 * T, 'AMD Instinct MI300X datasheet: FP16 1,307.4 TFLOPS dense', '2023-12'),
      fp8: s(2614.9 * T, 'AMD Instinct MI300X datasheet: FP8 2,614.9 TFLOPS dense', '2023-12'),
    },
    memoryBytes: s(192 * GB, 'AMD Instinct MI300X datasheet: 192 GB HBM3', '2023-12'),
    memoryBandwidthBytesPerSecond: s(5.3e12, 'AMD Instinct MI300X datasheet: 5.3 TB/s peak', '2023-12'),
    hostLinkBytesPerSecond: PCIE5,
    powerWatts: s(750, 'AMD Instinct MI300X datasheet: 750 W peak board power', '2023-12'),
    usdPerHour: s(1.71, 'gpu.blog MI300X provider listing: TensorWave on demand $1.71/h (Vultr $1.85/h)', '2025-01', true),
  },
];
