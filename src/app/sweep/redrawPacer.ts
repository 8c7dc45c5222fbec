/**
 * How often the page redraws from worker events. A redraw (diagram, curves, table) costs the main
 * thread its script, style, layout and paint, and on a machine whose cores the training workers
 * fill, that time comes out of training: on 2 cores a fill of the quick demo kept the main thread
 * busy about 6 s of its 19 s at ten redraws a second (docs/BENCH.md, "Training workers"). The pacer
 * measures what each redraw costs (an exponential average) and spaces them so that drawing takes
 * at most `share` of the main thread: 5 % of the machine per core, between 5 % and 30 % of one.
 * A cheap redraw on a fast machine keeps the ten a second; a slow one waits longer, up to a second.
 */

export interface RedrawPacerOptions {
  /** Least time between two redraws (ms). */
  minIntervalMs?: number;
  /** Most time between two redraws (ms), however slow they are. */
  maxIntervalMs?: number;
  /** Largest share of the main thread that redraws may take. */
  share?: number;
  /** Weight of the latest redraw in the average cost (0–1). */
  smoothing?: number;
}

export interface RedrawPacer {
  /** How long to wait at `now` (ms) before the next redraw. */
  waitMs(now: number): number;
  /** A redraw that began at `start` and was on screen by `end` (ms, the same clock). */
  drawn(start: number, end: number): void;
  /** The interval it keeps now (ms). */
  intervalMs(): number;
}

/** The share of the main thread redraws may take on a machine with `cores` cores. */
export function redrawShare(cores: number): number {
  const n = Number.isFinite(cores) && cores >= 1 ? cores : 1;
  return Math.min(0.3, Math.max(0.05, 0.05 * n));
}

export function createRedrawPacer(opts: RedrawPacerOptions = {}): RedrawPacer {
  const min = opts.minIntervalMs ?? 100;
  const max = opts.maxIntervalMs ?? 1000;
  const share = opts.share ?? redrawShare(1);
  const alpha = opts.smoothing ?? 0.3;
  if (!(min > 0 && max >= min)) throw new Error(`redraw pacer: interval ${min}–${max} ms`);
  if (!(share > 0 && share <= 1)) throw new Error(`redraw pacer: share ${share}`);
  let cost: number | null = null;
  let last = -Infinity;
  const interval = (): number => (cost === null ? min : Math.min(max, Math.max(min, cost / share)));
  return {
    waitMs: (now) => Math.max(0, last + interval() - now),
    drawn: (start, end) => {
      last = Math.max(last, start);
      const c = Math.max(0, end - start);
      cost = cost === null ? c : alpha * c + (1 - alpha) * cost;
    },
    intervalMs: interval,
  };
}
