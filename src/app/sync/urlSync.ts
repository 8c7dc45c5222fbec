/**
 * Settings and view <-> the URL hash. The hash is read on load and on every `hashchange` (a pasted
 * link); it is written back with `history.replaceState`, so editing a field adds no history
 * entry. The view (log y, raw λ, lecture mode, open panels, the selected cells) follows the settings; results
 * carried by a shared link are shown as imported ones and stay in the hash while on screen.
 * Problems in a link are kept in the store for the notice.
 */
import { encodeSettings, decodeSettings } from '../../core/settings/url';
import type { SettingIssue } from '../../core/settings/codec';
import type { AppStore } from '../store/store';
import type { AppState } from '../store/types';
import { formatLinkView, splitLinkView } from './linkView';
import { decodeResults } from './resultsPayload';

export interface UrlSyncOptions {
  /** Called when a new link changes the settings while a sweep runs (the sweep is stopped). */
  onExternalChange?(): void;
}

/** The hash for this state: settings, then the view, then `res` when the results came from a link. */
export function hashFor(
  st: AppState,
  extra: { selected?: string[]; results?: string | null } = {},
): string {
  const view = formatLinkView({
    logY: st.logY,
    rawSharpness: st.rawSharpness,
    lecture: st.lecture,
    panels: st.panels,
    selected: extra.selected ?? [...st.selected],
    results: extra.results ?? null,
  });
  const settings = encodeSettings(st.settings);
  return `#${settings}${view ? `&${view}` : ''}`;
}

export function startUrlSync(store: AppStore, opts: UrlSyncOptions = {}): () => void {
  /** Cells named by the link that are not loaded yet (stored results arrive later). */
  let pendingSelection: string[] = [];
  /** The payload of the link's results while they are on screen. */
  let linkResults: string | null = null;

  const read = (): void => {
    const { settingsHash, view, issues: viewIssues } = splitLinkView(window.location.hash);
    const { settings, issues } = decodeSettings(settingsHash);
    const st = store.getState();
    if (encodeSettings(settings) !== encodeSettings(st.settings)) {
      opts.onExternalChange?.();
      st.replaceSettings(settings);
    }
    st.setLogY(view.logY);
    st.setRawSharpness(view.rawSharpness);
    st.setLecture(view.lecture);
    if (Object.keys(view.panels).length > 0) st.mergePanels(view.panels);
    const all: SettingIssue[] = [...issues, ...viewIssues];
    linkResults = null;
    if (view.results !== null) {
      // Records without J were computed with the link's data seed as their order.
      const decoded = decodeResults(view.results, settings.dataSeed);
      if (decoded.ok) {
        linkResults = view.results;
        store
          .getState()
          .setImported(
            { name: 'a shared link', rejected: null, source: 'link' },
            decoded.runs,
            decoded.columns,
          );
      } else all.push({ key: 'hash', message: `shared results not shown: ${decoded.error}` });
    }
    if (linkResults === null && store.getState().imported?.source === 'link') {
      // A new link without results: back to this browser's own (the services reload them).
      store.setState({ imported: null, resultsKey: null });
    }
    pendingSelection = view.selected;
    applySelection();
    store.getState().setUrlIssues(all);
    write();
  };

  const applySelection = (): void => {
    const st = store.getState();
    if (pendingSelection.length === 0 || Object.keys(st.runs).length === 0) return;
    const ids = pendingSelection.filter((id) => st.runs[id] !== undefined);
    pendingSelection = [];
    if (ids.length > 0) st.setSelection(ids);
  };

  const write = (): void => {
    const st = store.getState();
    if (st.imported?.source !== 'link') linkResults = null;
    const hash = hashFor(st, {
      selected: pendingSelection.length > 0 ? pendingSelection : [...st.selected],
      results: linkResults,
    });
    if (window.location.hash !== hash) {
      window.history.replaceState(window.history.state, '', hash);
    }
  };
  read();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.runs !== prev.runs) applySelection();
    if (
      s.settings !== prev.settings ||
      s.logY !== prev.logY ||
      s.rawSharpness !== prev.rawSharpness ||
      s.lecture !== prev.lecture ||
      s.panels !== prev.panels ||
      s.selected !== prev.selected ||
      s.imported !== prev.imported
    )
      write();
  });
  window.addEventListener('hashchange', read);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', read);
  };
}
