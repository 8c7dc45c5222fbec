/**
 * Text <-> value for each kind of settings row. Used by the URL hash, the CLI flags and the
 * form controls, so that a value means the same thing everywhere. Errors are values.
 */
import { DEFAULTS, SCHEMA, type CGrid, type Row, type SettingKey, type Settings } from './schema';

import { fail, ok, type Result } from '../result';

export type Parsed<T> = Result<T>;

/** Longest text accepted for one field, so hostile input cannot make us allocate much. */
export const MAX_FIELD_CHARS = 2000;

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function parseInteger(text: string): number | null {
  const v = parseNumber(text);
  return v !== null && Number.isInteger(v) ? v : null;
}

function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}

/** Values of c = 2^x on a log2 grid, x = start, start + step, ..., ≤ stop (inclusive within 1e-9). */
export function expandCGrid(grid: CGrid): number[] {
  if (grid.kind === 'list') return [...grid.values].sort((a, b) => a - b);
  const out: number[] = [];
  const n = Math.floor((grid.stop - grid.start) / grid.step + 1e-9);
  for (let i = 0; i <= n; i++) {
    const x = Math.round((grid.start + i * grid.step) * 1e9) / 1e9;
    out.push(2 ** x);
  }
  return out;
}

function parseCGrid(text: string, row: Row & { kind: 'cGrid' }): Parsed<CGrid> {
  const t = text.trim();
  let grid: CGrid;
  if (t.startsWith('log2:')) {
    const parts = t.slice(5).split(':');
    if (parts.length !== 3) return fail(`expected log2:START:STOP:STEP, got ${quote(t)}`);
    const [start, stop, step] = parts.map(parseNumber);
    if (
      start === null ||
      stop === null ||
      step === null ||
      start === undefined ||
      stop === undefined ||
      step === undefined
    )
      return fail(`START, STOP and STEP must be numbers in ${quote(t)}`);
    if (step <= 0) return fail(`STEP must be positive, got ${step}`);
    if (stop < start) return fail(`STOP (${stop}) is below START (${start})`);
    grid = { kind: 'log2', start, stop, step };
  } else {
    const parts = t.split(',');
    const values: number[] = [];
    for (const p of parts) {
      const v = parseNumber(p);
      if (v === null)
        return fail(`${quote(p)} is not a number (expected "1,2,4" or log2:START:STOP:STEP)`);
      values.push(v);
    }
    if (values.length === 0) return fail('empty list');
    grid = { kind: 'list', values: [...new Set(values)].sort((a, b) => a - b) };
  }
  const count =
    grid.kind === 'list'
      ? grid.values.length
      : Math.floor((grid.stop - grid.start) / grid.step + 1e-9) + 1;
  if (count > row.maxValues) return fail(`${count} values of c; at most ${row.maxValues} allowed`);
  const cs = expandCGrid(grid);
  const bad = cs.find((c) => !(c >= row.minC && c <= row.maxC));
  if (bad !== undefined) return fail(`c = ${bad} is outside [${row.minC}, ${row.maxC}]`);
  return ok(grid);
}

function formatNumber(v: number): string {
  return String(Math.round(v * 1e9) / 1e9);
}

/**
 * The text form of a c grid, the inverse of `parseCGrid`: `log2:start:stop:step` or a comma list
 * of c values, numbers rounded to 9 decimals so float noise does not show.
 */
export function formatCGrid(grid: CGrid): string {
  return grid.kind === 'log2'
    ? `log2:${formatNumber(grid.start)}:${formatNumber(grid.stop)}:${formatNumber(grid.step)}`
    : grid.values.map(formatNumber).join(',');
}

/** A yes/no value: 1/0, true/false, yes/no, on/off (any case). */
export function parseYesNo(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'yes' || t === 'on') return ok(true);
  if (t === '0' || t === 'false' || t === 'no' || t === 'off') return ok(false);
  return fail(`${quote(text)} is not a yes/no value (1 or 0)`);
}

/** Parse one field's text; the error message says what is wrong but not which field (callers add that). */
export function parseField(row: Row, text: string): Parsed<Settings[SettingKey]> {
  if (text.length > MAX_FIELD_CHARS) return fail(`longer than ${MAX_FIELD_CHARS} characters`);
  switch (row.kind) {
    case 'enum': {
      const t = text.trim();
      const opts = row.options as readonly string[];
      return opts.includes(t)
        ? ok(t as Settings[SettingKey])
        : fail(`${quote(t)} is not one of ${opts.join(', ')}`);
    }
    case 'bool':
      return parseYesNo(text);
    case 'int': {
      const v = parseInteger(text);
      if (v === null) return fail(`${quote(text)} is not an integer`);
      if (v < row.min || v > row.max) return fail(`${v} is outside [${row.min}, ${row.max}]`);
      return ok(v);
    }
    case 'number': {
      const v = parseNumber(text);
      if (v === null) return fail(`${quote(text)} is not a number`);
      if (v < row.min || v > row.max) return fail(`${v} is outside [${row.min}, ${row.max}]`);
      return ok(v);
    }
    case 'intList': {
      if (text.trim() === '') return row.allowEmpty === true ? ok([]) : fail('no values');
      const parts = text.split(',');
      if (parts.length > row.maxLength) return fail(`more than ${row.maxLength} values`);
      const values: number[] = [];
      for (const p of parts) {
        const v = parseInteger(p);
        if (v === null) return fail(`${quote(p)} is not an integer`);
        if (v < row.min || v > row.max) return fail(`${v} is outside [${row.min}, ${row.max}]`);
        values.push(v);
      }
      return ok([...new Set(values)].sort((a, b) => a - b));
    }
    case 'cGrid':
      return parseCGrid(text, row);
  }
}

/**
 * One field's value as text, the inverse of `parseField` (booleans as 1/0, numbers rounded to 9
 * decimals, lists comma-separated); shared by the URL and the CLI.
 */
export function formatField(row: Row, value: Settings[SettingKey]): string {
  switch (row.kind) {
    case 'enum':
      return String(value);
    case 'bool':
      return value ? '1' : '0';
    case 'int':
    case 'number':
      return formatNumber(value as number);
    case 'intList':
      return (value as number[]).join(',');
    case 'cGrid':
      return formatCGrid(value as CGrid);
  }
}

/** Whether two values of a field are equal as written (so 0.1 + 0.2 equals 0.3 once formatted). */
export function sameValue(row: Row, a: Settings[SettingKey], b: Settings[SettingKey]): boolean {
  return formatField(row, a) === formatField(row, b);
}

/** A problem with one setting, for display: which field, and what was wrong (and how it was fixed). */
export interface SettingIssue {
  key: SettingKey | 'v' | 'hash';
  message: string;
}

/** Plain data (numbers, strings, booleans, arrays, objects) copied all the way down. */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyData(v)])) as T;
  return value;
}

/** A fresh, editable copy of the defaults (`DEFAULTS` itself is frozen). */
export function cloneDefaults(): Settings {
  return copyData(DEFAULTS) as Settings;
}

export { SCHEMA, DEFAULTS };
