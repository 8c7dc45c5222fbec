/**
 * Read a results file to view a sweep without computing it: the CLI's JSON Lines
 * (`{"type":"run",...}` and `{"type":"column",...}` per line) or this app's JSON export. Every
 * record's shape is checked (core/sweep/recordSchema); bad lines are counted and reported, never half-used.
 */
import { fail, ok, type Result } from '../../core/result';
import { decodeSettings } from '../../core/settings/url';
import type { Settings } from '../../core/settings/schema';
import { columnId, runId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import { checkResultRecord } from '../../core/sweep/recordSchema';
import { JSON_FORMAT } from './exportData';
import { isHeaderLike, readHeader } from '../../core/sweep/header';
import { describeGaps, sweepCoverage } from '../../core/sweep/coverage';

export interface RejectedLine {
  /** 1-based line number (or record index for the JSON format). */
  line: number;
  reason: string;
}

export interface ImportedResults {
  runs: RunRecord[];
  columns: ColumnRecord[];
  rejected: RejectedLine[];
  /** Records read in total (accepted + rejected). */
  records: number;
  /** Settings, when the file carries them (the app's JSON export, the CLI's sweep header). */
  settings: Settings | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Largest results file read (the CLI writes about 0.5-40 kB per run, by the number of steps). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Most lines (records) read from one file. */
export const MAX_IMPORT_LINES = 200_000;

/** Records as they are checked, one at a time (so a long file can be read in slices). */
class Collector {
  readonly runs = new Map<string, RunRecord>();
  readonly columns = new Map<string, ColumnRecord>();
  readonly rejected: RejectedLine[] = [];
  records = 0;
  /** Settings from a `{"type":"sweep"}` header line (the CLI's and merge's files). */
  headerSettings: Settings | null = null;

  /** `documentSettings`: the settings of a JSON export's link, known before its records. */
  constructor(readonly documentSettings: Settings | null = null) {}

  add(line: number, value: unknown): void {
    if (isHeaderLike(value)) {
      this.records++;
      const h = readHeader(value);
      if (!h.ok) this.rejected.push({ line, reason: h.error });
      else if (this.headerSettings !== null)
        this.rejected.push({ line, reason: 'a second sweep header' });
      else this.headerSettings = h.value.settings;
      return;
    }
    this.records++;
    // A record without J was written when the data seed alone chose the batch order.
    const dataSeed = (this.documentSettings ?? this.headerSettings)?.dataSeed ?? 0;
    const r = checkResultRecord(value, { orderSeed: dataSeed });
    if (!r.ok) this.rejected.push({ line, reason: r.error });
    else if (r.value.type === 'run') this.runs.set(runId(r.value), r.value);
    else this.columns.set(columnId(r.value), r.value);
  }

  reject(line: number, reason: string): void {
    this.records++;
    this.rejected.push({ line, reason });
  }

  finish(documentSettings: Settings | null): ImportedResults {
    const settings = documentSettings ?? this.headerSettings;
    // Columns without a run count get the number of their runs (one pass, not one per column).
    const perColumn = new Map<string, number>();
    for (const r of this.runs.values()) {
      const id = columnId(r);
      perColumn.set(id, (perColumn.get(id) ?? 0) + 1);
    }
    for (const [id, col] of this.columns) if (col.runs === 0) col.runs = perColumn.get(id) ?? 0;
    return {
      runs: [...this.runs.values()],
      columns: [...this.columns.values()],
      rejected: this.rejected.sort((a, b) => a.line - b.line),
      records: this.records,
      settings,
    };
  }
}

/** This app's JSON export (one document), or null when `text` is something else. */
function parseJsonDocument(text: string): ImportedResults | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || trimmed.includes('\n{')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return null; // JSON Lines reports the line
  }
  if (!isObj(doc) || doc['format'] !== JSON_FORMAT) return null; // maybe a one-line JSONL file
  const settings = typeof doc['hash'] === 'string' ? decodeSettings(doc['hash']).settings : null;
  const list = (key: string): unknown[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  const acc = new Collector(settings);
  [...list('runs'), ...list('columns')].forEach((value, i) => acc.add(i + 1, value));
  return acc.finish(settings);
}

/** Lines `from` to `to` (exclusive) of a JSON Lines file into `acc`. */
function parseJsonLines(lines: readonly string[], from: number, to: number, acc: Collector): void {
  for (let i = from; i < to; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      acc.reject(i + 1, 'not valid JSON');
      continue;
    }
    acc.add(i + 1, value);
  }
}

const SLICE_LINES = 500;

/** Parse a results file's text at once. Never throws. */
export function parseResultsText(text: string): ImportedResults {
  const doc = parseJsonDocument(text);
  if (doc) return doc;
  const acc = new Collector();
  const lines = text.split(/\r?\n/);
  parseJsonLines(lines, 0, lines.length, acc);
  return acc.finish(null);
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export type ImportOutcome = Result<ImportedResults>;

/**
 * Read a results file: refused before reading when it is larger than MAX_IMPORT_BYTES or has
 * more than MAX_IMPORT_LINES lines; JSON Lines are checked in slices with `pause` between them
 * (a timer in the page), so a large file does not freeze it. Never throws.
 */
export async function readResultsFile(
  file: Pick<File, 'name' | 'size' | 'text'>,
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 0)),
): Promise<ImportOutcome> {
  if (file.size > MAX_IMPORT_BYTES)
    return fail(
      `${file.name} is ${megabytes(file.size)}; results files up to ${megabytes(MAX_IMPORT_BYTES)} can be imported`,
    );
  let text: string;
  try {
    text = await file.text();
  } catch (err) {
    return fail(`could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const lines = countLines(text);
  if (lines > MAX_IMPORT_LINES)
    return fail(
      `${file.name} has ${lines.toLocaleString('en')} lines; results files up to ${MAX_IMPORT_LINES.toLocaleString('en')} lines can be imported`,
    );
  const doc = parseJsonDocument(text);
  if (doc) return ok(doc);
  const acc = new Collector();
  const all = text.split(/\r?\n/);
  for (let from = 0; from < all.length; from += SLICE_LINES) {
    if (from > 0) await pause();
    parseJsonLines(all, from, Math.min(all.length, from + SLICE_LINES), acc);
  }
  return ok(acc.finish(null));
}

/** A one-paragraph summary of what was rejected, e.g. "2 of 40 lines rejected: line 3: ...". */
export function rejectedSummary(r: ImportedResults): string | null {
  if (r.rejected.length === 0) return null;
  const shown = r.rejected
    .slice(0, 3)
    .map((x) => `line ${x.line}: ${x.reason}`)
    .join('; ');
  const more = r.rejected.length > 3 ? `; and ${r.rejected.length - 3} more` : '';
  return `${r.rejected.length} of ${r.records} lines rejected (${shown}${more}).`;
}

/**
 * What the imported sweep still lacks, when the file says which sweep it is (its settings): the
 * columns with no runs and those whose planner would still ask for more, e.g. a merge of shards
 * of which some have not finished. Null when complete or when the file carries no settings.
 */
export function importGaps(r: ImportedResults): string | null {
  if (!r.settings) return null;
  return describeGaps(sweepCoverage(r.settings, r.runs));
}
