import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../core/settings/codec';
import { parseFlags } from './flags';
import { resolveWorkers } from './workers';

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
