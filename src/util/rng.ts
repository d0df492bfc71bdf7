/**
 * Seeded random numbers. Everything random in costsim draws from an `Rng` passed in; the
 * core never calls Math.random. Built on pure-rand's xoroshiro128+ (fast, splittable).
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A mutable, seeded random source. `fork(label)` derives an independent stream deterministically. */
export interface Rng {
  /** Uniform in [0, 1), 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An independent generator derived from this one's seed and `label` (not from its state). */
  fork(label: string | number): Rng;
  /** The seed this generator was created from. */
  readonly seed: number;
}

/** FNV-1a 32-bit hash: turns fork labels into seed material. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: spreads nearby seeds over the whole state space. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

class SeededRng implements Rng {
  private gen: RandomGenerator;
  private spareNormal: number | undefined;
  constructor(readonly seed: number) {
    // Small consecutive seeds give correlated first outputs: scramble the seed first.
    this.gen = xoroshiro128plus(mix32(seed ^ 0x9e3779b9));
    for (let i = 0; i < 8; i++) this.gen.next(); // leave the weakly mixed start behind
  }
  private u32(): number {
    return this.gen.next() >>> 0;
  }
  next(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer (got ${n})`);
    return Math.floor(this.next() * n);
  }
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  fork(label: string | number): Rng {
    return new SeededRng(hash32(`${this.seed}/${label}`) | 0);
  }
  /** The xoroshiro128+ state words [s01, s00, s11, s10] (see `generatorState`). */
  getState(): Int32Array {
    return Int32Array.from(this.gen.getState());
  }
  setState(state: Int32Array): void {
    this.gen = xoroshiro128plusFromState([...state]);
  }
}

/**
 * The xoroshiro128+ state of a generator made by `createRng`, as pure-rand orders it
 * ([s01, s00, s11, s10]), for a hot loop that steps the generator inline (the Q-learning
 * kernel) and so draws exactly the numbers `next()` would. Hand it back with `setGeneratorState`.
 */
export function generatorState(rng: Rng): Int32Array {
  if (!(rng instanceof SeededRng)) throw new TypeError('generatorState needs a generator made by createRng');
  return rng.getState();
}

/** Continue `rng` from a state produced by stepping `generatorState(rng)` inline. */
export function setGeneratorState(rng: Rng, state: Int32Array): void {
  if (!(rng instanceof SeededRng)) throw new TypeError('setGeneratorState needs a generator made by createRng');
  rng.setState(state);
}

/** A new generator from an integer seed. Same seed → same sequence, on every platform. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number (got ${seed})`);
  return new SeededRng(Math.trunc(seed));
}
