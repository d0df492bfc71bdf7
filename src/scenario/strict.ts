/** Building blocks every scenario schema file shares: strict objects whose errors list the allowed keys, and text bounds. */
import { z } from 'zod';

/** At most this many unknown keys are quoted in one message (the count says how many more). */
const QUOTED_KEYS = 5;

/** `z.strictObject` whose unknown-key error lists the keys that are allowed. */
export function strictShape<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      const quoted = iss.keys
        .slice(0, QUOTED_KEYS)
        .map((k) => JSON.stringify(k))
        .join(', ');
      const more = iss.keys.length > QUOTED_KEYS ? ` and ${(iss.keys.length - QUOTED_KEYS).toLocaleString('en-US')} more` : '';
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${quoted}${more} (allowed: ${allowed})`;
    },
  });
}

/**
 * Text bounds (characters). A name becomes a report directory, a chart label and a CSV cell, so it
 * stays short; prose is bounded so a runaway field cannot take gigabytes through the renderers.
 */
export const TEXT_LIMITS = { name: 100, prose: 10_000, note: 2_000 } as const;
