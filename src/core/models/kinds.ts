/**
 * What each model kind is, without its tfjs implementation (`registry.ts`): its label, which
 * model settings apply to it, which depths it has, and how the sweep runs it. Pure data, so the
 * app's controls and the CLI can ask it without loading tfjs.
 */
import type { ModelName, Settings, StemName } from '../settings/schema';

/** Every model the project builds: the options of the `model` setting. */
export type ModelKind = ModelName;

/** ResNet stems: the ImageNet one (7×7/2 conv, 3×3/2 max pool) or the common CIFAR one (3×3/1). */
export type ResNetStem = StemName;

/** The settings whose meaning depends on the model; each kind lists those that apply to it. */
export type ModelSetting = Extract<
  keyof Settings,
  'activation' | 'param' | 'readout' | 'bias' | 'centered' | 'loss' | 'ensemble'
>;

/** Static facts about a model kind. */
export interface ModelInfo {
  kind: ModelKind;
  /** Name for the UI's architecture selector. */
  label: string;
  /** One sentence for help text. */
  description: string;
  /** Model settings that change this model (the rest are ignored for it). */
  settings: readonly ModelSetting[];
  /** The depths it is defined for; undefined: any integer ≥ 1. */
  depths?: readonly number[];
  /** A depth fixed by the model (the sweep plans this one depth); undefined: from settings. */
  fixedDepth?: number;
  /** What "width" means for it, for axis labels and help. */
  widthMeaning: string;
  /** True when it reads images as H×W×C (conv nets); false when inputs are flattened. */
  needsImageShape: boolean;
  /** True when it has a batched (stacked-ensemble) forward pass. */
  batched: boolean;
  /** True when the sweep runs it with its own column runner instead of the tensor one. */
  ownColumn: boolean;
}

const INFO: Readonly<Record<ModelKind, ModelInfo>> = {
  fcn: {
    kind: 'fcn',
    label: 'Fully connected network',
    description: 'd Dense layers (d − 1 hidden of width w, then a readout of 10).',
    settings: ['activation', 'param', 'readout', 'bias', 'centered', 'loss', 'ensemble'],
    widthMeaning: 'hidden units per layer',
    needsImageShape: false,
    batched: true,
    ownColumn: false,
  },
  uv: {
    kind: 'uv',
    label: 'uv model',
    description: 'f = vᵀu·x/√w on one example: exact and instant.',
    settings: [],
    fixedDepth: 2,
    widthMeaning: 'length of u and v',
    needsImageShape: false,
    batched: false,
    ownColumn: true,
  },
  myrtle: {
    kind: 'myrtle',
    label: 'Myrtle CNN',
    description:
      'd − 1 blocks of 3×3 conv + ReLU with w channels, average pools, one Dense readout (d = 5, 7, 10).',
    settings: ['readout', 'centered', 'loss'],
    depths: [5, 7, 10],
    widthMeaning: 'channels of every conv block',
    needsImageShape: true,
    // No batched forward for conv nets: the E members of an ensemble have different kernels, and
    // tfjs 4.22's conv2d has no grouped form, so stacking them means a conv over E·w channels
    // with block-diagonal kernels: E times the FLOPs of E separate convs, which costs more than
    // the FCN ensemble saves (one HVP for all members).
    batched: false,
    ownColumn: false,
  },
  resnet: {
    kind: 'resnet',
    label: 'ResNet (no normalisation)',
    description:
      'ResNet-18/34 of basic blocks without batch or layer norm; w channels in the first stage, doubling per stage.',
    settings: ['readout', 'centered', 'loss'],
    depths: [18, 34],
    widthMeaning: 'channels of the first stage',
    needsImageShape: true,
    batched: false,
    ownColumn: false,
  },
};

/** All kinds, in the order the UI lists them. */
export const MODEL_KINDS: readonly ModelKind[] = ['fcn', 'myrtle', 'resnet', 'uv'];

/** The static facts of a kind; throws on an unknown kind (a bug: kinds come from typed settings). */
export function modelInfo(kind: ModelKind): ModelInfo {
  const info = INFO[kind] as ModelInfo | undefined;
  if (info === undefined) throw new Error(`unknown model kind '${String(kind)}'`);
  return info;
}

/** Whether setting `key` changes model `kind`. */
export function settingApplies(kind: ModelKind, key: ModelSetting): boolean {
  return modelInfo(kind).settings.includes(key);
}

/**
 * A message naming what is wrong with depth `d` for `kind`, or null when it is valid (the
 * settings' cross-field check and the model modules both use it).
 */
export function depthIssue(kind: ModelKind, d: number): string | null {
  const info = modelInfo(kind);
  if (info.fixedDepth !== undefined) return null;
  if (info.depths !== undefined) {
    return info.depths.includes(d)
      ? null
      : `${info.label} depth must be one of ${info.depths.join(', ')}, got ${d}`;
  }
  return Number.isInteger(d) && d >= 1
    ? null
    : `${info.label} depth must be an integer ≥ 1, got ${d}`;
}
