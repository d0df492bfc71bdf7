/**
 * The PyTorch CPU side of bench:peer: find (or install, once, with apt-get) a python3 that has
 * torch and numpy, and run perf/peer_torch.py with one thread count per process (so
 * OPENBLAS_NUM_THREADS also pins numpy's GEMM to it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the python script reports per thread count. */
export interface TorchReport {
  torch: string;
  numpy: string;
  defaultThreads: number;
  runs: Array<{ what: string; threads: number; samplesPerSecond?: number; tokensPerSecond?: number; gflops?: number; steps?: number; wallSeconds?: number }>;
}

const script = fileURLToPath(new URL('../peer_torch.py', import.meta.url));

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

/**
 * A python3 with torch and numpy. Debian's python3-torch is for /usr/bin/python3, which may not
 * be the python3 on PATH (pyenv); install it with apt-get when missing and allowed.
 */
export function findTorchPython(log: (line: string) => void, install: boolean): { python?: string; why?: string } {
  const candidates = ['/usr/bin/python3', 'python3'];
  const found = candidates.find(hasTorch);
  if (found) return { python: found };
  if (!install) return { why: 'PyTorch not found and --no-install given (Debian: apt-get install python3-torch)' };
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  log("bench:peer: PyTorch CPU not found; installing Debian's python3-torch with apt-get (several hundred MB, once)...");
  const run = (args: string[]): number | null => {
    const [command, ...rest] = [...sudo, ...args] as [string, ...string[]];
    return spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
  };
  if (run(['apt-get', 'update', '-qq']) !== 0 || run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'python3-torch']) !== 0) {
    return { why: 'PyTorch not found and `apt-get install python3-torch` failed (needs root or passwordless sudo, and Debian/Ubuntu)' };
  }
  return hasTorch('/usr/bin/python3') ? { python: '/usr/bin/python3' } : { why: 'python3-torch installed but /usr/bin/python3 cannot import torch' };
}

/** torch.get_num_threads() in a fresh process with no thread variables set: PyTorch's own default here. */
export function torchDefaultThreads(python: string): number | undefined {
  const env = { ...process.env };
  delete env.OMP_NUM_THREADS;
  delete env.OPENBLAS_NUM_THREADS;
  const result = spawnSync(python, ['-c', 'import torch; print(torch.get_num_threads())'], { encoding: 'utf8', env });
  const threads = Number(result.stdout?.trim());
  return result.status === 0 && Number.isInteger(threads) ? threads : undefined;
}

/** Run the PyTorch side for one thread count. */
export function runTorch(python: string, threads: number, config: { seconds: number; gemm: boolean; models: object[] }): TorchReport {
  const result = spawnSync(python, [script, JSON.stringify({ ...config, threads: [threads] })], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0)
    throw new Error(`perf/peer_torch.py failed (exit ${result.status}): ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(result.stdout) as TorchReport;
}
