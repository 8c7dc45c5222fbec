import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { createRng } from '../random/prng';
import type { ColumnRecord, RunRecord } from './records';
import { runId } from './records';
import { runSweep } from './runSweep';
import { bisectPlanner, gridPlanner, type PlannedRun } from './plan';
import {
  columnFrontier,
  localExecutor,
  outcomeClasses,
  planDispatch,
  recordable,
  runScheduledSweep,
  type ColumnInit,
  type RecordOrder,
  type SweepExecutor,
  wantsWide,
} from './scheduler';

function uvSettings(search: Settings['search'] = 'grid'): Settings {
  const s = cloneDefaults();
  s.model = 'uv';
  s.dataset = 'uv';
  s.widths = [256, 1024];
  s.seeds = [0, 1];
  s.cGrid = { kind: 'log2', start: 0, stop: 3, step: 0.05 };
  s.search = search;
  s.bisectResolution = 0.05;
  return s;
}

type Rec = RunRecord | ColumnRecord;
const untimed = (r: Rec): Rec => (r.type === 'run' ? { ...r, seconds: 0 } : r);

async function sequential(s: Settings, done: RunRecord[] = []): Promise<Rec[]> {
  const out: Rec[] = [];
  await runSweep(s, null, done, {
    now: () => 0,
    onRun: (r) => out.push(r),
    onColumn: (c) => out.push(c),
  });
  return out.map(untimed);
}

/**
 * In-process executors that finish in a shuffled order: each run waits a pseudo-random 0–3 ms
 * first, so speculative runs often finish before the run the planner asks for.
 */
function shuffledExecutors(s: Settings, n: number, seed: number): SweepExecutor[] {
  const rng = createRng(seed, 'scheduler-test');
  const rand = (): number => rng.uniform();
  return Array.from({ length: n }, () => {
    const inner = localExecutor(s, null, { now: () => 0 });
    return {
      async run(task, hooks) {
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 4)));
        return inner.run(task, hooks);
      },
    };
  });
}

async function scheduled(
  s: Settings,
  executors: SweepExecutor[],
  order: RecordOrder,
  done: RunRecord[] = [],
) {
  const out: Rec[] = [];
  const res = await runScheduledSweep(
    s,
    executors,
    done,
    { now: () => 0, onRun: (r) => out.push(r), onColumn: (c) => out.push(c) },
    { order },
  );
  return { records: out.map(untimed), res };
}

/** The records of each column, in the order they came. */
function byColumn(records: Rec[]): Map<string, Rec[]> {
  const m = new Map<string, Rec[]>();
  for (const r of records) {
    const k = `${r.depth}/${r.width}/${r.seed}`;
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
}

describe('runScheduledSweep', () => {
  for (const search of ['grid', 'bisect'] as const) {
    it(`${search}: 1, 2 and 3 executors give the records of the sequential sweep, in its order`, async () => {
      const s = uvSettings(search);
      const want = await sequential(s);
      expect(want.length).toBeGreaterThan(8);
      for (const n of [1, 2, 3]) {
        const got = await scheduled(s, shuffledExecutors(s, n, 7 + n), 'canonical');
        expect(got.records, `${n} executors`).toEqual(want);
        expect(got.res.runs).toBe(want.filter((r) => r.type === 'run').length);
      }
    });

    it(`${search}: as-finished order keeps each column's own order`, async () => {
      const s = uvSettings(search);
      const want = byColumn(await sequential(s));
      const got = await scheduled(s, shuffledExecutors(s, 3, 99), 'as-finished');
      expect(byColumn(got.records)).toEqual(want);
    });
  }

  it('grid: runs above the first divergence are cancelled or discarded, never recorded', async () => {
    const s = uvSettings('grid');
    const got = await scheduled(s, shuffledExecutors(s, 3, 5), 'canonical');
    for (const col of byColumn(got.records).values()) {
      const runs = col.filter((r): r is RunRecord => r.type === 'run');
      const firstDiv = runs.findIndex((r) => r.diverged);
      expect(firstDiv).toBe(runs.length - 1); // the sweep reaches divergence, and stops there
      expect(runs.map((r) => r.c)).toEqual([...runs.map((r) => r.c)].sort((a, b) => a - b));
    }
    // With 3 executors some work beyond the divergence was started and thrown away.
    expect(got.res.discarded + got.res.cancelledRuns).toBeGreaterThan(0);
  });

  it('keeps every executor busy while there is work', async () => {
    const s = uvSettings('grid');
    let active = 0;
    let most = 0;
    const executors = shuffledExecutors(s, 3, 1).map((e): SweepExecutor => ({
      async run(task, hooks) {
        active++;
        most = Math.max(most, active);
        try {
          return await e.run(task, hooks);
        } finally {
          active--;
        }
      },
    }));
    await scheduled(s, executors, 'canonical');
    expect(most).toBe(3);
  });

  it('a failing executor loses and duplicates nothing: its task is handed out again', async () => {
    for (const search of ['grid', 'bisect'] as const) {
      const s = uvSettings(search);
      const want = await sequential(s);
      const base = shuffledExecutors(s, 2, 3);
      let calls = 0;
      // Executor 0 dies on every 4th task it is given (a worker killed mid-run).
      const flaky: SweepExecutor = {
        run(task, hooks) {
          if (++calls % 4 === 0) return Promise.reject(new Error('worker lost'));
          return base[0]!.run(task, hooks);
        },
      };
      const got = await scheduled(s, [flaky, base[1]!], 'canonical');
      expect(got.records).toEqual(want);
      const ids = got.records.filter((r) => r.type === 'run').map((r) => runId(r as RunRecord));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('fails with a message when one task keeps failing', async () => {
    const s = uvSettings('grid');
    const dead: SweepExecutor = { run: () => Promise.reject(new Error('no device')) };
    await expect(scheduled(s, [dead, dead], 'canonical')).rejects.toThrow(
      /failed 3 times: no device/,
    );
  });

  it('resumes from finished runs without recomputing or reporting them', async () => {
    const s = uvSettings('bisect');
    const full = await sequential(s);
    const runs = full.filter((r): r is RunRecord => r.type === 'run');
    const half = runs.slice(0, Math.floor(runs.length / 2));
    const computed: string[] = [];
    const executors = shuffledExecutors(s, 2, 11).map((e): SweepExecutor => ({
      run(task, hooks) {
        computed.push(runId({ ...task.column, c: task.c }));
        return e.run(task, hooks);
      },
    }));
    const got = await scheduled(s, executors, 'canonical', half);
    const halfIds = new Set(half.map(runId));
    expect(computed.filter((id) => halfIds.has(id))).toEqual([]);
    expect(got.records).toEqual(full.filter((r) => r.type === 'column' || !halfIds.has(runId(r))));
  });

  it('stops when cancelled', async () => {
    const s = uvSettings('grid');
    let n = 0;
    const res = await runScheduledSweep(s, shuffledExecutors(s, 2, 2), [], {
      now: () => 0,
      onRun: () => n++,
      onColumn: () => {},
      isCancelled: () => n >= 5,
    });
    expect(res.cancelled).toBe(true);
    expect(res.runs).toBeGreaterThanOrEqual(5);
    expect(res.runs).toBeLessThan(10);
  });

  it('λ_0 once per column: one run measures it, every later task of the column carries it', async () => {
    const s = uvSettings('grid');
    const want = await sequential(s);
    // The uv column reports no start of its own; these executors hand out a made-up one (the uv
    // runner ignores it), as a tensor column's executor does.
    const tasks: { column: string; init: ColumnInit | undefined; inFlight: number }[] = [];
    const inits = new Map<string, ColumnInit>();
    const active = new Map<string, number>();
    const executors = shuffledExecutors(s, 3, 21).map((e): SweepExecutor => ({
      async run(task, hooks) {
        const id = `${task.column.width}/${task.column.seed}`;
        tasks.push({ column: id, init: task.init, inFlight: active.get(id) ?? 0 });
        active.set(id, (active.get(id) ?? 0) + 1);
        try {
          if (!task.init) {
            await new Promise((r) => setTimeout(r, 2)); // measuring takes a while
            const init: ColumnInit = {
              loss0: task.column.width,
              lambda0: task.column.seed,
              lambda0Iters: 7,
              lambda0Residual: 1e-5,
              lambda0Hvps: 7,
              vector: new Float32Array([task.column.width]),
            };
            inits.set(id, init);
            hooks.onInit?.(init);
          }
          return await e.run(task, hooks);
        } finally {
          active.set(id, active.get(id)! - 1);
        }
      },
    }));
    const got = await scheduled(s, executors, 'canonical');
    expect(got.records).toEqual(want);
    expect(got.res.lambda0Measured).toBe(4);
    for (const [id, init] of inits) {
      const mine = tasks.filter((t) => t.column === id);
      // The first task measures; it ran alone; every other one got exactly what it measured.
      expect(mine[0]!.init).toBeUndefined();
      expect(mine[0]!.inFlight).toBe(0);
      for (const t of mine.slice(1)) expect(t.init).toBe(init);
    }
    expect(got.res.started).toBe(tasks.length);
  });

  it('an executor that reports no start (uv) releases the column at its step 0', async () => {
    const s = uvSettings('grid');
    s.widths = [256];
    s.seeds = [0];
    let most = 0;
    let active = 0;
    const executors = shuffledExecutors(s, 3, 6).map((e): SweepExecutor => ({
      async run(task, hooks) {
        expect(task.init).toBeUndefined();
        most = Math.max(most, ++active);
        try {
          return await e.run(task, hooks);
        } finally {
          active--;
        }
      },
    }));
    const got = await scheduled(s, executors, 'canonical');
    expect(got.res.lambda0Measured).toBe(0);
    expect(most).toBe(3); // one column, three executors: speculation went on
  });

  it('reports each column start once with λ_0 and L_0, and steps as ratios', async () => {
    const s = uvSettings('grid');
    const starts: string[] = [];
    let firstRatio = NaN;
    await runScheduledSweep(s, shuffledExecutors(s, 2, 4), [], {
      now: () => 0,
      onRun: () => {},
      onColumn: () => {},
      onColumnStart: (c) => {
        expect(c.lambda0).toBeGreaterThan(0);
        starts.push(`${c.width}/${c.seed}`);
      },
      onStep: (u) => {
        if (u.step === 0) firstRatio = u.lossRatio[0]!;
      },
    });
    expect(starts.sort()).toEqual(['1024/0', '1024/1', '256/0', '256/1']);
    expect(firstRatio).toBe(1);
  });
});

describe('the wide executor', () => {
  /** Executors that log when each run starts and ends, so overlaps can be checked. */
  function logged(s: Settings, n: number, log: string[], seed: number) {
    const wrap = (name: string, inner: SweepExecutor): SweepExecutor => ({
      async run(task, hooks) {
        log.push(`+${name}`);
        try {
          return await inner.run(task, hooks);
        } finally {
          log.push(`-${name}`);
        }
      },
    });
    const narrow = shuffledExecutors(s, n, seed).map((e, i) => wrap(`n${i}`, e));
    const wide = wrap('wide', shuffledExecutors(s, 1, seed + 100)[0]!);
    return { narrow, wide };
  }

  /** True when the wide executor ran while another executor had a run. */
  function overlapped(log: readonly string[]): boolean {
    const running = new Set<string>();
    for (const e of log) {
      const name = e.slice(1);
      if (e.startsWith('+')) {
        if (running.size > 0 && (name === 'wide' || running.has('wide'))) return true;
        running.add(name);
      } else running.delete(name);
    }
    return false;
  }

  for (const search of ['grid', 'bisect'] as const)
    it(`${search}: the records of the sequential sweep; it never runs beside the others`, async () => {
      // At most 244 runs for the grid (4 columns of 61 values) and 52 for bisection (2 columns of
      // 26): one over whole rounds of 3, so the wide executor takes the first run.
      const s = { ...uvSettings(search), ...(search === 'bisect' ? { seeds: [0] } : {}) };
      const want = await sequential(s);
      let wideRuns = 0;
      for (const n of [2, 3]) {
        const log: string[] = [];
        const { narrow, wide } = logged(s, n, log, 21 + n);
        const out: Rec[] = [];
        const res = await runScheduledSweep(
          s,
          narrow,
          [],
          { now: () => 0, onRun: (r) => out.push(r), onColumn: (c) => out.push(c) },
          { order: 'canonical', wide },
        );
        expect(out.map(untimed), `${n} executors and a wide one`).toEqual(want);
        expect(overlapped(log), log.join(' ')).toBe(false);
        expect(res.wideRuns).toBe(log.filter((e) => e === '+wide').length);
        wideRuns += res.wideRuns;
      }
      expect(wideRuns).toBeGreaterThan(0);
    });

  it('a column of 3 runs on 2 executors: the first run goes wide, the other two side by side', async () => {
    const s = {
      ...uvSettings('grid'),
      widths: [256],
      seeds: [0],
      cGrid: { kind: 'list' as const, values: [1, 2, 3] },
    };
    const log: string[] = [];
    const { narrow, wide } = logged(s, 2, log, 3);
    const res = await runScheduledSweep(
      s,
      narrow,
      [],
      { now: () => 0, onRun: () => {}, onColumn: () => {} },
      { order: 'canonical', wide },
    );
    expect(res.runs).toBe(3);
    expect(res.wideRuns).toBe(1);
    expect(log.slice(0, 2)).toEqual(['+wide', '-wide']);
    expect(
      log
        .slice(2)
        .filter((e) => e.startsWith('+'))
        .sort(),
    ).toEqual(['+n0', '+n1']);
  });

  it('wantsWide: only with nothing in flight and one run over whole rounds', () => {
    expect(wantsWide(0, 3, 2)).toBe(true);
    expect(wantsWide(0, 4, 2)).toBe(false);
    expect(wantsWide(1, 3, 2)).toBe(false);
    expect(wantsWide(0, 7, 3)).toBe(true);
    expect(wantsWide(0, 8, 3)).toBe(false);
    expect(wantsWide(0, 1, 1)).toBe(false);
  });
});

describe('policy', () => {
  const cs = [1, 2, 3, 4, 5, 6];
  const stable = (c: number): PlannedRun => ({
    c,
    diverged: false,
    lossRatioMax: 1,
    sharpRatioMax: 0,
  });
  const diverged = (c: number): PlannedRun => ({
    c,
    diverged: true,
    lossRatioMax: null,
    sharpRatioMax: null,
  });
  const known = (...runs: PlannedRun[]) => new Map(runs.map((r) => [r.c.toPrecision(12), r]));

  it('grid frontier: the next c values in increasing order, one more unknown outcome each', () => {
    const f = columnFrontier(gridPlanner(cs), outcomeClasses('grid'), [stable(1)], known(), 3);
    expect(f).toEqual([
      { c: 2, depth: 0 },
      { c: 3, depth: 1 },
      { c: 4, depth: 2 },
    ]);
    // A speculative result already known is skipped, not branched on.
    const g = columnFrontier(gridPlanner(cs), outcomeClasses('grid'), [], known(stable(2)), 3);
    expect(g).toEqual([
      { c: 1, depth: 0 },
      { c: 3, depth: 1 },
      { c: 4, depth: 2 },
    ]);
    // Nothing past a known divergence.
    const h = columnFrontier(gridPlanner(cs), outcomeClasses('grid'), [], known(diverged(3)), 5);
    expect(h.map((w) => w.c)).toEqual([1, 2]);
  });

  it('bisection frontier probes k points per round (k-section)', () => {
    // Lattice 0..8 (c = 2^(k/8)): ends known, stable at 0 and diverged at 8.
    const p = bisectPlanner(0, 1, 0.125, 0.1);
    const c = (k: number) => 2 ** (k / 8);
    const f = columnFrontier(
      p,
      outcomeClasses('bisect'),
      [stable(c(0)), diverged(c(8))],
      known(),
      3,
    );
    // The midpoint, then the quartiles on either side of it.
    expect(f.map((w) => Math.round(Math.log2(w.c) * 8))).toEqual([4, 6, 2]);
    expect(f.map((w) => w.depth)).toEqual([0, 1, 1]);
  });

  it('recordable replays the planner over known results only as far as it asks', () => {
    const r = recordable(gridPlanner(cs), [stable(1)], known(stable(3), stable(2), diverged(4)));
    expect(r.runs.map((x) => x.c)).toEqual([2, 3, 4]);
    expect(r.complete).toBe(true);
    const s = recordable(gridPlanner(cs), [], known(stable(2)));
    expect(s.runs).toEqual([]);
    expect(s.complete).toBe(false);
  });

  it('dispatch: certain work of every column before speculation; unwanted runs cancelled', () => {
    const plan = planDispatch(
      [
        {
          wanted: [
            { c: 2, depth: 0 },
            { c: 3, depth: 1 },
          ],
          inFlight: [2, 9],
        },
        {
          wanted: [
            { c: 1, depth: 0 },
            { c: 2, depth: 1 },
          ],
          inFlight: [],
        },
      ],
      2,
    );
    expect(plan.start).toEqual([
      { column: 1, c: 1 },
      { column: 0, c: 3 },
    ]);
    expect(plan.cancel).toEqual([{ column: 0, c: 9 }]);
  });

  it('dispatch: at most startLimit new runs per column (λ_0 being measured: none)', () => {
    const wanted = [
      { c: 1, depth: 0 },
      { c: 2, depth: 1 },
      { c: 3, depth: 2 },
    ];
    const plan = planDispatch(
      [
        { wanted, inFlight: [], startLimit: 1 },
        { wanted, inFlight: [5], startLimit: 0 },
        { wanted, inFlight: [] },
      ],
      4,
    );
    expect(plan.start).toEqual([
      { column: 0, c: 1 },
      { column: 2, c: 1 },
      { column: 2, c: 2 },
      { column: 2, c: 3 },
    ]);
    // A limit stops new starts, not cancellation of runs no longer wanted.
    expect(plan.cancel).toEqual([{ column: 1, c: 5 }]);
  });
});
