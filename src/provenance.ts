/**
 * Provenance: where a number came from. Shared by every layer that produces or shows
 * figures (bench/, placement/, market/, report/), so none of them imports another's
 * record types just to say "measured", "modeled" or "assumed".
 */

/** Where a number came from. */
/** 'calibrated': backed out of observed prices and shares (`costsim calibrate`, Berry 1994 inversion). */
export type ProvenanceKind = 'measured' | 'modeled' | 'assumed' | 'calibrated';

/** One figure's origin: e.g. { kind: 'modeled', source: 'TDP 155 W × utilisation (catalogue: AMD EPYC 7B13, AMD datasheet, 2021)' }. */
export interface Provenance {
  kind: ProvenanceKind;
  source: string;
}
