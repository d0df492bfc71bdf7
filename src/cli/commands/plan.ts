/**
 * `costsim plan --model <zoo name | transformer shape> --device <id>... [--max-memory <id>=<bytes>...]
 * [--objective time|cost] [--scenario <file> [--entry n]] [--json]`: where each layer of a model
 * should live, whether it fits, and what a training step costs on each option. Flags are
 * checked before any work starts; a scenario supplies devices and a default request.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../../errors.ts';
import {
  DEVICE_CATALOG,
  findDevice,
  type Device,
  localCpuDevice,
  measureLocalCpu,
  pricingFromInstance,
  pricingFromRate,
  type LocalPricing,
} from '../../devices/index.ts';
import { initRuntime } from '../../runtime/index.ts';
import {
  DEFAULT_EFFICIENCIES,
  parseFraction,
  parseMaxMemory,
  isTransformerShape,
  parseTransformerShape,
  LOCAL_CPU_ID,
  resolveDevices,
  planSpec,
  type PlacementSpec,
  formatPlanning,
  planningJson,
} from '../../placement/index.ts';
import { zooGraph } from '../../placement/zoo/index.ts';
import type { Scenario } from '../../scenario/index.ts';
import { readScenarioFile } from '../../pipeline/index.ts';
import { collect as collectRepeated, SET_FLAG_HELP, setFlags } from '../flags.ts';

interface PlanOptions {
  model?: string;
  device: string[];
  maxMemory: string[];
  objective?: string;
  scenario?: string;
  entry?: string;
  json?: boolean;
  computeEfficiency?: string;
  memoryEfficiency?: string;
  localPrice?: string;
  backend?: string;
  set?: string[];
}

const collect = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/** The local CPU's price: a catalogue CPU instance id or a $/hour figure; required, never defaulted. */
function localPricing(text: string | undefined, cores: number, date: string, checkOnly = false): LocalPricing | undefined {
  const cpuIds = DEVICE_CATALOG.filter((d) => d.kind === 'cpu').map((d) => d.id);
  if (text === undefined)
    throw new UsageError(
      '--local-price',
      `"${LOCAL_CPU_ID}" needs a price: a catalogue CPU instance or $/hour`,
      `${cpuIds.join(', ')}, or a number such as 0.08`,
    );
  const rate = Number(text);
  if (text.trim() !== '' && Number.isFinite(rate)) {
    if (rate < 0) throw new UsageError('--local-price', `$/hour must not be negative (got "${text}")`);
    return checkOnly ? undefined : pricingFromRate(rate, '--local-price', cores, date);
  }
  const instance = findDevice(text);
  if (!instance || instance.kind !== 'cpu')
    throw new UsageError('--local-price', `"${text}" is not a catalogue CPU instance`, `${cpuIds.join(', ')}, or a number`);
  return pricingFromInstance(instance);
}

/** The request from flags, falling back to a scenario's placement entry; flags win. */
function requestFrom(
  options: PlanOptions,
  ctx: CliContext,
): { spec: PlacementSpec; extra: Device[]; fields: { model: string; devices: string; maxMemory: string } } {
  let entry: Scenario['placement'][number] | undefined;
  let extra: Device[] = [];
  let where = '';
  if (options.scenario !== undefined) {
    // One reader for every command: bounded size, regular files only, errors naming the file.
    const { scenario } = readScenarioFile(options.scenario, ctx.cwd, setFlags(options.set));
    extra = scenario.devices;
    const index = options.entry === undefined ? 0 : Number(options.entry);
    if (!Number.isInteger(index) || index < 0) throw new UsageError('--entry', `must be a non-negative integer (got "${options.entry}")`);
    entry = scenario.placement[index];
    if (!entry && (options.model === undefined || options.device.length === 0)) {
      throw new UsageError(
        options.entry === undefined ? '--scenario' : '--entry',
        `${options.scenario} has no placement entry ${index}`,
        `0..${scenario.placement.length - 1} (or give --model and --device)`,
      );
    }
    where = `${options.scenario} placement[${index}]`;
  } else if (options.entry !== undefined) throw new UsageError('--entry', 'needs --scenario');
  else if (options.set !== undefined) throw new UsageError('--set', 'needs --scenario');
  const model = options.model ?? entry?.model;
  if (!model) throw new UsageError('--model', 'is required', 'a zoo model name or transformer:layers=..,hidden=..,heads=..,seq=..,vocab=..');
  const devices = options.device.length > 0 ? options.device : (entry?.devices ?? []);
  const objective = options.objective ?? entry?.objective ?? 'time';
  if (objective !== 'time' && objective !== 'cost') throw new UsageError('--objective', `unknown objective "${objective}"`, 'time, cost');
  const maxMemory =
    options.maxMemory.length > 0 ? Object.fromEntries(parseMaxMemory(options.maxMemory, devices)) : options.device.length > 0 ? {} : (entry?.maxMemory ?? {});
  const fromEntry = (flag: string, field: string, given: boolean): string => (given || !where ? flag : `${where}.${field}`);
  return {
    spec: { model, devices, maxMemory, objective },
    extra,
    fields: {
      model: fromEntry('--model', 'model', options.model !== undefined),
      devices: fromEntry('--device', 'devices', options.device.length > 0),
      maxMemory: fromEntry('--max-memory', 'maxMemory', options.maxMemory.length > 0 || options.device.length > 0),
    },
  };
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('Plan where each layer of a model lives (CPU, GPU, offloaded), whether it fits, and the cost of a training step.')
    .option(
      '--model <spec>',
      'zoo model (mlp, cnn, transformer; e.g. mlp:width=256,batch=64) or transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000[,batch,dtype,optimizer,ffn,kvHeads,mlp,recompute,mode]',
    )
    .option(
      '--device <id>',
      `device id, repeatable or comma-separated (catalogue, scenario or ${LOCAL_CPU_ID}); the first CPU listed hosts offloaded optimizer state`,
      collect,
      [],
    )
    .option('--max-memory <id=bytes>', 'memory cap for a listed device, repeatable (e.g. l4=20GB)', collect, [])
    .option('--objective <time|cost>', 'what the optimal plan minimises (default time)')
    .option('--compute-efficiency <fraction>', `fraction of catalogue peak FLOP/s reached (default ${DEFAULT_EFFICIENCIES.compute})`)
    .option('--memory-efficiency <fraction>', `fraction of catalogue memory bandwidth reached (default ${DEFAULT_EFFICIENCIES.memory})`)
    .option('--local-price <id|usd>', `price of ${LOCAL_CPU_ID}: a catalogue CPU instance id or $/hour`)
    .option('--scenario <file>', 'scenario YAML: its devices become usable ids; its placement entry fills flags not given')
    .option('--entry <n>', 'which placement entry of the scenario (default 0)')
    .option('--set <path=value>', `with --scenario: ${SET_FLAG_HELP}`, collectRepeated)
    .option('--backend <name>', `tfjs backend for zoo models and ${LOCAL_CPU_ID} measurement`)
    .option('--json', 'print one JSON object on stdout')
    .action(async (options: PlanOptions) => {
      // Check every flag before any work.
      const { spec, extra, fields } = requestFrom(options, ctx);
      const efficiencies = {
        compute: options.computeEfficiency === undefined ? DEFAULT_EFFICIENCIES.compute : parseFraction(options.computeEfficiency, '--compute-efficiency'),
        memory: options.memoryEfficiency === undefined ? DEFAULT_EFFICIENCIES.memory : parseFraction(options.memoryEfficiency, '--memory-efficiency'),
      };
      const transformer = isTransformerShape(spec.model);
      if (transformer) parseTransformerShape(spec.model, fields.model);
      const wantsLocal = spec.devices.includes(LOCAL_CPU_ID);
      if (wantsLocal) localPricing(options.localPrice, 0, '', true);
      await resolveDevices(
        spec.devices.filter((id) => id !== LOCAL_CPU_ID),
        { dtype: 'fp32', caps: new Map(), efficiencies, extra, flag: fields.devices, allowEmpty: wantsLocal },
      );

      if (!transformer || wantsLocal) await initRuntime({ flag: options.backend, env: ctx.env });
      const { result, devices } = await planSpec(spec, {
        extraDevices: extra,
        efficiencies,
        fields,
        zooGraph,
        measureLocal: async () => {
          if (ctx.isTTY && !options.json) ctx.err(`measuring ${LOCAL_CPU_ID} (GEMM and memory bandwidth)…`);
          const m = await measureLocalCpu();
          return localCpuDevice(m, localPricing(options.localPrice, m.cpu.cores, m.measuredAt.slice(0, 10)) as LocalPricing);
        },
      });
      ctx.out(options.json ? JSON.stringify(planningJson(result)) : formatPlanning(result, devices));
    });
}
