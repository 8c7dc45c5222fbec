/**
 * The key under which finished runs are stored: a hash of every setting that changes what a run
 * computes (schema rows with `affectsRuns`, less the execution-only ones such as the ensemble
 * size), plus where MNIST came from. A run is stored under
 * `${key}/${runId}`, so changing a display-only setting (the diagram axis) keeps the results.
 */
import { formatField } from '../../core/settings/codec';
import { DEFAULTS, SCHEMA, type Settings } from '../../core/settings/schema';
import type { MnistSource } from '../../worker/protocol';

/** The canonical text of the run-affecting settings, e.g. `ds=mnist&m=fcn&...`. */
export function runSettingsText(settings: Settings, mnistSource: MnistSource): string {
  const parts: string[] = [];
  for (const row of SCHEMA) {
    if (!row.affectsRuns || row.executionOnly) continue;
    const text = formatField(row, settings[row.key]);
    if (row.keyOmitsDefault && text === formatField(row, DEFAULTS[row.key])) continue;
    parts.push(`${row.url}=${text}`);
  }
  if (settings.dataset === 'mnist') parts.push(`src=${mnistSource}`);
  return parts.join('&');
}

/** 64-bit FNV-1a (as two 32-bit lanes with different offsets), as 16 hex digits. */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function resultsKey(settings: Settings, mnistSource: MnistSource): string {
  return hash64(runSettingsText(settings, mnistSource));
}
