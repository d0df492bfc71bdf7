/**
 * Token markets: LLM APIs price input, cached input and output tokens separately (USD per 1M
 * tokens of each class), and what a customer pays or a provider spends per token depends on the
 * token mix. The market's unit is then one million *blended* tokens: r input tokens per output
 * token (r = `inputPerOutput`), a share h of the input served from a prompt cache, so one
 * blended 1M tokens is 1M·r/(r+1) input and 1M/(r+1) output tokens. Pure.
 */

/** The token mix of a market: input tokens per output token, and the share (0–1) of input tokens served from a prompt cache. */
export interface TokenMix {
  inputPerOutput: number;
  cacheHitShare: number;
}

/** USD per 1M tokens of each class (list prices, or a provider's marginal costs). */
export interface TokenClassUsd {
  input: number;
  cachedInput: number;
  output: number;
}

/** The unit of a token market (the scenario's `unit` when it has a `tokenMix`). */
export const TOKEN_UNIT = '1M tokens (blended at the mix)';

/**
 * USD per 1M blended tokens at `mix`: (r·(1−h)·input + r·h·cachedInput + output)/(r+1),
 * r = inputPerOutput, h = cacheHitShare. E.g. input 1, output 2 at 3:1, no cache: (3+2)/4 = 1.25.
 */
export function blendedUsdPerM(perClass: TokenClassUsd, mix: TokenMix): number {
  const r = mix.inputPerOutput;
  const h = mix.cacheHitShare;
  return (r * (1 - h) * perClass.input + r * h * perClass.cachedInput + perClass.output) / (r + 1);
}
