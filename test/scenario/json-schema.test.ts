// scenario.schema.json is up to date with src/scenario/schema.ts, and an independent JSON Schema
// validator (ajv, draft 2020-12) agrees with costsim's own parser on shipped and broken scenarios.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { scenarioJsonSchemaText } from '../../src/scenario/json-schema.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

const ROOT = join(import.meta.dirname, '../..');
const yamlFiles = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

describe('scenario.schema.json', () => {
  const committed = readFileSync(join(ROOT, 'scenario.schema.json'), 'utf8');

  it('is what `npm run schema` generates from the zod schema now (regenerate it after changing schema.ts)', () => {
    expect(committed === scenarioJsonSchemaText(), 'scenario.schema.json is stale: run `npm run schema`').toBe(true);
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(committed));

  it.each([...yamlFiles('scenarios'), ...yamlFiles('templates')])('accepts %s, as costsim does', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(() => parseScenario(text, file)).not.toThrow();
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown top-level key', 'demand: { type: logit, mu: 1 }\nproviders: [{ name: A, quality: 1, strategy: { type: costPlus } }]\nfoo: 1\n'],
    ['an unknown strategy', 'demand: { type: logit, mu: 1 }\nproviders: [{ name: A, quality: 1, strategy: { type: haggle } }]\n'],
    ['a negative cash', 'demand: { type: logit, mu: 1 }\nproviders: [{ name: A, quality: 1, cash: -5, strategy: { type: costPlus } }]\n'],
    [
      'a misspelt distribution key',
      'demand: { type: logit, mu: 1 }\nproviders: [{ name: A, quality: { dist: normal, mean: 1, sdev: 1 }, strategy: { type: costPlus } }]\n',
    ],
    ['a fractional seed', 'seed: 1.5\ndemand: { type: logit, mu: 1 }\nproviders: [{ name: A, quality: 1, strategy: { type: costPlus } }]\n'],
  ])('rejects %s, as costsim does', (_what, text) => {
    expect(() => parseScenario(text, 'x.yaml')).toThrow();
    expect(validate(parse(text))).toBe(false);
  });
});
