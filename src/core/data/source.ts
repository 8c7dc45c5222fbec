/**
 * Which images a sweep trains on, decided from its settings in one place for every environment:
 * the worker, the CLI, the bench and the validation script all ask {@link dataSourceFor} and
 * then fetch what it names in their own way (the worker from the page and its loaded files, Node
 * from disk: `src/node/loadData.ts`). So the same settings train on the same data everywhere.
 */
import type { Settings } from '../settings/schema';
import type { FileDatasetName } from './files';

/** Where MNIST comes from: the built-in 10,000 digits, or the user's official IDX files. */
export type MnistSource = 'builtin' | 'files';

/** The images of a sweep, before `prepareData(images, trainSize)`. */
export type DataSource =
  /** The uv model makes its own data: nothing to load. */
  | { kind: 'none' }
  /** `syntheticDataset({ count, seed })`: one record per training example. */
  | { kind: 'synthetic'; count: number; seed: number; trainSize: number; key: string }
  /** The built-in MNIST file (`public/data/mnist.bin`). */
  | { kind: 'builtin-mnist'; trainSize: number; key: string }
  /** The user's official files of `dataset` (dropped on the page, or `--data-dir`). */
  | { kind: 'files'; dataset: FileDatasetName; trainSize: number; key: string };

/** A source that loads something. */
export type ImageSource = Exclude<DataSource, { kind: 'none' }>;

/**
 * The data a sweep of `settings` trains on.
 *
 * - the uv model (or dataset `uv`): none;
 * - `synthetic`: `trainSize` records from seed `dataSeed`;
 * - `mnist`: the built-in file, or the user's IDX files when `mnist` is `'files'`;
 * - `fashion-mnist`, `cifar10`: the user's files.
 *
 * `key` names the prepared data: two sources with equal keys prepare to equal `PreparedData`,
 * so a cache of prepared data may compare keys.
 *
 * @param mnist - where MNIST comes from (default the built-in file); ignored for other datasets.
 */
export function dataSourceFor(
  settings: Pick<Settings, 'model' | 'dataset' | 'trainSize' | 'dataSeed'>,
  mnist: MnistSource = 'builtin',
): DataSource {
  const { dataset, trainSize } = settings;
  if (settings.model === 'uv' || dataset === 'uv') return { kind: 'none' };
  if (dataset === 'synthetic') {
    const seed = settings.dataSeed;
    return {
      kind: 'synthetic',
      count: trainSize,
      seed,
      trainSize,
      key: `synthetic:${seed}:${trainSize}`,
    };
  }
  if (dataset === 'mnist' && mnist === 'builtin')
    return { kind: 'builtin-mnist', trainSize, key: `builtin-mnist:${trainSize}` };
  return { kind: 'files', dataset, trainSize, key: `files:${dataset}:${trainSize}` };
}
