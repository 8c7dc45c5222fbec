import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeBuiltinMnist, parseBuiltinMnist } from './builtinMnist';
import { parseCifar10 } from './cifar10';
import { parseDatasetFiles } from './files';
import { gunzipLimited } from './gzip';
import { parseIdx } from './idx';
import { syntheticDataset } from './synthetic';
import { encodeTar, parseTar } from './tar';

describe('parsers never throw on corrupted files', () => {
  const idxFile = new Uint8Array([
    0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8,
  ]);
  const record = new Uint8Array(3073).fill(9);
  record[0] = 3;
  const seeds: [string, Uint8Array][] = [
    ['a-images-idx3-ubyte', idxFile],
    ['a-images-idx3-ubyte.gz', gzipSync(idxFile)],
    ['data_batch_1.bin', record],
    ['c.tar.gz', gzipSync(encodeTar([{ name: 'data_batch_1.bin', bytes: record }]))],
    ['mnist.bin', encodeBuiltinMnist(syntheticDataset({ count: 2, height: 3, width: 3, seed: 0 }))],
  ];
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    cut: fc.option(fc.nat()),
  });

  it('returns errors naming the file for random edits and truncations', () => {
    fc.assert(
      fc.property(mutation, ({ seed, edits, cut }) => {
        const [name, original] = seeds[seed]!;
        let bytes = original.slice();
        for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        const file = { name, bytes };
        const limits = { maxDecompressedBytes: 1 << 20 };
        for (const r of [
          parseIdx(file, limits),
          parseCifar10([file], limits),
          parseTar(file),
          gunzipLimited(file, limits),
          parseBuiltinMnist(bytes, name),
          parseDatasetFiles('mnist', [file], limits),
        ]) {
          if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
        }
        const idx = parseIdx(file, limits);
        if (!idx.ok) expect(idx.error.startsWith(`${name}: `)).toBe(true);
      }),
      { numRuns: 300, seed: 12345 },
    );
  });
});
