import { describe, expect, it } from 'vitest';
import { convertMnistDigits, readMnistDigits } from '../../../scripts/buildMnist';
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

describe('scripts/buildMnist.ts conversion (real package data)', () => {
  const digits = readMnistDigits();
  const a = convertMnistDigits(digits);

  it('is deterministic and interleaves classes', () => {
    const b = convertMnistDigits(readMnistDigits());
    const bytesA = encodeBuiltinMnist(a);
    expect(Buffer.from(bytesA).equals(Buffer.from(encodeBuiltinMnist(b)))).toBe(true);
    expect(a.count).toBe(10000);
    expect(bytesA.length).toBe(7_850_012);
    expect(Array.from(a.labels.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(a.labels.subarray(10, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the first N records class-balanced up to the smallest class', () => {
    const smallest = Math.min(...digits.map((d) => d.length / 784));
    const counts = new Array<number>(10).fill(0);
    for (const l of a.labels.subarray(0, smallest * 10)) counts[l]!++;
    expect(counts).toEqual(new Array<number>(10).fill(smallest));
    // Leftovers follow in class order: the first leftover is digit 0, the last digit 9.
    expect(a.labels[smallest * 10]).toBe(0);
    expect(a.labels[a.count - 1]).toBe(9);
  });

  it('maps values with Math.round(v·255), record i = digit i%10, image ⌊i/10⌋', () => {
    const i = 123; // digit 3, its 12th image
    const data = digits[3]!;
    for (const p of [0, 300, 400, 783]) {
      expect(a.images[i * 784 + p]).toBe(Math.round(data[12 * 784 + p]! * 255));
    }
    let max = 0;
    for (const v of a.images.subarray(0, 784 * 50)) max = Math.max(max, v);
    expect(max).toBe(255);
  });

  it('throws on a malformed package (a build error, not user data)', () => {
    expect(() => convertMnistDigits(digits.slice(0, 9))).toThrow(/expected 10 digit files/);
    const broken = digits.map((d) => d.slice(0, 784));
    broken[4] = [...broken[4]!.slice(0, 783), 2];
    expect(() => convertMnistDigits(broken)).toThrow(/4\.json value 2 is outside/);
  });
});
