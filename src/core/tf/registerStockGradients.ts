/**
 * Side effects only: registers tfjs-core's stock gradients (tfjs-core alone registers none) and
 * its chained ops (`t.slice(...)`, `t.sum()`), then the project's gradient fixes over them. That
 * is what `initNodeBackend` gets in Node from the umbrella package, so code that passes its tests
 * in Node does not break in the browser for want of a chained op. For bundled code (the Vite
 * worker) and vitest, which both load tfjs-core's ESM build. Node's own loader (tsx, the CLI)
 * cannot load these ESM files (their extensionless directory imports fail with
 * ERR_UNSUPPORTED_DIR_IMPORT): Node code calls `initNodeBackend` instead.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { registerGradientFixes } from './gradients';

registerGradientFixes();
