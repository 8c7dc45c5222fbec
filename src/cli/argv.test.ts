import { describe, expect, it } from 'vitest';
import {
  choiceFlag,
  flagHelp,
  parseArgv,
  settingFlag,
  switchFlag,
  textFlag,
  type FlagSpec,
} from './argv';

const SPECS = {
  widths: settingFlag('widths'),
  wideSeeds: settingFlag('seeds', { flag: 'wide-seeds', help: 'Seeds of the wide columns.' }),
  bias: settingFlag('bias'),
  quick: switchFlag('quick', 'Be quick.'),
  out: textFlag('out', 'FILE', 'Where to write.', 'a file name'),
  mode: choiceFlag('mode', ['a', 'b'] as const, 'A or b.'),
};

describe('flag parser', () => {
  it('returns typed values for the flags given only', () => {
    const r = parseArgv(['--widths', '256,64', '--wide-seeds=3', '--quick', '--mode', 'b'], SPECS);
    expect(r).toEqual({
      ok: true,
      values: { widths: [64, 256], wideSeeds: [3], quick: true, mode: 'b' },
    });
    if (r.ok) {
      // Typed from the specs: a number list, a boolean, a choice.
      const w: number[] | undefined = r.values.widths;
      const q: boolean | undefined = r.values.quick;
      const m: 'a' | 'b' | undefined = r.values.mode;
      expect([w, q, m]).toEqual([[64, 256], true, 'b']);
    }
  });

  it('switches take no value but accept =0; a lone -- is a value', () => {
    expect(parseArgv(['--quick=0', '--bias'], SPECS)).toEqual({
      ok: true,
      values: { quick: false, bias: true },
    });
    expect(parseArgv(['--out', '--'], SPECS)).toEqual({ ok: true, values: { out: '--' } });
  });

  it.each([
    [['--widths'], '--widths needs a value'],
    [['--widths', '--quick'], '--widths needs a value'],
    [['--widths', '0'], '--widths: 0 is outside [1, 8192]'],
    [['--wide-seeds', 'x'], '--wide-seeds: "x" is not an integer'],
    [['--quick=maybe'], '--quick: "maybe" is not a yes/no value (1 or 0)'],
    [['--out', ' '], '--out: needs a file name'],
    [['--mode', 'c'], '--mode: "c" is not one of a, b'],
    [['--seeds', '1'], 'unknown flag --seeds (see --help)'],
    [['--quick', '--quick'], '--quick given twice'],
    [['quick'], 'unexpected argument "quick" (flags start with --)'],
  ])('refuses %j: %s', (argv, error) => {
    expect(parseArgv(argv, SPECS)).toEqual({ ok: false, error });
  });

  it('refuses two specs with one flag: that is a bug in the caller', () => {
    const twice: Record<string, FlagSpec<unknown>> = {
      a: switchFlag('x', ''),
      b: switchFlag('x', ''),
    };
    expect(() => parseArgv([], twice)).toThrow(/--x is defined twice/);
  });

  it('writes help from the specs, a setting with its default', () => {
    const lines = flagHelp(SPECS);
    expect(lines[0]).toBe('  --widths VALUE');
    expect(lines[1]).toMatch(/Hidden-layer widths.*\(default 16,64,256\)$/);
    expect(lines).toContain('  --wide-seeds VALUE');
    expect(lines).toContain('      Seeds of the wide columns.');
    expect(lines).toContain('  --quick');
    expect(lines).toContain('  --mode a|b');
  });

  it('says how to turn a switch the other way from its default', () => {
    // bias is off by default; the barrier is on, and its help says how to turn it off.
    expect(settingFlag('bias').help).toMatch(/\(default off\)$/);
    const barrier = settingFlag('barrier');
    expect(barrier.help).toMatch(/\(default on; --barrier=0 turns it off\)$/);
    const off = parseArgv(['--barrier=0'], { barrier });
    expect(off.ok && off.values.barrier).toBe(false);
  });
});
