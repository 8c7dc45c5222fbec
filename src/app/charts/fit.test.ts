// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { fitPowerLaw } from './fit';

describe('fitPowerLaw', () => {
  it('recovers the exponent and prefactor of exact power-law data', () => {
    const points = [1 / 256, 1 / 64, 1 / 16, 1 / 4].map((x) => ({ x, y: 7.5 * x ** 0.42 }));
    const fit = fitPowerLaw(points)!;
    expect(fit.p).toBeCloseTo(0.42, 12);
    expect(fit.a).toBeCloseTo(7.5, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('recovers a negative exponent over widths', () => {
    const fit = fitPowerLaw([64, 128, 256, 512, 1024].map((x) => ({ x, y: 40 * x ** -0.3 })))!;
    expect(fit.p).toBeCloseTo(-0.3, 12);
  });

  it('is an ordinary least-squares fit in log space for noisy data', () => {
    // log y = [0, 1, 1] against log x = [0, 1, 2] (natural logs): slope 0.5, R² 0.75.
    const e = Math.E;
    const fit = fitPowerLaw([
      { x: 1, y: 1 },
      { x: e, y: e },
      { x: e * e, y: e },
    ])!;
    expect(fit.p).toBeCloseTo(0.5, 12);
    expect(fit.a).toBeCloseTo(Math.exp(1 / 6), 12);
    expect(fit.r2).toBeCloseTo(0.75, 12);
  });

  it('returns null for fewer than two usable points or a single x', () => {
    expect(fitPowerLaw([])).toBeNull();
    expect(fitPowerLaw([{ x: 0.1, y: 3 }])).toBeNull();
    expect(
      fitPowerLaw([
        { x: 0.1, y: 3 },
        { x: 0, y: 4 },
        { x: 0.2, y: Number.NaN },
        { x: 0.3, y: -1 },
      ]),
    ).toBeNull();
    expect(
      fitPowerLaw([
        { x: 0.1, y: 3 },
        { x: 0.1, y: 4 },
      ]),
    ).toBeNull();
  });

  it('calls a flat line an exact fit', () => {
    const fit = fitPowerLaw([
      { x: 1, y: 4 },
      { x: 2, y: 4 },
    ])!;
    expect(fit.p).toBeCloseTo(0, 14);
    expect(fit.r2).toBe(1);
  });
});
