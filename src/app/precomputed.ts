/**
 * Results shipped with the app (public/precomputed/, made by `tsx scripts/buildPrecomputed.ts <id> '<hash>'`):
 * on a first visit the quick demo's diagram is on screen at once, labelled as precomputed, and
 * Run computes it live. The index records the settings (a link hash) each file was made with; a file is only
 * shown for exactly those run-affecting settings.
 */
import type { ColumnRecord, RunRecord } from '../core/sweep/records';
import { decodeSettings } from '../core/settings/url';
import type { Settings } from '../core/settings/schema';
import { parseResultsText } from './io/importResults';
import { presetById } from './presets';
import type { AppStore } from './store/store';
import { runSettingsText } from './sweep/resultsKey';

export interface PrecomputedEntry {
  /** The preset whose settings made it. */
  preset: string;
  /** File name under precomputed/. */
  file: string;
  /** The settings it was made with, as a link hash (built-in MNIST). */
  hash: string;
  runs: number;
  columns: number;
  /** The command that made it. */
  command: string;
  /** Day it was made (YYYY-MM-DD). */
  made: string;
}

export type FetchText = (url: string) => Promise<string | null>;

const baseUrl = (): string => {
  const base = (import.meta as ImportMeta & { env?: { BASE_URL?: string } }).env?.BASE_URL;
  return typeof base === 'string' ? base : '/';
};

export const browserFetchText: FetchText = async (url) => {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
};

/** The index of shipped results (entries with a readable hash and file name only); [] if none. */
export async function loadPrecomputedIndex(
  fetchText: FetchText = browserFetchText,
  base: string = baseUrl(),
): Promise<PrecomputedEntry[]> {
  const text = await fetchText(`${base}precomputed/index.json`);
  if (text === null) return [];
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(index)) return [];
  return (index as unknown[]).filter(
    (e): e is PrecomputedEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as PrecomputedEntry).hash === 'string' &&
      typeof (e as PrecomputedEntry).preset === 'string' &&
      typeof (e as PrecomputedEntry).file === 'string' &&
      /^[\w.-]+\.jsonl$/.test((e as PrecomputedEntry).file),
  );
}

/**
 * A shipped result to offer instead of a long computation: the one made with these very run
 * settings, else one of a preset on the same dataset, model and depths (the Paper preset's
 * validation scale for the paper's own). Null when none fits.
 */
export function precomputedAlternative(
  index: readonly PrecomputedEntry[],
  settings: Settings,
): { entry: PrecomputedEntry; exact: boolean } | null {
  const mine = runSettingsText(settings, 'builtin');
  const exact = index.find(
    (e) => runSettingsText(decodeSettings(e.hash).settings, 'builtin') === mine,
  );
  if (exact) return { entry: exact, exact: true };
  const near = index.find((e) => {
    const s = decodeSettings(e.hash).settings;
    return (
      s.dataset === settings.dataset &&
      s.model === settings.model &&
      s.depths.join(',') === settings.depths.join(',') &&
      presetById(e.preset) !== undefined
    );
  });
  return near ? { entry: near, exact: false } : null;
}

/** The shipped results for these run settings, or null (none shipped, or unreadable). */
export async function loadPrecomputed(
  runSettings: string,
  fetchText: FetchText = browserFetchText,
  base: string = baseUrl(),
): Promise<{ entry: PrecomputedEntry; runs: RunRecord[]; columns: ColumnRecord[] } | null> {
  const indexText = await fetchText(`${base}precomputed/index.json`);
  if (indexText === null) return null;
  let index: unknown;
  try {
    index = JSON.parse(indexText);
  } catch {
    return null;
  }
  if (!Array.isArray(index)) return null;
  const entry = (index as PrecomputedEntry[]).find(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.hash === 'string' &&
      runSettingsText(decodeSettings(e.hash).settings, 'builtin') === runSettings,
  );
  if (!entry || typeof entry.file !== 'string' || !/^[\w.-]+\.jsonl$/.test(entry.file)) return null;
  const text = await fetchText(`${base}precomputed/${entry.file}`);
  if (text === null) return null;
  const parsed = parseResultsText(text);
  if (parsed.rejected.length > 0 || parsed.runs.length === 0) return null;
  return { entry, runs: parsed.runs, columns: parsed.columns };
}

/**
 * Show the shipped results whenever the settings turn to a shipped preset's (the first visit's
 * defaults, or a preset's button) and nothing is computed for them here yet: no stored runs,
 * nothing imported, no sweep running. Run then computes them live.
 */
export function startPrecomputed(
  store: AppStore,
  fetchText: FetchText = browserFetchText,
): () => void {
  // Shown results that just gave way (Hide, Run, a settings change) are not shown again at once
  // when this browser's own results load in their place.
  let shownFor: string | null = null;
  let releasedFor: string | null = null;
  return store.subscribe((s, prev) => {
    if (s.imported && !prev.imported) shownFor = runSettingsText(s.settings, s.mnistSource);
    if (prev.imported && !s.imported) releasedFor = shownFor;
    if (s.resultsKey === null || s.resultsKey === prev.resultsKey) return;
    const released = releasedFor;
    releasedFor = null;
    if (released === runSettingsText(s.settings, s.mnistSource)) return;
    if (Object.keys(s.runs).length > 0 || s.imported || s.status !== 'idle') return;
    const key = s.resultsKey;
    const runSettings = runSettingsText(s.settings, s.mnistSource);
    void loadPrecomputed(runSettings, fetchText).then((found) => {
      const now = store.getState();
      // Only if nothing happened meanwhile (a run started, settings changed, a file imported).
      if (!found || now.resultsKey !== key || now.imported || now.status !== 'idle') return;
      if (Object.keys(now.runs).length > 0) return;
      now.setImported(
        {
          name: presetById(found.entry.preset)?.label ?? found.entry.preset,
          rejected: null,
          source: 'precomputed',
        },
        found.runs,
        found.columns,
      );
    });
  });
}

/**
 * Results from a link or shipped with the app are a view of given settings: when the settings
 * change (a field, a preset) they give way, and the services load this browser's own results.
 */
export function releaseShownOnSettingsChange(store: AppStore): () => void {
  return store.subscribe((s, prev) => {
    if (s.settings === prev.settings || s.imported === null) return;
    if (s.imported !== prev.imported) return; // arrived with these settings
    if ((s.imported.source ?? 'file') === 'file') return;
    store.setState({ imported: null, resultsKey: null });
  });
}
