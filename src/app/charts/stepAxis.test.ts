import { describe, expect, it } from 'vitest';
import { compactNumber, stepAxis, tickLabels } from './stepAxis';
import { textWidth } from './svgUtil';
import { MARGIN_LEFT, TICK_SPACE } from './trajectories';

describe('compactNumber', () => {
  it('writes large and small numbers compactly', () => {
    expect(compactNumber(1e9)).toBe('1e9');
    expect(compactNumber(2.5e9)).toBe('2.5e9');
    expect(compactNumber(2500)).toBe('2.5k');
    expect(compactNumber(250_000)).toBe('250k');
    expect(compactNumber(999_999)).toBe('1e6');
    expect(compactNumber(0.25)).toBe('0.25');
    expect(compactNumber(1)).toBe('1');
    expect(compactNumber(0)).toBe('0');
    expect(compactNumber(2.5e-5)).toBe('2.5e-5');
    expect(compactNumber(-2.5e-5)).toBe('-2.5e-5');
    expect(compactNumber(9.996e8)).toBe('1e9');
  });

  it('fits two significant digits in seven characters, from 1e-9 to 1e12, either sign', () => {
    // Tick values are round (1, 2, 5 × 10^k on a log axis): two digits tell them apart.
    for (let e = -9; e <= 12; e += 0.37) {
      for (const v of [10 ** e * 2.345, -(10 ** e) * 2.345]) {
        const s = compactNumber(v, 2);
        expect(s.length).toBeLessThanOrEqual(7);
        expect(textWidth(s)).toBeLessThanOrEqual(MARGIN_LEFT - TICK_SPACE);
      }
    }
  });
});

describe('tickLabels', () => {
  it('uses as many digits as the labels need to differ', () => {
    expect(tickLabels([0.995, 1, 1.005])).toEqual(['0.995', '1', '1.005']);
    expect(tickLabels([0, 5e8, 1e9, 1.5e9])).toEqual(['0', '5e8', '1e9', '1.5e9']);
    expect(tickLabels([1000, 2000, 3000])).toEqual(['1k', '2k', '3k']);
  });
});

describe('stepAxis', () => {
  it('labels whole steps only, each once, on a 1-step axis', () => {
    const a = stepAxis(1, 500, false);
    expect(a.ticks).toEqual([0, 1]);
  });

  it('on a log axis keeps step 0 at the left edge and thins labels that would touch', () => {
    const a = stepAxis(500, 120, true);
    expect(a.x(0)).toBe(0);
    expect(a.x(500)).toBeCloseTo(120, 9);
    for (let i = 1; i < a.ticks.length; i++) {
      const gap =
        a.x(a.ticks[i]!) -
        a.x(a.ticks[i - 1]!) -
        (textWidth(String(a.ticks[i])) + textWidth(String(a.ticks[i - 1]))) / 2;
      expect(gap).toBeGreaterThanOrEqual(6);
    }
    expect(a.ticks.length).toBeLessThan(stepAxis(500, 900, true).ticks.length);
    expect(a.invert(a.x(37))).toBeCloseTo(37, 6);
  });
});
