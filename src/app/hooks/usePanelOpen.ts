import { useCallback, useEffect } from 'react';
import { useServices } from '../services';
import { useApp } from '../store/store';

/**
 * A collapsible panel's open state, kept in the store under `id` so that a shared link carries
 * it (`open=` in the hash, src/app/sync/linkView.ts). A link's state wins over `fallback` (the
 * panel's own default: a media query, a remembered dismissal); a panel the link does not name
 * starts at `fallback` and registers it, so the next link names it too.
 */
export function usePanelOpen(id: string, fallback: boolean): [boolean, (open: boolean) => void] {
  const { store } = useServices();
  const known = useApp((s) => s.panels[id]);
  useEffect(() => {
    if (store.getState().panels[id] === undefined) store.getState().setPanelOpen(id, fallback);
    // Registered once; later changes of the fallback are the panel's own to apply.
  }, [store, id]);
  const setOpen = useCallback(
    (open: boolean) => store.getState().setPanelOpen(id, open),
    [store, id],
  );
  return [known ?? fallback, setOpen];
}
