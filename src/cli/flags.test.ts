import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFlags, helpText } from './flags';
import { CHECKS, nameByFlag, type CheckId } from '../core/settings/checks';
import { cloneDefaults } from '../core/settings/codec';
import { SCHEMA, type Settings } from '../core/settings/schema';

const ok = (argv: string[]) => {
  const r = parseFlags(argv);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const err = (argv: string[]) => {
  const r = parseFlags(argv);
  if (r.ok) throw new Error(`accepted ${argv.join(' ')}`);
  return r.error;
};

describe('CLI flags', () => {
  it('parses the flags of the sweep command', () => {
    const o = ok([
      '--dataset',
      'cifar10',
      '--data-dir',
      '/d',
      '--model',
      'fcn',
      '--activation',
      'tanh',
      '--param',
      'ntk',
      '--readout',
      'zero',
      '--depths',
      '2,4,8',
      '--widths',
      '64,128',
      '--c',
      'log2:0:3:0.5',
      '--steps',
      '10',
      '--batch',
      '512',
      '--train-size',
      '4096',
      '--measure-size',
      '1024',
      '--seeds',
      '0,1,2',
      '--loss',
      'xent',
      '--search',
      'bisect',
      '--lanczos-tol',
      '0',
      '--lanczos-max-iters',
      '12',
      '--backend',
      'cpu',
      '--out',
      'x.jsonl',
    ]);
    expect(o.settings).toMatchObject({
      dataset: 'cifar10',
      activation: 'tanh',
      param: 'ntk',
      readout: 'zero',
      depths: [2, 4, 8],
      widths: [64, 128],
      cGrid: { kind: 'log2', start: 0, stop: 3, step: 0.5 },
      batch: 512,
      trainSize: 4096,
      measureSize: 1024,
      seeds: [0, 1, 2],
      loss: 'xent',
      search: 'bisect',
      lanczosTol: 0,
      lanczosMaxIters: 12,
    });
    expect(o).toMatchObject({ dataDir: '/d', backend: 'cpu', out: 'x.jsonl' });
  });

  it('reads --data-seeds as a list of order seeds (empty by default) and names a bad one', () => {
    expect(ok([]).settings.dataSeeds).toEqual([]);
    expect(ok(['--data-seeds', '2,0,1', '--data-seed', '5']).settings).toMatchObject({
      dataSeeds: [0, 1, 2],
      dataSeed: 5,
    });
    const bad = parseFlags(['--data-seeds', '0,-1']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/--data-seeds/);
  });

  it('accepts --flag=value, lists of c and boolean flags', () => {
    const o = ok(['--c=1,2,4', '--bias', '--quiet']);
    expect(o.settings.cGrid).toEqual({ kind: 'list', values: [1, 2, 4] });
    expect(o.settings.bias).toBe(true);
    expect(o.quiet).toBe(true);
  });

  it('treats --model uv and --dataset uv alike', () => {
    expect(ok(['--model', 'uv']).settings.dataset).toBe('uv');
    expect(ok(['--dataset', 'uv']).settings.model).toBe('uv');
    expect(err(['--model', 'fcn', '--dataset', 'uv'])).toMatch(
      /--model fcn contradicts --dataset uv/,
    );
  });

  it.each([
    [['--depths', '2,x'], /--depths: "x" is not an integer/],
    [['--widths', '0'], /--widths: 0 is outside/],
    [['--steps'], /--steps needs a value/],
    [['--steps', '--batch', '4'], /--steps needs a value/],
    [['--dataset', 'imagenet'], /--dataset: "imagenet" is not one of/],
    [['--backend', 'webgl'], /--backend: "webgl" is not one of wasm, cpu, webgpu/],
    [['--frobnicate', '1'], /unknown flag --frobnicate/],
    [['--c', 'log2:0:3'], /--c: expected log2:START:STOP:STEP/],
    [['--batch', '4096', '--train-size', '1000'], /--batch 4096 exceeds --train-size 1000/],
    [['--steps', '3', '--steps', '4'], /--steps given twice/],
    [['stray'], /unexpected argument "stray"/],
    [['--lanczos-tol', '-1'], /--lanczos-tol: -1 is outside/],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(err(argv)).toMatch(message);
  });

  /** For each settings rule, flags that break it and the settings they mean. */
  const BREAKING: Record<CheckId, { argv: string[]; settings: Partial<Settings> }> = {
    'uv-is-its-own-dataset': {
      argv: ['--dataset', 'uv', '--model', 'fcn'],
      settings: { dataset: 'uv', model: 'fcn' },
    },
    'depths-fit-model': {
      argv: ['--model', 'resnet', '--depths', '18,20'],
      settings: { model: 'resnet', depths: [18, 20] },
    },
    'batch-within-train-size': {
      argv: ['--train-size', '300', '--batch=512'],
      settings: { trainSize: 300, batch: 512 },
    },
    'measure-within-train-size': {
      argv: ['--train-size', '300', '--measure-size', '301', '--batch', '8'],
      settings: { trainSize: 300, measureSize: 301, batch: 8 },
    },
  };

  it.each(CHECKS.map((c) => [c.id, c] as const))(
    'refuses settings that break %s, in the words of the rule',
    (id, check) => {
      const { argv, settings } = BREAKING[id];
      expect(err(argv)).toBe(check.words({ ...cloneDefaults(), ...settings }, nameByFlag));
    },
  );

  it('lets the uv dataset follow a lone --model uv, and fixes what uv does not use without a word', () => {
    const o = ok(['--model', 'uv', '--batch', '4096']);
    expect(o.settings).toMatchObject({ model: 'uv', dataset: 'uv' });
    // B does not apply to the uv model; it is held within N should it ever matter.
    expect(o.settings.batch).toBe(o.settings.trainSize);
    expect(ok(['--dataset', 'mnist']).settings.model).toBe('fcn');
  });

  it('gives a lone --model myrtle or resnet its first depth, and refuses a depth it lacks', () => {
    expect(ok(['--model', 'myrtle']).settings.depths).toEqual([5]);
    expect(ok(['--model', 'resnet', '--stem', 'cifar']).settings).toMatchObject({
      depths: [18],
      stem: 'cifar',
    });
    expect(err(['--model', 'myrtle', '--depths', '4'])).toBe(
      '--depths 4 does not fit --model myrtle: Myrtle CNN depth must be one of 5, 7, 10, got 4',
    );
    expect(err(['--stem', 'tiny'])).toMatch(/--stem: "tiny" is not one of imagenet, cifar/);
  });

  it('documents every run setting in --help', () => {
    const text = helpText();
    for (const row of SCHEMA) if (row.affectsRuns) expect(text).toContain(`--${row.flag}`);
  });

  it('never throws on arbitrary argv, and every refusal names a flag or argument', () => {
    const flags = [
      ...SCHEMA.map((r) => `--${r.flag}`),
      '--data-dir',
      '--backend',
      '--out',
      '--quiet',
      '--help',
      '--x',
    ];
    const token = fc.oneof(
      fc.constantFrom(...flags),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('-1', '0', '1e9', 'NaN', 'log2:0:1:0.1', '1,2', '', '--'),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        const r = parseFlags(argv);
        if (!r.ok) expect(r.error).toMatch(/--|argument/);
        else if (r.value.settings.model !== 'uv')
          expect(r.value.settings.batch).toBeLessThanOrEqual(r.value.settings.trainSize);
      }),
      { numRuns: 1000 },
    );
  });
});
