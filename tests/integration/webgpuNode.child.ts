/**
 * Child process of webgpuNode.test.ts: the HVP, Lanczos and the batched ensemble on
 * tfjs-backend-webgpu in Node (Dawn), with the Vulkan environment the parent chose. Prints one
 * JSON object on stdout; the parent compares it with the same work on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend, nodeGpuAdapter } from '../../src/core/tf/backend';
import { forward } from '../../src/core/models/model';
import { loss } from '../../src/core/models/loss';
import { createRng, normalArray } from '../../src/core/random/prng';
import { makeFlatHvp } from '../../src/core/hessian/hvp';
import { topEigen } from '../../src/core/hessian/lanczos';
import { mlp64Hvp } from '../../src/core/hessian/reference64';
import { createFcnEnsembleColumn } from '../../src/core/train/ensembleColumn';
import { WEBGPU_CASE, ensembleSetup } from './webgpuNode.cases';

const backend = await initNodeBackend('webgpu');
const c = WEBGPU_CASE.mlp();
const P = c.theta64.length;
const v = normalArray(createRng(3, 'direction'), P, 1);
const ref = mlp64Hvp(c.net64, c.theta64, c.data64, Float64Array.from(v));

const before = tf.memory().numTensors;
const params = c.params.map((p, i) => tf.tensor(p, c.shapes[i]));
const x = tf.tensor2d(c.x, [c.batch, c.spec.inputDim]);
const y = tf.tensor2d(c.y, [c.batch, c.spec.numClasses]);
const hvp = makeFlatHvp((ps) => loss(c.loss, forward(c.spec, ps, x), y), params);
const vt = tf.tensor1d(v);
const hv = hvp(vt);
const got = await hv.data();
tf.dispose([hv, vt]);
let num = 0;
let den = 0;
ref.forEach((r, i) => {
  num += ((got[i] as number) - r) ** 2;
  den += r * r;
});
const eig = await topEigen(hvp, P, { ...WEBGPU_CASE.lanczos, exactResidual: true });
eig.vector.dispose();
tf.dispose([...params, x, y]);

const setup = ensembleSetup();
const ens = await createFcnEnsembleColumn(setup.column, { batched: true });
const runs = await ens.runMany(
  setup.cs,
  () => {},
  () => false,
);
ens.dispose();
const leaked = tf.memory().numTensors - before;

process.stdout.write(
  `${JSON.stringify({
    backend,
    adapter: nodeGpuAdapter(),
    hvpRelError: Math.sqrt(num / den),
    eig: { value: eig.value, iters: eig.iters, residual: eig.residual },
    runs,
    leaked,
  })}\n`,
);
process.exit(0);
