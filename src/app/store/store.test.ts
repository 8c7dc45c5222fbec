import { describe, expect, it } from 'vitest';
import { runId, type RunRecord } from '../../core/sweep/records';
import { createAppStore } from './store';
import { runsBetween } from './selectionSlice';
import { sweepInProgress } from './sweepSlice';
import type { SweepStatus } from './types';

const run = (depth: number, width: number, c: number): RunRecord =>
  ({ type: 'run', depth, width, seed: 0, orderSeed: 0, c, loss: [1], sharpness: [1] }) as RunRecord;

describe('settings slice', () => {
  it('keeps dataset and model consistent', () => {
    const s = createAppStore();
    s.getState().setSetting('dataset', 'uv');
    expect(s.getState().settings.model).toBe('uv');
    s.getState().setSetting('dataset', 'synthetic');
    expect(s.getState().settings.model).toBe('fcn');
    s.getState().setSetting('model', 'uv');
    expect(s.getState().settings.dataset).toBe('uv');
    s.getState().setSetting('model', 'fcn');
    expect(s.getState().settings.dataset).toBe('mnist');
  });
});

describe('selection slice', () => {
  const grid = [
    run(2, 16, 1),
    run(2, 16, 2),
    run(2, 16, 4),
    run(2, 128, 1),
    run(2, 128, 2),
    run(8, 16, 1),
  ];

  it('selects a rectangle in (axis value, c)', () => {
    const ids = runsBetween(grid, 'd/w', grid[3]!, grid[1]!).sort();
    expect(ids).toEqual(
      [runId(grid[0]!), runId(grid[1]!), runId(grid[3]!), runId(grid[4]!)].sort(),
    );
  });

  it('replace, toggle and range', () => {
    const s = createAppStore();
    s.getState().setResults('k', grid, []);
    s.getState().select(runId(grid[0]!), 'replace');
    s.getState().select(runId(grid[2]!), 'range');
    expect(s.getState().selected.size).toBe(3);
    s.getState().select(runId(grid[1]!), 'toggle');
    expect(s.getState().selected.size).toBe(2);
    s.getState().select(runId(grid[5]!), 'replace');
    expect([...s.getState().selected]).toEqual([runId(grid[5]!)]);
  });
});

describe('sweep slice', () => {
  it('counts a sweep in progress from Run until it ends, paused included', () => {
    const all: SweepStatus[] = [
      'idle',
      'starting',
      'running',
      'paused',
      'stopping',
      'done',
      'stopped',
      'error',
    ];
    expect(all.filter(sweepInProgress)).toEqual(['starting', 'running', 'paused', 'stopping']);
  });

  it('keeps live cells while paused and drops them when the sweep ends', () => {
    const s = createAppStore();
    s.getState().setSweepStatus('running', 0);
    s.setState({ live: { a: { id: 'a' } as never }, statusMessage: 'x' });
    s.getState().setSweepStatus('paused', 1);
    expect(Object.keys(s.getState().live)).toEqual(['a']);
    s.getState().setSweepStatus('stopped', 2);
    expect(s.getState().live).toEqual({});
    expect(s.getState().statusMessage).toBeNull();
  });

  it('applies a batch of events in one update and times the active sweep', () => {
    const s = createAppStore();
    s.getState().setResults('k', [], []);
    s.getState().beginSweep('a', 1000);
    let updates = 0;
    const unsub = s.subscribe(() => updates++);
    const r = { ...run(2, 16, 1), seed: 0 };
    s.getState().applyWorkerEvents(
      [
        { type: 'status', sweepId: 'a', message: 'Loading' },
        {
          type: 'column-start',
          sweepId: 'a',
          depth: 2,
          width: 16,
          seed: 0,
          orderSeed: 0,
          lambda0: 3,
          loss0: 1,
        },
        { type: 'run', sweepId: 'a', record: r },
        { type: 'done', sweepId: 'a', cancelled: false, runs: 1, seconds: 1 },
      ],
      4000,
    );
    unsub();
    expect(updates).toBe(1);
    const st = s.getState();
    expect(st.status).toBe('done');
    expect(st.columnStarts['d2-w16-s0']).toEqual({ lambda0: 3, loss0: 1 });
    expect(st.lastRunId).toBe(runId(r));
    expect(st.activeMs).toBe(3000);
    expect(st.activeSince).toBeNull();
  });
});
