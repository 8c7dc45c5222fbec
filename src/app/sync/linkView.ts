/**
 * The view in a link, beside the settings: `ly=1` (log y), `raw=1` (raw λ), `sel=<run ids>`,
 * `lecture=1` (lecture mode), `open=<panels>` (which panels are open: `open=settings,-help`, a
 * leading `-` for a collapsed one) and `res=<payload>` (the results, see resultsPayload.ts). These keys
 * are split off before the settings are decoded, so the settings codec never sees them; they
 * follow the settings in the hash: `#v=1&w=32,64&ly=1&sel=d2-w32-s0-c2.00000000000`.
 */
import { MAX_HASH_CHARS } from '../../core/settings/url';
import type { SettingIssue } from '../../core/settings/codec';
import { MAX_RESULTS_CHARS } from './resultsPayload';

export interface LinkView {
  logY: boolean;
  rawSharpness: boolean;
  lecture: boolean;
  /** Run ids (as `runId` writes them). */
  selected: string[];
  /** A results payload, undecoded. */
  results: string | null;
  /** Panels named by the link: open (true) or collapsed (false); others are left as they are. */
  panels: Readonly<Record<string, boolean>>;
}

export const EMPTY_VIEW: Readonly<LinkView> = Object.freeze({
  logY: false,
  rawSharpness: false,
  lecture: false,
  selected: [],
  results: null,
  panels: Object.freeze({}),
});

/** Most selected runs a link carries. */
export const MAX_LINK_SELECTION = 200;
/** Most panels a link names (there are a handful; more is not a link this app made). */
export const MAX_LINK_PANELS = 32;
const PANEL_ID = /^[a-z][a-z0-9-]{0,31}$/;
/** Longest hash looked at for view keys; longer ones go whole to the settings decoder. */
const MAX_VIEW_HASH_CHARS = MAX_HASH_CHARS + MAX_RESULTS_CHARS + 64;
const VIEW_KEYS = new Set(['ly', 'raw', 'lecture', 'sel', 'res', 'open']);
const RUN_ID = /^d\d{1,4}-w\d{1,6}-s\d{1,6}-c[0-9.e+-]{1,20}$/;

function flag(key: string, value: string, issues: SettingIssue[]): boolean {
  if (value === '1' || value === '') return true;
  if (value === '0') return false;
  issues.push({
    key: 'hash',
    message: `link field "${key}" must be 0 or 1, not ${JSON.stringify(value.slice(0, 20))}; ignored`,
  });
  return false;
}

/**
 * Split a hash into the settings part (for decodeSettings) and the view. Bad view fields are
 * ignored with an issue each; never throws.
 */
export function splitLinkView(hash: string): {
  settingsHash: string;
  view: LinkView;
  issues: SettingIssue[];
} {
  const view: LinkView = { ...EMPTY_VIEW, selected: [], panels: {} };
  const issues: SettingIssue[] = [];
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  if (text.length > MAX_VIEW_HASH_CHARS) return { settingsHash: text, view, issues };
  const rest: string[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (!VIEW_KEYS.has(key)) {
      rest.push(pair);
      continue;
    }
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (key === 'ly') view.logY = flag(key, value, issues);
    else if (key === 'raw') view.rawSharpness = flag(key, value, issues);
    else if (key === 'lecture') view.lecture = flag(key, value, issues);
    else if (key === 'open') view.panels = parsePanels(value, issues);
    else if (key === 'res') {
      if (value.length > MAX_RESULTS_CHARS)
        issues.push({
          key: 'hash',
          message: `shared results of ${value.length.toLocaleString('en')} characters: at most ${MAX_RESULTS_CHARS.toLocaleString('en')} are read; not shown`,
        });
      else view.results = value;
    } else {
      const ids = value.split(',').filter((id) => id !== '');
      const bad = ids.filter((id) => !RUN_ID.test(id));
      if (bad.length > 0)
        issues.push({
          key: 'hash',
          message: `selection: ${bad.length} cell name${bad.length > 1 ? 's' : ''} not understood (${JSON.stringify(bad[0]?.slice(0, 30))}); ignored`,
        });
      const good = ids.filter((id) => RUN_ID.test(id));
      if (good.length > MAX_LINK_SELECTION)
        issues.push({
          key: 'hash',
          message: `selection of ${good.length} cells: the first ${MAX_LINK_SELECTION} are used`,
        });
      view.selected = good.slice(0, MAX_LINK_SELECTION);
    }
  }
  return { settingsHash: rest.join('&'), view, issues };
}

/**
 * `settings,-help` → { settings: true, help: false }. A name that is not a panel id, a panel
 * named twice or a list over MAX_LINK_PANELS is ignored whole, with one issue: the panels then
 * stay as this browser has them.
 */
function parsePanels(value: string, issues: SettingIssue[]): Record<string, boolean> {
  const names = value.split(',').filter((n) => n !== '');
  const out: Record<string, boolean> = {};
  const refuse = (why: string): Record<string, boolean> => {
    issues.push({ key: 'hash', message: `open panels: ${why}; ignored` });
    return {};
  };
  if (names.length > MAX_LINK_PANELS)
    return refuse(`${names.length} named, at most ${MAX_LINK_PANELS}`);
  for (const name of names) {
    const closed = name.startsWith('-');
    const id = closed ? name.slice(1) : name;
    if (!PANEL_ID.test(id))
      return refuse(`${JSON.stringify(name.slice(0, 30))} is not a panel name`);
    if (id in out) return refuse(`"${id}" is named twice`);
    out[id] = !closed;
  }
  return out;
}

/** The view's part of a hash (to append after the settings), '' for the default view. */
export function formatLinkView(view: Partial<LinkView>): string {
  const parts: string[] = [];
  if (view.logY) parts.push('ly=1');
  if (view.rawSharpness) parts.push('raw=1');
  if (view.lecture) parts.push('lecture=1');
  if (view.selected && view.selected.length > 0)
    parts.push(`sel=${view.selected.slice(0, MAX_LINK_SELECTION).join(',')}`);
  const panels = Object.entries(view.panels ?? {})
    .filter(([id]) => PANEL_ID.test(id))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_LINK_PANELS);
  if (panels.length > 0)
    parts.push(`open=${panels.map(([id, open]) => (open ? id : `-${id}`)).join(',')}`);
  // Last: the longest, and a truncated link then loses only its results.
  if (view.results) parts.push(`res=${view.results}`);
  return parts.join('&');
}
