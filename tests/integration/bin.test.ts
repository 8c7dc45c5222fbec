/**
 * The `phase-explorer` command as an installed package runs it: built to plain JavaScript
 * (scripts/buildCli.ts → dist-cli/phase-explorer.js) and started by Node alone, no tsx. The
 * bundle may import only Node built-ins and the package's runtime dependencies, and the files an
 * install needs are in package.json's `files`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'dist-cli', 'phase-explorer.js');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Loaded only for `--backend webgpu`, which then names the missing package (an optional extra). */
const OPTIONAL = new Set(['webgpu']);

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

beforeAll(() => {
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/buildCli.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`build:cli failed: ${built.stderr}`);
});

describe('the built phase-explorer command', () => {
  it('is the package bin, starts with a node shebang, and is shipped with the MNIST file', () => {
    expect(PKG.bin['phase-explorer']).toBe('dist-cli/phase-explorer.js');
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(PKG.files).toEqual(expect.arrayContaining(['dist-cli/', 'public/data/mnist.bin']));
    expect(fs.existsSync(path.join(ROOT, 'public/data/mnist.bin'))).toBe(true);
  });

  it('imports only Node built-ins and runtime dependencies', () => {
    const js = fs.readFileSync(BIN, 'utf8');
    const specifiers = new Set(
      [...js.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(specifiers.size).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    for (const spec of specifiers) {
      if (spec.startsWith('node:') || builtins.has(spec) || OPTIONAL.has(spec)) continue;
      expect(spec.startsWith('.'), `${spec}: a relative import left in the bundle`).toBe(false);
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0]!;
      expect(Object.keys(PKG.dependencies), `${spec} is not a runtime dependency`).toContain(name);
    }
  });

  it("--version prints package.json's version; --help lists sweep", () => {
    const v = run(['--version']);
    expect([v.status, v.stdout.trim()]).toEqual([0, PKG.version]);
    const h = run(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^ {2}sweep {2}/m);
  });

  it('sweep --model uv prints run and column records; a bad flag or command exits 2', () => {
    const r = run(['sweep', '--model', 'uv', '--widths', '256', '--c', '1,3', '--out', '-']);
    expect(r.status, r.stderr).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; width: number; c?: number; c_max?: unknown });
    // The sweep header (its settings) comes first, then the records.
    expect(records[0]?.type).toBe('sweep');
    expect(records.slice(1).map((x) => [x.type, x.width, x.c ?? null])).toEqual([
      ['run', 256, 1],
      ['run', 256, 3],
      ['column', 256, null],
    ]);
    expect(r.stderr).toMatch(/uv model/);
    const bad = run(['sweep', '--c', 'log2:0:x:1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--c/);
    expect(run(['no-such-command']).status).toBe(2);
  });

  // Threaded wasm (src/node/wasmThreads.ts) from the bundle: the pthread workers start from the
  // installed tfjs-backend-wasm, the process still exits when the sweep is done, and the records
  // are the ones one thread writes (w = 256: every product is large enough for XNNPACK to split).
  it('sweep --wasm-threads 2 exits when done and writes the records of --wasm-threads 1', () => {
    const args = [
      'sweep',
      '--dataset',
      'synthetic',
      '--depths',
      '3',
      '--widths',
      '256',
      '--train-size',
      '256',
      '--measure-size',
      '256',
      '--batch',
      '64',
      '--steps',
      '3',
      '--c',
      '1,4,16',
      '--saturation-k',
      '0',
      '--workers',
      '1',
      '--out',
      '-',
    ];
    const untimed = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r['type'] !== 'sweep')
        .map((r) => (r['type'] === 'run' ? { ...r, seconds: 0 } : r));
    const one = run([...args, '--wasm-threads', '1']);
    const two = run([...args, '--wasm-threads', '2']);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stderr).toContain('1 worker thread × 2 wasm threads');
    expect(one.stderr).toContain('1 worker thread × 1 wasm thread,');
    const runs = untimed(two.stdout);
    expect(runs.filter((r) => r['type'] === 'run')).toHaveLength(3);
    expect(runs).toEqual(untimed(one.stdout));
  });
});
