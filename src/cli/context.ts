/** What a command may touch: output streams, environment, TTY-ness. Passed in, never global. */
export interface CliContext {
  /** Write to standard output (results; JSON with --json). */
  out(text: string): void;
  /** Write to standard error (progress, warnings). */
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  cwd: string;
}
