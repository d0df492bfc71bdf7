/**
 * The scenario format as JSON Schema (draft 2020-12), generated from the zod schema in
 * ./schema.ts so the two cannot disagree. Editors read it through the
 * `# yaml-language-server: $schema=…` line of the templates (completion and checking while
 * typing); `--set` checks its paths against it. `npm run schema` writes it to
 * scenario.schema.json, and a test regenerates it and compares.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

/** File name of the generated schema at the package root (shipped in the package). */
export const SCENARIO_SCHEMA_FILE = 'scenario.schema.json';

/** A JSON Schema node, as much of it as costsim reads. */
export interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  $ref?: string;
  $defs?: Record<string, JsonSchemaNode>;
  [key: string]: unknown;
}

/**
 * The scenario's JSON Schema: the input side of the zod schema (what users write, before
 * defaults), with a title and description. Refinements zod cannot express (a distribution's
 * bounds, real calendar dates) stay with costsim's own validation.
 */
export function scenarioJsonSchema(): JsonSchemaNode {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchemaNode;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'costsim scenario',
    description: 'A costsim scenario (bench → placement → market → report). Generated from src/scenario/schema.ts by `npm run schema`; do not edit by hand.',
    ...rest,
  };
}

/** The schema file's text: two-space JSON and a final newline, so regenerating it is byte-stable. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
