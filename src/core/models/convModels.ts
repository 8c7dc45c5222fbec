/**
 * Registry entries of the conv nets: Myrtle (`myrtle.ts`) and ResNet (`resnet.ts`) programs run
 * by `convNetForward`. Both need the image shape `spec.input` [H, W, C].
 */
import { convNetForward, convNetMacs, type ConvNet } from './convNet';
import type { ModelSpec } from './model';
import { myrtleInit, myrtleNet } from './myrtle';
import type { ModelDefinition } from './registry';
import { resnetInit, resnetNet } from './resnet';

function imageShape(spec: ModelSpec): [number, number, number] {
  const s = spec.input;
  if (s === undefined) throw new Error(`${spec.kind} needs the input image shape [H, W, C]`);
  if (!s.every((n) => Number.isInteger(n) && n >= 1) || s[0] * s[1] * s[2] !== spec.inputDim) {
    throw new Error(
      `${spec.kind}: image shape [${s.join(', ')}] does not match ${spec.inputDim} inputs`,
    );
  }
  return s;
}

function convDefinition(
  kind: 'myrtle' | 'resnet',
  build: (spec: ModelSpec) => ConvNet,
  init: (net: ConvNet, spec: ModelSpec, seed: number) => Float32Array[],
): ModelDefinition {
  return {
    kind,
    denseInput: false,
    unreadWeightGradients: false,
    paramShapes: (spec) => build(spec).paramShapes,
    initParams: (spec, seed) => init(build(spec), spec, seed),
    forward: (spec, params, x) => convNetForward(build(spec), params, x),
    productFlops(spec, n) {
      const { total, first } = convNetMacs(build(spec));
      return { all: 2 * n * total, notFirst: 2 * n * (total - first) };
    },
  };
}

/**
 * Registry entry of the Myrtle CNN (`myrtle.ts`, docs/PROTOCOL.md §2 Models): depth ∈ {5, 7, 10},
 * width = channels of every conv block. Input x is [batch, H, W, C] with H·W·C = `spec.inputDim`;
 * output [batch, K]. Throws when `spec.input` is missing or does not match `inputDim`.
 */
export const myrtleModel = convDefinition(
  'myrtle',
  (spec) =>
    myrtleNet({
      depth: spec.depth,
      width: spec.width,
      input: imageShape(spec),
      numClasses: spec.numClasses,
    }),
  (net, spec, seed) => myrtleInit(net, spec.readout, seed),
);

/**
 * Registry entry of the ResNet (`resnet.ts`): depth 18 or 34, width = channels of the first
 * stage, stem from `spec.stem` (default `imagenet`). Input [batch, H, W, C], output [batch, K];
 * the same image-shape checks as `myrtleModel`.
 */
export const resnetModel = convDefinition(
  'resnet',
  (spec) =>
    resnetNet({
      depth: spec.depth,
      width: spec.width,
      input: imageShape(spec),
      numClasses: spec.numClasses,
      stem: spec.stem ?? 'imagenet',
    }),
  (net, spec, seed) => resnetInit(net, spec.readout, seed),
);
