import { describe, expect, it } from 'vitest';
import { encodeBuiltinMnist } from '../core/data/builtinMnist';
import { convertMnistDigits, readMnistDigits } from './mnistBuilder';

describe('convertMnistDigits on the real package data', () => {
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
