/**
 * A sweep over N executors (worker threads, Web Workers, or in-process runners). The policy is
 * pure: which c values each column wants next, and which runs in flight are no longer wanted, is a
 * function of the results it has (`columnFrontier`, `planDispatch`). The driver
 * (`runScheduledSweep`) only hands tasks to free executors and feeds results back.
 *
 * Parallelism within a column is speculation on the column's planner: while the run the planner
 * asks for next is in flight, free executors take the c values the planner would ask for after it
 * under each possible outcome (diverged or not; for bisection also whether the loss or the
 * sharpness rose). For the grid this is the next c values in increasing order; for bisection it
 * probes the quartiles, octiles... (k-section). A run is *recorded* only once the planner, replayed
 * over recorded runs alone, asks for it, so the records are exactly those of the one-at-a-time
 * sweep (`runSweep`) whatever N is; a speculative run the planner never asks for (one above the
 * first divergence, say) is cancelled while in flight or discarded when finished, never recorded.
 *
 * θ_0 and λ_0 of a tensor column are computed once and handed on (`columnInit.ts`): the first
 * executor that runs a column measures L_0 and λ_0 (with λ_0's Lanczos vector, the warm start of
 * every run's λ_1, and the diagnostics the records carry) and reports them through `onInit`; the
 * scheduler starts no other run of that column until they arrive, then puts them in every later
 * task of the column (`SweepTask.init`), so other executors only upload the data and draw θ_0 from
 * the seed (deterministic, cheap). The values travel exactly, so the records equal the one-at-a-time
 * sweep's bit for bit (the tests compare records from 1, 2 and 3 executors). An executor that
 * reports no start (the uv model, whose λ_0 is exact and cheap; an injected column factory) is
 * noticed at its run's step 0: the column is then released and every executor builds it itself.
 */
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import type { ColumnKey, ColumnRecord, RunRecord } from './records';
import { columnId, runId, sameColumn } from './records';
import { classifyRun, summarize } from '../phase/regime';
import type { ColumnRunner, RawRun, RunProgress } from '../train/column';
import { uvColumnFor } from '../train/uvColumn';
import { modelInfo } from '../models/kinds';
import { planColumns, plannerFor, type ColumnPlanner, type PlannedRun } from './plan';
import { columnRecord, stepRatios, type FcnColumnFactory, type SweepHooks } from './runSweep';
import type { ColumnInit } from './columnInit';

export type { ColumnInit } from './columnInit';

/** One run to compute: a column and a c. */
export interface SweepTask {
  /** Unique within one sweep. */
  id: number;
  column: ColumnKey;
  c: number;
  /** The column's L_0 and λ_0 when another executor has measured them: use them, do not remeasure. */
  init?: ColumnInit;
}

/** What an executor returns for a finished task. */
export interface TaskResult {
  raw: RawRun;
  /** Wall-clock seconds the run took on its executor (a timing field). */
  seconds: number;
}

/**
 * Something that computes runs: one at a time, on its own thread or worker. `run` resolves to null
 * when the task was cancelled (`isCancelled` turned true between two steps) and rejects when the
 * executor failed (a lost worker or device); the scheduler then hands the task out again. An
 * executor that measures a column's start (the task had no `init`) reports it through `onInit`
 * before the run's step 0, so the scheduler can hand it to the others.
 */
export interface SweepExecutor {
  run(task: SweepTask, hooks: ExecutorHooks): Promise<TaskResult | null>;
}

/** What an executor's run reports back while it runs. */
export interface ExecutorHooks {
  onStep(p: RunProgress): void;
  isCancelled(): boolean;
  /** The column's L_0 and λ_0, as soon as this executor has measured them. */
  onInit?(init: ColumnInit): void;
}

/** Hypothetical outcomes of a run in flight, as the planners see them. */
const STABLE_QUIET: Omit<PlannedRun, 'c'> = { diverged: false, lossRatioMax: 1, sharpRatioMax: 0 };
const DIVERGED: Omit<PlannedRun, 'c'> = {
  diverged: true,
  lossRatioMax: null,
  sharpRatioMax: null,
};
/**
 * The grid only asks "did it diverge?"; bisection also asks whether the loss and the sharpness
 * rose, so it gets one stable outcome per combination. `lossRose` needs a ratio above 1 and
 * `sharpnessRose` one above 1 + ε: 1e9 is above both for any sensible ε.
 */
export function outcomeClasses(search: Settings['search']): Omit<PlannedRun, 'c'>[] {
  if (search === 'grid') return [STABLE_QUIET, DIVERGED];
  return [
    STABLE_QUIET,
    { diverged: false, lossRatioMax: 1e9, sharpRatioMax: 0 },
    { diverged: false, lossRatioMax: 1, sharpRatioMax: 1e9 },
    { diverged: false, lossRatioMax: 1e9, sharpRatioMax: 1e9 },
    DIVERGED,
  ];
}

function cKey(c: number): string {
  return c.toPrecision(12);
}

/** A c value a column wants, with how many unknown outcomes lie before it (0: certain). */
export interface WantedRun {
  c: number;
  depth: number;
}

/**
 * The runs a column may record: the planner replayed over `recorded`, taking each next c from
 * `known` (finished, not yet recorded) while it is there. Returns the runs to record, in the order
 * the planner asks for them, and whether the column is then complete.
 */
export function recordable(
  planner: ColumnPlanner,
  recorded: readonly PlannedRun[],
  known: ReadonlyMap<string, PlannedRun>,
): { runs: PlannedRun[]; complete: boolean } {
  const runs: PlannedRun[] = [];
  const all = [...recorded];
  let c = planner.next(all);
  while (c !== null) {
    const k = known.get(cKey(c));
    if (!k) break;
    runs.push(k);
    all.push(k);
    c = planner.next(all);
  }
  return { runs, complete: c === null };
}

/**
 * The c values a column wants, most certain first: a breadth-first walk of the planner's decision
 * tree from the recorded runs, where a known result has one outcome and any other run each of
 * `classes`. Returns at most `budget` distinct c values that are not known, each with its depth
 * (the number of unknown outcomes before it). `maxNodes` bounds the walk (bisection branches five
 * ways per level).
 */
export function columnFrontier(
  planner: ColumnPlanner,
  classes: readonly Omit<PlannedRun, 'c'>[],
  recorded: readonly PlannedRun[],
  known: ReadonlyMap<string, PlannedRun>,
  budget: number,
  maxNodes = 4096,
): WantedRun[] {
  const out: WantedRun[] = [];
  const seen = new Set<string>();
  const queue: { runs: PlannedRun[]; depth: number }[] = [{ runs: [...recorded], depth: 0 }];
  let expanded = 0;
  for (let head = 0; head < queue.length && out.length < budget && expanded < maxNodes; head++) {
    const node = queue[head]!;
    expanded++;
    const runs = node.runs;
    let c = planner.next(runs);
    // Known results cost nothing: follow them without branching.
    while (c !== null && known.has(cKey(c))) {
      runs.push(known.get(cKey(c))!);
      c = planner.next(runs);
    }
    if (c === null) continue;
    const key = cKey(c);
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ c, depth: node.depth });
    }
    for (const o of classes) queue.push({ runs: [...runs, { c, ...o }], depth: node.depth + 1 });
  }
  return out;
}

/** What the dispatch policy sees of one column. */
export interface ColumnView {
  wanted: readonly WantedRun[];
  /** c values in flight. */
  inFlight: readonly number[];
  /**
   * At most this many new runs of the column may start now (default: no limit). The scheduler
   * uses 1 while nobody has measured the column's λ_0 and 0 while one executor is measuring it.
   */
  startLimit?: number;
}

/**
 * Which runs to start on `free` executors and which in-flight runs to cancel. Every column's wanted
 * runs are ranked by depth (certain work first), then by column order, then by the column's own
 * order; the best `free` not in flight start, at most `startLimit` per column. A run in flight
 * that its column no longer wants is cancelled.
 */
export function planDispatch(
  columns: readonly ColumnView[],
  free: number,
): { start: { column: number; c: number }[]; cancel: { column: number; c: number }[] } {
  const cancel: { column: number; c: number }[] = [];
  const candidates: { column: number; c: number; depth: number; pos: number }[] = [];
  columns.forEach((col, j) => {
    const wanted = new Set(col.wanted.map((w) => cKey(w.c)));
    const busy = new Set(col.inFlight.map(cKey));
    for (const c of col.inFlight) if (!wanted.has(cKey(c))) cancel.push({ column: j, c });
    col.wanted.forEach((w, pos) => {
      if (!busy.has(cKey(w.c))) candidates.push({ column: j, c: w.c, depth: w.depth, pos });
    });
  });
  candidates.sort((a, b) => a.depth - b.depth || a.column - b.column || a.pos - b.pos);
  const start: { column: number; c: number }[] = [];
  const perColumn = new Map<number, number>();
  for (const x of candidates) {
    if (start.length >= free) break;
    const n = perColumn.get(x.column) ?? 0;
    if (n >= (columns[x.column]!.startLimit ?? Infinity)) continue;
    perColumn.set(x.column, n + 1);
    start.push({ column: x.column, c: x.c });
  }
  return { start, cancel };
}

/** A RunRecord from an executor's raw run (the same summary and regime `runSweep` gives). */
export function runRecordOf(raw: RawRun, seconds: number, epsilon: number): RunRecord {
  const summary = summarize(raw.loss, raw.sharpness, raw.loss0, raw.lambda0, raw.diverged);
  return {
    ...raw,
    regime: classifyRun(raw.c, raw.diverged, summary, epsilon),
    ...summary,
    seconds,
  };
}

/**
 * Order in which records reach the hooks:
 * - 'as-finished': a column's runs in planner order as soon as they are recordable, columns
 *   interleaved as they progress (the app draws cells as they come);
 * - 'canonical': exactly the order of the one-at-a-time sweep (columns in `planColumns` order,
 *   each column's runs then its column record), records of later columns held back until the
 *   earlier ones are complete (the CLI: JSON Lines identical for any N, timing fields aside).
 */
export type RecordOrder = 'as-finished' | 'canonical';

export interface ScheduledSweepOptions {
  order?: RecordOrder;
  /** Attempts per task before the sweep fails (an executor that keeps dying). Default 3. */
  maxAttempts?: number;
  /**
   * An executor that uses every core the others share (wasm on several XNNPACK threads), for
   * the run that would otherwise leave executors idle: see `wantsWide`. It never runs beside
   * them: while it runs nothing else starts, and it starts only when nothing is in flight.
   */
  wide?: SweepExecutor;
}

/**
 * Whether the next run should go to the wide executor: nothing is in flight and the runs the
 * columns may still need (`remaining`, an upper bound) leave one over after filling whole rounds
 * of the `narrow` executors. That one run would otherwise have a round to itself with the other
 * executors idle; on the wide one it runs on all their cores. A column of 3 runs on 2 executors
 * so takes one wide run and one round of 2, instead of two rounds (docs/BENCH.md).
 */
export function wantsWide(inFlight: number, remaining: number, narrow: number): boolean {
  return inFlight === 0 && narrow >= 2 && remaining % narrow === 1;
}

export interface ScheduledSweepResult {
  /** Runs computed and recorded (not counting `done`). */
  runs: number;
  cancelled: boolean;
  /** Runs computed speculatively and then not needed (above a divergence, say). */
  discarded: number;
  /** Runs cancelled while in flight because they were no longer needed. */
  cancelledRuns: number;
  /** Runs handed to executors, counting speculative ones and retries. */
  started: number;
  /** Times an executor measured a column's λ_0 (at most once per tensor column; 0 for uv). */
  lambda0Measured: number;
  /** Runs handed to the wide executor (`ScheduledSweepOptions.wide`). */
  wideRuns: number;
}

interface ColumnState {
  key: ColumnKey;
  planner: ColumnPlanner;
  recorded: RunRecord[];
  known: Map<string, RunRecord>;
  /** Known results that were computed by this sweep (not given in `done`). */
  computed: Set<string>;
  complete: boolean;
  started: boolean;
  /** Records waiting for canonical order. */
  held: (RunRecord | ColumnRecord)[];
  /** L_0 and λ_0 as one executor measured them, once known. */
  init: ColumnInit | null;
  /** The task measuring them (no other run of the column starts meanwhile), or null. */
  initTask: number | null;
  /** False once an executor ran the column without reporting its start: each builds its own. */
  shareInit: boolean;
}

interface Flight {
  task: SweepTask;
  column: number;
  executor: number;
  cancelled: boolean;
}

/**
 * Run a sweep on `executors`, with the same records as `runSweep(settings, data, done, hooks)`
 * (timing fields aside). `done` holds finished runs of these settings: they are not recomputed
 * or reported again. A task whose executor fails is handed out again (to any free executor), at
 * most `maxAttempts` times; finished runs are never lost or reported twice.
 */
export async function runScheduledSweep(
  settings: Settings,
  executors: readonly SweepExecutor[],
  done: readonly RunRecord[],
  hooks: SweepHooks,
  options: ScheduledSweepOptions = {},
): Promise<ScheduledSweepResult> {
  if (executors.length === 0) throw new Error('runScheduledSweep: no executors');
  const order = options.order ?? 'as-finished';
  const maxAttempts = options.maxAttempts ?? 3;
  const classes = outcomeClasses(settings.search);
  const eps = settings.sharpEpsilon;
  const cols: ColumnState[] = planColumns(settings).map((key) => {
    const known = new Map<string, RunRecord>();
    for (const r of done) if (sameColumn(r, key)) known.set(cKey(r.c), r);
    return {
      key,
      planner: plannerFor(settings),
      recorded: [],
      known,
      computed: new Set(),
      complete: false,
      started: false,
      held: [],
      init: null,
      initTask: null,
      shareInit: true,
    };
  });
  const doneIds = new Set(done.map(runId));
  const result: ScheduledSweepResult = {
    runs: 0,
    cancelled: false,
    discarded: 0,
    cancelledRuns: 0,
    started: 0,
    lambda0Measured: 0,
    wideRuns: 0,
  };
  const flights = new Map<number, Flight>();
  const busy = new Set<number>();
  // The wide executor, when there is one, is executor number `executors.length`.
  const all: readonly SweepExecutor[] = options.wide ? [...executors, options.wide] : executors;
  const wideIndex = options.wide ? executors.length : -1;
  const maxRuns = plannerFor(settings).maxRuns;
  /** Runs the unfinished columns may still need: at most their planner's, less those known. */
  const remainingRuns = (): number =>
    cols.reduce((n, col, j) => {
      if (col.complete) return n;
      const inFlight = [...flights.values()].filter((f) => f.column === j).length;
      return n + Math.max(0, maxRuns - col.known.size - inFlight);
    }, 0);
  const lastColumnOf = new Map<number, string>();
  const attempts = new Map<string, number>();
  let nextTaskId = 1;
  let emitted = 0; // canonical order: columns fully emitted so far
  let failure: Error | null = null;
  const cancelled = (): boolean => hooks.isCancelled?.() ?? false;

  const emit = (j: number, rec: RunRecord | ColumnRecord): void => {
    if (order === 'canonical' && j > emitted) {
      cols[j]!.held.push(rec);
      return;
    }
    if (rec.type === 'run') hooks.onRun(rec);
    else hooks.onColumn(rec);
    if (order === 'canonical' && rec.type === 'column') {
      emitted++;
      // Release what later columns finished meanwhile, in order.
      while (emitted < cols.length) {
        const next = cols[emitted]!;
        const held = next.held;
        next.held = [];
        const wasComplete = held.some((h) => h.type === 'column');
        for (const h of held) {
          if (h.type === 'run') hooks.onRun(h);
          else hooks.onColumn(h);
        }
        if (!wasComplete) break;
        emitted++;
      }
    }
  };

  /** Record what the planner now asks for, and close the column when it is complete. */
  const advance = (j: number): void => {
    const col = cols[j]!;
    if (col.complete) return;
    const { runs, complete } = recordable(col.planner, col.recorded, col.known);
    for (const r of runs as RunRecord[]) {
      col.recorded.push(r);
      if (!doneIds.has(runId(r))) {
        result.runs++;
        emit(j, r);
      }
    }
    if (complete) {
      col.complete = true;
      for (const k of col.computed)
        if (!col.recorded.some((r) => cKey(r.c) === k)) result.discarded++;
      const first = col.recorded[0] ?? [...col.known.values()][0];
      if (first) emit(j, columnRecord(col.key, first.lambda0, first.loss0, col.recorded, eps));
    }
  };

  const view = (j: number): ColumnView => {
    const col = cols[j]!;
    const inFlight = [...flights.values()].filter((f) => f.column === j && !f.cancelled);
    if (col.complete) return { wanted: [], inFlight: inFlight.map((f) => f.task.c) };
    const v: ColumnView = {
      wanted: columnFrontier(col.planner, classes, col.recorded, col.known, executors.length),
      inFlight: inFlight.map((f) => f.task.c),
    };
    // λ_0 not yet known: one run measures it, the others wait for it rather than remeasure.
    if (col.shareInit && !col.init) v.startLimit = col.initTask === null ? 1 : 0;
    return v;
  };

  return new Promise<ScheduledSweepResult>((resolve, reject) => {
    let pumping = false;
    let again = false;
    let settled = false;

    const finishIfIdle = (): void => {
      if (settled || flights.size > 0) return;
      if (failure) {
        settled = true;
        reject(failure);
        return;
      }
      if (result.cancelled || cols.every((c) => c.complete)) {
        settled = true;
        resolve(result);
      }
    };

    const launch = (j: number, c: number, executor: number): void => {
      const col = cols[j]!;
      const task: SweepTask = {
        id: nextTaskId++,
        column: col.key,
        c,
        ...(col.init ? { init: col.init } : {}),
      };
      const flight: Flight = { task, column: j, executor, cancelled: false };
      flights.set(task.id, flight);
      busy.add(executor);
      result.started++;
      lastColumnOf.set(executor, columnId(col.key));
      if (col.shareInit && !col.init) col.initTask = task.id;
      /** The task ends or shows it will not measure the start: release the column. */
      const releaseInit = (): void => {
        if (col.initTask !== task.id) return;
        col.initTask = null;
        void pump();
      };
      const onInit = (init: ColumnInit): void => {
        if (task.init) return;
        result.lambda0Measured++;
        if (col.init) return;
        col.init = init;
        releaseInit();
      };
      const onStep = (p: RunProgress): void => {
        if (p.step === 0 && !col.init && col.initTask === task.id) {
          // The executor ran without reporting the column's start: it does not hand one out.
          col.shareInit = false;
          releaseInit();
        }
        if (flight.cancelled) return;
        const loss0 = p.loss[0] ?? NaN;
        const lambda0 = p.sharpness[0] ?? NaN;
        if (!col.started && p.step === 0) {
          col.started = true;
          hooks.onColumnStart?.({ ...col.key, lambda0, loss0 });
        }
        hooks.onStep?.({
          ...col.key,
          c,
          step: p.step,
          lossRatio: stepRatios(p.loss, loss0),
          sharpRatio: stepRatios(p.sharpness, lambda0),
        });
      };
      const isCancelled = (): boolean =>
        flight.cancelled || result.cancelled || failure !== null || cancelled();
      all[executor]!.run(task, { onStep, isCancelled, onInit }).then(
        (out) => {
          flights.delete(task.id);
          busy.delete(executor);
          releaseInit();
          if (out === null) {
            if (flight.cancelled) result.cancelledRuns++;
          } else if (col.complete) {
            result.discarded++; // finished after its column closed without it
          } else if (!col.known.has(cKey(c))) {
            col.known.set(cKey(c), runRecordOf(out.raw, out.seconds, eps));
            col.computed.add(cKey(c));
            advance(j);
          }
          void pump();
        },
        (err: unknown) => {
          flights.delete(task.id);
          busy.delete(executor);
          releaseInit();
          const id = runId({ ...col.key, c });
          const n = (attempts.get(id) ?? 0) + 1;
          attempts.set(id, n);
          if (n >= maxAttempts && failure === null)
            failure = new Error(
              `run ${id} failed ${n} times: ${err instanceof Error ? err.message : String(err)}`,
            );
          void pump();
        },
      );
    };

    const dispatch = (): void => {
      if (cancelled()) result.cancelled = true;
      if (result.cancelled || failure) return;
      const views = cols.map((_, j) => view(j));
      const freeList = executors.map((_, i) => i).filter((i) => !busy.has(i));
      // Nothing starts beside the wide executor: it already has every core.
      const plan = planDispatch(views, busy.has(wideIndex) ? 0 : freeList.length);
      for (const x of plan.cancel)
        for (const f of flights.values())
          if (f.column === x.column && cKey(f.task.c) === cKey(x.c)) f.cancelled = true;
      const first = plan.start[0];
      // (Nothing in flight is tested first: counting the remaining runs walks every column.)
      if (
        first &&
        wideIndex >= 0 &&
        flights.size === 0 &&
        wantsWide(flights.size, remainingRuns(), executors.length)
      ) {
        result.wideRuns++;
        launch(first.column, first.c, wideIndex);
        return;
      }
      for (const s of plan.start) {
        // Prefer an executor that last ran this column: it still holds the column's model.
        const id = columnId(cols[s.column]!.key);
        const pick = freeList.findIndex((i) => lastColumnOf.get(i) === id);
        const idx = pick >= 0 ? pick : freeList.findIndex((i) => !lastColumnOf.has(i));
        const [executor] = freeList.splice(idx >= 0 ? idx : 0, 1);
        launch(s.column, s.c, executor!);
      }
    };

    const pump = async (): Promise<void> => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          if (!result.cancelled && !failure) await hooks.waitWhilePaused?.();
          dispatch();
        } while (again);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
      } finally {
        pumping = false;
      }
      finishIfIdle();
    };

    // Columns whose runs are all in `done` close without an executor.
    try {
      cols.forEach((_, j) => advance(j));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    void pump();
  });
}

/**
 * An in-process executor: builds each column's runner on first use and keeps the most recent
 * `keepColumns` of them. A tensor column's L_0 and λ_0 come from the task when another executor
 * measured them (θ_0 is drawn again from the seed), else they are measured here and reported
 * through `onInit`. With an injected `fcnFactory` every executor measures its own (the factory's
 * runner does not expose λ_0's vector). Used by tests, by `--workers 1`, and inside each worker
 * thread or Web Worker of a pool.
 */
export function localExecutor(
  settings: Settings,
  data: PreparedData | null,
  options: {
    /** Clock in milliseconds (injected: the core never reads time itself). */
    now(): number;
    fcnFactory?: FcnColumnFactory;
    /** Column runners kept (each holds its data on the device, θ_0 and λ_0's vector). */
    keepColumns?: number;
  },
): SweepExecutor & { dispose(): void } {
  const { now, fcnFactory } = options;
  const keepColumns = options.keepColumns ?? 2;
  interface Built {
    runner: ColumnRunner;
    /** The start to hand on, when this runner has one. */
    init: ColumnInit | null;
  }
  const runners = new Map<string, Promise<Built>>();
  const build = async (key: ColumnKey, init: ColumnInit | undefined): Promise<Built> => {
    // As in runSweep: a model with its own column (uv) needs no tfjs; the rest go through the
    // column factory, which reads the model registry.
    if (modelInfo(settings.model).ownColumn)
      return { runner: uvColumnFor(settings, key), init: null };
    if (!data)
      throw new Error(`localExecutor: a ${modelInfo(settings.model).label} sweep needs data`);
    if (fcnFactory) return { runner: await fcnFactory({ settings, data, ...key }), init: null };
    const { tensorColumnWithInit } = await import('./columnInit');
    return tensorColumnWithInit({ settings, data, ...key }, init ?? null);
  };
  const runnerFor = (key: ColumnKey, init: ColumnInit | undefined): Promise<Built> => {
    const id = columnId(key);
    let r = runners.get(id);
    if (r) {
      runners.delete(id); // re-insert: most recent last
      runners.set(id, r);
      return r;
    }
    r = build(key, init);
    // A column that failed to build is built again on its next task.
    r.catch(() => {
      if (runners.get(id) === r) runners.delete(id);
    });
    runners.set(id, r);
    while (runners.size > Math.max(1, keepColumns)) {
      const [oldId, old] = runners.entries().next().value as [string, Promise<Built>];
      runners.delete(oldId);
      void old.then((x) => x.runner.dispose()).catch(() => undefined);
    }
    return r;
  };
  return {
    async run(task, hooks) {
      const { runner, init } = await runnerFor(task.column, task.init);
      if (init && !task.init) hooks.onInit?.(init);
      const t0 = now();
      const raw = await runner.run(task.c, hooks.onStep, hooks.isCancelled);
      return raw === null ? null : { raw, seconds: (now() - t0) / 1000 };
    },
    dispose() {
      for (const r of runners.values())
        void r.then((x) => x.runner.dispose()).catch(() => undefined);
      runners.clear();
    },
  };
}
