/** Datasets as plain typed arrays: no tfjs here, so parsers run anywhere. */

/** Raw images as stored: uint8 pixels, one record after another, channel-last (H·W·C per image). */
export interface ImageDataset {
  name: string;
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
}

/** Model-ready data: standardised, flattened inputs and one-hot targets. */
export interface PreparedData {
  name: string;
  /** N × dim, row-major. */
  x: Float32Array;
  /** N × numClasses, one-hot (unscaled). */
  y: Float32Array;
  count: number;
  dim: number;
  numClasses: number;
}
