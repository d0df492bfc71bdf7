/**
 * One placement request (what `costsim plan` flags and a scenario's `placement:` entry both
 * describe) → a planning result. Building a zoo model and measuring the local CPU are I/O, so
 * the caller passes them in; this function only validates, wires and plans.
 */
import { UsageError } from '../errors.ts';
import type { Device } from '../devices/catalog.ts';
import type { Objective } from './dp.ts';
import type { CostGraph } from './graph.ts';
import { planPlacements, type PlanningResult } from './planner.ts';
import { resolveDevices } from './resolve.ts';
import type { Efficiencies, PlannerDevice } from './roofline.ts';
import { isTransformerShape, parseTransformerShape, transformerGraph } from './transformer.ts';

/** A placement request. `maxMemory` maps listed device ids to byte caps. */
export interface PlacementSpec {
  model: string;
  devices: readonly string[];
  maxMemory?: Readonly<Record<string, number>>;
  objective: Objective;
}

/** What the caller provides: devices to add, efficiencies, and the two I/O steps. */
export interface PlacementContext {
  extraDevices?: readonly Device[];
  efficiencies: Efficiencies;
  /** Graph of a zoo model spec (e.g. placement/zoo/ zooGraph); needed for non-transformer models. */
  zooGraph?: (spec: string, field: string) => CostGraph | Promise<CostGraph>;
  /** Measures this machine as a Device; needed when `local-cpu` is listed. */
  measureLocal?: () => Promise<Device>;
  /** Names used in errors for the model, device and cap fields (flags or scenario paths). */
  fields?: { model: string; devices: string; maxMemory: string };
}

/** The graph a model string describes (transformer shape, else zoo model via the context). */
export async function graphForModel(model: string, ctx: PlacementContext): Promise<CostGraph> {
  const field = ctx.fields?.model ?? '--model';
  if (isTransformerShape(model)) return transformerGraph(parseTransformerShape(model, field));
  if (!ctx.zooGraph) throw new UsageError(field, `zoo model "${model}" cannot be built here`);
  return ctx.zooGraph(model, field);
}

/** Validate caps against the listed devices and resolve everything for `graph`. */
export async function devicesForSpec(spec: PlacementSpec, graph: CostGraph, ctx: PlacementContext): Promise<PlannerDevice[]> {
  const capsField = ctx.fields?.maxMemory ?? '--max-memory';
  const caps = new Map<string, number>();
  for (const [id, bytes] of Object.entries(spec.maxMemory ?? {})) {
    if (!spec.devices.includes(id)) throw new UsageError(capsField, `"${id}" is not one of the listed devices`, spec.devices.join(', '));
    if (!Number.isFinite(bytes) || bytes < 0) throw new UsageError(`${capsField} ${id}`, `memory cap must be a non-negative number of bytes (got ${bytes})`);
    caps.set(id, bytes);
  }
  return resolveDevices(spec.devices, {
    dtype: graph.dtype,
    caps,
    efficiencies: ctx.efficiencies,
    ...(ctx.extraDevices ? { extra: ctx.extraDevices } : {}),
    ...(ctx.measureLocal ? { measureLocal: ctx.measureLocal } : {}),
    flag: ctx.fields?.devices ?? '--device',
  });
}

/** Plan one request end to end. */
export async function planSpec(spec: PlacementSpec, ctx: PlacementContext): Promise<{ result: PlanningResult; devices: PlannerDevice[] }> {
  const graph = await graphForModel(spec.model, ctx);
  const devices = await devicesForSpec(spec, graph, ctx);
  return { result: planPlacements(graph, devices, spec.objective), devices };
}
