/**
 * `costsim run [scenario] [--out dir] [--remeasure] [--runs N] [--workers N] [--queue URL] [--store path] [--backend X] [--sensitivity] [--json]`:
 * the main job. Parses the flags, runs the scenario pipeline (src/pipeline/: read → normalise →
 * measure → plan once → price → simulate → assemble → write) and prints where the report is.
 * Bad input (missing or malformed scenario, unwritable output) fails before any work, exit 2.
 */
import { fileURLToPath } from 'node:url';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { runScenario } from '../../pipeline/index.ts';
import { collect, positiveInt, runsFlag, SET_FLAG_HELP, setFlags } from '../flags.ts';
import { resolveQueueUrl } from '../../sweep/index.ts';
import { reportSummaryLines } from '../report-output.ts';
import { commandProgress } from '../progress.ts';

/** The scenario `costsim run` uses with no argument: exercises every part on small budgets. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      'The main job: run a scenario (bench, pruning, placement, market Monte Carlo) and write reports/<scenario-name>/ (index.html, SVG/PNG/CSV per chart, report.json).',
    )
    .argument('[scenario]', 'scenario YAML file (default: the built-in scenarios/default.yaml)')
    .option('--out <dir>', 'report directory (default: reports/<scenario-name>)')
    .option('--runs <n>', "Monte Carlo runs (default: the scenario's monteCarlo.runs)")
    .option('--workers <n>', 'worker processes for pruning and Monte Carlo (default: one per core)')
    .option(
      '--queue <url>',
      'run pruning and Monte Carlo points on a Redis job queue, redis://host:port[/db], served by `costsim worker` (default: COSTSIM_QUEUE; else local workers)',
    )
    .option('--store <path>', 'bench record store, also the cache (default: .costsim/records.jsonl)')
    .option('--backend <name>', 'force a tfjs backend (tensorflow, native, wasm, cpu)')
    .option('--set <path=value>', SET_FLAG_HELP, collect)
    .option(
      '--sensitivity',
      "also set each uncertain input (a scenario distribution, a measured cost's timing spread) to its 10th and 90th percentile and add a tornado chart and sign/rank warnings to the report (opt-in: 2 more simulations per input)",
    )
    .option(
      '--remeasure',
      'time this machine again (the local-cpu serving decoder, the placement calibration) instead of reusing the measurements cached beside the store for the same code, machine and backends',
    )
    .option('--xlsx', "also write report.xlsx: one workbook, a sheet per chart's data and one of the assumptions")
    .option('--json', 'print one JSON object on stdout')
    .option('--quiet', 'no progress on stderr (by default: a bar on a terminal, else a line per phase and one at least every 10 s)')
    .action(
      async (
        scenario: string | undefined,
        options: {
          out?: string;
          runs?: string;
          workers?: string;
          queue?: string;
          store?: string;
          backend?: string;
          json?: boolean;
          set?: string[];
          quiet?: boolean;
          xlsx?: boolean;
          sensitivity?: boolean;
          remeasure?: boolean;
        },
      ) => {
        const overrides = setFlags(options.set);
        const runs = runsFlag(options.runs);
        const workers = positiveInt('--workers', options.workers);
        const queue = resolveQueueUrl(options.queue, ctx.env);
        const progress = commandProgress(ctx, options);
        const written = await runScenario(
          scenario ?? relative(ctx.cwd, DEFAULT_SCENARIO),
          { ...ctx, progress },
          {
            ...(options.out ? { out: options.out } : {}),
            ...(runs !== undefined ? { runs } : {}),
            ...(workers !== undefined ? { workers } : {}),
            ...(queue ? { queue } : {}),
            ...(options.store ? { storePath: resolve(ctx.cwd, options.store) } : {}),
            ...(options.backend ? { backend: options.backend } : {}),
            ...(overrides.length > 0 ? { overrides } : {}),
            ...(options.xlsx ? { xlsx: true } : {}),
            ...(options.sensitivity ? { sensitivity: true } : {}),
            ...(options.remeasure ? { remeasure: true } : {}),
          },
        ).finally(() => progress.done());
        if (options.json)
          ctx.out(
            JSON.stringify({
              dir: written.dir,
              index: join(written.dir, 'index.html'),
              charts: written.charts.map((c) => ({ id: c.id, title: c.title, provenance: c.provenance })),
              files: written.artefacts.map((a) => a.file),
            }),
          );
        else ctx.out(reportSummaryLines(written, ctx.cwd).join('\n'));
      },
    );
}
