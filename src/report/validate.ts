/**
 * Validate specs against the Vega-Lite JSON schema shipped in the installed `vega-lite`
 * package (build/vega-lite-schema.json), so a spec that draws today also matches the format
 * other Vega-Lite tools read. Compiling the schema takes a few seconds: done once, lazily.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('vega-lite/vega-lite-schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true, logger: false });
  // Formats the schema names but Ajv does not ship: accept them (they only constrain URLs and colours).
  for (const format of ['uri', 'uri-reference', 'color-hex']) ajv.addFormat(format, true);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Schema errors of `spec` as readable lines ("/encoding/x/type must be ..."); empty when valid. */
export function vegaLiteSchemaErrors(spec: unknown): string[] {
  const validate = validator();
  if (validate(spec)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
