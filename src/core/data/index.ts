/** The data layer: parsers for user files, the built-in MNIST, synthetic data and preparation. */
export type { ImageDataset, PreparedData } from './types';
export {
  MAX_DECOMPRESSED_BYTES,
  type DataResult,
  type NamedBytes,
  type ParseLimits,
} from './result';
export { gunzipLimited, isGzip } from './gzip';
export { parseTar, encodeTar, type TarEntry } from './tar';
export { parseIdx, parseIdxPair, type IdxArray } from './idx';
export { parseCifar10, CIFAR10_RECORD_BYTES } from './cifar10';
export {
  encodeBuiltinMnist,
  parseBuiltinMnist,
  isBuiltinMnist,
  BUILTIN_MNIST_HEADER_BYTES,
} from './builtinMnist';
export { parseDatasetFiles, pickIdxPair, type FileDatasetName } from './files';
export { syntheticDataset, type SyntheticOptions } from './synthetic';
export { prepareData, standardizeImage } from './prepare';
