import { describe, expect, it } from 'vitest';
import { COMMANDS, dispatch, usage } from './bin';
import type { CliIo } from './process';

function io(): CliIo & { out: string[]; err: string } {
  const r = {
    out: [] as string[],
    err: '',
    stdout: (line: string) => r.out.push(line),
    stderr: (text: string) => {
      r.err += text;
    },
    now: () => 0,
    repoRoot: '/nonexistent',
  };
  return r;
}

describe('phase-explorer dispatch', () => {
  it('--version and -V print the version alone on stdout', async () => {
    for (const flag of ['--version', '-V']) {
      const r = io();
      expect(await dispatch([flag], r, '9.8.7')).toBe(0);
      expect(r.out).toEqual(['9.8.7']);
      expect(r.err).toBe('');
    }
  });

  it('--help lists every command with its summary; no arguments prints it to stderr, status 2', async () => {
    const r = io();
    expect(await dispatch(['--help'], r, '1.0.0')).toBe(0);
    const text = r.out.join('\n');
    expect(text).toContain('phase-explorer 1.0.0');
    for (const [name, c] of Object.entries(COMMANDS))
      expect(text).toContain(`${name}  ${c.summary}`);
    const bare = io();
    expect(await dispatch([], bare, '1.0.0')).toBe(2);
    expect(bare.out).toEqual([]);
    expect(bare.err).toBe(`${usage('1.0.0')}\n`);
  });

  it('names an unknown command (and does not mistake an Object property for one)', async () => {
    for (const name of ['swep', 'toString', '__proto__', '--model']) {
      const r = io();
      expect(await dispatch([name, '--out', '-'], r, '1.0.0')).toBe(2);
      expect(r.err).toContain(`unknown command '${name}'; commands: sweep`);
    }
  });

  it('hands the arguments after the name to the command: sweep runs the uv model', async () => {
    const r = io();
    const argv = [
      'sweep',
      '--model',
      'uv',
      '--widths',
      '256',
      '--c',
      '1,3',
      '--out',
      '-',
      '--quiet',
    ];
    expect(await dispatch(argv, r, '1.0.0')).toBe(0);
    const records = r.out.map((l) => JSON.parse(l) as { type: string; c?: number });
    expect(records.filter((x) => x.type === 'run').map((x) => x.c)).toEqual([1, 3]);
    expect(records.filter((x) => x.type === 'column')).toHaveLength(1);
    const bad = io();
    expect(await dispatch(['sweep', '--widths', '64,abc'], bad, '1.0.0')).toBe(2);
    expect(bad.err).toMatch(/--widths/);
  });
});
