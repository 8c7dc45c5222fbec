import { describe, expect, it } from 'vitest';
import { depthOverWidthPoints, fitLinear, fitPowerLaw, inverseWidthPoints } from './fit';

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
      { x: 4, y: 4 },
    ])!;
    expect(fit.p).toBeCloseTo(0, 14);
    expect(fit.r2).toBe(1);
  });

  it('gives no R² through two points: the line passes through both whatever they are', () => {
    const fit = fitPowerLaw([
      { x: 1, y: 4 },
      { x: 2, y: 9 },
    ])!;
    expect(fit.r2).toBeNull();
    expect(fit.n).toBe(2);
    expect(fit.support).toBe('exact');
    expect(fitPowerLaw([1, 2, 4].map((x) => ({ x, y: 3 * x })))!.support).toBe('fitted');
  });
});

describe('fitLinear', () => {
  it('recovers a known a + b/w against 1/w', () => {
    const points = inverseWidthPoints(
      [64, 128, 256, 512].map((width) => ({ depth: 8, width, c: 2 + 96 / width })),
      8,
    );
    const fit = fitLinear(points)!;
    expect(fit.a).toBeCloseTo(2, 12);
    expect(fit.b).toBeCloseTo(96, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.n).toBe(4);
    expect(fit.support).toBe('fitted');
  });

  it('fits at the asked depth only, and against d/w over all depths', () => {
    const values = [
      ...[64, 128, 256].map((width) => ({ depth: 4, width, c: 2 + (3 * 4) / width })),
      ...[64, 128, 256].map((width) => ({ depth: 8, width, c: 2 + (3 * 8) / width })),
    ];
    expect(inverseWidthPoints(values, 4)).toHaveLength(3);
    expect(fitLinear(inverseWidthPoints(values, 4))!.b).toBeCloseTo(12, 10);
    // c = 2 + 3·(d/w) over both depths: one line against d/w.
    const dw = fitLinear(depthOverWidthPoints(values))!;
    expect(dw.a).toBeCloseTo(2, 12);
    expect(dw.b).toBeCloseTo(3, 10);
    expect(dw.n).toBe(6);
  });

  it('is ordinary least squares for noisy data', () => {
    // y = [0, 1, 1] at x = [0, 1, 2]: slope 0.5, intercept 1/6, R² 0.75.
    const fit = fitLinear([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 2, y: 1 },
    ])!;
    expect(fit.b).toBeCloseTo(0.5, 12);
    expect(fit.a).toBeCloseTo(1 / 6, 12);
    expect(fit.r2).toBeCloseTo(0.75, 12);
  });

  it('says when two points make the fit exact, and refuses one point or one x', () => {
    const two = fitLinear([
      { x: 0.01, y: 3 },
      { x: 0.02, y: 5 },
    ])!;
    expect(two.r2).toBeNull();
    expect(two.support).toBe('exact');
    expect(two.b).toBeCloseTo(200, 9);
    expect(fitLinear([{ x: 0.1, y: 3 }])).toBeNull();
    expect(
      fitLinear([
        { x: 0.1, y: 3 },
        { x: Number.NaN, y: 4 },
      ]),
    ).toBeNull();
    expect(
      fitLinear([
        { x: 0.1, y: 3 },
        { x: 0.1, y: 4 },
        { x: 0.1, y: 5 },
      ]),
    ).toBeNull();
  });
});
