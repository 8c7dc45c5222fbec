/**
 * One process of the bench's cores-together figure (sections/workers.ts, `coreCeiling`): wasm on one
 * thread, 512³ matMuls from `start` (epoch ms, argv[2]) for `windowMs` (argv[3]), so that
 * processes started together measure the same window. Prints {"gflops": median rate}.
 */
import { initNodeBackend } from '../../src/node/backend';
import { measureMatmul } from '../../src/bench/measure';

const start = Number(process.argv[2]);
const windowMs = Number(process.argv[3]);
if (!Number.isFinite(start) || !Number.isFinite(windowMs) || windowMs <= 0)
  throw new Error('usage: matmulChild.ts START_EPOCH_MS WINDOW_MS');
await initNodeBackend('wasm');
await measureMatmul(512, 2, () => performance.now()); // warm-up, before the window
while (Date.now() < start) await new Promise((r) => setTimeout(r, 5));
const rates: number[] = [];
while (Date.now() < start + windowMs)
  rates.push((await measureMatmul(512, 2, () => performance.now())).gflops);
rates.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ gflops: rates[Math.floor(rates.length / 2)] ?? null })}\n`,
);
process.exit(0);
