/**
 * `npm run bench:run [-- --scenario path --repeats N --project-store --json]`: the main job's
 * speed, as a user sees it (each command a fresh `node bin/costsim.js` process, wall clock):
 *  1. a cold `costsim run`: an empty record store (and so an empty measurement cache beside it)
 *     in a temporary directory, so every bench record is trained and this machine's serving and
 *     placement calibrations are measured. Goal (issue 16): under 3 minutes on 2 cores.
 *     `--project-store` uses the project's store instead (then the first run is cold only if
 *     that store lacks the scenario's records);
 *  2. warm `costsim run` of the same scenario, every record and measurement cached, N times. Goal: under 10 s;
 *  3. `costsim report <dir>` re-rendering that report, N times. Goal: under 5 s.
 * Beside each time: the 1-minute load average when the command started (os.loadavg; the CPU is
 * often shared, and a time means little without it). Default scenario: scenarios/default.yaml.
 * Reports (and the temporary store) go to a temporary directory, removed after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = join(repo, 'bin', 'costsim.js');
const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    'project-store': { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false }, // the default now; still accepted
    json: { type: 'boolean', default: false },
  },
});
const scenario = resolve(values.scenario ?? join(repo, 'scenarios', 'default.yaml'));
const repeats = Math.max(1, Number.parseInt(values.repeats ?? '3', 10) || 1);
const scratch = mkdtempSync(join(tmpdir(), 'costsim-bench-run-'));
const out = join(scratch, 'report');
const cold = !values['project-store'];
const store = cold ? ['--store', join(scratch, 'records.jsonl')] : [];

interface Timing {
  seconds: number;
  /** 1-minute load average when the command started. */
  load: number;
}

/** Wall seconds of one costsim command and the load it started under; throws with its stderr when it fails. */
function timed(args: string[]): Timing {
  const load = loadavg()[0] as number;
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`costsim ${args.join(' ')} exited ${child.status}:\n${child.stderr}`);
  return { seconds, load };
}

/** The median time of some runs, with the load the median one started under. */
function median(ts: Timing[]): Timing {
  return [...ts].sort((a, b) => a.seconds - b.seconds)[Math.floor(ts.length / 2)] as Timing;
}
const fmt = (t: Timing) => `${t.seconds.toFixed(1)} s (load ${t.load.toFixed(2)})`;

try {
  const runArgs = ['run', scenario, '--out', out, '--json', ...store];
  const first = timed(runArgs);
  const warm = Array.from({ length: repeats }, () => timed(runArgs));
  const report = Array.from({ length: repeats }, () => timed(['report', out, '--json']));
  const result = {
    scenario,
    repeats,
    firstRun: first,
    firstRunWas: cold ? 'cold (empty store and measurement cache)' : "cold unless the project's store already had its records",
    warmRun: { median: median(warm), all: warm },
    report: { median: median(report), all: report },
    loadAtEnd: loadavg(),
    goals: { coldRunSeconds: 180, warmRunSeconds: 10, reportSeconds: 5 },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`scenario ${scenario}`);
    console.log(`${`${cold ? 'cold' : 'first'} costsim run`.padEnd(20)}${fmt(first)}  (${result.firstRunWas}; goal when cold < 180 s)`);
    console.log(`warm costsim run    ${fmt(median(warm))} median of ${repeats}  (goal < 10 s)`);
    console.log(`costsim report      ${fmt(median(report))} median of ${repeats}  (goal < 5 s)`);
    console.log(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} on ${availableParallelism()} cores`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
