/**
 * The one settings table. Every setting is one row: its type, default, range, URL key, CLI flag
 * and help text. Types, URL encoding, CLI parsing and control widgets are all derived from it.
 */

export type DatasetName = 'mnist' | 'cifar10' | 'fashion-mnist' | 'synthetic' | 'uv';
export type ModelName = 'fcn' | 'uv';
export type Activation = 'relu' | 'tanh' | 'linear';
export type Parameterisation = 'sp' | 'ntk' | 'mup';
export type Readout = 'normal' | 'zero';
export type LossName = 'mse' | 'xent';
export type SearchMode = 'grid' | 'bisect';
export type DiagramAxis = 'd/w' | '1/w' | 'd' | 'w';

/** A c grid: either c = 2^x for x = start, start+step, ..., stop, or an explicit list. */
export type CGrid =
  { kind: 'log2'; start: number; stop: number; step: number } | { kind: 'list'; values: number[] };

export interface Settings {
  dataset: DatasetName;
  model: ModelName;
  activation: Activation;
  param: Parameterisation;
  readout: Readout;
  bias: boolean;
  centered: boolean;
  depths: number[];
  widths: number[];
  cGrid: CGrid;
  steps: number;
  batch: number;
  trainSize: number;
  measureSize: number;
  seeds: number[];
  dataSeed: number;
  loss: LossName;
  search: SearchMode;
  bisectResolution: number;
  lanczosTol: number;
  lanczosMaxIters: number;
  ensemble: number;
  sharpEpsilon: number;
  divergenceLoss: number;
  axis: DiagramAxis;
}

export type SettingKey = keyof Settings;

interface RowBase<K extends SettingKey> {
  key: K;
  /** Short key in the URL hash. */
  url: string;
  /** CLI flag without the leading dashes. */
  flag: string;
  label: string;
  help: string;
  /** Settings that only matter to the run (false: display only, e.g. the diagram axis). */
  affectsRuns: boolean;
  /**
   * True for settings that change how runs are computed but not their results (the ensemble
   * size): stored results stay valid when they change.
   */
  executionOnly?: boolean;
}

export interface EnumRow<K extends SettingKey> extends RowBase<K> {
  kind: 'enum';
  options: readonly Settings[K][];
  optionLabels?: Readonly<Record<string, string>>;
}
export interface IntRow<K extends SettingKey> extends RowBase<K> {
  kind: 'int';
  min: number;
  max: number;
}
export interface NumberRow<K extends SettingKey> extends RowBase<K> {
  kind: 'number';
  min: number;
  max: number;
}
export interface IntListRow<K extends SettingKey> extends RowBase<K> {
  kind: 'intList';
  min: number;
  max: number;
  maxLength: number;
}
export interface BoolRow<K extends SettingKey> extends RowBase<K> {
  kind: 'bool';
}
export interface CGridRow<K extends SettingKey> extends RowBase<K> {
  kind: 'cGrid';
  /** Bounds on every c value and on the number of values. */
  minC: number;
  maxC: number;
  maxValues: number;
}

export type Row =
  | EnumRow<'dataset'>
  | EnumRow<'model'>
  | EnumRow<'activation'>
  | EnumRow<'param'>
  | EnumRow<'readout'>
  | EnumRow<'loss'>
  | EnumRow<'search'>
  | EnumRow<'axis'>
  | BoolRow<'bias'>
  | BoolRow<'centered'>
  | IntListRow<'depths'>
  | IntListRow<'widths'>
  | IntListRow<'seeds'>
  | CGridRow<'cGrid'>
  | IntRow<'steps'>
  | IntRow<'batch'>
  | IntRow<'trainSize'>
  | IntRow<'measureSize'>
  | IntRow<'dataSeed'>
  | IntRow<'lanczosMaxIters'>
  | IntRow<'ensemble'>
  | NumberRow<'bisectResolution'>
  | NumberRow<'lanczosTol'>
  | NumberRow<'sharpEpsilon'>
  | NumberRow<'divergenceLoss'>;

/**
 * Defaults are the app's quick demo: built-in MNIST, small enough to fill in about a minute on one
 * CPU core (wasm), yet wide enough in d/w (2/256 to 2/16) to show c_loss near 2 at the small end
 * and a wide sharpness-reduction window at the large end. M = 128 keeps each HVP cheap; the
 * Lanczos tolerance 1e-3 is the relative residual (eigenvalue error is quadratic in it).
 */
export const DEFAULTS: Readonly<Settings> = Object.freeze({
  dataset: 'mnist',
  model: 'fcn',
  activation: 'relu',
  param: 'sp',
  readout: 'normal',
  bias: false,
  centered: false,
  depths: [2],
  widths: [16, 64, 256],
  cGrid: { kind: 'log2', start: 0.5, stop: 7, step: 0.5 },
  steps: 10,
  batch: 128,
  trainSize: 2048,
  measureSize: 128,
  seeds: [0],
  dataSeed: 0,
  loss: 'mse',
  search: 'grid',
  bisectResolution: 0.1,
  lanczosTol: 1e-3,
  lanczosMaxIters: 20,
  ensemble: 1,
  sharpEpsilon: 0,
  divergenceLoss: 1e5,
  axis: 'd/w',
}) as Settings;

export const SCHEMA: readonly Row[] = [
  {
    key: 'dataset',
    url: 'ds',
    flag: 'dataset',
    kind: 'enum',
    options: ['mnist', 'cifar10', 'fashion-mnist', 'synthetic', 'uv'],
    optionLabels: {
      mnist: 'MNIST (built in)',
      cifar10: 'CIFAR-10 (load file)',
      'fashion-mnist': 'Fashion-MNIST (load files)',
      synthetic: 'Synthetic (Gaussian clusters)',
      uv: 'uv model (one example)',
    },
    label: 'Dataset',
    help: 'Training data. MNIST is built in; CIFAR-10 and Fashion-MNIST need their official files. "uv model" trains the two-layer linear toy model of the paper on one example.',
    affectsRuns: true,
  },
  {
    key: 'model',
    url: 'm',
    flag: 'model',
    kind: 'enum',
    options: ['fcn', 'uv'],
    optionLabels: { fcn: 'Fully connected network', uv: 'uv model' },
    label: 'Model',
    help: 'FCN: d Dense layers (d−1 hidden of width w, then a readout of 10). uv: f = vᵀu·x/√w, exact and instant.',
    affectsRuns: true,
  },
  {
    key: 'activation',
    url: 'act',
    flag: 'activation',
    kind: 'enum',
    options: ['relu', 'tanh', 'linear'],
    label: 'Activation',
    help: 'Nonlinearity of the hidden layers (the paper uses ReLU).',
    affectsRuns: true,
  },
  {
    key: 'param',
    url: 'p',
    flag: 'param',
    kind: 'enum',
    options: ['sp', 'ntk', 'mup'],
    optionLabels: { sp: 'Standard (SP)', ntk: 'NTK', mup: 'µP-style readout' },
    label: 'Parameterisation',
    help: 'SP: weights ~ N(0, σ²/fan_in). NTK: weights ~ N(0,1), each layer scaled by √(σ²/fan_in). µP-style: SP hidden layers, readout scaled by 1/√w more.',
    affectsRuns: true,
  },
  {
    key: 'readout',
    url: 'ro',
    flag: 'readout',
    kind: 'enum',
    options: ['normal', 'zero'],
    optionLabels: { normal: 'Random', zero: 'Zero (f = 0 at init)' },
    label: 'Readout init',
    help: 'Zero readout makes the network output zero at initialisation; then L_0 = 0.05 and c_loss = 2 at every depth and width.',
    affectsRuns: true,
  },
  {
    key: 'bias',
    url: 'b',
    flag: 'bias',
    kind: 'bool',
    label: 'Biases',
    help: 'Add biases (initialised to 0) to every layer. The paper uses none.',
    affectsRuns: true,
  },
  {
    key: 'centered',
    url: 'ctr',
    flag: 'centered',
    kind: 'bool',
    label: 'Centred output',
    help: 'Train f(x; θ) − f(x; θ_0), so the output is zero at initialisation.',
    affectsRuns: true,
  },
  {
    key: 'depths',
    url: 'd',
    flag: 'depths',
    kind: 'intList',
    min: 1,
    max: 64,
    maxLength: 16,
    label: 'Depths d',
    help: 'Numbers of Dense layers, comma separated (1 is a linear model).',
    affectsRuns: true,
  },
  {
    key: 'widths',
    url: 'w',
    flag: 'widths',
    kind: 'intList',
    min: 1,
    max: 8192,
    maxLength: 16,
    label: 'Widths w',
    help: 'Hidden-layer widths, comma separated.',
    affectsRuns: true,
  },
  {
    key: 'cGrid',
    url: 'c',
    flag: 'c',
    kind: 'cGrid',
    minC: 1e-3,
    maxC: 1e4,
    maxValues: 400,
    label: 'c grid',
    help: 'Learning rates η = c/λ_0. "log2:START:STOP:STEP" gives c = 2^x for x from START to STOP; or a list "1,2,4". A column stops at its first divergence.',
    affectsRuns: true,
  },
  {
    key: 'steps',
    url: 't',
    flag: 'steps',
    kind: 'int',
    min: 1,
    max: 2000,
    label: 'Steps T',
    help: 'SGD steps per run (the early window of the paper is T = 10).',
    affectsRuns: true,
  },
  {
    key: 'batch',
    url: 'bs',
    flag: 'batch',
    kind: 'int',
    min: 1,
    max: 8192,
    label: 'Batch B',
    help: 'SGD batch size (paper: 512). Must not exceed the training-set size.',
    affectsRuns: true,
  },
  {
    key: 'trainSize',
    url: 'n',
    flag: 'train-size',
    kind: 'int',
    min: 1,
    max: 60000,
    label: 'Training examples N',
    help: 'Use the first N records of the training file.',
    affectsRuns: true,
  },
  {
    key: 'measureSize',
    url: 'mm',
    flag: 'measure-size',
    kind: 'int',
    min: 1,
    max: 60000,
    label: 'Measurement set M',
    help: 'λ_t and L_t are measured on the first M training examples, the same set for every step and every c (paper: 4096).',
    affectsRuns: true,
  },
  {
    key: 'seeds',
    url: 's',
    flag: 'seeds',
    kind: 'intList',
    min: 0,
    max: 2 ** 31 - 1,
    maxLength: 32,
    label: 'Init seeds',
    help: 'One column per seed; critical values are averaged over seeds.',
    affectsRuns: true,
  },
  {
    key: 'dataSeed',
    url: 'dseed',
    flag: 'data-seed',
    kind: 'int',
    min: 0,
    max: 2 ** 31 - 1,
    label: 'Data-order seed',
    help: 'Seed of the batch order, separate from the init seed: every run sees the same batches.',
    affectsRuns: true,
  },
  {
    key: 'loss',
    url: 'l',
    flag: 'loss',
    kind: 'enum',
    options: ['mse', 'xent'],
    optionLabels: { mse: 'MSE (½·mean)', xent: 'Cross-entropy' },
    label: 'Loss',
    help: 'MSE = ½·mean over batch and classes of (f − y)²; cross-entropy is the mean over the batch.',
    affectsRuns: true,
  },
  {
    key: 'search',
    url: 'se',
    flag: 'search',
    kind: 'enum',
    options: ['grid', 'bisect'],
    optionLabels: { grid: 'Full grid', bisect: 'Bisection' },
    label: 'Search',
    help: 'Full grid runs every c up to the first divergence; bisection locates c_loss, c_sharp and c_max with fewer runs.',
    affectsRuns: true,
  },
  {
    key: 'bisectResolution',
    url: 'br',
    flag: 'bisect-resolution',
    kind: 'number',
    min: 0.001,
    max: 2,
    label: 'Bisection resolution (log2 c)',
    help: 'Bisection stops when each critical value is bracketed this finely in log2 c.',
    affectsRuns: true,
  },
  {
    key: 'lanczosTol',
    url: 'lt',
    flag: 'lanczos-tol',
    kind: 'number',
    min: 0,
    max: 0.5,
    label: 'Lanczos tolerance',
    help: 'Relative residual at which a sharpness estimate stops. 0: always use the maximum number of iterations.',
    affectsRuns: true,
  },
  {
    key: 'lanczosMaxIters',
    url: 'li',
    flag: 'lanczos-max-iters',
    kind: 'int',
    min: 1,
    max: 200,
    label: 'Lanczos iterations (max)',
    help: 'Most Hessian-vector products per sharpness estimate.',
    affectsRuns: true,
  },
  {
    key: 'ensemble',
    url: 'ens',
    flag: 'ensemble',
    kind: 'int',
    min: 1,
    max: 64,
    label: 'Ensemble size',
    help: 'Run this many c values of a column together as one batched model (one HVP serves all). Faster on a GPU; results are the same.',
    affectsRuns: true,
    executionOnly: true,
  },
  {
    key: 'sharpEpsilon',
    url: 'eps',
    flag: 'sharp-epsilon',
    kind: 'number',
    min: 0,
    max: 1,
    label: 'Sharpness ε',
    help: 'c_sharp needs λ_t/λ_0 > 1 + ε (the paper uses 0.05 for zero-output networks).',
    affectsRuns: true,
  },
  {
    key: 'divergenceLoss',
    url: 'dl',
    flag: 'divergence-loss',
    kind: 'number',
    min: 1,
    max: 1e30,
    label: 'Divergence threshold',
    help: 'A run diverges when its loss exceeds this (or is not finite).',
    affectsRuns: true,
  },
  {
    key: 'axis',
    url: 'ax',
    flag: 'axis',
    kind: 'enum',
    options: ['d/w', '1/w', 'd', 'w'],
    label: 'Diagram x axis',
    help: 'Horizontal axis of the phase diagram.',
    affectsRuns: false,
  },
];

export function rowFor<K extends SettingKey>(key: K): Row & { key: K } {
  const row = SCHEMA.find((r) => r.key === key);
  if (!row) throw new Error(`no schema row for ${key}`);
  return row as Row & { key: K };
}
