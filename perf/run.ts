/**
 * `npm run bench:run [-- --scenario path --repeats N --cold --json]`: the main job's speed, as a
 * user sees it (each command a fresh `node bin/costsim.js` process, wall clock):
 *  1. the first `costsim run` (cold when the store has no records for the scenario; `--cold`
 *     forces it with an empty store in a temporary directory). Goal (issue 16): under 3 minutes
 *     on 2 cores;
 *  2. warm `costsim run` of the same scenario, every bench record cached, N times. Goal: under 10 s;
 *  3. `costsim report <dir>` re-rendering that report, N times. Goal: under 5 s.
 * Default scenario: scenarios/default.yaml. Reports go to a temporary directory, removed after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = join(repo, 'bin', 'costsim.js');
const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    cold: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const scenario = resolve(values.scenario ?? join(repo, 'scenarios', 'default.yaml'));
const repeats = Math.max(1, Number.parseInt(values.repeats ?? '3', 10) || 1);
const scratch = mkdtempSync(join(tmpdir(), 'costsim-bench-run-'));
const out = join(scratch, 'report');
const store = values.cold ? ['--store', join(scratch, 'records.jsonl')] : [];

/** Wall seconds of one costsim command; throws with its stderr when it fails. */
function timed(args: string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`costsim ${args.join(' ')} exited ${child.status}:\n${child.stderr}`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

try {
  const runArgs = ['run', scenario, '--out', out, '--json', ...store];
  const first = timed(runArgs);
  const warm = Array.from({ length: repeats }, () => timed(runArgs));
  const report = Array.from({ length: repeats }, () => timed(['report', out, '--json']));
  const result = {
    scenario,
    repeats,
    firstRunSeconds: first,
    firstRunWas: values.cold ? 'cold (empty store)' : 'cold unless the store already had its records',
    warmRunSeconds: { median: median(warm), all: warm },
    reportSeconds: { median: median(report), all: report },
    goals: { coldRunSeconds: 180, warmRunSeconds: 10, reportSeconds: 5 },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`scenario ${scenario}`);
    console.log(`first costsim run   ${first.toFixed(1)} s  (${result.firstRunWas}; goal when cold < 180 s)`);
    console.log(`warm costsim run    ${median(warm).toFixed(1)} s median of ${repeats}  (goal < 10 s)`);
    console.log(`costsim report      ${median(report).toFixed(1)} s median of ${repeats}  (goal < 5 s)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
