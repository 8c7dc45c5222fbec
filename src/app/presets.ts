/**
 * One-click presets. Each is a complete settings object (the quick demo's defaults plus its own
 * changes) and, where the figure needs it, a view of the trajectory plot.
 */
import { cloneDefaults } from '../core/settings/codec';
import type { Settings } from '../core/settings/schema';
import type { FileDataset } from '../worker/protocol';

export interface Preset {
  id: string;
  label: string;
  /** What it shows, for the button's tooltip. */
  description: string;
  settings: Settings;
  /** Trajectory view to switch to. */
  view?: { rawSharpness?: boolean; logY?: boolean };
  /** A dataset the user must load from files first (to compute; not to view a shipped result). */
  needsFile?: FileDataset;
  /**
   * A result computed from these settings ships with the app (public/precomputed/): the preset
   * opens it without computing, so its button does not ask for the dataset file first.
   */
  shipped?: boolean;
}

function preset(overrides: Partial<Settings>): Settings {
  return { ...cloneDefaults(), ...overrides };
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'quick',
    label: 'Quick demo',
    description:
      'Built-in MNIST, small networks: fills in about a minute and shows c_loss near 2 at small d/w and a sharpness-reduction phase at large d/w.',
    settings: preset({}),
    shipped: true,
  },
  {
    id: 'paper-cifar',
    label: 'Paper: d = 8 FCN on CIFAR-10',
    description:
      'The paper’s first figure at this project’s validation scale, shipped with the app so that it opens without computing: SP ReLU FCN, depth 8, widths 32–256 (d/w from 1/32 to 1/4), CIFAR-10 N = 10000, B = 512, M = 256, T = 10, seed 0, with c_loss, c_sharp and c_max found by bisection on a 0.1 log₂ lattice over c = 1 … 2^5.5 (22 minutes with the CLI on a loaded 2-core machine). As in the paper, c_loss rises with d/w: 4.59 at w = 256, 18.38 at w = 32. This is not the paper’s own scale (M = 4096, widths up to 2048): for that, set widths 64,128,256,512,1024,2048 and M = 4096 here (days on WebAssembly; meant for a GPU), or run the CLI: npm run sweep -- --dataset cifar10 --data-dir <folder> --depths 8 --widths 64,128,256,512,1024,2048 --measure-size 4096 --train-size 10000 --batch 512 --search bisect --c log2:0:5.5:0.1 --lanczos-max-iters 30. Run computes this scale here and needs the CIFAR-10 file (cifar-10-binary.tar.gz).',
    settings: preset({
      dataset: 'cifar10',
      depths: [8],
      widths: [32, 64, 128, 256],
      cGrid: { kind: 'log2', start: 0, stop: 5.5, step: 0.1 },
      search: 'bisect',
      bisectResolution: 0.1,
      batch: 512,
      trainSize: 10000,
      measureSize: 256,
      lanczosMaxIters: 30,
    }),
    needsFile: 'cifar10',
    shipped: true,
  },
  {
    id: 'cnn-small',
    label: 'Small CNN (Myrtle-5, MNIST)',
    description:
      'Myrtle-5 CNN on built-in MNIST at widths 4, 8 and 16 channels (d/w from 5/16 to 5/4), N = 256, B = 16, M = 16, c = 2^x in steps of 0.5 up to 8 (21 runs). Measured with the CLI on wasm: 12.9 minutes on a 2-core machine under heavy load (load average about 19); less on an idle machine, which was not timed. At these sizes the loss did not rise up to c = 8 for seed 0 (c_loss lies beyond the grid): the diagram shows the stable and sharpness-reduction regimes.',
    settings: preset({
      model: 'myrtle',
      depths: [5],
      widths: [4, 8, 16],
      trainSize: 256,
      batch: 16,
      measureSize: 16,
      cGrid: { kind: 'log2', start: 0, stop: 3, step: 0.5 },
    }),
  },
  {
    id: 'paper-myrtle',
    label: 'Paper: Myrtle CNNs on CIFAR-10 (GPU)',
    description:
      'Myrtle-5, 7 and 10 at widths 16–128 channels, B = 512, N = 8192, M = 1024 (the paper: 4096), c = 2^x in steps of 0.1. For a GPU (WebGPU): about 38 PFLOP by the model registry’s count (6 warm Lanczos iterations a step, columns stopping 60% up the grid), so roughly 2 hours at a sustained 5 TFLOP/s, which is not measured here; out of reach on a CPU (wasm runs conv nets at about 1–10 GFLOP/s: months). Needs the CIFAR-10 file.',
    settings: preset({
      dataset: 'cifar10',
      model: 'myrtle',
      depths: [5, 7, 10],
      widths: [16, 32, 64, 128],
      cGrid: { kind: 'log2', start: 0, stop: 4.5, step: 0.1 },
      batch: 512,
      trainSize: 8192,
      measureSize: 1024,
    }),
    needsFile: 'cifar10',
  },
  {
    id: 'paper-resnet',
    label: 'Paper: ResNet-18/34 on CIFAR-10 (GPU)',
    description:
      'ResNet-18 and 34 without normalisation, ImageNet stem, at widths 8–64 channels in the first stage, B = 512, N = 8192, M = 1024 (the paper: 4096), c = 2^x in steps of 0.1. For a GPU (WebGPU): about 4.7 PFLOP by the model registry’s count, roughly 15 minutes at a sustained 5 TFLOP/s (not measured here; longer in practice, as the small widths do not fill a GPU); days on a CPU. Needs the CIFAR-10 file.',
    settings: preset({
      dataset: 'cifar10',
      model: 'resnet',
      stem: 'imagenet',
      depths: [18, 34],
      widths: [8, 16, 32, 64],
      cGrid: { kind: 'log2', start: 0, stop: 4.5, step: 0.1 },
      batch: 512,
      trainSize: 8192,
      measureSize: 1024,
    }),
    needsFile: 'cifar10',
  },
  {
    id: 'zero-readout',
    label: 'Zero output at init',
    description:
      'Readout initialised to zero (f = 0 at init): L₀ = 0.05 exactly in every column, and c_loss comes down to 2 as the network widens (on built-in MNIST at d = 2: 2.46 at w = 64, 2.14 = one grid step above 2 at w = 256), so the sharpness-reduction window above 2 (up to c = 32 at w = 16 with the normal init, in the quick demo) shrinks to two grid steps at w = 64 and none at w = 256. c = 2^x in steps of 0.1; ε = 0.05 as in the paper.',
    settings: preset({
      readout: 'zero',
      sharpEpsilon: 0.05,
      widths: [64, 256],
      cGrid: { kind: 'log2', start: 0.5, stop: 3, step: 0.1 },
    }),
    shipped: true,
  },
  {
    id: 'cross-entropy',
    label: 'Cross-entropy',
    description:
      'The quick demo’s networks trained with softmax cross-entropy (mean over the batch) instead of MSE. Sharpness reduction and catapults appear, but c_loss → 2 at small d/w is a property of a quadratic loss: here the loss catapult starts near c = 8–16 (2 for MSE) and the widest columns do not diverge within the grid. Read cross-entropy’s boundaries off the diagram; do not expect 2.',
    settings: preset({ loss: 'xent' }),
  },
  {
    id: 'uv',
    label: 'uv model',
    description:
      'The two-layer linear toy model on one example: exact and instant. For w ≥ 256 the loss falls for c < 2, catapults for 2 < c < 4 and diverges beyond 4 (each to one grid step); the narrowest column, w = 64, first shows a thin sharpness-reduction band above 2.',
    settings: preset({
      dataset: 'uv',
      model: 'uv',
      depths: [2],
      widths: [64, 256, 1024, 4096],
      cGrid: { kind: 'log2', start: 0, stop: 2.5, step: 0.05 },
    }),
  },
  {
    id: 'four-regimes',
    label: 'Four regimes',
    description:
      'One long run: 500 full-batch steps at c = 3 (d = 4, w = 128, zero readout, MNIST). (i) Early transient: the loss catapults (×2.6 by step 3) and λ falls from 1.5 to under 0.5 of 2/η; (ii) saturation: λ stays near half of 2/η for a few steps; (iii) progressive sharpening: λ climbs back towards 2/η over ~100 steps; (iv) edge of stability: λ hovers about 2/η while the loss keeps falling with small spikes.',
    settings: preset({
      depths: [4],
      widths: [128],
      readout: 'zero',
      sharpEpsilon: 0.05,
      cGrid: { kind: 'list', values: [3] },
      steps: 500,
      trainSize: 1024,
      batch: 1024,
      measureSize: 256,
      lanczosTol: 1e-3,
    }),
    view: { rawSharpness: true, logY: false },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
