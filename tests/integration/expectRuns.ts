/** Agreement of two runs of the same cell, measured on different paths (batched or not, backend). */
import { expect } from 'vitest';
import type { RawRun } from '../../src/core/train/column';

export function expectRunsAgree(
  got: RawRun,
  want: RawRun,
  tol: { loss: number; sharpness: number },
): void {
  expect(got.diverged).toBe(want.diverged);
  expect(got.divergedAt).toBe(want.divergedAt);
  for (const [key, rel] of [
    ['loss', tol.loss],
    ['sharpness', tol.sharpness],
  ] as const) {
    expect(got[key].length).toBe(want[key].length);
    got[key].forEach((g, t) => {
      const w = want[key][t] ?? null;
      if (g === null || w === null) expect(g).toBe(w);
      else expect(Math.abs(g - w)).toBeLessThanOrEqual(rel * Math.abs(w));
    });
  }
}
