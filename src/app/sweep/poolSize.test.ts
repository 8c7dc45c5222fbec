import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import { MAX_POOL, cpuPoolSize, parsePoolChoice, poolSizeFor, sweepWorkers } from './poolSize';

describe('pool size', () => {
  it('one worker per core, one core left to the page above two, capped by memory', () => {
    expect(cpuPoolSize(2, undefined).size).toBe(2);
    expect(cpuPoolSize(1, undefined).size).toBe(1);
    expect(cpuPoolSize(8, undefined)).toEqual({
      size: 7,
      why: 'one per core (8 cores, one left for the page)',
    });
    // 2 GB: half of it at 512 MB per worker is two workers.
    expect(cpuPoolSize(8, 2).size).toBe(2);
    expect(cpuPoolSize(8, 2).why).toContain('2 GB');
    expect(cpuPoolSize(8, 0.25).size).toBe(1);
    expect(cpuPoolSize(8, 8).size).toBe(7);
    expect(cpuPoolSize(64, undefined).size).toBe(MAX_POOL);
    // A browser that reports nothing gets one worker.
    expect(cpuPoolSize(undefined, undefined).size).toBe(1);
    expect(cpuPoolSize(Number.NaN, undefined).size).toBe(1);
  });

  it('one worker on a real GPU by default, the cores on a software one or on wasm', () => {
    const cpu = { size: 4, why: 'cores' };
    expect(poolSizeFor('auto', 'webgpu', 'nvidia · ampere', cpu).size).toBe(1);
    expect(poolSizeFor('auto', 'webgl', null, cpu).size).toBe(1);
    expect(poolSizeFor('auto', 'webgpu', 'google · swiftshader', cpu).size).toBe(4);
    expect(poolSizeFor('auto', 'wasm', null, cpu)).toEqual(cpu);
    expect(poolSizeFor(3, 'webgpu', 'nvidia', cpu)).toEqual({ size: 3, why: 'your choice' });
  });

  it('the uv model and batched ensembles use one worker; the rest the whole pool', () => {
    const s = cloneDefaults();
    expect(sweepWorkers({ ...s, ensemble: 1 }, 3)).toEqual({ workers: 3, why: null });
    expect(sweepWorkers({ ...s, ensemble: 4 }, 3).workers).toBe(1);
    expect(sweepWorkers({ ...s, model: 'uv', dataset: 'uv' }, 3).workers).toBe(1);
  });

  it('reads a stored choice, and anything odd as auto', () => {
    expect(parsePoolChoice('3')).toBe(3);
    expect(parsePoolChoice(null)).toBe('auto');
    for (const bad of ['0', '-1', '2.5', 'x', String(MAX_POOL + 1), ''])
      expect(parsePoolChoice(bad)).toBe('auto');
  });
});
