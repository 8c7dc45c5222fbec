import { describe, expect, it } from 'vitest';
import { BUILTIN_MNIST_HEADER_BYTES, encodeBuiltinMnist, parseBuiltinMnist } from './builtinMnist';
import { parseDatasetFiles } from './files';
import { syntheticDataset } from './synthetic';

describe('built-in MNIST format', () => {
  it('round-trips a dataset', () => {
    const ds = {
      ...syntheticDataset({ count: 37, height: 28, width: 28, seed: 5 }),
      name: 'mnist',
    };
    const bytes = encodeBuiltinMnist(ds);
    expect(bytes.length).toBe(12 + 37 + 37 * 784);
    expect(Array.from(bytes.subarray(0, 12))).toEqual([
      0x50, 0x58, 0x4d, 0x4e, 37, 0, 0, 0, 28, 28, 1, 10,
    ]);
    const r = parseBuiltinMnist(bytes, 'mnist.bin');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual(ds);
  });

  it('rejects hostile files with the file name', () => {
    const good = encodeBuiltinMnist(syntheticDataset({ count: 3, height: 28, width: 28, seed: 1 }));
    const withCount = (count: number): Uint8Array => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(4, count, true);
      return b;
    };
    const badLabel = good.slice();
    badLabel[BUILTIN_MNIST_HEADER_BYTES + 2] = 10;
    const badMagic = good.slice();
    badMagic[0] = 0x51;
    const zeroDim = good.slice();
    zeroDim[8] = 0;
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.bin', new Uint8Array(0), /file is empty/],
      ['short.bin', good.subarray(0, 7), /truncated/],
      ['truncated.bin', good.subarray(0, good.length - 1), /declares 3 images/],
      ['huge.bin', withCount(2 ** 31), /declares 2147483648 images/],
      ['magic.bin', badMagic, /not a built-in MNIST file \(starts with 51 58 4d 4e/],
      ['label.bin', badLabel, /label 10 at record 2 is outside 0\.\.9/],
      ['zero.bin', zeroDim, /zero dimension/],
    ];
    for (const [name, bytes, why] of cases) {
      const r = parseBuiltinMnist(bytes, name);
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.startsWith(`${name}: `), r.error).toBe(true);
        expect(r.error).toMatch(why);
      }
    }
  });

  it('parseDatasetFiles accepts a built-in file for mnist', () => {
    const bytes = encodeBuiltinMnist(
      syntheticDataset({ count: 4, height: 28, width: 28, seed: 2 }),
    );
    const r = parseDatasetFiles('mnist', [{ name: 'mnist.bin', bytes }]);
    expect(r.ok && r.value.count).toBe(4);
  });
});
