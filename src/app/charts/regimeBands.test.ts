import { describe, expect, it } from 'vitest';
import { EDGE_RATIO, regimeBands } from './regimeBands';

describe('regimeBands', () => {
  it('finds the four bands of a hand-made λ_t/(2/η)', () => {
    //        t:  0    1    2    3     4     5     6     7    8     9    10   11
    const r = [1.5, 1.0, 0.6, 0.45, 0.44, 0.46, 0.47, 0.6, 0.75, 0.92, 1.0, 0.97];
    expect(regimeBands(r)).toEqual([
      // Until r first comes within 10 % of its lowest value (0.44 · 1.1 = 0.484, at t = 3).
      { kind: 'transient', from: 0, to: 3 },
      // Within 10 % of the minimum: t = 3..6.
      { kind: 'saturation', from: 3, to: 6 },
      // Climbing to the first r ≥ 0.9 after the plateau (t = 9).
      { kind: 'sharpening', from: 6, to: 9 },
      { kind: 'edge', from: 9, to: 11 },
    ]);
  });

  it('has no edge band for a run that never gets back to 2/η, and no transient for one that starts on its plateau', () => {
    expect(regimeBands([0.5, 0.49, 0.5, 0.6, 0.7, 0.8])).toEqual([
      { kind: 'saturation', from: 0, to: 2 },
      { kind: 'sharpening', from: 2, to: 5 },
    ]);
  });

  it('is one edge band for a run that never drops below the edge', () => {
    expect(regimeBands([1.2, 1.0, 0.95, EDGE_RATIO, 1.1])).toEqual([
      { kind: 'edge', from: 0, to: 4 },
    ]);
  });

  it('stops at the first missing value, and needs four measured steps', () => {
    const bands = regimeBands([1.5, 0.5, 0.45, 0.46, 0.8, null, 1.0, 1.0]);
    expect(bands.at(-1)).toEqual({ kind: 'sharpening', from: 3, to: 4 });
    expect(regimeBands([1.5, 0.5, null, 0.4, 0.4])).toEqual([]);
    expect(regimeBands([])).toEqual([]);
  });
});
