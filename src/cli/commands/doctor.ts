/** `costsim doctor [--json] [--backend X]`. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { messages } from '../messages.ts';
import { initRuntime, defaultLoaders, runDoctor, type DoctorReport } from '../../runtime/index.ts';

function formatDoctor(report: DoctorReport): string {
  const lines = [
    `node ${report.node}, tfjs ${report.tfjs}`,
    `cpu: ${report.cpu.model}, ${report.cpu.cores} vCPUs`,
    `  peak fp32: ${report.cpu.peakGflops !== undefined ? `${report.cpu.peakGflops.toFixed(1)} GFLOP/s` : 'unknown'} (${report.cpu.peakDerivation})`,
    'backends (best first):',
  ];
  for (const b of report.backends) {
    const state = b.available ? `available, GEMM ${b.gemmSize}² ${b.gemmGflops?.toFixed(2)} GFLOP/s (measured now)` : `not available: ${b.reason}`;
    lines.push(`  ${b.name === report.chosen ? '*' : ' '} ${b.name.padEnd(10)} ${state}`);
    if (b.detail) lines.push(`               ${b.detail}`);
    if (!b.available && b.howToEnable) lines.push(`               to enable: ${b.howToEnable}`);
  }
  lines.push(`chosen: ${report.chosen} (${report.chosenReason})`);
  return lines.join('\n');
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(messages.doctorDescription)
    .option('--json', 'print one JSON object on stdout')
    .option('--backend <name>', 'force a backend (tensorflow, native, wasm, cpu)')
    .action(async (options: { json?: boolean; backend?: string }) => {
      const choice = await initRuntime({ flag: options.backend, env: ctx.env });
      const report = await runDoctor(defaultLoaders(), choice);
      ctx.out(options.json ? JSON.stringify(report) : formatDoctor(report));
    });
}
