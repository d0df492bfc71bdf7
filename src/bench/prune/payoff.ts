/**
 * Does pruning pay off? Pure arithmetic over measured inputs: monthly inference cost of the
 * dense and the pruned model at a request volume, the one-off cost of pruning and
 * fine-tuning, the break-even volume, cost per correct prediction, and whether the pruned
 * model breaks an accuracy floor.
 *
 * Serving model (assumed, stated in every provenance entry): a request occupies the device
 * for the measured per-sample latency at the serving batch size and is billed at the
 * device's $/hour, i.e. the device is kept busy. Break-even volume = one-off cost ÷ saving
 * per request; with no saving it is never reached (null, with a reason).
 */
import type { Provenance } from '../record.ts';
import { usdForSeconds } from '../../devices/pricing.ts';

/** A price with its origin (a device catalogue figure). */
export interface PricedDevice {
  id: string;
  usdPerHour: number;
  /** Catalogue source and date of the price, quoted in provenance. */
  priceSource: string;
}

/** What one model variant costs to serve and how accurate it is. */
export interface ServingFigures {
  /** Device-seconds per request (per-sample latency at the serving batch size). */
  secondsPerRequest: number;
  /** Test accuracy in [0, 1]. */
  testAccuracy: number;
}

/** Inputs of the payoff computation. `pruned.secondsPerRequest` is measured or modeled, as `speedupKind` says. */
export interface PayoffInputs {
  requestsPerMonth: number;
  device: PricedDevice;
  dense: ServingFigures;
  pruned: ServingFigures;
  /** 'measured': timed in one run against the dense model; 'modeled': from a formula (e.g. FLOPs ratio). */
  speedupKind: 'measured' | 'modeled';
  /** How pruned seconds were obtained, e.g. "latency at batch 256, 7 interleaved rounds". */
  speedupSource: string;
  /** Wall seconds spent pruning and fine-tuning (measured), billed once at the same $/hour. */
  oneOffSeconds: number;
  /** Minimum acceptable test accuracy in [0, 1], if any. */
  accuracyFloor?: number;
}

/** The payoff of one pruned model against its dense parent. */
export interface Payoff {
  requestsPerMonth: number;
  monthlyCostUsd: { dense: number; pruned: number };
  monthlySavingUsd: number;
  oneOffCostUsd: number;
  /** Requests after which the one-off cost is recovered; null when pruning saves nothing per request. */
  breakEvenRequests: number | null;
  /** breakEvenRequests ÷ requestsPerMonth; null with it. */
  breakEvenMonths: number | null;
  /** Why there is no break-even, when there is none. */
  noBreakEvenReason?: string;
  costPerCorrectPredictionUsd: { dense: number; pruned: number };
  /** True when the pruned accuracy is below the floor. */
  belowAccuracyFloor: boolean;
  /** Per field of this object: how it was obtained. */
  provenance: Record<string, Provenance>;
}

const usdFor = usdForSeconds;

function checkFinite(name: string, value: number, min = 0): void {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`payoff: ${name} must be a finite number ≥ ${min} (got ${value})`);
}

/** Compute the payoff. Throws RangeError on negative or non-finite inputs. */
export function computePayoff(inputs: PayoffInputs): Payoff {
  const { requestsPerMonth, device, dense, pruned } = inputs;
  checkFinite('requestsPerMonth', requestsPerMonth);
  checkFinite('device.usdPerHour', device.usdPerHour);
  checkFinite('dense.secondsPerRequest', dense.secondsPerRequest);
  checkFinite('pruned.secondsPerRequest', pruned.secondsPerRequest);
  checkFinite('oneOffSeconds', inputs.oneOffSeconds);
  const denseUsdPerRequest = usdFor(dense.secondsPerRequest, device.usdPerHour);
  const prunedUsdPerRequest = usdFor(pruned.secondsPerRequest, device.usdPerHour);
  const savingPerRequestUsd = denseUsdPerRequest - prunedUsdPerRequest;
  const oneOffCostUsd = usdFor(inputs.oneOffSeconds, device.usdPerHour);
  let breakEvenRequests: number | null = null;
  let noBreakEvenReason: string | undefined;
  // Whole requests, rounded up; the tolerance keeps float noise (36000.0000001) from adding one.
  if (savingPerRequestUsd > 0) breakEvenRequests = Math.ceil(oneOffCostUsd / savingPerRequestUsd - 1e-9);
  else noBreakEvenReason = `the pruned model is not cheaper per request (${inputs.speedupKind}: ${inputs.speedupSource})`;
  const price = `${device.id} $${device.usdPerHour}/h (${device.priceSource})`;
  const serving = `${inputs.speedupKind} seconds per request × ${price}; assumes the device is kept busy`;
  const payoff: Payoff = {
    requestsPerMonth,
    monthlyCostUsd: { dense: denseUsdPerRequest * requestsPerMonth, pruned: prunedUsdPerRequest * requestsPerMonth },
    monthlySavingUsd: savingPerRequestUsd * requestsPerMonth,
    oneOffCostUsd,
    breakEvenRequests,
    breakEvenMonths: breakEvenRequests === null || requestsPerMonth === 0 ? null : breakEvenRequests / requestsPerMonth,
    costPerCorrectPredictionUsd: {
      dense: dense.testAccuracy > 0 ? denseUsdPerRequest / dense.testAccuracy : Infinity,
      pruned: pruned.testAccuracy > 0 ? prunedUsdPerRequest / pruned.testAccuracy : Infinity,
    },
    belowAccuracyFloor: inputs.accuracyFloor !== undefined && pruned.testAccuracy < inputs.accuracyFloor,
    provenance: {
      monthlyCostUsd: { kind: 'modeled', source: `requests/month × ${serving}` },
      oneOffCostUsd: { kind: 'modeled', source: `measured pruning + fine-tuning wall seconds × ${price}` },
      breakEvenRequests: { kind: 'modeled', source: 'one-off cost ÷ (dense − pruned) cost per request' },
      costPerCorrectPredictionUsd: { kind: 'modeled', source: 'cost per request ÷ measured test accuracy' },
      belowAccuracyFloor: { kind: 'measured', source: 'measured test accuracy compared with --accuracy-floor' },
    },
  };
  if (noBreakEvenReason) payoff.noBreakEvenReason = noBreakEvenReason;
  return payoff;
}
