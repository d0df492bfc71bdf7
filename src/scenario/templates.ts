/**
 * Scenario templates `costsim init` starts from: commented YAML files in the package's
 * `templates/` folder, each of which runs as written. Here: their names, where they live, and
 * the pure rewrite that gives a copy its own name and a schema reference that resolves from
 * where it is written.
 */
import { fileURLToPath } from 'node:url';
import { SCENARIO_SCHEMA_FILE } from './json-schema.ts';

/** Template names, the default first. */
export const TEMPLATE_NAMES = ['llm-price-war', 'pruning', 'placement', 'calibration'] as const;
/** One of TEMPLATE_NAMES. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The package root (where package.json, templates/ and scenario.schema.json are), the same from src/ and dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a template file. */
export function templateFile(name: TemplateName): string {
  return fileURLToPath(new URL(`../../templates/${name}.yaml`, import.meta.url));
}

/** Absolute path of the generated JSON Schema. */
export function schemaFile(): string {
  return fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_FILE}`, import.meta.url));
}

const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;
const NAME_LINE = /^name: .*$/m;

/**
 * A template's text for a new scenario: `name:` set to `scenarioName` (quoted as YAML when
 * needed) and the `$schema` reference replaced by `schemaRef` (a path relative to the new
 * file, or a file URL). Pure.
 */
export function renderTemplate(text: string, scenarioName: string, schemaRef: string): string {
  const name =
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(scenarioName) && !/^(true|false|null|yes|no|on|off|~)$/i.test(scenarioName) && Number.isNaN(Number(scenarioName))
      ? scenarioName
      : JSON.stringify(scenarioName);
  return text.replace(SCHEMA_LINE, `# yaml-language-server: $schema=${schemaRef}`).replace(NAME_LINE, `name: ${name}`);
}
