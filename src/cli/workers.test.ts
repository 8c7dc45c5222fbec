import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../core/settings/codec';
import { parseFlags } from './flags';
import { resolveWasmThreads, resolveWorkers } from './workers';

describe('--workers', () => {
  it('parses a whole number and names the flag when it is not one', () => {
    const r = parseFlags(['--workers', '3']);
    expect(r.ok && r.value.workers).toBe(3);
    const d = parseFlags([]);
    expect(d.ok && d.value.workers).toBe(null);
    for (const bad of ['0', '-1', '2.5', 'many', '999']) {
      const e = parseFlags(['--workers', bad]);
      expect(e.ok ? 'accepted' : e.error).toMatch(/^--workers: .* is not a whole number/);
    }
  });

  it('defaults to every core on wasm and cpu, and to one where one backend runs everything', () => {
    const fcn = cloneDefaults();
    expect(resolveWorkers(null, fcn, 'wasm', 8)).toEqual({ ok: true, workers: 8 });
    expect(resolveWorkers(null, fcn, 'webgpu', 8)).toEqual({ ok: true, workers: 1 });
    const uv = { ...cloneDefaults(), model: 'uv' as const, dataset: 'uv' as const };
    expect(resolveWorkers(null, uv, 'wasm', 8)).toEqual({ ok: true, workers: 1 });
    expect(resolveWorkers(3, uv, 'wasm', 8)).toEqual({ ok: true, workers: 3 });
    const ens = { ...cloneDefaults(), ensemble: 4 };
    expect(resolveWorkers(null, ens, 'wasm', 8)).toEqual({ ok: true, workers: 1 });
    const refused = resolveWorkers(2, fcn, 'webgpu', 8);
    expect(refused.ok ? 'accepted' : refused.error).toMatch(/--workers 2: the webgpu backend/);
  });
});

describe('--wasm-threads', () => {
  it('parses 1 to 4 and names the flag otherwise', () => {
    const r = parseFlags(['--wasm-threads', '2']);
    expect(r.ok && r.value.wasmThreads).toBe(2);
    const d = parseFlags([]);
    expect(d.ok && d.value.wasmThreads).toBe(null);
    for (const bad of ['0', '5', '1.5', 'all']) {
      const e = parseFlags(['--wasm-threads', bad]);
      expect(e.ok ? 'accepted' : e.error).toMatch(
        /^--wasm-threads: .* is not a whole number from 1 to 4/,
      );
    }
  });

  it('defaults to the cores (at most 4) for one worker and to 1 beside other workers, with a wide thread of the cores', () => {
    const ok = (threads: number, wide: number) => ({ ok: true, threads, wide, warning: null });
    expect(resolveWasmThreads(null, 'wasm', 1, 2)).toEqual(ok(2, 1));
    expect(resolveWasmThreads(null, 'wasm', 1, 16)).toEqual(ok(4, 1));
    expect(resolveWasmThreads(null, 'wasm', 1, 1)).toEqual(ok(1, 1));
    expect(resolveWasmThreads(null, 'wasm', 2, 2)).toEqual(ok(1, 2));
    expect(resolveWasmThreads(null, 'wasm', 3, 16)).toEqual(ok(1, 4));
    expect(resolveWasmThreads(null, 'cpu', 1, 8)).toEqual(ok(1, 1));
    expect(resolveWasmThreads(null, 'cpu', 4, 8)).toEqual(ok(1, 1));
  });

  it('takes what is asked, warns when workers × threads exceed the cores, refuses threads off wasm', () => {
    // Threads the user chose: no wide thread.
    expect(resolveWasmThreads(2, 'wasm', 2, 4)).toEqual({
      ok: true,
      threads: 2,
      wide: 1,
      warning: null,
    });
    const over = resolveWasmThreads(2, 'wasm', 2, 2);
    expect(over.ok && over.warning).toMatch(
      /2 worker threads × 2 wasm threads is more threads than the 2 cores/,
    );
    const gpu = resolveWasmThreads(2, 'webgpu', 1, 8);
    expect(gpu.ok ? 'accepted' : gpu.error).toBe(
      '--wasm-threads 2: only the wasm backend has threads',
    );
    expect(resolveWasmThreads(1, 'cpu', 1, 8)).toEqual({
      ok: true,
      threads: 1,
      wide: 1,
      warning: null,
    });
  });
});
