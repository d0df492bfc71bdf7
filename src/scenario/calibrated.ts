/**
 * A calibrated scenario as text: the original YAML with the fitted values put in place (μ,
 * qualities, and a given marginal cost where the implied one replaces it cleanly), each
 * marked by a `# calibrated` comment, and a top-level `calibrated:` section recording
 * provenance "calibrated", the method and the value each replaced. Comments and layout of the
 * rest survive (yaml's Document keeps them). `--set` overrides the scenario was read with are
 * written in too (before the fitted values), so the copy is the scenario that was calibrated.
 * Pure: text in, text out.
 */
import { isScalar, parseDocument, Scalar } from 'yaml';
import { formatPath } from './parse.ts';
import type { ScenarioOverride } from './paths.ts';

/** One fitted value: its document path (e.g. ['demand', 'mu']) and the number to write. */
export interface FittedValue {
  path: Array<string | number>;
  value: number;
}

/** The scenario text with `values` written in and a `calibrated:` provenance section. */
export function calibratedScenarioText(text: string, values: readonly FittedValue[], method: string, overrides: readonly ScenarioOverride[] = []): string {
  const doc = parseDocument(text);
  for (const o of overrides) doc.setIn([...o.path], doc.createNode(o.value));
  const record: Array<{ path: string; value: number; was?: number | string }> = [];
  for (const v of values) {
    const old = doc.getIn(v.path, true);
    const was = isScalar(old) && typeof old.value === 'number' ? old.value : old === undefined ? undefined : JSON.stringify(doc.getIn(v.path));
    const node = new Scalar(Number(v.value.toPrecision(12)));
    node.comment = ' calibrated (see calibrated: below)';
    doc.setIn(v.path, node);
    record.push({ path: formatPath(v.path), value: node.value as number, ...(was !== undefined ? { was } : {}) });
  }
  doc.set('calibrated', doc.createNode({ provenance: 'calibrated', method, values: record }));
  const section = doc.get('calibrated', true) as { commentBefore?: string } | undefined;
  if (section) section.commentBefore = ' Written by `costsim calibrate --write`: the values marked "# calibrated" were fitted, not measured or assumed.';
  return doc.toString({ lineWidth: 0 });
}
