/**
 * Physical memory of plain vs checkpointed training, each variant in its own fresh worker
 * process, one after the other (never side by side): within one process the peak RSS and the
 * wasm heap only grow, so only separate processes can tell the two variants apart.
 */
import { runSweep } from '../../sweep/runner.ts';
import { moduleFile } from '../../util/module-file.ts';
import type { BenchConfig } from '../record.ts';
import type { CheckpointVariantParams, PhysicalVariant } from './checkpoint-worker.ts';

const WORKER_MODULE = moduleFile('./checkpoint-worker.ts', import.meta.url);

/** Run `variant` in a fresh process and return its physical figures. */
async function inFreshProcess(params: CheckpointVariantParams, backend: string): Promise<PhysicalVariant> {
  let result: PhysicalVariant | undefined;
  const summary = await runSweep<CheckpointVariantParams, PhysicalVariant>({
    workerModule: WORKER_MODULE,
    workers: 1,
    setupArgs: { backend },
    points: [{ key: params.checkpoint ? 'checkpointed' : 'plain', params }],
    onResult: (_key, r) => {
      result = r;
    },
  });
  if (!result) throw new Error(`checkpoint physical measurement failed: ${summary.failed.map((f) => f.message).join('; ') || 'no result'}`);
  return result;
}

/** Plain, then checkpointed, `steps` steps each, each in a fresh process on `backend`. */
export async function measurePhysicalCheckpointing(
  config: BenchConfig,
  backend: string,
  steps: number,
): Promise<{ plain: PhysicalVariant; checkpointed: PhysicalVariant }> {
  const plain = await inFreshProcess({ config, checkpoint: false, steps }, backend);
  const checkpointed = await inFreshProcess({ config, checkpoint: true, steps }, backend);
  return { plain, checkpointed };
}
