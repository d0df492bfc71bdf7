/** What a command may touch: output streams, environment, TTY-ness. Passed in, never global (the pipeline's context). */
export type { PipelineContext as CliContext } from '../pipeline/index.ts';
