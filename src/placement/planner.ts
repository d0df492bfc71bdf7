/**
 * The planner: graph and devices in, every strategy's plan out, best first. Pure (no tfjs, no
 * I/O). Order: plans that fit, by the objective (step seconds or dollars per step); then plans
 * that do not fit, by how much memory they miss.
 */
import { optimalPlan, type Objective } from './dp.ts';
import type { CostGraph } from './graph.ts';
import type { Plan } from './plan.ts';
import type { PlannerDevice } from './roofline.ts';
import { allCpuPlan, allGpuPlans, greedyPlan, offloadPlans } from './strategies.ts';

/** Result of planning one model on one set of devices. */
export interface PlanningResult {
  graph: CostGraph;
  objective: Objective;
  /** One plan per strategy tried (all-gpu and offload once per GPU), best first. */
  plans: Plan[];
  /** Set when no plan fits: the smallest shortfall in bytes over all strategies tried. */
  fitsNowhere?: { missingBytes: number; closestStrategy: string };
}

/** Try every strategy that applies to the devices; see the module comment for the order. */
export function planPlacements(graph: CostGraph, devices: readonly PlannerDevice[], objective: Objective): PlanningResult {
  if (devices.length === 0) throw new Error('planPlacements: no devices');
  const plans: Plan[] = [];
  const push = (plan: Plan | undefined): void => {
    if (plan) plans.push(plan);
  };
  // The optimum goes first so that it wins ties (the sort is stable).
  push(optimalPlan(graph, devices, objective));
  push(allCpuPlan(graph, devices));
  plans.push(...allGpuPlans(graph, devices));
  push(greedyPlan(graph, devices));
  plans.push(...offloadPlans(graph, devices));
  const key = (p: Plan): number => (objective === 'time' ? p.stepSeconds : p.usdPerStep);
  plans.sort((a, b) => {
    if (a.fits !== b.fits) return a.fits ? -1 : 1;
    return a.fits ? key(a) - key(b) : a.missingBytes - b.missingBytes;
  });
  const result: PlanningResult = { graph, objective, plans };
  const first = plans[0];
  if (first && !first.fits) result.fitsNowhere = { missingBytes: first.missingBytes, closestStrategy: `${first.strategy} (${first.label})` };
  return result;
}
