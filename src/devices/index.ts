/**
 * devices/: what a device can do and costs — the catalogue of CPUs and GPUs (every figure with
 * its source and date), pricing of measured seconds, carbon, and this machine measured at run
 * time (local.ts, the one module here that runs TensorFlow.js).
 */
export {
  DEVICE_CATALOG,
  DEFAULT_LOCAL_INSTANCE,
  defaultLocalInstance,
  findDevice,
  deviceIds,
  type CpuVendor,
  type Device,
  type Dtype,
  type Sourced,
} from './catalog.ts';
export { usdForSeconds, measuredPricingProblem, instanceMismatch, cpuVendorOf, checkUsdPerHour, type LocalCpu, type PricedDevice } from './pricing.ts';
export { checkGridOptions, MAX_PUE } from './carbon.ts';
export { GRID_INTENSITY, DEFAULT_GRID_REGION, gridRegions } from './carbon.ts';
export {
  localCpuDevice,
  measureLocalCpu,
  pricingFromInstance,
  pricingFromRate,
  type LocalPricing,
  type LocalCpuMeasurement,
  type LocalMeasureOptions,
} from './local.ts';
