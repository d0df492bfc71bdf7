#!/usr/bin/env node
/**
 * Install-time build of the optional native BLAS addon (native/binding.gyp → costsim_native.node).
 * Never fails the install: on any problem it records why in native/build/status.json and exits 0,
 * and costsim then runs on plain wasm (`costsim doctor` shows the recorded reason).
 * Run again by hand with `node native/build.mjs` after installing a compiler and OpenBLAS.
 * Set COSTSIM_SKIP_NATIVE=1 to skip the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, 'build');
const statusPath = join(buildDir, 'status.json');
const addonPath = join(buildDir, 'Release', 'costsim_native.node');
const HOW_TO_ENABLE =
  'install a C++ compiler, make, python3 and OpenBLAS (Debian/Ubuntu: `apt-get install g++ make python3 libopenblas-dev`), ' +
  'then run `node native/build.mjs` (npm ci / npm install also run it)';

function record(status) {
  mkdirSync(buildDir, { recursive: true });
  const body = JSON.stringify({ ...status, node: process.versions.node, builtAt: new Date().toISOString(), howToEnable: HOW_TO_ENABLE }, null, 2);
  writeFileSync(`${statusPath}.tmp`, body + '\n');
  renameSync(`${statusPath}.tmp`, statusPath);
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

/** Where node-gyp is: the one npm runs us with, else the copy bundled with npm, else a local install. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: fine
  }
  return candidates.find((path) => path && existsSync(path));
}

/** Node's own headers, so node-gyp need not download them (no network at install time). */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function lastLines(text, count) {
  return (text ?? '')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('gyp info'))
    .slice(-count)
    .join('\n');
}

function main() {
  if (process.env.COSTSIM_SKIP_NATIVE === '1') {
    record({ ok: false, reason: 'build skipped: COSTSIM_SKIP_NATIVE=1 was set at install time' });
    return;
  }
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    record({ ok: false, reason: `not built: the addon supports Linux and macOS (this is ${process.platform})` });
    return;
  }
  const compiler = run(process.env.CXX ?? 'c++', ['--version']);
  if (compiler.status !== 0) {
    record({ ok: false, reason: `not built: no C++ compiler (${process.env.CXX ?? 'c++'} --version failed)` });
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    record({ ok: false, reason: 'not built: node-gyp not found (it is bundled with npm; run the build through npm or install node-gyp)' });
    return;
  }
  const build = run(process.execPath, [nodeGyp, 'rebuild', ...nodeDirArgs()], { cwd: here });
  if (build.status !== 0) {
    const log = lastLines(`${build.stdout}\n${build.stderr}`, 12);
    const missingBlas = /cblas\.h|lopenblas/.test(log);
    const firstError = `${build.stdout}\n${build.stderr}`.split('\n').find((line) => /error/i.test(line) && !line.startsWith('gyp ERR!'));
    record({
      ok: false,
      reason: missingBlas
        ? 'not built: OpenBLAS headers or library not found (Debian/Ubuntu: libopenblas-dev)'
        : `not built: node-gyp failed (exit ${build.status ?? build.signal}): ${(firstError ?? log.split('\n').slice(-3).join(' | ')).trim()}`,
      log,
    });
    return;
  }
  // Load it once in a child process: a broken library must not crash this install step.
  const probe = run(process.execPath, [
    '-e',
    `const a = require(${JSON.stringify(addonPath)}); const c = new Float32Array(1);` +
      'a.gemm(false, false, 1, 1, 1, new Float32Array([2]), new Float32Array([3]), c, null, null, 0, 0);' +
      'if (c[0] !== 6) throw new Error("1x1 sgemm gave " + c[0]); console.log(a.blasConfig());',
  ]);
  if (probe.status !== 0) {
    record({ ok: false, reason: `built but cannot load: ${lastLines(probe.stderr, 3)}` });
    return;
  }
  record({ ok: true, blas: probe.stdout.trim() });
}

try {
  main();
  console.log(`costsim native addon: see ${statusPath}`);
} catch (error) {
  try {
    record({ ok: false, reason: `build script error: ${error instanceof Error ? error.message : String(error)}` });
  } catch {
    // nothing left to record into
  }
}
process.exit(0);
