/** Every sub-command, registered in the order `costsim --help` lists them. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerDoctor } from './doctor.ts';

export function registerCommands(program: Command, ctx: CliContext): void {
  registerDoctor(program, ctx);
}
