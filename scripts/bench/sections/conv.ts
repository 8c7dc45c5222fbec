/**
 * Section `conv`: Myrtle-5 and ResNet-18 (ImageNet stem) on MNIST, wasm: ms per SGD step and per
 * exact HVP, their rates from the registry's conv FLOP counts, and the same against wasm's own
 * rate on a plain 3×3 conv2d (the practical limit for these kernels, as the matMul is for FCNs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../../src/node/backend';
import { measureKernels } from '../../../src/bench/measure';
import { createRng, normalArray } from '../../../src/core/random/prng';
import type { ModelName } from '../../../src/core/settings/schema';
import { emit, now, progress, ratio, settingsFor } from '../common';
import type { ConvRateFigures, ConvRow, SectionRunner } from '../types';

async function measureConvRate(
  n: number,
  hw: number,
  ch: number,
  reps: number,
): Promise<ConvRateFigures> {
  const rng = createRng(0, 'bench-conv');
  const x = tf.tensor4d(normalArray(rng, n * hw * hw * ch, 1), [n, hw, hw, ch]);
  const w = tf.tensor4d(normalArray(rng, 9 * ch * ch, 1), [3, 3, ch, ch]);
  const times: number[] = [];
  try {
    for (let i = 0; i <= reps; i++) {
      const t0 = now();
      const y = tf.conv2d(x, w, 1, 'same');
      await y.data();
      y.dispose();
      // The first one warms up (XNNPACK setup, allocation).
      if (i > 0) times.push(now() - t0);
    }
  } finally {
    tf.dispose([x, w]);
  }
  times.sort((a, b) => a - b);
  const msMedian = times[Math.floor(times.length / 2)] ?? NaN;
  // One multiply-add (2 FLOPs) per output element, tap and input channel.
  const flops = 2 * n * hw * hw * ch * 9 * ch;
  return { n, hw, channels: ch, msMedian, gflops: flops / (msMedian * 1e6) };
}

export const convSection: SectionRunner = async ({ opts, mnist, report }) => {
  await initNodeBackend('wasm');
  const rate = await measureConvRate(64, 14, 16, opts.quick ? 3 : 5);
  emit({ type: 'conv-rate', where: 'node', backend: 'wasm', ...rate });
  progress(
    `conv: wasm conv2d 3×3, [${rate.n}, ${rate.hw}, ${rate.hw}, ${rate.channels}] → ${rate.channels}: ${rate.msMedian.toFixed(1)} ms = ${rate.gflops.toFixed(2)} GFLOP/s`,
  );
  const configs: { model: ModelName; depth: number; width: number }[] = [
    { model: 'myrtle', depth: 5, width: 8 },
    ...(opts.quick ? [] : [{ model: 'myrtle' as const, depth: 5, width: 32 }]),
    { model: 'resnet', depth: 18, width: 8 },
  ];
  const batch = opts.quick ? 32 : 128;
  const measure = opts.quick ? 32 : 128;
  const rows: ConvRow[] = [];
  for (const c of configs) {
    const s = {
      ...settingsFor({ depth: c.depth, width: c.width, batch, measure, cell: false }),
      model: c.model,
    };
    const k = await measureKernels(s, mnist, c.depth, c.width, opts.quick ? 2 : 4, now);
    const row: ConvRow = {
      type: 'conv',
      backend: 'wasm',
      model: c.model,
      kernels: k,
      efficiency: {
        step: ratio(k.stepGflops, rate.gflops),
        hvp: ratio(k.hvpGflops, rate.gflops),
      },
    };
    rows.push(row);
    emit(row);
    progress(
      `conv ${c.model}-${c.depth} w=${c.width} B=${batch} M=${measure} (MNIST): step ${k.msPerStep.toFixed(1)} ms (${k.stepGflops.toFixed(2)} GFLOP/s), HVP ${k.msPerHvp.toFixed(1)} ms (${k.hvpGflops.toFixed(2)} GFLOP/s, ${((row.efficiency.hvp ?? 0) * 100).toFixed(0)}% of conv2d)`,
    );
  }
  report.conv = { rate, rows };
};
