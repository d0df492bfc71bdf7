/** User-facing text that is not an error message: one place to read and edit it. */
export const messages = {
  programDescription:
    'costsim: measured economics of AI models (training cost, pruning payoff, placement, price wars).',
  doctorDescription: 'Show versions, backends (available or why not), GEMM speed per backend and the CPU peak.',
  unexpectedError: 'costsim hit an unexpected error. Please report it with the command you ran:',
} as const;
