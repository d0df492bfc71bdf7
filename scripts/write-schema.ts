// `npm run schema`: write scenario.schema.json from the zod schema (src/scenario/json-schema.ts).
// test/scenario/json-schema.test.ts regenerates it and fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../src/scenario/json-schema.ts';
import { schemaFile } from '../src/scenario/templates.ts';

writeFileSync(schemaFile(), scenarioJsonSchemaText());
process.stdout.write(`wrote ${schemaFile()}\n`);
