/**
 * Cross-field checks of the serving sections: model shapes that are consistent, serving entries
 * that name a known model and device, and providers whose `cost: { serving }` names an entry
 * and mixes in no other cost keys. Problems carry document paths for parse.ts's line numbers.
 */
import { deviceIds } from '../devices/catalog.ts';
import { LOCAL_DEVICE_ID } from '../serve/defaults.ts';
import { shapeIds } from '../serve/shapes.ts';
import type { RawScenario } from './schema.ts';

/** A cross-field problem (the shape of check.ts's Problem, declared here so the two files do not import each other). */
interface Problem {
  path: Array<string | number>;
  message: string;
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, 20).join(', ');
  return values.length === 0 ? 'none defined' : values.length > 20 ? `${shown} and ${values.length - 20} more` : shown;
}

/** Problems of `models:` and `serving:`. */
export function checkServingSections(s: RawScenario): Problem[] {
  const problems: Problem[] = [];
  const seenModels = new Set<string>();
  (s.models ?? []).forEach((m, i) => {
    if (seenModels.has(m.id)) problems.push({ path: ['models', i, 'id'], message: `model id "${m.id}" is used twice; ids must be unique` });
    seenModels.add(m.id);
    if (m.headDim === undefined && m.hiddenSize % m.heads !== 0)
      problems.push({ path: ['models', i, 'headDim'], message: `hiddenSize (${m.hiddenSize}) is not a multiple of heads (${m.heads}); give headDim` });
    if (m.kvHeads !== undefined && m.heads % m.kvHeads !== 0)
      problems.push({ path: ['models', i, 'kvHeads'], message: `heads (${m.heads}) must be a multiple of kvHeads (${m.kvHeads}) (grouped-query attention)` });
    if (m.moe && m.moe.expertsPerToken > m.moe.routedExperts)
      problems.push({
        path: ['models', i, 'moe', 'expertsPerToken'],
        message: `a token cannot go to more experts (${m.moe.expertsPerToken}) than there are (routedExperts ${m.moe.routedExperts})`,
      });
    if (m.moe && m.moe.firstDenseLayers > m.layers)
      problems.push({ path: ['models', i, 'moe', 'firstDenseLayers'], message: `more dense layers (${m.moe.firstDenseLayers}) than layers (${m.layers})` });
  });
  const models = [...new Set([...(s.models ?? []).map((m) => m.id), ...shapeIds()])];
  const devices = [LOCAL_DEVICE_ID, ...deviceIds(s.devices ?? [])];
  const seen = new Set<string>();
  const placementIds = new Set((s.placement ?? []).flatMap((p) => (p.id ? [p.id] : [])));
  (s.serving ?? []).forEach((e, i) => {
    if (placementIds.has(e.id))
      problems.push({
        path: ['serving', i, 'id'],
        message: `serving id "${e.id}" is also a placement id; a provider's cost names one of them, so give them different ids`,
      });
    if (seen.has(e.id)) problems.push({ path: ['serving', i, 'id'], message: `serving id "${e.id}" is used twice; ids must be unique` });
    seen.add(e.id);
    if (!models.includes(e.model))
      problems.push({ path: ['serving', i, 'model'], message: `unknown model "${e.model}" (allowed: ${list(models)}, or a shape of your own under models:)` });
    if (!devices.includes(e.device)) problems.push({ path: ['serving', i, 'device'], message: `unknown device "${e.device}" (allowed: ${list(devices)})` });
    if (e.device === LOCAL_DEVICE_ID && (e.count ?? 1) !== 1)
      problems.push({ path: ['serving', i, 'count'], message: `${LOCAL_DEVICE_ID} is this one machine: count must be 1` });
  });
  return problems;
}

/** Problems of provider `i`'s `cost: { serving }`: a known entry, nothing else in the cost. */
export function checkServingCost(s: RawScenario, i: number): Problem[] {
  const cost = s.providers?.[i]?.cost;
  if (cost?.serving === undefined) return [];
  const problems: Problem[] = [];
  const ids = (s.serving ?? []).map((e) => e.id);
  if (!ids.includes(cost.serving))
    problems.push({ path: ['providers', i, 'cost', 'serving'], message: `unknown serving id "${cost.serving}" (allowed: ${list(ids)})` });
  if (!s.tokenMix)
    problems.push({
      path: ['providers', i, 'cost', 'serving'],
      message: 'cost.serving needs a top-level tokenMix: { inputPerOutput, cacheHitShare } to blend the per-class token costs into a cost per 1M tokens',
    });
  for (const key of ['tokens', 'bench', 'placement', 'tokensPerUnit', 'device', 'dtype', 'utilisation', 'flopsPerUnit', 'samplesPerUnit', 'flops'] as const)
    if (cost[key] !== undefined)
      problems.push({ path: ['providers', i, 'cost', key], message: `${key} does not go with serving (the serving entry gives the cost); remove it` });
  return problems;
}
