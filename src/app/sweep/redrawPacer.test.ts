import { describe, expect, it } from 'vitest';
import { createRedrawPacer, redrawShare } from './redrawPacer';

describe('redraw pacer', () => {
  it('redraws at once at first, then at the least interval while redraws are cheap', () => {
    const p = createRedrawPacer({ minIntervalMs: 100, share: 0.1 });
    expect(p.waitMs(0)).toBe(0);
    p.drawn(0, 5);
    expect(p.intervalMs()).toBe(100);
    expect(p.waitMs(40)).toBe(60);
    expect(p.waitMs(250)).toBe(0);
  });

  it('spaces costly redraws so that they take at most the share, up to the longest interval', () => {
    const p = createRedrawPacer({
      minIntervalMs: 100,
      maxIntervalMs: 1000,
      share: 0.1,
      smoothing: 1,
    });
    p.drawn(0, 30);
    expect(p.intervalMs()).toBeCloseTo(300, 9);
    expect(p.waitMs(100)).toBeCloseTo(200, 9);
    p.drawn(300, 500);
    expect(p.intervalMs()).toBe(1000);
    expect(p.waitMs(500)).toBe(800);
  });

  it('averages the cost, so that one slow redraw does not set the pace alone', () => {
    const p = createRedrawPacer({ share: 0.1, smoothing: 0.5 });
    p.drawn(0, 10);
    p.drawn(200, 250);
    // (10 + 50) / 2 = 30 ms: 300 ms between redraws, not 500.
    expect(p.intervalMs()).toBeCloseTo(300, 9);
    p.drawn(600, 610);
    expect(p.intervalMs()).toBeCloseTo(200, 9);
  });

  it('gives more of the main thread to redraws on more cores, within 5 % and 30 %', () => {
    expect(redrawShare(1)).toBeCloseTo(0.05, 12);
    expect(redrawShare(2)).toBeCloseTo(0.1, 12);
    expect(redrawShare(4)).toBeCloseTo(0.2, 12);
    expect(redrawShare(16)).toBeCloseTo(0.3, 12);
    expect(redrawShare(Number.NaN)).toBeCloseTo(0.05, 12);
  });

  it('refuses settings that could not pace anything', () => {
    expect(() => createRedrawPacer({ minIntervalMs: 0 })).toThrow(/interval/);
    expect(() => createRedrawPacer({ minIntervalMs: 200, maxIntervalMs: 100 })).toThrow(/interval/);
    expect(() => createRedrawPacer({ share: 0 })).toThrow(/share/);
  });
});
