import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../scripts/bench/flags';
import { SECTIONS } from '../../scripts/bench/types';

describe('npm run bench flags', () => {
  it('defaults to every section, docs/BENCH.md, neither quick nor software', () => {
    const r = parseBenchFlags([]);
    expect(r).toEqual({
      ok: true,
      options: {
        quick: false,
        allowSoftware: false,
        out: 'docs/BENCH.md',
        sections: new Set(SECTIONS),
        dataDir: null,
        workers: null,
        wasmThreads: null,
        rounds: 1,
        threadEntry: 'built',
      },
    });
  });

  it('takes the data folder from --data-dir, else PHASE_DATA_DIR; worker counts from --workers, rounds from --rounds', () => {
    const env = { PHASE_DATA_DIR: '/data' };
    const fromEnv = parseBenchFlags([], env);
    expect(fromEnv.ok && fromEnv.options.dataDir).toBe('/data');
    const fromFlag = parseBenchFlags(['--data-dir', '/other'], env);
    expect(fromFlag.ok && fromFlag.options.dataDir).toBe('/other');
    const w = parseBenchFlags(['--workers', '4,1,2,2', '--thread-entry=tsx']);
    expect(w.ok && w.options.workers).toEqual([1, 2, 4]);
    expect(w.ok && w.options.threadEntry).toBe('tsx');
    expect(parseBenchFlags(['--workers', '1,0,x'])).toEqual({
      ok: false,
      error: '--workers: "0", "x": not a whole number from 1 to 256',
    });
    const r = parseBenchFlags(['--rounds', '3']);
    expect(r.ok && r.options.rounds).toBe(3);
    expect(parseBenchFlags(['--rounds=0'])).toEqual({
      ok: false,
      error: '--rounds: "0": not a whole number from 1 to 20',
    });
    expect(parseBenchFlags(['--rounds', '2.5']).ok).toBe(false);
  });

  it('reads --quick, --allow-software, --out, --only and --no-browser', () => {
    const r = parseBenchFlags(['--quick', '--out', '/tmp/b.md', '--only', 'node, gpu,browser']);
    expect(r.ok && r.options.quick).toBe(true);
    expect(r.ok && r.options.out).toBe('/tmp/b.md');
    expect(r.ok && [...r.options.sections]).toEqual(['node', 'gpu', 'browser']);
    const nb = parseBenchFlags(['--allow-software', '--no-browser']);
    expect(nb.ok && nb.options.allowSoftware).toBe(true);
    expect(nb.ok && nb.options.sections.has('browser')).toBe(false);
    expect(nb.ok && nb.options.sections.size).toBe(SECTIONS.length - 1);
  });

  it('names what is wrong: unknown flags and sections, missing values', () => {
    expect(parseBenchFlags(['--fast'])).toEqual({
      ok: false,
      error: 'unknown flag --fast (see --help)',
    });
    const bad = parseBenchFlags(['--only', 'node,gpus']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && !bad.help && bad.error).toMatch(
      /^--only: unknown section gpus \(known: node, cpu,/,
    );
    expect(parseBenchFlags(['--out'])).toEqual({ ok: false, error: '--out needs a value' });
    expect(parseBenchFlags(['--only', '--quick'])).toEqual({
      ok: false,
      error: '--only needs a value',
    });
  });

  it('asks for the usage text with --help', () => {
    expect(parseBenchFlags(['--quick', '--help'])).toEqual({ ok: false, help: true });
  });
});
