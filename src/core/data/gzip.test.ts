import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { gunzipLimited, isGzip } from './gzip';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte equality without vitest's slow element-wise diff on large arrays. */
function same(r: { ok: boolean; value?: Uint8Array }, expected: Uint8Array): boolean {
  return r.ok && r.value !== undefined && Buffer.from(r.value).equals(Buffer.from(expected));
}

function edited(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const b = bytes.slice();
  b[at] = value;
  return b;
}

function patterned(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 7 + (i >> 8)) & 0xff;
  return a;
}

describe('gunzipLimited', () => {
  it('round-trips data larger than one push, single and multi-member', () => {
    const data = patterned(300_000);
    const one = gunzipLimited({ name: 'a.gz', bytes: gzipSync(data) });
    expect(same(one, data)).toBe(true);
    const a = data.subarray(0, 1000);
    const b = data.subarray(1000);
    const two = gunzipLimited({ name: 'b.gz', bytes: concat(gzipSync(a), gzipSync(b)) });
    expect(same(two, data)).toBe(true);
  });

  it('decompresses an empty payload', () => {
    const r = gunzipLimited({ name: 'e.gz', bytes: gzipSync(new Uint8Array(0)) });
    expect(r.ok && r.value.length).toBe(0);
  });

  it('rejects output over the limit while streaming, even when the trailer lies', () => {
    const zeros = gzipSync(new Uint8Array(4 << 20)); // 4 MiB of zeros, a few KB compressed
    expect(zeros.length).toBeLessThan(10_000);
    const honest = gunzipLimited(
      { name: 'bomb.gz', bytes: zeros },
      { maxDecompressedBytes: 1 << 20 },
    );
    expect(honest.ok).toBe(false);
    if (!honest.ok) expect(honest.error).toMatch(/^bomb\.gz: .*limit/);
    // Trailer claims 100 bytes: the early check passes, the streaming cap must still stop it.
    const lying = zeros.slice();
    new DataView(lying.buffer).setUint32(lying.length - 4, 100, true);
    const r = gunzipLimited({ name: 'liar.gz', bytes: lying }, { maxDecompressedBytes: 1 << 20 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^liar\.gz: decompresses to more than the limit/);
  });

  it('rejects a trailer that declares more than the limit before inflating', () => {
    const bytes = gzipSync(patterned(1000));
    new DataView(bytes.buffer).setUint32(bytes.length - 4, 0xffffffff, true);
    const r = gunzipLimited({ name: 'big.gz', bytes });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^big\.gz: gzip trailer declares 4294967295 bytes/);
  });

  it('rejects truncated, corrupt and non-gzip data with the file name', () => {
    const good = gzipSync(patterned(100_000));
    const cases: [string, Uint8Array][] = [
      ['cut.gz', good.subarray(0, good.length >> 1)],
      ['noTrailer.gz', good.subarray(0, good.length - 8)],
      ['tiny.gz', good.subarray(0, 10)],
      ['garbage.gz', new TextEncoder().encode('this is not gzip at all, just text')],
      ['empty.gz', new Uint8Array(0)],
      ['badTrailer.gz', edited(good, good.length - 4, good[good.length - 4]! ^ 1)],
      ['badBlock.gz', edited(good, 10, 0xff)], // BTYPE 11 is reserved
    ];
    for (const [name, bytes] of cases) {
      const r = gunzipLimited({ name, bytes });
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.startsWith(`${name}: `), r.error).toBe(true);
    }
  });

  it('detects the magic', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });
});
