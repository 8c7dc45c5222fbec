/**
 * The app's one zustand store, in four slices: settings (what to run, mirrored in the URL),
 * sweep (what has been computed), selection (which cells are looked at) and ui (everything else).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createSelectionSlice } from './selectionSlice';
import { createSettingsSlice } from './settingsSlice';
import { createSweepSlice } from './sweepSlice';
import type { AppState } from './types';
import { createUiSlice } from './uiSlice';

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createSettingsSlice(...a),
    ...createSweepSlice(...a),
    ...createUiSlice(...a),
    ...createSelectionSlice(...a),
  }));
}

/** The store of this page (tests make their own with createAppStore). */
export const appStore = createAppStore();

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
