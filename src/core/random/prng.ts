/**
 * Seeded pseudo-random numbers with named streams. A stream is fixed by (seed, name), so the init
 * draws, the data order and the estimator's start vector never disturb one another: changing the
 * number of Lanczos iterations cannot change θ_0, and changing c cannot change the batches.
 *
 * Generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32 from a hash of the name.
 */

export interface Rng {
  /** Uniform in [0, 1), 32 bits of randomness. */
  uniform(): number;
  /** Standard normal N(0, 1), untruncated (Box–Muller on two uniforms). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** FNV-1a hash of a string to 32 bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The stream named `stream` of seed `seed` (a non-negative integer; bits above 32 enter through
 * ⌊seed/2^32⌋): xoshiro128** state from splitmix32 over FNV-1a(stream) mixed with the seed. The
 * same (seed, stream) always gives the same sequence; different names give independent streams.
 */
export function createRng(seed: number, stream: string): Rng {
  const sm = {
    s: (hashString(stream) ^ Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32)) | 0,
  };
  let a = splitmix32(sm);
  let b = splitmix32(sm);
  let c = splitmix32(sm);
  let d = splitmix32(sm);
  if ((a | b | c | d) === 0) a = 1;
  const next = (): number => {
    const r = Math.imul((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r;
  };
  let spare: number | null = null;
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(uniform() * n);
    },
  };
}

/** Fill a Float32Array with N(0, std²) draws. */
export function normalArray(rng: Rng, length: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal() * std;
  return out;
}

/** A permutation of 0..n-1 (Fisher–Yates). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
