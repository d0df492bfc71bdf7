import type { Progress } from './progress.ts';

/** What a pipeline run may touch: output streams, environment, TTY-ness, working directory. Passed in, never global. */
export interface PipelineContext {
  /** Write to standard output (results; JSON with --json). */
  out(text: string): void;
  /** Write to standard error (progress, warnings). */
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress lines only then). */
  isTTY: boolean;
  cwd: string;
  /** Where phases and work done are reported (default: nowhere). */
  progress?: Progress;
}
