/**
 * A sweep as three shards in separate processes, as a cluster runs it: one shard per way of
 * naming it (--shard, a Kubernetes index, a Slurm array task), one of them killed with SIGKILL
 * after its first record is on disk (and left with a cut-off last line, as a kill mid-write
 * would) and started again, then merged. The merged file must hold the same run and column
 * records, timing aside, as the same sweep run in one process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { mergeMain } from '../../src/cli/merge';
import { planMain } from '../../src/cli/plan';
import { importGaps, parseResultsText } from '../../src/app/io/importResults';

const repoRoot = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small FCN sweep on synthetic data: 3 widths × 3 seeds, up to 5 c values per column. */
const SWEEP = [
  '--dataset', 'synthetic', '--depths', '2', '--widths', '4,8,16', '--seeds', '0,1,2',
  '--train-size', '128', '--batch', '32', '--measure-size', '32', '--c', 'log2:0:4:1',
  '--steps', '4', '--lanczos-max-iters', '8', '--backend', 'wasm',
]; // prettier-ignore

/** The scheduler variables of this machine, removed so that only the test's own count. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k === 'JOB_COMPLETION_INDEX' || k.startsWith('SLURM_ARRAY_')) delete env[k];
  return env;
};

interface Proc {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** `phase-explorer COMMAND ARGS...` as a process, through the same entry as the built bin. */
function cli(command: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', command, ...args], {
    cwd: repoRoot,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    done: new Promise((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stderr })),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

const sweep = (args: string[], env?: Record<string, string>) =>
  cli('sweep', [...SWEEP, ...args], env);

/** Records of a results file, without the header and the timing. */
function records(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.type !== 'sweep')
    .map((r) => {
      const { seconds: _seconds, ...rest } = r;
      return rest;
    });
}

const lines = (file: string): number =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;

describe('sharded sweep', () => {
  it('3 shards, one killed and restarted, merge to the one-process sweep', async () => {
    const out = (i: number) => path.join(tmp, `shard-${i}.jsonl`);
    const whole = path.join(tmp, 'whole.jsonl');
    const merged = path.join(tmp, 'merged.jsonl');

    const s0 = sweep(['--shard', '0/3', '--out', out(0)]);
    const s1 = sweep(['--shards', '3', '--out', out(1)], { JOB_COMPLETION_INDEX: '1' });
    const s2 = sweep(['--out', out(2)], { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' });
    // Kill shard 1 once its first record (the line after the header) is on disk.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (lines(out(1)) >= 2) {
          s1.kill();
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const [r0, r1, r2] = await Promise.all([s0.done, s1.done, s2.done]);
    expect(r0.code).toBe(0);
    expect(r2.code).toBe(0);
    expect(r1.signal).toBe('SIGKILL');
    expect(r0.stderr).toMatch(/shard 0\/3 \(from --shard 0\/3\)/);
    expect(r1.stderr).toMatch(/shard 1\/3 \(from JOB_COMPLETION_INDEX=1 with --shards 3\)/);
    expect(r2.stderr).toMatch(
      /shard 2\/3 \(from SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_COUNT=3\)/,
    );

    // A kill mid-write leaves half a line: add one, which the restart must drop.
    const before = records(out(1)).filter((r) => r.type === 'run').length;
    const lastLine = fs.readFileSync(out(1), 'utf8').trimEnd().split('\n').at(-1)!;
    fs.appendFileSync(out(1), lastLine.slice(0, Math.floor(lastLine.length / 2)));

    // Merging now reports the gap and names the shard to rerun.
    const check = await cli('merge', [out(0), out(1), out(2), '--check']).done;
    expect(check.code).toBe(3);
    expect(check.stderr).toMatch(/cut off/);
    expect(check.stderr).toMatch(/rerun shard 1 of 3/);

    const again = await sweep(['--shards', '3', '--out', out(1)], { JOB_COMPLETION_INDEX: '1' })
      .done;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`resuming .*: ${before} runs`));
    expect(again.stderr).toMatch(/cut off .* is dropped/);

    const m = await cli('merge', [out(0), out(1), out(2), '--out', merged, '--check']).done;
    expect(m.stderr).toMatch(/9 of 9 columns complete/);
    expect(m.code).toBe(0);

    const one = await sweep(['--out', whole]).done;
    expect(one.code).toBe(0);

    // Each shard file holds each of its runs once; the merge, exactly the one-process records.
    for (let i = 0; i < 3; i++) {
      const ids = records(out(i))
        .filter((r) => r.type === 'run')
        .map((r) => `${r.width}-${r.seed}-${r.c}`);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const expected = records(whole);
    expect(expected.filter((r) => r.type === 'column')).toHaveLength(9);
    expect(records(merged)).toEqual(expected);
    const header = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8').split('\n')[0]!) as object;
    expect(header(merged)).toEqual(header(whole));
  });
});

describe('resume and merge, in process (uv model)', () => {
  const UV = ['--model', 'uv', '--widths', '64,256', '--seeds', '0,1', '--c', 'log2:0:3:0.5'];
  async function run(fn: typeof main, argv: string[], env = {}) {
    let err = '';
    const out: string[] = [];
    const code = await fn(argv, {
      stdout: (l) => out.push(l),
      stderr: (t) => (err += t),
      now: () => 0,
      repoRoot,
      env,
    });
    return { code, err, out };
  }

  it('refuses to resume a file of other settings, naming the setting, and leaves it as it was', async () => {
    const file = path.join(tmp, 'uv.jsonl');
    expect((await run(main, [...UV, '--out', file])).code).toBe(0);
    const bytes = fs.readFileSync(file, 'utf8');
    const r = await run(main, [...UV, '--steps', '12', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds another sweep: --steps is 10 in the file but 12 in this run/);
    expect(fs.readFileSync(file, 'utf8')).toBe(bytes);
    // The same settings resume and compute nothing.
    const same = await run(main, [...UV, '--quiet', '--out', file]);
    expect(same.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(bytes);
  });

  it('writes the header first on standard output too, and shards from the Slurm variables', async () => {
    const r = await run(main, [...UV, '--quiet'], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '2',
    });
    expect(r.code).toBe(0);
    const first = JSON.parse(r.out[0]!) as { type: string; shard: unknown };
    expect(first).toMatchObject({ type: 'sweep', shard: { index: 1, count: 2 } });
    expect(r.err).toMatch(/shard 1\/2 \(from SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=2\)/);
    const bad = await run(main, [...UV, '--shards', '2'], { JOB_COMPLETION_INDEX: '2' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/JOB_COMPLETION_INDEX=2 is not below --shards 2/);
  });

  it('merge names bad flags, files of other sweeps and unreadable files', async () => {
    expect((await run(mergeMain, [])).err).toMatch(/no files to merge/);
    expect((await run(mergeMain, ['a.jsonl'])).err).toMatch(/give --out FILE/);
    const a = path.join(tmp, 'm-a.jsonl');
    const b = path.join(tmp, 'm-b.jsonl');
    await run(main, [...UV, '--out', a]);
    await run(main, [...UV, '--divergence-loss', '1000', '--out', b]);
    const r = await run(mergeMain, [a, b, '--out', '-']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /m-b\.jsonl is from another sweep than .*m-a\.jsonl: --divergence-loss is 100000/,
    );
    expect(r.out).toEqual([]);
    const missing = await run(mergeMain, [a, path.join(tmp, 'nope.jsonl'), '--check']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*nope\.jsonl/);
    // Merging a file into itself is allowed: it is replaced at the end, whole.
    const self = await run(mergeMain, [a, a, '--out', a]);
    expect(self.code).toBe(0);
    expect(self.err).toMatch(/4 of 4 columns complete/);
    expect(self.err).toMatch(/duplicates removed/);
  });
  it('the app imports a merged file: the header gives the settings, the gaps are named', async () => {
    const s0 = path.join(tmp, 'app-s0.jsonl');
    const s1 = path.join(tmp, 'app-s1.jsonl');
    const merged = path.join(tmp, 'app-merged.jsonl');
    await run(main, [...UV, '--shard', '0/2', '--quiet', '--out', s0]);
    // Only shard 0 has run: the merge is written, --check says it is incomplete.
    const part = await run(mergeMain, [s0, '--out', merged, '--check']);
    expect(part.code).toBe(3);
    expect(part.err).toMatch(/rerun shard 1 of 2/);
    const partial = parseResultsText(fs.readFileSync(merged, 'utf8'));
    expect(partial.rejected).toEqual([]);
    expect(partial.settings?.widths).toEqual([64, 256]);
    const gaps = importGaps(partial);
    expect(gaps).toMatch(/^\d of 4 columns missing \(d2-w/);
    await run(main, [...UV, '--shard', '1/2', '--quiet', '--out', s1]);
    expect((await run(mergeMain, [merged, s1, '--out', merged, '--check'])).code).toBe(0);
    const whole = parseResultsText(fs.readFileSync(merged, 'utf8'));
    expect(importGaps(whole)).toBeNull();
    expect(whole.columns).toHaveLength(4);
    expect(whole.rejected).toEqual([]);
  });
});

describe('plan', () => {
  const PAPER = [
    '--dataset', 'cifar10', '--depths', '8', '--widths', '64,128,256,512,1024,2048',
    '--c', 'log2:0:4.5:0.1', '--batch', '512', '--train-size', '8192', '--measure-size', '4096',
  ]; // prettier-ignore
  async function plan(argv: string[]) {
    const out: string[] = [];
    let err = '';
    const code = await planMain(argv, {
      stdout: (l) => out.push(l),
      stderr: (t) => (err += t),
      now: () => 0,
      repoRoot,
    });
    return { code, out, err };
  }

  it('shows the partition --shard runs and projects wall time from a rate', async () => {
    const r = await plan([...PAPER, '--seeds', '0,1,2', '--shards', '3', '--gflops', '20']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^18 columns, \d+ GFLOP estimated ≈ [\d.]+ days in one process/);
    const shardLines = r.out.filter((l) => l.startsWith('  shard '));
    expect(shardLines).toHaveLength(3);
    // Each shard gets one of the three w = 2048 columns (they dominate the cost).
    for (const l of shardLines) expect(l.match(/d8-w2048-s\d/g)).toHaveLength(1);
  });

  it('says that no shard count beats the largest column', async () => {
    const r = await plan([...PAPER, '--shards', '1,2,8', '--gflops', '20']);
    const largest = /the largest column (\d+) GFLOP/.exec(r.out[0]!)![1];
    expect(r.out[2]).toContain(`largest shard ${largest} GFLOP`);
    expect(r.out[3]).toContain(`largest shard ${largest} GFLOP`);
    expect(r.out[1]).not.toContain(`largest shard ${largest} GFLOP`);
  });

  it('names bad flags', async () => {
    expect((await plan(PAPER)).err).toMatch(/--shards needs whole numbers/);
    expect((await plan([...PAPER, '--shards', '2', '--gflops', '-1'])).err).toMatch(
      /--gflops must be a positive number/,
    );
    expect((await plan(['--widths', 'x', '--shards', '2'])).code).toBe(2);
  });
});
