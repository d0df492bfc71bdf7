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
import { COSTSIM_VERSION } from '../version.ts';

/** What bare `costsim` prints: one line per command (its description's first sentence) and where to read more. */
function shortUsage(program: Command): string {
  const names = program.commands.map((c) => c.name());
  const width = Math.max(...names.map((n) => n.length));
  return [
    `${messages.programDescription}`,
    'usage: costsim <command> [options]',
    '',
    ...program.commands.map((c) => `  ${c.name().padEnd(width)}  ${firstSentence(c.description())}`),
    '',
    messages.usageFooter,
  ].join('\n');
}

/** A description's first sentence, cut at a word to fit one 100-column line. */
function firstSentence(text: string, max = 84): string {
  const cut = /[.:;](\s|$)/.exec(text);
  const sentence = cut ? text.slice(0, cut.index) : text;
  if (sentence.length <= max) return sentence;
  const space = sentence.lastIndexOf(' ', max - 1);
  return `${sentence.slice(0, space > 0 ? space : max - 1)}…`;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const program = new Command('costsim');
  program
    .description(messages.programDescription)
    .exitOverride()
    .version(COSTSIM_VERSION, '-V, --version', "print costsim's version")
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    // A typo gets one line and a suggestion ("Did you mean run?"), not the whole help.
    .showSuggestionAfterError(true)
    .showHelpAfterError(false);
  registerCommands(program, ctx);
  if (argv.length === 0) {
    ctx.out(shortUsage(program));
    return 0;
  }
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

const isEntry = process.argv[1] !== undefined && /costsim(\.js)?$|cli[\\/]main\.[jt]s$/.test(process.argv[1]);
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
