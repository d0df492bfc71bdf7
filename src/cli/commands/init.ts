/**
 * `costsim init [name] [--template llm-price-war|pruning|placement|calibration]`: write a commented
 * scenario, `<name>.yaml`, that runs as written, from one of the package's templates. Its first
 * line points editors at scenario.schema.json (completion and checking). An existing file is
 * never overwritten (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { OutputError, UsageError } from '../../errors.ts';
import { renderTemplate, schemaFile, templateFile, TEMPLATE_NAMES, TEXT_LIMITS, type TemplateName } from '../../scenario/index.ts';
import { messages } from '../messages.ts';

/** The file to write and the scenario's name, from the `name` argument (`demo` → demo.yaml, `x/demo.yml` as given). */
function target(name: string, cwd: string): { file: string; scenarioName: string } {
  const ext = extname(name).toLowerCase();
  const file = resolve(cwd, ext === '.yaml' || ext === '.yml' ? name : `${name}.yaml`);
  const scenarioName = basename(file, extname(file));
  if (scenarioName.length === 0 || scenarioName.length > TEXT_LIMITS.name)
    throw new UsageError('[name]', `a scenario name has 1 to ${TEXT_LIMITS.name} characters (got ${scenarioName.length})`);
  return { file, scenarioName };
}

/** The `$schema` reference as seen from `file`: a relative path (POSIX separators), or a file URL across drives. */
function schemaRef(file: string): string {
  const rel = relative(dirname(file), schemaFile());
  if (isAbsolute(rel)) return pathToFileURL(schemaFile()).href;
  const posix = rel.split('\\').join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}

/** Register `costsim init`. */
export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(messages.initDescription)
    .argument('[name]', "scenario name; writes <name>.yaml (default: the template's name)")
    .option('--template <name>', `what the scenario starts from: ${TEMPLATE_NAMES.join(', ')}`, TEMPLATE_NAMES[0])
    .option('--json', 'print one JSON object on stdout: { file, template, name }')
    .action((name: string | undefined, options: { template: string; json?: boolean }) => {
      const template = options.template as TemplateName;
      if (!TEMPLATE_NAMES.includes(template)) throw new UsageError('--template', `unknown template "${options.template}"`, TEMPLATE_NAMES.join(', '));
      const { file, scenarioName } = target(name ?? template, ctx.cwd);
      const text = renderTemplate(readFileSync(templateFile(template), 'utf8'), scenarioName, schemaRef(file));
      try {
        writeFileSync(file, text, { flag: 'wx' }); // wx: fails if the file exists, so nothing is overwritten
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const shown = relative(ctx.cwd, file) || file;
        throw new OutputError(
          code === 'EEXIST'
            ? `${shown} already exists; it was left as it is. Pick another name or remove the file first`
            : `cannot write ${shown} (${code ?? (error as Error).message})`,
        );
      }
      const shown = relative(ctx.cwd, file) || file;
      if (options.json) ctx.out(JSON.stringify({ file, template, name: scenarioName }));
      else ctx.out(messages.initWritten(shown, template));
    });
}
