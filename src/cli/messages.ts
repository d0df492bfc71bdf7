/** User-facing text that is not an error message: one place to read and edit it. */
export const messages = {
  programDescription: 'costsim: measured economics of AI models (training cost, pruning payoff, placement, price wars).',
  doctorDescription: 'Show versions, backends (available or why not), GEMM speed per backend and the CPU peak.',
  initDescription: 'Write a commented scenario to start from (<name>.yaml, from a template); it runs as written.',
  initWritten: (file: string, template: string) =>
    `wrote ${file} (template ${template}). Edit it (your editor completes fields through the schema on its first line), then:\n  costsim run ${file}\n  costsim run ${file} --set monteCarlo.runs=4   # one value changed for one run`,
  usageFooter:
    "Start with `costsim run` (the default scenario) or `costsim init demo`.\n`costsim <command> --help` lists a command's options; `costsim --version` prints the version.",
  unexpectedError: 'costsim hit an unexpected error. Please report it with the command you ran:',
} as const;
