/**
 * The one settings table. Every setting is one row: its type, default, range, URL key, CLI flag,
 * help text, form group and the models it applies to. The `Settings` type, `DEFAULTS`, URL
 * encoding, CLI flags and the form's controls are all derived from it, so adding a setting is
 * one row here plus the code that uses it.
 *
 * The order of the rows is part of the format: links list their fields in it, and the results
 * key of stored runs (app/sweep/resultsKey.ts) concatenates the settings in it. Add rows; do not
 * reorder them.
 */

/** A c grid: either c = 2^x for x = start, start+step, ..., stop, or an explicit list. */
export type CGrid =
  { kind: 'log2'; start: number; stop: number; step: number } | { kind: 'list'; values: number[] };

/**
 * Model names, the options of the `model` row. A row's `models` (the models it applies to) names
 * them, so a model added here is checked against every row that lists models.
 */
export const MODEL_NAMES = ['fcn', 'uv', 'myrtle', 'resnet'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** The groups of the settings form, in order; a row names its group. */
export const GROUPS = [
  { id: 'data', title: 'Data', placement: 'form' },
  { id: 'model', title: 'Model', placement: 'form' },
  { id: 'sweep', title: 'Sweep', placement: 'form' },
  { id: 'training', title: 'Training', placement: 'form' },
  { id: 'advanced', title: 'Advanced', placement: 'collapsed' },
  /** Display settings that live on the diagram's own toolbar. */
  { id: 'diagram', title: 'Diagram', placement: 'diagram' },
] as const satisfies readonly {
  id: string;
  title: string;
  placement: 'form' | 'collapsed' | 'diagram';
}[];
export type GroupId = (typeof GROUPS)[number]['id'];

/** Deeply read-only: what a row's default may be (the table is `as const`). */
export type Frozen<T> = T extends readonly (infer E)[]
  ? readonly Frozen<E>[]
  : T extends object
    ? { readonly [P in keyof T]: Frozen<T[P]> }
    : T;

interface RowBase<K extends string, V> {
  readonly key: K;
  /** Short key in the URL hash. */
  readonly url: string;
  /** CLI flag without the leading dashes. */
  readonly flag: string;
  readonly label: string;
  readonly help: string;
  readonly default: Frozen<V>;
  /** Where the form shows the control. */
  readonly group: GroupId;
  /** The models the setting applies to; absent: every model. The form hides it for the others. */
  readonly models?: readonly ModelName[];
  /** Settings that only matter to the run (false: display only, e.g. the diagram axis). */
  readonly affectsRuns: boolean;
  /**
   * True for settings that change how runs are computed but not their results (the ensemble
   * size): stored results stay valid when they change.
   */
  readonly executionOnly?: boolean;
  /**
   * True for rows added after results were first stored: the results key leaves the row out while
   * it holds its default, so results stored before the row existed keep their key.
   */
  readonly keyOmitsDefault?: boolean;
}

export interface EnumRow<K extends string = string, V extends string = string> extends RowBase<
  K,
  V
> {
  readonly kind: 'enum';
  readonly options: readonly V[];
  readonly optionLabels?: Readonly<Partial<Record<V, string>>>;
}
export interface IntRow<K extends string = string> extends RowBase<K, number> {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}
export interface NumberRow<K extends string = string> extends RowBase<K, number> {
  readonly kind: 'number';
  readonly min: number;
  readonly max: number;
}
export interface IntListRow<K extends string = string> extends RowBase<K, number[]> {
  readonly kind: 'intList';
  readonly min: number;
  readonly max: number;
  readonly maxLength: number;
  /** True when the empty list (empty text) is a value; otherwise a list needs at least one value. */
  readonly allowEmpty?: boolean;
}
export interface BoolRow<K extends string = string> extends RowBase<K, boolean> {
  readonly kind: 'bool';
}
export interface CGridRow<K extends string = string> extends RowBase<K, CGrid> {
  readonly kind: 'cGrid';
  /** Bounds on every c value and on the number of values. */
  readonly minC: number;
  readonly maxC: number;
  readonly maxValues: number;
}

/** Any row, before the table fixes its key and value type. */
type RowSpec = EnumRow | IntRow | NumberRow | IntListRow | BoolRow | CGridRow;

/*
 * Defaults are the app's quick demo: built-in MNIST, small enough to fill in about a minute on one
 * CPU core (wasm), yet wide enough in d/w (2/256 to 2/16) to show c_loss near 2 at the small end
 * and a wide sharpness-reduction window at the large end. M = 128 keeps each HVP cheap; the
 * Lanczos tolerance 1e-3 is the relative residual (eigenvalue error is quadratic in it).
 */
const ROWS = [
  {
    key: 'dataset',
    group: 'data',
    default: 'mnist',
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
    group: 'model',
    default: 'fcn',
    url: 'm',
    flag: 'model',
    kind: 'enum',
    options: MODEL_NAMES,
    optionLabels: {
      fcn: 'Fully connected network',
      uv: 'uv model',
      myrtle: 'Myrtle CNN',
      resnet: 'ResNet (no normalisation)',
    },
    label: 'Model',
    help: 'FCN: d Dense layers (d−1 hidden of width w, then a readout of 10). Myrtle CNN: d = 5, 7 or 10, w channels, average pools. ResNet-18/34 without normalisation, w channels in the first stage. uv: f = vᵀu·x/√w, exact and instant.',
    affectsRuns: true,
  },
  {
    key: 'activation',
    group: 'model',
    models: ['fcn'],
    default: 'relu',
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
    group: 'model',
    models: ['fcn'],
    default: 'sp',
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
    group: 'model',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 'normal',
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
    group: 'model',
    models: ['fcn'],
    default: false,
    url: 'b',
    flag: 'bias',
    kind: 'bool',
    label: 'Biases',
    help: 'Add biases (initialised to 0) to every layer. The paper uses none.',
    affectsRuns: true,
  },
  {
    key: 'centered',
    group: 'model',
    models: ['fcn', 'myrtle', 'resnet'],
    default: false,
    url: 'ctr',
    flag: 'centered',
    kind: 'bool',
    label: 'Centred output',
    help: 'Train f(x; θ) − f(x; θ_0), so the output is zero at initialisation.',
    affectsRuns: true,
  },
  {
    key: 'depths',
    group: 'sweep',
    models: ['fcn', 'myrtle', 'resnet'],
    default: [2],
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
    group: 'sweep',
    default: [16, 64, 256],
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
    group: 'sweep',
    default: { kind: 'log2', start: 0.5, stop: 7, step: 0.5 },
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
    group: 'training',
    default: 10,
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
    group: 'training',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 128,
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
    group: 'training',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 2048,
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
    group: 'training',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 128,
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
    group: 'sweep',
    default: [0],
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
    // J, the seeds of the SGD batch order. Empty (the default) is the one order of `dataSeed`,
    // which is how every sweep ran before this row: its records and results key do not change.
    key: 'dataSeeds',
    group: 'sweep',
    models: ['fcn', 'myrtle', 'resnet'],
    default: [],
    url: 'dseeds',
    flag: 'data-seeds',
    kind: 'intList',
    min: 0,
    max: 2 ** 31 - 1,
    maxLength: 32,
    allowEmpty: true,
    label: 'Order seeds',
    help: 'Seeds J of the SGD batch order: one column per (init seed, order seed), each with the θ_0 of its init seed and the batches of its order seed; critical values are averaged over all pairs. Empty: the one order of the data seed.',
    affectsRuns: true,
    keyOmitsDefault: true,
  },
  {
    key: 'dataSeed',
    group: 'training',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 0,
    url: 'dseed',
    flag: 'data-seed',
    kind: 'int',
    min: 0,
    max: 2 ** 31 - 1,
    label: 'Data seed',
    help: 'Seed of the synthetic dataset, and of the batch order when no order seeds are given: every run of a column sees the same batches.',
    affectsRuns: true,
  },
  {
    key: 'loss',
    group: 'training',
    models: ['fcn', 'myrtle', 'resnet'],
    default: 'mse',
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
    group: 'advanced',
    default: 'grid',
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
    group: 'advanced',
    default: 0.1,
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
    group: 'advanced',
    default: 1e-3,
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
    group: 'advanced',
    default: 20,
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
    group: 'advanced',
    models: ['fcn'],
    default: 1,
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
    group: 'advanced',
    default: 0,
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
    group: 'advanced',
    default: 1e5,
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
    key: 'barrier',
    group: 'advanced',
    default: true,
    url: 'lb',
    flag: 'barrier',
    kind: 'bool',
    label: 'Loss barrier',
    help: 'After each run that did not diverge, measure the loss along the straight line from θ_0 to θ_T (101 points on the measurement set): the barrier height and c_barrier.',
    affectsRuns: true,
  },
  {
    key: 'saturationK',
    group: 'advanced',
    default: 100,
    url: 'sk',
    flag: 'saturation-k',
    kind: 'int',
    min: 0,
    max: 100000,
    label: 'Saturation K',
    help: 'Intermediate saturation: λ is also measured at step τ = K/c (rounded, at least 1), training on past T when τ > T. 0 turns it off.',
    affectsRuns: true,
  },
  {
    key: 'axis',
    group: 'diagram',
    default: 'd/w',
    url: 'ax',
    flag: 'axis',
    kind: 'enum',
    options: ['d/w', '1/w', 'd', 'w'],
    label: 'Diagram x axis',
    help: 'Horizontal axis of the phase diagram.',
    affectsRuns: false,
  },
  {
    key: 'stem',
    group: 'model',
    models: ['resnet'],
    default: 'imagenet',
    url: 'stem',
    flag: 'stem',
    kind: 'enum',
    options: ['imagenet', 'cifar'],
    optionLabels: {
      imagenet: 'ImageNet (7×7/2 conv, 3×3/2 max pool)',
      cifar: 'CIFAR (3×3/1 conv, no pool)',
    },
    label: 'ResNet stem',
    help: 'The first layer of a ResNet: the ImageNet stem of the paper (7×7 conv with stride 2, then a 3×3 max pool with stride 2) or the common CIFAR stem (one 3×3 conv, stride 1, no pool).',
    affectsRuns: true,
    keyOmitsDefault: true,
  },
] as const satisfies readonly RowSpec[];

type TableRow = (typeof ROWS)[number];

/** The value a row holds, from its kind (and an enum's options). */
type ValueOf<R> = R extends { kind: 'enum'; options: readonly (infer O)[] }
  ? O
  : R extends { kind: 'bool' }
    ? boolean
    : R extends { kind: 'int' | 'number' }
      ? number
      : R extends { kind: 'intList' }
        ? number[]
        : R extends { kind: 'cGrid' }
          ? CGrid
          : never;

/** All settings, one property per row. */
export type Settings = { [R in TableRow as R['key']]: ValueOf<R> };
export type SettingKey = keyof Settings;

export type DatasetName = Settings['dataset'];
export type Activation = Settings['activation'];
export type Parameterisation = Settings['param'];
export type Readout = Settings['readout'];
export type LossName = Settings['loss'];
export type SearchMode = Settings['search'];
export type DiagramAxis = Settings['axis'];
export type StemName = Settings['stem'];

/** A row with its key and value type fixed (distributes over the table's rows). */
type TypedRow<R> = R extends { kind: 'enum'; key: infer K extends string }
  ? EnumRow<K, ValueOf<R> & string>
  : R extends { kind: 'bool'; key: infer K extends string }
    ? BoolRow<K>
    : R extends { kind: 'int'; key: infer K extends string }
      ? IntRow<K>
      : R extends { kind: 'number'; key: infer K extends string }
        ? NumberRow<K>
        : R extends { kind: 'intList'; key: infer K extends string }
          ? IntListRow<K>
          : R extends { kind: 'cGrid'; key: infer K extends string }
            ? CGridRow<K>
            : never;

export type Row = TypedRow<TableRow>;
export type RowOf<K extends SettingKey> = Extract<Row, { key: K }>;

/**
 * The table as typed rows. The assignment is also the check that each enum default is one of its
 * options (an enum row's default has the type of its options).
 */
export const SCHEMA: readonly Row[] = ROWS;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The default of every setting, from the rows. Frozen: copy with `cloneDefaults()` to edit. */
export const DEFAULTS: Readonly<Settings> = deepFreeze(
  Object.fromEntries(SCHEMA.map((r) => [r.key, r.default])) as unknown as Settings,
);

const BY_KEY = new Map<string, Row>(SCHEMA.map((r) => [r.key, r]));

/** The row of `key`; throws for a key not in the table (a bug: keys are typed). */
export function rowFor<K extends SettingKey>(key: K): RowOf<K> {
  const row = BY_KEY.get(key);
  if (!row) throw new Error(`no schema row for ${key}`);
  return row as RowOf<K>;
}

/** Whether a row's setting means anything for `model` (the form hides it where it does not). */
export function rowApplies(row: Row, model: ModelName): boolean {
  return row.models === undefined || row.models.includes(model);
}
