/**
 * Child process of webgpuNode.test.ts: the HVP, Lanczos and the batched ensemble on
 * tfjs-backend-webgpu in Node (Dawn), with the Vulkan environment the parent chose. Prints one
 * JSON object on stdout; the parent compares it with the same work on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend, nodeGpuAdapter, releaseNodeGpu } from '../../src/node/backend';
import { createRng, normalArray } from '../../src/core/random/prng';
import { topEigen } from '../../src/core/hessian/lanczos';
import { createFcnEnsembleColumn } from '../../src/core/train/ensembleColumn';
import { capabilitiesOf } from '../../src/core/tf/capabilities';
import { WEBGPU_CASE, ensembleSetup, hvpOnBackend } from './cases';
import { registerGradientFixes } from '../../src/core/tf/gradients';
import { CONV_CASES, convHvpCheck } from '../../src/core/hessian/convTestCases';

const backend = await initNodeBackend('webgpu');
const c = WEBGPU_CASE.mlp();
const P = c.theta64.length;
const before = tf.memory().numTensors;
const onGpu = hvpOnBackend(c, c.loss);
const hvpRelError = await onGpu.relError(normalArray(createRng(3, 'direction'), P, 1));
const eig = await topEigen(onGpu.hvp, P, { ...WEBGPU_CASE.lanczos, exactResidual: true });
eig.vector.dispose();
onGpu.dispose();

// Conv nets: WebGPU has the Conv2DBackpropFilter kernel, so this is the kernel path of the filter
// gradient and the WebGPU pool-gradient kernels under the new second-order registrations.
registerGradientFixes();
const conv: { name: string; grad: number; hvp: number }[] = [];
for (const cc of CONV_CASES) {
  const r = await convHvpCheck(cc);
  conv.push({ name: cc.name, grad: r.grad, hvp: r.hvp });
}

const setup = ensembleSetup();
const ens = await createFcnEnsembleColumn(setup.column, {
  capabilities: capabilitiesOf(backend),
  batched: true,
});
const runs = await ens.runMany(
  setup.cs,
  () => {},
  () => false,
);
ens.dispose();
const leaked = tf.memory().numTensors - before;
const adapter = nodeGpuAdapter();
await releaseNodeGpu();
const afterRelease = {
  adapter: nodeGpuAdapter(),
  navigatorGpu: (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== undefined,
  restart: await initNodeBackend('webgpu').then(
    () => 'started again',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  ),
};

process.stdout.write(
  `${JSON.stringify({
    backend,
    adapter,
    hvpRelError,
    conv,
    eig: { value: eig.value, iters: eig.iters, residual: eig.residual },
    runs,
    leaked,
    afterRelease,
  })}\n`,
);
process.exit(0);
