/** The CLI as other programs use it: flags in, JSON Lines out, exit codes. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';

const repoRoot = path.resolve(__dirname, '../..');

async function runCli(argv: string[]) {
  const out: string[] = [];
  let err = '';
  let t = 0;
  const code = await main(argv, {
    stdout: (line) => out.push(line),
    stderr: (text) => {
      err += text;
    },
    // A fixed clock makes the records' `seconds` (and so the bytes) reproducible.
    now: () => (t += 1),
    repoRoot,
  });
  return {
    code,
    lines: out,
    records: out.map((l) => JSON.parse(l) as Record<string, unknown>),
    err,
  };
}

describe('sweep CLI', () => {
  it('uv model at w = 1024: runs and columns with c_loss ≈ 2 and c_max ≈ 4', async () => {
    const r = await runCli([
      '--model',
      'uv',
      '--widths',
      '1024',
      '--seeds',
      '0,1,2,3,4',
      '--c',
      'log2:0:3:0.05',
      '--steps',
      '10',
      '--out',
      '-',
    ]);
    expect(r.code).toBe(0);
    const runs = r.records.filter((x) => x.type === 'run');
    const cols = r.records.filter((x) => x.type === 'column');
    expect(cols).toHaveLength(5);
    expect(runs.length).toBeGreaterThan(5 * 40);
    for (const key of [
      'depth',
      'width',
      'c',
      'seed',
      'eta',
      'lambda0',
      'loss0',
      'diverged',
      'regime',
      'loss',
      'sharpness',
      'lanczosIters',
      'seconds',
    ])
      expect(runs[0]).toHaveProperty(key);
    for (const col of cols) {
      expect(col.c_loss as number).toBeGreaterThanOrEqual(1.95);
      expect(col.c_loss as number).toBeLessThanOrEqual(2.1);
    }
    // A seed whose L_0 is tiny (f_0 ≈ 0) needs more than T = 10 steps to pass the absolute
    // divergence threshold just above c = 4, so c_max is judged by the median over seeds.
    const cMax = cols.map((c) => c.c_max as number).sort((a, b) => a - b);
    expect(cMax[2]!).toBeGreaterThanOrEqual(3.9);
    expect(cMax[2]!).toBeLessThanOrEqual(4.1);
    expect(r.err).toMatch(/ETA/);
  });

  it.each([
    ['myrtle', '5', '8'],
    ['resnet', '18', '4'],
  ])(
    '--model %s --depths %s --widths %s on CIFAR-10 writes run and column records',
    async (model, depth, width) => {
      const r = await runCli([
        ...['--model', model, '--depths', depth, '--widths', width],
        ...['--dataset', 'cifar10', '--data-dir', path.join(repoRoot, 'tests/fixtures/cifar10')],
        ...['--train-size', '16', '--batch', '8', '--measure-size', '8'],
        ...['--c', '1,2', '--steps', '2', '--lanczos-max-iters', '5', '--out', '-', '--quiet'],
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const runs = r.records.filter((x) => x.type === 'run');
      const cols = r.records.filter((x) => x.type === 'column');
      expect(runs.map((x) => x.c)).toEqual([1, 2]);
      expect(cols).toHaveLength(1);
      for (const x of [...runs, ...cols])
        expect(x).toMatchObject({ depth: Number(depth), width: Number(width), seed: 0 });
      expect(cols[0]!['lambda0']).toBeGreaterThan(0);
      for (const x of runs) expect((x['loss'] as number[]).length).toBe(3);
    },
    600_000,
  );

  it('writes byte-identical JSON Lines for the same settings', async () => {
    const argv = [
      '--dataset',
      'synthetic',
      '--depths',
      '2',
      '--widths',
      '8',
      '--train-size',
      '256',
      '--batch',
      '64',
      '--measure-size',
      '64',
      '--c',
      '1,4,16',
      '--backend',
      'cpu',
      // One thread: with more, `seconds` is each thread's own clock (cliWorkers.test.ts compares
      // the rest).
      '--workers',
      '1',
      '--quiet',
    ];
    const a = await runCli(argv);
    const b = await runCli(argv);
    expect(a.code).toBe(0);
    expect(a.lines.length).toBeGreaterThan(1);
    expect(b.lines.join('\n')).toBe(a.lines.join('\n'));
  });

  it('names the bad flag and exits with status 2 (as a real process)', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'sweep', '--widths', '64,abc'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--widths: "abc" is not an integer/);
    expect(res.stdout).toBe('');
  });

  it('reports a missing data folder without a stack trace', async () => {
    const r = await runCli(['--dataset', 'cifar10', '--data-dir', '/nonexistent/dir']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/nonexistent\/dir/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
