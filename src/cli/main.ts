/**
 * costsim's entry point: parse arguments, run one command, map errors to exit codes.
 * Exit codes: 0 ok, 1 unexpected failure, 2 bad input (flags, files, unavailable backend),
 * 3 a computation whose result is not finite (diverged training, overflowing market).
 */
import { Command, CommanderError } from 'commander';
import { CostsimError } from '../errors.ts';
import { messages } from './messages.ts';
import { registerCommands } from './commands/index.ts';
import type { CliContext } from './context.ts';
import { tf } from '../runtime/index.ts';
import { stripControl } from '../util/text.ts';

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const program = new Command('costsim');
  program
    .description(messages.programDescription)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();
  registerCommands(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      return 2;
    }
    if (error instanceof CostsimError) {
      // Messages quote input (names, keys, values): no raw control sequence reaches the terminal.
      ctx.err(`costsim: ${stripControl(error.message, true)}`);
      return error.exitCode;
    }
    ctx.err(`${messages.unexpectedError}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && /costsim(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  tf.enableProdMode(); // silences tfjs's "install tfjs-node" banner, which would corrupt --json output
  const ctx: CliContext = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
  const code = await main(process.argv.slice(2), ctx);
  process.exitCode = code;
}
