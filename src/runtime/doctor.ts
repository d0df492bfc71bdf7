/**
 * `costsim doctor`: what this machine offers costsim. Versions, every backend with
 * available/not and why, the chosen one, a GEMM rate per available backend, the CPU and its
 * derived peak.
 */
import { tf } from './tf.ts';
import { TFJS_VERSION } from '../version.ts';
import { probeBackends, type BackendLoader, type BackendName } from './backends.ts';
import { measureGemm } from './gemm-bench.ts';
import { readCpuInfo, type CpuInfo } from './cpu-info.ts';
import { loadNativeAddon } from './native/addon.ts';

/** The `doctor --json` object. Field names are a public contract. */
export interface DoctorReport {
  node: string;
  tfjs: string;
  backends: Array<{ name: BackendName; available: boolean; reason?: string; howToEnable?: string; gemmGflops?: number; gemmSize?: number; detail?: string }>;
  chosen: BackendName;
  chosenReason: string;
  cpu: CpuInfo;
}

/** Matrix size per backend: big enough to be compute-bound, small enough for the 5 s budget. */
function gemmSizeFor(name: BackendName): number {
  return name === 'cpu' ? 256 : 1024;
}

/**
 * Probe all backends, measure GEMM on each available one (about `secondsPerBackend` each),
 * and leave the best (or requested) backend active.
 */
export async function runDoctor(
  loaders: readonly BackendLoader[],
  chosen: { name: BackendName; reason: string },
  secondsPerBackend = 0.6,
): Promise<DoctorReport> {
  const probes = await probeBackends(loaders);
  const backends: DoctorReport['backends'] = [];
  for (const probe of probes) {
    const row: DoctorReport['backends'][number] = { ...probe };
    if (probe.available) {
      const loader = loaders.find((l) => l.name === probe.name);
      if (loader && (await tf.setBackend(loader.tfjsName))) {
        const gemm = await measureGemm(gemmSizeFor(probe.name), secondsPerBackend);
        row.gemmGflops = Number(gemm.gflops.toPrecision(4));
        row.gemmSize = gemm.n;
      }
      const addon = loadNativeAddon();
      if (probe.name === 'native' && addon.ok) row.detail = `${addon.blas}, ${addon.addon.getThreads()} BLAS thread(s)`;
    }
    backends.push(row);
  }
  const chosenLoader = loaders.find((l) => l.name === chosen.name);
  if (chosenLoader) await tf.setBackend(chosenLoader.tfjsName);
  return {
    node: process.versions.node,
    tfjs: TFJS_VERSION,
    backends,
    chosen: chosen.name,
    chosenReason: chosen.reason,
    cpu: readCpuInfo(),
  };
}
