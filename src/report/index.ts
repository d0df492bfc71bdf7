/**
 * report/: pure chart builders (rows in, Vega-Lite out), rendering to SVG/PNG/HTML, CSV, and
 * atomic writes of a report directory that costsim owns.
 */
export { buildCharts, CHART_IDS, type BuiltChart, type ChartOptions, type TableRow } from './charts/index.ts';
export { gridSweepTable, sensitivityChart, tornadoBars, type TornadoBar } from './charts/sensitivity.ts';
export { inputSensitivityChart, inputTornadoBars, sensitivityTable } from './charts/sensitivity-inputs.ts';
export { readResults, parseResults, formatResults, RESULTS_FILE } from './results-file.ts';
export { toXlsx, type Sheet } from './xlsx.ts';
export {
  writeReport,
  writeComparisonReport,
  COMPARISON_FILE,
  checkReportTarget,
  formatSpec,
  XLSX_FILE,
  type WrittenReport,
  type WriteOptions,
  type Artefact,
} from './write.ts';
export { compareResults, formatComparedNumber, formatRelativeChange, type Comparison, type ComparedNumber } from './compare.ts';
export { comparisonCharts, type ComparedSides } from './charts/compare.ts';
export type { ReportResults } from './rows.ts';
