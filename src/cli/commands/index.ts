/** Every sub-command, registered in the order `costsim --help` lists them. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerDoctor } from './doctor.ts';
import { registerInit } from './init.ts';
import { registerBench } from './bench.ts';
import { registerPlan } from './plan.ts';
import { registerSimulate } from './simulate.ts';
import { registerEquilibrium } from './equilibrium.ts';
import { registerCalibrate } from './calibrate.ts';
import { registerReport } from './report.ts';
import { registerCompare } from './compare.ts';
import { registerRun } from './run.ts';
import { registerPrune } from './prune.ts';
import { registerServe } from './serve.ts';
import { registerWorker } from './worker.ts';

export function registerCommands(program: Command, ctx: CliContext): void {
  registerInit(program, ctx);
  registerDoctor(program, ctx);
  registerBench(program, ctx);
  registerPlan(program, ctx);
  registerSimulate(program, ctx);
  registerEquilibrium(program, ctx);
  registerCalibrate(program, ctx);
  registerRun(program, ctx);
  registerReport(program, ctx);
  registerCompare(program, ctx);
  registerPrune(program, ctx);
  registerServe(program, ctx);
  registerWorker(program, ctx);
}
