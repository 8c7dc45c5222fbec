/**
 * Settings <-> the URL hash. The hash is read on load and on every `hashchange` (a pasted link);
 * settings are written back with `history.replaceState`, so editing a field adds no history
 * entry. Problems in a link are kept in the store for the notice.
 */
import { encodeSettings, decodeSettings } from '../../core/settings/url';
import type { AppStore } from '../store/store';

export interface UrlSyncOptions {
  /** Called when a new link changes the settings while a sweep runs (the sweep is stopped). */
  onExternalChange?(): void;
}

export function startUrlSync(store: AppStore, opts: UrlSyncOptions = {}): () => void {
  const read = (): void => {
    const { settings, issues } = decodeSettings(window.location.hash);
    const st = store.getState();
    if (encodeSettings(settings) !== encodeSettings(st.settings)) {
      opts.onExternalChange?.();
      st.replaceSettings(settings);
    }
    st.setUrlIssues(issues);
    write();
  };
  const write = (): void => {
    const hash = `#${encodeSettings(store.getState().settings)}`;
    if (window.location.hash !== hash) {
      window.history.replaceState(window.history.state, '', hash);
    }
  };
  read();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.settings !== prev.settings) write();
  });
  window.addEventListener('hashchange', read);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', read);
  };
}
