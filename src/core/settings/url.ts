/**
 * Settings <-> URL hash, e.g. `#v=1&ds=mnist&d=2,4,8&w=64,128&c=log2:0:5:0.25`.
 * Defaults are omitted; every field decodes on its own, and a bad field falls back to its default
 * with an issue naming it. Settings that break a rule across fields (checks.ts) are fixed, and the
 * fix is reported. Decoding never throws, whatever the input.
 */
import { conflictFixWords, nameByLabel, runChecks } from './checks';
import { formatField, parseField, cloneDefaults, sameValue, type SettingIssue } from './codec';
import { SCHEMA, type SettingKey, type Settings } from './schema';

export const URL_VERSION = 1;
/** Longest hash we read; longer ones are cut off and reported. */
export const MAX_HASH_CHARS = 8192;

/** Older versions' keys, renamed: version -> (old key -> new key). */
const MIGRATIONS: Record<number, Record<string, string>> = {};

export function encodeSettings(settings: Settings): string {
  const parts = [`v=${URL_VERSION}`];
  const defaults = cloneDefaults();
  for (const row of SCHEMA) {
    const value = settings[row.key];
    if (sameValue(row, value, defaults[row.key])) continue;
    parts.push(`${row.url}=${encodeURIComponent(formatField(row, value))}`);
  }
  return parts.join('&');
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Decode a hash (with or without the leading '#'). Unknown keys are reported and ignored. */
export function decodeSettings(hash: string): { settings: Settings; issues: SettingIssue[] } {
  const issues: SettingIssue[] = [];
  const settings = cloneDefaults();
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  if (text.length > MAX_HASH_CHARS) {
    issues.push({ key: 'hash', message: `link longer than ${MAX_HASH_CHARS} characters: ignored` });
    return { settings, issues };
  }
  if (text.trim() === '') return { settings, issues };

  const fields = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const key = safeDecode(rawKey);
    const value = safeDecode(rawValue);
    if (key === null || value === null) {
      issues.push({
        key: 'hash',
        message: `could not decode ${JSON.stringify(pair.slice(0, 40))}`,
      });
      continue;
    }
    fields.set(key, value);
  }

  let version = URL_VERSION;
  const v = fields.get('v');
  fields.delete('v');
  if (v !== undefined) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > URL_VERSION) {
      issues.push({
        key: 'v',
        message: `unknown link version ${JSON.stringify(v.slice(0, 20))}; read as version ${URL_VERSION}`,
      });
    } else version = n;
  }
  for (let from = version; from < URL_VERSION; from++) {
    const renames = MIGRATIONS[from] ?? {};
    for (const [oldKey, newKey] of Object.entries(renames)) {
      const value = fields.get(oldKey);
      if (value !== undefined) {
        fields.delete(oldKey);
        fields.set(newKey, value);
      }
    }
  }

  const given = new Set<SettingKey>();
  for (const row of SCHEMA) {
    const value = fields.get(row.url);
    if (value === undefined) continue;
    fields.delete(row.url);
    const parsed = parseField(row, value);
    if (parsed.ok) {
      (settings as unknown as Record<string, unknown>)[row.key] = parsed.value;
      given.add(row.key);
    } else
      issues.push({ key: row.key, message: `${row.label}: ${parsed.error}; using the default` });
  }
  for (const key of fields.keys()) {
    issues.push({
      key: 'hash',
      message: `unknown link field ${JSON.stringify(key.slice(0, 40))} ignored`,
    });
  }
  const checked = runChecks(settings, given);
  for (const c of checked.conflicts)
    issues.push({
      key: c.changed[0] ?? c.check.keys[0]!,
      message: conflictFixWords(c, nameByLabel),
    });
  return { settings: checked.settings, issues };
}
