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

/** Model-ready data: standardised inputs and one-hot targets. */
export interface PreparedData {
  name: string;
  /** N × dim, row-major; each row is one image in H×W×C order (`shape`), which FCNs read as a
   * flat vector and conv nets as an image. */
  x: Float32Array;
  /** The image shape [H, W, C] of each row (H·W·C = dim). */
  shape: [number, number, number];
  /** N × numClasses, one-hot (unscaled). */
  y: Float32Array;
  count: number;
  dim: number;
  numClasses: number;
}
