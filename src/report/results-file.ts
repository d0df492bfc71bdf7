/**
 * results.json: the rows a report was rendered from, saved in the report directory so that
 * `costsim report <dir>` can re-render it without re-running anything. Parsing checks the
 * envelope and that every table is a list of objects; errors name the file and the path.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { ReportResults } from './rows.ts';

/** File name of the saved results inside a report directory. */
export const RESULTS_FILE = 'results.json';

const provenanceKind = z.enum(['measured', 'modeled', 'assumed']);
const table = z.array(z.record(z.string(), z.unknown()));

const resultsSchema = z.strictObject({
  version: z.literal(1),
  scenario: z.strictObject({
    name: z.string().min(1),
    question: z.string(),
    seed: z.number(),
    file: z.string().optional(),
    priceUnit: z.string().optional(),
    periodLength: z.string().optional(),
    calendarStart: z.string().optional(),
    periodDays: z.number().optional(),
  }),
  assumptions: z
    .array(z.strictObject({ figure: z.string(), path: z.string(), value: z.string(), unit: z.string(), source: z.string(), provenance: z.literal('assumed') }))
    .optional(),
  summary: z.strictObject({
    answer: z.string(),
    keyNumbers: z.array(z.strictObject({ label: z.string(), value: z.string(), provenance: provenanceKind, source: z.string().optional() })),
  }),
  rows: z.strictObject({
    pareto: table.optional(),
    pruningAccuracy: table.optional(),
    pruningCompute: table.optional(),
    pruningPayoff: table.optional(),
    accumulation: table.optional(),
    placementTime: table.optional(),
    placementMemory: table.optional(),
    calibration: table.optional(),
    priceBands: table.optional(),
    referencePrices: table.optional(),
    shares: table.optional(),
    profit: table.optional(),
    survival: table.optional(),
    equilibrium: table.optional(),
    marginalCost: table.optional(),
    servingFrontier: table.optional(),
    servingCost: table.optional(),
    servingMeasured: table.optional(),
  }),
  provenance: z.record(z.string(), z.string()),
});

/** Serialise results for results.json (stable key order: the order they were built in). */
export function formatResults(results: ReportResults): string {
  return `${JSON.stringify(results, null, 1)}\n`;
}

/** Parse results.json text; `file` is named in errors. */
export function parseResults(text: string, file: string): ReportResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError({ file }, `is not valid JSON (${(error as Error).message}). Re-create it with \`costsim run <scenario>\`.`);
  }
  const parsed = resultsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new InputError(
      { file, path: path || undefined },
      `${issue?.message ?? 'does not match the results format'}. This file is written by \`costsim run\`; re-run it to re-create the file.`,
    );
  }
  return parsed.data as unknown as ReportResults;
}

/** Read and parse `<dir>/results.json`. */
export function readResults(path: string): ReportResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'not found: is this a report directory written by `costsim run`?' : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError({ file: path }, problem);
  }
  return parseResults(text, path);
}
