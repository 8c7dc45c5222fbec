/** What the bench's sections share: output, the clock, dataset loading, plans and row building. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSweepData } from '../../src/node/loadData';
import type { PreparedData } from '../../src/core/data/types';
import { cloneDefaults } from '../../src/core/settings/codec';
import type { Settings } from '../../src/core/settings/schema';
import type {
  CellFigures,
  KernelFigures,
  MatmulFigures,
  SweepFigures,
} from '../../src/bench/measure';
import type { ConfigRow, NodeConfig } from './types';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const now = (): number => performance.now();
/** Progress goes to stderr, so stdout stays one JSON object per line. */
export const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);
export const emit = (obj: object): void => void process.stdout.write(`${JSON.stringify(obj)}\n`);

/** c of the timed single cells: the loss-catapult threshold of the quadratic model. */
export const CELL_C = 2;
export const DEPTH = 4;
export const TRAIN_SIZE = 2048;
/** c values of the whole-column sweeps at w ≥ 256. */
export const WIDE_SWEEP_CS = [1, 2, 4, 8];

/**
 * A dataset by name (from `dataDir`, or the built-in one when null), prepared on its first
 * `trainSize` examples. The bench's one way to load data: re-point it here when the loader moves.
 */
export function loadPrepared(
  dataset: 'mnist' | 'cifar10',
  dataDir: string | null,
  trainSize: number,
): PreparedData {
  const settings = { ...cloneDefaults(), dataset, trainSize };
  const prepared = loadSweepData(settings, { dataDir, repoRoot });
  if (!prepared.ok) throw new Error(prepared.error);
  if (prepared.value === null) throw new Error(`bench: no data for ${dataset}`);
  return prepared.value;
}

/** The defaults with one configuration's architecture and sizes, N = TRAIN_SIZE. */
export function settingsFor(c: NodeConfig, steps = 10): Settings {
  return {
    ...cloneDefaults(),
    depths: [c.depth],
    widths: [c.width],
    batch: c.batch,
    measureSize: c.measure,
    trainSize: TRAIN_SIZE,
    steps,
  };
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || !(b > 0) ? null : a / b;
}

/** One configuration's row: its kernels, its cell and their rates against the matMul's. */
export function configRow(
  where: 'node' | 'browser',
  backend: string,
  dataset: string,
  kernels: KernelFigures,
  cell: CellFigures | null,
  matmul: MatmulFigures | null,
  note?: string,
): ConfigRow {
  const mm = matmul?.gflops ?? null;
  const row: ConfigRow = {
    type: 'config',
    where,
    backend,
    dataset,
    kernels,
    cell,
    matmulGflops: mm,
    efficiency: {
      step: ratio(kernels.stepGflops, mm),
      hvp: ratio(kernels.hvpGflops, mm),
      cell: ratio(cell?.cellGflops, mm),
    },
    cellKernelShare: cell
      ? (cell.steps * kernels.msPerStep +
          cell.warmIters.reduce((a, b) => a + b, 0) * kernels.msPerHvp) /
        1000 /
        cell.cellSeconds
      : null,
  };
  if (note !== undefined) row.note = note;
  return row;
}

export const withoutRecords = (s: SweepFigures): Omit<SweepFigures, 'records'> => {
  const { records: _records, ...rest } = s;
  return rest;
};

/** Mean of the warm λ_t iteration counts (t ≥ 1, 0 = not measured) of some runs. */
export function warmItersMean(runs: readonly { lanczosIters: readonly number[] }[]): number {
  const warm = runs.flatMap((r) => r.lanczosIters.slice(1).filter((i) => i > 0));
  return warm.reduce((a, b) => a + b, 0) / Math.max(1, warm.length);
}
