/**
 * PLACEHOLDER SIGNATURE — implementation in progress (lead engineer). Do not edit.
 */
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import type { ColumnRecord, RunRecord } from './records';

export interface StepUpdate {
  depth: number;
  width: number;
  seed: number;
  c: number;
  step: number;
  /** L_t/L_0 and λ_t/λ_0 for t = 0..step (NaN where not finite). */
  lossRatio: Float64Array;
  sharpRatio: Float64Array;
}

export interface SweepHooks {
  /** Clock in milliseconds (injected: the core never reads time itself). */
  now(): number;
  onColumnStart?(c: { depth: number; width: number; seed: number; lambda0: number; loss0: number }): void;
  onStep?(u: StepUpdate): void;
  onRun(r: RunRecord): void;
  onColumn(c: ColumnRecord): void;
  /** Checked between steps; true stops the sweep after disposing everything. */
  isCancelled?(): boolean;
  /** Awaited between runs; resolves when the sweep may go on (pause support). */
  waitWhilePaused?(): Promise<void>;
}

/**
 * Run a sweep: depths × widths × seeds columns, each over the c grid (or by bisection) until its
 * first divergence. `data` is null for the uv model. `done` are finished runs of these same
 * settings: they are reported again through onRun? No — they are NOT re-reported; they are only
 * used to skip work and to decide when a column stops.
 */
export async function runSweep(
  _settings: Settings,
  _data: PreparedData | null,
  _done: RunRecord[],
  _hooks: SweepHooks,
): Promise<{ runs: number; cancelled: boolean }> {
  throw new Error('runSweep: not implemented yet');
}
