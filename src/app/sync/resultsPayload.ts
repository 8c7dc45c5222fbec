/**
 * Finished results packed into a link (`#...&res=<payload>`), so a colleague's fresh browser shows
 * the same diagram and curves without computing.
 *
 * Payload: base64url(deflate(bytes)), bytes = "PE" 0x01, header length (u32 LE), the header as
 * UTF-8 JSON, then every run's loss and sharpness curves as binary16 (u16 LE). A curve is stored
 * divided by 2^k (k in the header, chosen per curve so its largest magnitude sits just under
 * 2^15), which keeps 11 significant bits over the whole range a curve spans (losses up to the
 * divergence threshold 10^5 included). null (after divergence) is a binary16 NaN. Scalars
 * of runs (c, η, λ_0, ...) travel in the header at 12 significant digits, which keeps run ids
 * (c to 12 digits) identical; columns' critical values travel exact. Lanczos diagnostics and timings are left out.
 *
 * Decoding never throws: a payload that is not ours, too long, inflates too far or holds a bad
 * record is refused whole with a message naming what is wrong.
 */
import { deflateSync, inflateSync } from 'fflate';
import { REGIMES, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import { checkColumnRecord, checkRunRecord } from '../../core/sweep/recordSchema';
import { fromFloat16Bits, toFloat16Bits } from './float16';

/** Longest payload put in or read from a link (characters of base64url). */
export const MAX_RESULTS_CHARS = 60_000;
/** Most bytes a payload may inflate to (a deflate bomb stops here). */
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
/** Most runs and columns in one payload. */
export const MAX_PAYLOAD_RECORDS = 20_000;

const MAGIC = [0x50, 0x45, 0x01] as const;
const HEAD = MAGIC.length + 4;

export type EncodeOutcome =
  { ok: true; text: string } | { ok: false; chars: number; limit: number };
export type DecodeOutcome =
  { ok: true; runs: RunRecord[]; columns: ColumnRecord[] } | { ok: false; error: string };

const round12 = (v: number | null): number | null =>
  v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(12));

/** Power of two that brings a curve's largest magnitude into [2^14, 2^15). */
function scaleExponent(series: readonly (number | null)[]): number {
  let max = 0;
  for (const v of series) if (v !== null && Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return max > 0 ? Math.floor(Math.log2(max)) - 14 : 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Pack runs and columns; refused (with the size it would have) above MAX_RESULTS_CHARS. */
export function encodeResults(
  runs: readonly RunRecord[],
  columns: readonly ColumnRecord[],
  limit = MAX_RESULTS_CHARS,
): EncodeOutcome {
  const header = {
    r: runs.map((r) => {
      const kLoss = scaleExponent(r.loss);
      const kSharp = scaleExponent(r.sharpness);
      return [
        r.depth,
        r.width,
        r.seed,
        round12(r.c),
        round12(r.eta),
        round12(r.lambda0),
        round12(r.loss0),
        r.diverged ? 1 : 0,
        r.divergedAt,
        REGIMES.indexOf(r.regime),
        r.loss.length,
        kLoss,
        kSharp,
        round12(r.lossRatioMax),
        round12(r.sharpRatioMax),
        round12(r.sharpRatioFinal),
        // The order seed J last: links from before it have 16 fields.
        r.orderSeed,
      ];
    }),
    k: columns.map((k) => [
      k.depth,
      k.width,
      k.seed,
      k.lambda0,
      k.loss0,
      k.c_loss,
      k.c_sharp,
      k.c_max,
      k.runs,
      k.orderSeed,
    ]),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const steps = runs.reduce((n, r) => n + r.loss.length + r.sharpness.length, 0);
  const bytes = new Uint8Array(HEAD + headerBytes.length + 2 * steps);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, HEAD);
  let at = HEAD + headerBytes.length;
  header.r.forEach((row, i) => {
    const run = runs[i] as RunRecord;
    // Both curves get the loss curve's length (they are equal in every record the core makes).
    const put = (series: readonly (number | null)[], k: number): void => {
      for (let t = 0; t < run.loss.length; t++) {
        const v = series[t] ?? null;
        view.setUint16(
          at,
          v === null || !Number.isFinite(v) ? 0x7e00 : toFloat16Bits(v / 2 ** k),
          true,
        );
        at += 2;
      }
    };
    put(run.loss, row[11] as number);
    put(run.sharpness, row[12] as number);
  });
  const text = toBase64Url(deflateSync(bytes, { level: 9 }));
  return text.length > limit ? { ok: false, chars: text.length, limit } : { ok: true, text };
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/**
 * Unpack a payload made by encodeResults; every record is checked as an imported one is. A
 * record without J (payloads from before order seeds) gets `defaultOrderSeed`.
 */
export function decodeResults(text: string, defaultOrderSeed = 0): DecodeOutcome {
  const defaults = { orderSeed: defaultOrderSeed };
  if (typeof text !== 'string' || text.length === 0)
    return { ok: false, error: 'the results in the link are empty' };
  if (text.length > MAX_RESULTS_CHARS)
    return {
      ok: false,
      error: `the results in the link are ${text.length.toLocaleString('en')} characters; at most ${MAX_RESULTS_CHARS.toLocaleString('en')} are read`,
    };
  const packed = fromBase64Url(text);
  if (!packed) return { ok: false, error: 'the results in the link are not base64url text' };
  let bytes: Uint8Array;
  try {
    // One byte more than allowed: filling it means the payload inflates too far (fflate cuts
    // the output to the buffer it is given, so this never allocates beyond the limit).
    bytes = inflateSync(packed, { out: new Uint8Array(MAX_INFLATED_BYTES + 1) });
  } catch {
    return { ok: false, error: 'the results in the link are not deflate data' };
  }
  if (bytes.length > MAX_INFLATED_BYTES)
    return {
      ok: false,
      error: `the results in the link unpack to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MB`,
    };
  if (bytes.length < HEAD || MAGIC.some((b, i) => bytes[i] !== b))
    return { ok: false, error: 'the results in the link are not a Phase Explorer payload' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (HEAD + headerLength > bytes.length)
    return { ok: false, error: 'the results in the link are cut short (header)' };
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEAD, HEAD + headerLength)),
    );
  } catch {
    return { ok: false, error: 'the results in the link have an unreadable header' };
  }
  const h = header as { r?: unknown; k?: unknown } | null;
  if (typeof h !== 'object' || h === null || !isList(h.r) || !isList(h.k))
    return { ok: false, error: 'the results in the link have no run and column lists' };
  if (h.r.length + h.k.length > MAX_PAYLOAD_RECORDS)
    return {
      ok: false,
      error: `the results in the link hold ${h.r.length + h.k.length} records; at most ${MAX_PAYLOAD_RECORDS} are read`,
    };

  let at = HEAD + headerLength;
  const runs: RunRecord[] = [];
  for (let i = 0; i < h.r.length; i++) {
    const row = h.r[i];
    if (!isList(row) || (row.length !== 16 && row.length !== 17))
      return { ok: false, error: `run ${i + 1} in the link is not a list of 16 or 17 fields` };
    const n = row[10];
    const kLoss = row[11];
    const kSharp = row[12];
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 100_000)
      return { ok: false, error: `run ${i + 1} in the link has a bad step count` };
    if (
      !Number.isInteger(kLoss) ||
      !Number.isInteger(kSharp) ||
      Math.abs(kLoss as number) > 200 ||
      Math.abs(kSharp as number) > 200
    )
      return { ok: false, error: `run ${i + 1} in the link has a bad curve scale` };
    if (at + 4 * (n as number) > bytes.length)
      return { ok: false, error: `the results in the link are cut short (run ${i + 1})` };
    const take = (k: number): (number | null)[] => {
      const out: (number | null)[] = [];
      for (let t = 0; t < (n as number); t++) {
        const v = fromFloat16Bits(view.getUint16(at, true));
        at += 2;
        out.push(Number.isFinite(v) ? v * 2 ** k : null);
      }
      return out;
    };
    const loss = take(kLoss as number);
    const sharpness = take(kSharp as number);
    const checked = checkRunRecord(
      {
        type: 'run',
        depth: row[0],
        width: row[1],
        seed: row[2],
        c: row[3],
        eta: row[4],
        lambda0: row[5],
        loss0: row[6],
        diverged: row[7] === 1 ? true : row[7] === 0 ? false : row[7],
        divergedAt: row[8],
        regime: typeof row[9] === 'number' ? REGIMES[row[9]] : undefined,
        loss,
        sharpness,
        lossRatioMax: row[13],
        sharpRatioMax: row[14],
        sharpRatioFinal: row[15],
        ...(row.length === 17 ? { orderSeed: row[16] } : {}),
      },
      defaults,
    );
    if (!checked.ok) return { ok: false, error: `run ${i + 1} in the link: ${checked.error}` };
    runs.push(checked.value);
  }
  if (at !== bytes.length)
    return { ok: false, error: 'the results in the link have bytes left over after the curves' };
  const columns: ColumnRecord[] = [];
  for (let i = 0; i < h.k.length; i++) {
    const row = h.k[i];
    if (!isList(row) || (row.length !== 9 && row.length !== 10))
      return { ok: false, error: `column ${i + 1} in the link is not a list of 9 or 10 fields` };
    const checked = checkColumnRecord(
      {
        type: 'column',
        depth: row[0],
        width: row[1],
        seed: row[2],
        lambda0: row[3],
        loss0: row[4],
        c_loss: row[5],
        c_sharp: row[6],
        c_max: row[7],
        runs: row[8],
        ...(row.length === 10 ? { orderSeed: row[9] } : {}),
      },
      defaults,
    );
    if (!checked.ok) return { ok: false, error: `column ${i + 1} in the link: ${checked.error}` };
    columns.push(checked.value);
  }
  return { ok: true, runs, columns };
}
