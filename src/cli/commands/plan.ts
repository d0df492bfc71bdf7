/**
 * `costsim plan --model <zoo name | transformer shape> --device <id>... [--max-memory <id>=<bytes>...]
 * [--objective time|cost] [--json]`: where each layer of a model should live, whether it fits,
 * and what a training step costs on each option. Flags are checked before any work starts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../../errors.ts';
import { DEVICE_CATALOG, findDevice } from '../../devices/catalog.ts';
import { localCpuDevice, measureLocalCpu, pricingFromInstance, pricingFromRate, type LocalPricing } from '../../devices/local.ts';
import { initRuntime } from '../../runtime/index.ts';
import { DEFAULT_EFFICIENCIES } from '../../placement/roofline.ts';
import { parseFraction, parseMaxMemory } from '../../placement/parse.ts';
import { isTransformerShape, parseTransformerShape, transformerGraph } from '../../placement/transformer.ts';
import { LOCAL_CPU_ID, resolveDevices } from '../../placement/resolve.ts';
import { planPlacements } from '../../placement/planner.ts';
import { formatPlanning, planningJson } from '../../placement/format.ts';
import type { CostGraph } from '../../placement/graph.ts';
import type { Objective } from '../../placement/dp.ts';

interface PlanOptions {
  model?: string;
  device: string[];
  maxMemory: string[];
  objective: string;
  json?: boolean;
  computeEfficiency?: string;
  memoryEfficiency?: string;
  localPrice?: string;
  backend?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** The local CPU's price: a catalogue CPU instance id or a $/hour figure; required, never defaulted. */
function localPricing(text: string | undefined, cores: number, date: string): LocalPricing {
  const cpuIds = DEVICE_CATALOG.filter((d) => d.kind === 'cpu').map((d) => d.id);
  if (text === undefined) throw new UsageError('--local-price', `"${LOCAL_CPU_ID}" needs a price: a catalogue CPU instance or $/hour`, `${cpuIds.join(', ')}, or a number such as 0.08`);
  const rate = Number(text);
  if (text.trim() !== '' && Number.isFinite(rate)) {
    if (rate < 0) throw new UsageError('--local-price', `$/hour must not be negative (got "${text}")`);
    return pricingFromRate(rate, '--local-price', cores, date);
  }
  const instance = findDevice(text);
  if (!instance || instance.kind !== 'cpu') throw new UsageError('--local-price', `"${text}" is not a catalogue CPU instance`, `${cpuIds.join(', ')}, or a number`);
  return pricingFromInstance(instance);
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('Plan where each layer of a model lives (CPU, GPU, offloaded), whether it fits, and the cost of a training step.')
    .option('--model <spec>', 'zoo model (mlp, cnn, transformer; e.g. mlp:width=256,batch=64) or transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000[,batch,dtype,optimizer,ffn,kvHeads,mlp,recompute]')
    .option('--device <id>', `device id, repeatable (catalogue ids or ${LOCAL_CPU_ID}); the first CPU listed hosts offloaded optimizer state`, collect, [])
    .option('--max-memory <id=bytes>', 'memory cap for a listed device, repeatable (e.g. l4=20GB)', collect, [])
    .option('--objective <time|cost>', 'what the optimal plan minimises', 'time')
    .option('--compute-efficiency <fraction>', `fraction of catalogue peak FLOP/s reached (default ${DEFAULT_EFFICIENCIES.compute})`)
    .option('--memory-efficiency <fraction>', `fraction of catalogue memory bandwidth reached (default ${DEFAULT_EFFICIENCIES.memory})`)
    .option('--local-price <id|usd>', `price of ${LOCAL_CPU_ID}: a catalogue CPU instance id or $/hour`)
    .option('--backend <name>', `tfjs backend for zoo models and ${LOCAL_CPU_ID} measurement`)
    .option('--json', 'print one JSON object on stdout')
    .action(async (options: PlanOptions) => {
      // Check every flag before any work.
      if (!options.model) throw new UsageError('--model', 'is required', 'a zoo model name or transformer:layers=..,hidden=..,heads=..,seq=..,vocab=..');
      if (options.objective !== 'time' && options.objective !== 'cost') throw new UsageError('--objective', `unknown objective "${options.objective}"`, 'time, cost');
      const objective: Objective = options.objective;
      const efficiencies = {
        compute: options.computeEfficiency === undefined ? DEFAULT_EFFICIENCIES.compute : parseFraction(options.computeEfficiency, '--compute-efficiency'),
        memory: options.memoryEfficiency === undefined ? DEFAULT_EFFICIENCIES.memory : parseFraction(options.memoryEfficiency, '--memory-efficiency'),
      };
      const caps = parseMaxMemory(options.maxMemory, options.device);
      const shape = isTransformerShape(options.model) ? parseTransformerShape(options.model, '--model') : undefined;
      const wantsLocal = options.device.includes(LOCAL_CPU_ID);
      if (wantsLocal && options.localPrice === undefined) localPricing(undefined, 0, '');
      for (const id of options.device) if (id !== LOCAL_CPU_ID && !findDevice(id)) await resolveDevices([id], { dtype: 'fp32', caps, efficiencies });

      if (!shape || wantsLocal) await initRuntime({ flag: options.backend, env: ctx.env });
      let graph: CostGraph;
      if (shape) graph = transformerGraph(shape);
      else {
        const { zooGraph } = await import('../../placement/zoo.ts');
        graph = zooGraph(options.model, '--model');
      }
      const devices = await resolveDevices(options.device, {
        dtype: graph.dtype,
        caps,
        efficiencies,
        measureLocal: async () => {
          if (ctx.isTTY && !options.json) ctx.err(`measuring ${LOCAL_CPU_ID} (GEMM and memory bandwidth)…`);
          const m = await measureLocalCpu();
          return localCpuDevice(m, localPricing(options.localPrice, m.cpu.cores, m.measuredAt.slice(0, 10)));
        },
      });
      const result = planPlacements(graph, devices, objective);
      ctx.out(options.json ? JSON.stringify(planningJson(result)) : formatPlanning(result, devices));
    });
}
