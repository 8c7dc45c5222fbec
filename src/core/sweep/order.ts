/**
 * The one order of runs and columns: by depth, then width, then init seed I, then SGD-order seed
 * J, then c. Tables, exports,
 * the diagram and selections all list records this way, so a file and the screen agree.
 */
import type { ColumnKey } from './records';

/** Architectures by depth, then width. */
export function compareArchitectures(
  a: Pick<ColumnKey, 'depth' | 'width'>,
  b: Pick<ColumnKey, 'depth' | 'width'>,
): number {
  return a.depth - b.depth || a.width - b.width;
}

/** Columns by depth, width, init seed I, then order seed J. */
export function compareColumns(a: ColumnKey, b: ColumnKey): number {
  return compareArchitectures(a, b) || a.seed - b.seed || a.orderSeed - b.orderSeed;
}

/** Runs by column (depth, width, I, J), then ascending c. */
export function compareRuns(a: ColumnKey & { c: number }, b: ColumnKey & { c: number }): number {
  return compareColumns(a, b) || a.c - b.c;
}
