import { describe, expect, it } from 'vitest';
import { encodeTar, parseTar } from './tar';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseTar', () => {
  it('round-trips regular files, including empty ones and sizes off the 512 grid', () => {
    const entries = [
      { name: 'dir/a.txt', bytes: enc('hello') },
      { name: 'empty', bytes: new Uint8Array(0) },
      { name: 'dir/big.bin', bytes: new Uint8Array(1300).map((_, i) => i & 0xff) },
    ];
    const r = parseTar({ name: 'x.tar', bytes: encodeTar(entries) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((e) => e.name)).toEqual(['dir/a.txt', 'empty', 'dir/big.bin']);
    expect(r.value.map((e) => Array.from(e.bytes))).toEqual(
      entries.map((e) => Array.from(e.bytes)),
    );
  });

  it('skips directories and applies GNU long names', () => {
    const longName = `${'d/'.repeat(60)}file.bin`;
    const base = encodeTar([
      { name: 'dir/', bytes: new Uint8Array(0) },
      { name: '././@LongLink', bytes: enc(`${longName}\0`) },
      { name: 'short', bytes: enc('data') },
    ]);
    base[156] = 0x35; // '5': directory
    base[512 + 156] = 0x4c; // 'L': GNU long name for the next entry
    // Recompute both checksums after editing the type flags.
    for (const at of [0, 512]) {
      const h = base.subarray(at, at + 512);
      h.fill(0x20, 148, 156);
      const sum = h.reduce((a, b) => a + b, 0);
      h.set(enc(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    }
    const r = parseTar({ name: 'gnu.tar', bytes: base });
    expect(r.ok && r.value.map((e) => e.name)).toEqual([longName]);
  });

  it('rejects an entry claiming more bytes than the archive holds', () => {
    const t = encodeTar([{ name: 'a', bytes: enc('abc') }]);
    const h = t.subarray(0, 512);
    h.set(enc('77777777777\0'), 124); // 8 GiB
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const r = parseTar({ name: 'huge.tar', bytes: t });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(/^huge\.tar: tar entry "a" claims 8589934591 bytes but only/);
  });

  it('rejects bad checksums, truncation and malformed sizes with the archive name', () => {
    const t = encodeTar([{ name: 'a', bytes: enc('abc') }]);
    const bad = t.slice();
    bad[0] = 0x62;
    const garbage = new Uint8Array(1024).fill(0x41);
    const badSize = t.slice();
    badSize.set(enc('9x'), 124);
    for (const [name, bytes] of [
      ['bad.tar', bad],
      ['garbage.tar', garbage],
      ['cut.tar', t.subarray(0, 300)],
      ['badSize.tar', badSize],
    ] as const) {
      const r = parseTar({ name, bytes });
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.startsWith(`${name}: `), r.error).toBe(true);
    }
  });

  it('tolerates a missing end-of-archive marker', () => {
    const t = encodeTar([{ name: 'a', bytes: enc('abc') }]);
    const r = parseTar({ name: 'open.tar', bytes: t.subarray(0, 1024) });
    expect(r.ok && r.value.length).toBe(1);
  });
});
